import type { Tier } from '../network/params.ts'
import { excuseStall, localStallMs } from '../telemetry/failure-detector.ts'

const HOUR_MS = 3_600_000

/** A tier's allowance in one window of the mesh: `limit` requests, `burst` of them at once and the rest at the tier's pace. */
export interface WindowLimit {
  limit: number
  burst: number
  windowMs: number
}

export function windowLimit (tier: Tier, windowMs: number): WindowLimit {
  const limit = Math.max(1, Math.floor(tier.requests_per_hour * windowMs / HOUR_MS))
  return { limit, burst: Math.min(limit, tier.burst), windowMs }
}

/** Windows are aligned to the epoch, so that every node counts the same window without talking. */
export function windowIndex (now: number, windowMs: number): number {
  return Math.floor(now / windowMs)
}

/** How many of a window's requests may have been admitted by `now`: the burst at once, the rest at the tier's pace. */
export function allowanceAt (l: WindowLimit, now: number): number {
  const start = windowIndex(now, l.windowMs) * l.windowMs
  return Math.min(l.limit, l.burst + Math.floor(l.limit * (now - start) / l.windowMs))
}

/** What the `X-RateLimit-*` headers say: the window's limit, what may be spent now, and when the window ends (ms). */
export interface Quota {
  limit: number
  remaining: number
  resetAt: number
}

/** Why a request is refused: `limit`, the tenant spent what the mesh allows by now; `share`, this node spent its share and waits for its peers' counts. */
export const RATE_LIMIT_REFUSALS = ['limit', 'share'] as const
export type RateLimitRefusal = typeof RATE_LIMIT_REFUSALS[number]

export type Verdict =
  | { admitted: true, quota: Quota }
  | { admitted: false, quota: Quota, retryAfterMs: number, reason: RateLimitRefusal }

/**
 * One node's own admissions of the subjects it served in one window, what it gossips: per
 * subject its count, and the count its share lets it reach before it reports again.
 */
export interface CounterReport {
  windowMs: number
  window: number
  /** When its node sent it: a later report's ceiling replaces an earlier one's (a share can shrink), whatever order they arrive in. */
  sentAt: number
  counts: Record<string, [count: number, ceiling: number]>
  /** Per peer, the `sentAt` of the latest report this node heard from it: a peer learns from it that this node knows its latest ceilings. */
  heard: Record<string, number>
}

/** A window's counts as persisted: this node's own, and the latest each peer reported. */
export interface WindowCounts {
  windowMs: number
  window: number
  own: Record<string, number>
  peers: Record<string, Record<string, [count: number, ceiling: number]>>
}

export interface LimiterOptions {
  /** How often nodes exchange their counts. */
  exchangeMs: number
  /** A peer whose counts of a subject are older than this (less this node's own stalls) no longer shares the subject's remaining requests. */
  staleAfterMs: number
  /** Subjects per report, so that a gossip message stays small. */
  maxReportSubjects: number
}

interface PeerCount { count: number, ceiling: number, sentAt: number, at: number }

/** What this node heard of a peer: the `sentAt` of its latest report, when it arrived, and the latest report of this node it had heard. */
interface PeerReports { sentAt: number, at: number, acked: number }

interface SubjectState {
  windowMs: number
  window: number
  own: number
  peers: Map<string, PeerCount>
  /** When this node began to count the subject in this window (or restarted). */
  since: number
  /** The share this node may admit, from `grantBase` of its own count, until it renews it. */
  grantBase: number
  grantSize: number
  grantAt: number
  /** The `sentAt` of this node's first report of the current share, once sent. */
  reportedAt: number | undefined
  /** The tier's limit as the last request saw it, for the refresh of the share at each exchange. */
  limit: WindowLimit | undefined
  /** A request was refused for want of a share since the last report: the peers must hear that this node serves the subject. */
  wanting: boolean
  /** Whether this node admitted a request of the subject since the last refresh. */
  busy: boolean
}

/**
 * Mesh-wide rate limits, with no I/O and no clock of its own. Each node counts what it admits
 * per subject (a tenant) in fixed windows aligned to the epoch, and exchanges its counts every
 * `exchangeMs`; the counts of one window are a G-counter (each node's count only grows, a
 * merge takes the larger), so any order or repetition of reports converges. A request is
 * admitted when the sum of every count known is below what the tier allows by now, and when
 * this node has not spent its share. A share is this node's part of what remains (what the
 * tier allows less every node's ceiling: its count, or what its own share lets it reach,
 * whichever is more) over the nodes serving the subject, rounded up. It is renewed only once
 * each of them sent a report after it had heard this node's report of the current share (each
 * report says which reports of its peers its node heard): a peer's ceiling this node counts is
 * then at most one renewal behind, a renewal made knowing this node's current ceiling, and
 * renewals that do not see each other each take only their part of what remains. (Hearing a
 * peer's report sent before it heard this node's share is not enough: that peer may renew on
 * this node's older ceiling while this node renews on its older one, twice over.) At each
 * exchange a share shrinks to the fair part, or to nothing when this node admitted nothing since
 * the last (`refresh`). A subject new to this node shares with every live node for two exchange
 * intervals and its first share is not renewed in that time: a node serving it may not have
 * been heard from yet. See the README's "Rate limits" for the bound this gives.
 */
export class MeshRateLimiter {
  private readonly self: string
  private readonly opts: LimiterOptions
  private readonly subjects = new Map<string, SubjectState>()
  private readonly peerReports = new Map<string, PeerReports>()
  /** When `refresh` last ran: one later than an exchange interval beyond it means this node was stalled. */
  private lastRefreshAt: number | undefined

  /** `self` is this node's id, as its peers name it in their reports' `heard`. */
  constructor (self: string, opts: LimiterOptions) {
    this.self = self
    this.opts = opts
  }

  /** Admits one request of `subject` or says why not; `liveNodes` counts the live member nodes, this one included. */
  admit (subject: string, l: WindowLimit, now: number, liveNodes: number): Verdict {
    const s = this.stateOf(subject, l.windowMs, now)
    s.limit = l
    const used = s.own + peerTotal(s)
    const allowed = allowanceAt(l, now)
    const resetAt = (s.window + 1) * l.windowMs
    const quota = (spent: number): Quota => ({ limit: l.limit, remaining: Math.max(0, allowed - spent), resetAt })
    if (used >= allowed) {
      // Past the limit: the next window; past the pace only: when the pace allows one more.
      const at = used >= l.limit ? resetAt : s.window * l.windowMs + Math.ceil((used + 1 - l.burst) * l.windowMs / l.limit)
      return { admitted: false, quota: quota(used), retryAfterMs: Math.max(1, at - now), reason: 'limit' }
    }
    if (s.own - s.grantBase >= s.grantSize) {
      if (this.renewable(s, now)) {
        s.grantBase = s.own
        s.grantSize = this.fairShare(s, allowed, now, liveNodes)
        s.grantAt = now
        s.reportedAt = undefined
      }
      if (s.own - s.grantBase >= s.grantSize) {
        s.wanting = true
        return { admitted: false, quota: quota(used), retryAfterMs: this.opts.exchangeMs, reason: 'share' }
      }
    }
    s.own++
    s.busy = true
    return { admitted: true, quota: quota(used + 1) }
  }

  /**
   * At each exchange, before the reports: a share larger than this node's fair part of what
   * remains now (a peer began to serve the subject, or reported more) shrinks to it, so that a
   * node that took the whole remaining while it served alone does not keep it from the others;
   * a node that admitted nothing since the last exchange gives its share back (its next request
   * renews one). Shrinking a share is always safe; only a renewal grows it. A stall of this
   * node since the last refresh is excused for good here: the peers' reports heard before it
   * count as heard that much later (never later than now).
   */
  refresh (now: number, liveNodes: number): void {
    const stallMs = this.stallMs(now)
    this.lastRefreshAt = now
    if (stallMs > 0) {
      for (const r of this.peerReports.values()) r.at = excuseStall(r.at, stallMs, now)
      for (const s of this.subjects.values()) for (const c of s.peers.values()) c.at = excuseStall(c.at, stallMs, now)
    }
    for (const s of this.subjects.values()) {
      const busy = s.busy
      s.busy = false
      if (s.limit === undefined || s.window !== windowIndex(now, s.windowMs) || this.active(s, now).length === 0) continue
      const fair = busy ? this.fairShare(s, allowanceAt(s.limit, now), now, liveNodes) : 0
      if (s.own + fair < s.grantBase + s.grantSize) {
        s.grantBase = s.own
        s.grantSize = fair
      }
    }
  }

  /** A peer's report: its counts only grow within a window, so the larger of two is the newer. */
  receive (from: string, report: CounterReport, now: number): void {
    if (report.window !== windowIndex(now, report.windowMs)) return
    const known = this.peerReports.get(from)
    this.peerReports.set(from, {
      sentAt: Math.max(report.sentAt, known?.sentAt ?? -Infinity),
      at: now,
      acked: Math.max(report.heard[this.self] ?? -Infinity, known?.acked ?? -Infinity)
    })
    for (const [subject, [count, ceiling]] of Object.entries(report.counts)) {
      const s = this.stateOf(subject, report.windowMs, now)
      const known = s.peers.get(from)
      const newer = known === undefined || report.sentAt >= known.sentAt
      s.peers.set(from, {
        count: Math.max(count, known?.count ?? 0),
        ceiling: newer ? ceiling : known.ceiling,
        sentAt: newer ? report.sentAt : known.sentAt,
        at: now
      })
    }
  }

  /** This node's counts of the current window, in reports of at most `maxReportSubjects` subjects. */
  reports (now: number): CounterReport[] {
    const heard: Record<string, number> = {}
    for (const [peer, r] of this.peerReports) {
      if (this.fresh(r.at, now)) heard[peer] = r.sentAt
      else this.peerReports.delete(peer)
    }
    const byWindow = new Map<string, CounterReport>()
    const out: CounterReport[] = []
    for (const [subject, s] of this.subjects) {
      if ((s.own === 0 && !s.wanting) || s.window !== windowIndex(now, s.windowMs)) continue
      s.wanting = false
      const key = `${s.windowMs}:${s.window}`
      let report = byWindow.get(key)
      if (report === undefined || Object.keys(report.counts).length >= this.opts.maxReportSubjects) {
        report = { windowMs: s.windowMs, window: s.window, sentAt: now, counts: {}, heard }
        byWindow.set(key, report)
        out.push(report)
      }
      report.counts[subject] = [s.own, Math.max(s.own, s.grantBase + s.grantSize)]
      s.reportedAt ??= now
    }
    return out
  }

  /** Forgets the subjects of windows that ended. */
  prune (now: number): void {
    for (const [subject, s] of this.subjects) if (s.window !== windowIndex(now, s.windowMs)) this.subjects.delete(subject)
  }

  /** The counts of the windows current at `now`, for the store. */
  counts (now: number): WindowCounts[] {
    const byWindow = new Map<string, WindowCounts>()
    for (const [subject, s] of this.subjects) {
      if (s.window !== windowIndex(now, s.windowMs)) continue
      const key = `${s.windowMs}:${s.window}`
      let w = byWindow.get(key)
      if (w === undefined) {
        w = { windowMs: s.windowMs, window: s.window, own: {}, peers: {} }
        byWindow.set(key, w)
      }
      if (s.own > 0) w.own[subject] = s.own
      for (const [peer, c] of s.peers) (w.peers[peer] ??= {})[subject] = [c.count, c.ceiling]
    }
    return [...byWindow.values()]
  }

  /**
   * Counts from the store after a restart: the window goes on where it was. The peers' counts
   * are as old as the store, so they share nothing until the peers report again, and this node
   * shares with every live node meanwhile.
   */
  restore (saved: WindowCounts, now: number): void {
    if (saved.window !== windowIndex(now, saved.windowMs)) return
    for (const [subject, count] of Object.entries(saved.own)) {
      const s = this.stateOf(subject, saved.windowMs, now)
      s.own = Math.max(s.own, count)
      s.grantBase = s.own
    }
    for (const [peer, counts] of Object.entries(saved.peers)) {
      for (const [subject, [count, ceiling]] of Object.entries(counts)) {
        const s = this.stateOf(subject, saved.windowMs, now)
        const known = s.peers.get(peer)
        s.peers.set(peer, { count: Math.max(count, known?.count ?? 0), ceiling: known?.ceiling ?? ceiling, sentAt: known?.sentAt ?? 0, at: known?.at ?? now - this.opts.staleAfterMs })
      }
    }
  }

  private stateOf (subject: string, windowMs: number, now: number): SubjectState {
    const window = windowIndex(now, windowMs)
    let s = this.subjects.get(subject)
    if (s === undefined || s.window !== window || s.windowMs !== windowMs) {
      s = { windowMs, window, own: 0, peers: new Map(), since: now, grantBase: 0, grantSize: 0, grantAt: -Infinity, reportedAt: undefined, limit: undefined, wanting: false, busy: false }
      this.subjects.set(subject, s)
    }
    return s
  }

  /** The peers serving the subject: they reported it lately (its count, or that they want a share). */
  private active (s: SubjectState, now: number): string[] {
    return [...s.peers].filter(([, c]) => this.fresh(c.at, now)).map(([peer]) => peer)
  }

  /** This node's part of what remains: the allowance less its own count and the peers' ceilings, over the nodes serving the subject, rounded up. */
  private fairShare (s: SubjectState, allowed: number, now: number, liveNodes: number): number {
    return Math.max(0, Math.ceil((allowed - s.own - this.peerCeilings(s, now)) / this.sharers(s, now, liveNodes)))
  }

  /** What the peers may have admitted: each one's ceiling while it reports, its count once it fell silent (its share lapsed). */
  private peerCeilings (s: SubjectState, now: number): number {
    let total = 0
    for (const c of s.peers.values()) total += this.fresh(c.at, now) ? Math.max(c.count, c.ceiling) : c.count
    return total
  }

  /**
   * Whether what this node heard at `at` still counts at `now`: the time it was stalled itself
   * (its event loop blocked, its process starved) is not the peer's silence, for the reports it
   * sent then merely waited unread (Lifeguard; see `forgiveLocalStall`). A stall not yet excused
   * by a refresh counts too, since a request may be admitted before the refresh runs. Counting
   * a peer's ceiling longer can only admit fewer, so excusing a stall never admits more.
   */
  private fresh (at: number, now: number): boolean {
    return now - excuseStall(at, this.stallMs(now), now) < this.opts.staleAfterMs
  }

  /** How long this node has been stalled since its last refresh (0 if it refreshed on time). */
  private stallMs (now: number): number {
    return localStallMs(this.lastRefreshAt, now, this.opts.exchangeMs)
  }

  private young (s: SubjectState, now: number): boolean {
    return now - s.since < 2 * this.opts.exchangeMs
  }

  private sharers (s: SubjectState, now: number, liveNodes: number): number {
    const serving = 1 + this.active(s, now).length
    return this.young(s, now) ? Math.max(serving, liveNodes) : serving
  }

  /** A share is renewed once every peer serving the subject reported after it heard this node's report of the share; a new subject keeps its first. */
  private renewable (s: SubjectState, now: number): boolean {
    if (this.young(s, now) && s.grantAt !== -Infinity) return false
    const reportedAt = s.reportedAt
    return this.active(s, now).every(peer => reportedAt !== undefined && (this.peerReports.get(peer)?.acked ?? -Infinity) >= reportedAt)
  }
}

function peerTotal (s: SubjectState): number {
  let total = 0
  for (const c of s.peers.values()) total += c.count
  return total
}
