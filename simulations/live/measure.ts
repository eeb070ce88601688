/**
 * Figures of a live run, computed afterwards from what the nodes observed (snapshot receipts,
 * peer state changes) and from the run's own timeline (who ran, who could reach whom). Pure:
 * the same logs give the same figures.
 */
import type { PeerState } from '../../src/telemetry/failure-detector.ts'
import { median, summarize } from '../../src/stats.ts'
import type { Convergence, DetectionRecord, RequestFigures } from '../result.ts'

export interface Receipt { observer: number, author: number, publishedAt: number, receivedAt: number }
export interface StateChange { observer: number, peer: number, to: PeerState, at: number }

/** Who ran and who could reach whom, from `at` until the next entry. */
export interface TopologyEntry {
  at: number
  running: ReadonlySet<number>
  /** Partition group of each node; absent: no partition. */
  group: ReadonlyMap<number, number> | undefined
}

export class Timeline {
  private readonly entries: TopologyEntry[] = []

  record (entry: TopologyEntry): void {
    this.entries.push(entry)
  }

  at (t: number): TopologyEntry | undefined {
    let found: TopologyEntry | undefined
    for (const e of this.entries) {
      if (e.at > t) break
      found = e
    }
    return found
  }

  /** The times at which the topology changed, after `from` and up to `to`. */
  changesIn (from: number, to: number): number[] {
    return this.entries.map(e => e.at).filter(t => t > from && t <= to)
  }
}

export function reachable (e: TopologyEntry, a: number, b: number): boolean {
  if (!e.running.has(a) || !e.running.has(b)) return false
  return e.group === undefined || e.group.get(a) === e.group.get(b)
}

/** A node that joined this recently has not been given time to hear everyone; not counted yet. */
const SETTLE_MS = 3_000

/**
 * Share of (observer, author) pairs, both running, mutually reachable and settled, where the
 * observer holds the author's latest snapshot; and for each snapshot published while nothing
 * changed, the time until the last such observer held it.
 */
export function convergence (receipts: readonly Receipt[], timeline: Timeline, startedAt: Map<number, number[]>, span: { from: number, to: number }, sampleEveryMs: number): Convergence & { missed: number } {
  // Publications per author (known from any receipt), ascending; receipts by publication; and
  // per (observer, author) the receipt times in order with the newest publication held by then.
  const published = new Map<number, Set<number>>()
  const receivedBy = new Map<string, Map<number, number>>()
  const byPair = new Map<string, Receipt[]>()
  for (const r of receipts) {
    published.set(r.author, (published.get(r.author) ?? new Set()).add(r.publishedAt))
    const key = `${r.author}:${r.publishedAt}`
    receivedBy.set(key, (receivedBy.get(key) ?? new Map<number, number>()).set(r.observer, r.receivedAt))
    const pair = `${r.observer}:${r.author}`
    const list = byPair.get(pair)
    if (list === undefined) byPair.set(pair, [r])
    else list.push(r)
  }
  const publications = new Map([...published].map(([author, set]) => [author, [...set].sort((a, b) => a - b)]))
  const held = new Map<string, { at: number[], newest: number[] }>()
  for (const [pair, list] of byPair) {
    list.sort((a, b) => a.receivedAt - b.receivedAt)
    let newest = -Infinity
    held.set(pair, { at: list.map(r => r.receivedAt), newest: list.map(r => (newest = Math.max(newest, r.publishedAt))) })
  }

  const settled = (node: number, t: number): boolean => {
    const starts = startedAt.get(node) ?? []
    const last = starts.filter(s => s <= t).pop()
    return last !== undefined && t - last >= SETTLE_MS
  }

  const samples: Array<{ at_ms: number, share: number }> = []
  for (let t = span.from; t <= span.to; t += sampleEveryMs) {
    const topo = timeline.at(t)
    if (topo === undefined) continue
    let pairs = 0
    let holding = 0
    for (const o of topo.running) {
      if (!settled(o, t)) continue
      for (const a of topo.running) {
        if (a === o || !settled(a, t) || !reachable(topo, o, a)) continue
        pairs++
        const pubs = publications.get(a) ?? []
        const latest = pubs[lastAtOrBefore(pubs, t)]
        if (latest === undefined) continue
        const h = held.get(`${o}:${a}`)
        const newest = h === undefined ? undefined : h.newest[lastAtOrBefore(h.at, t)]
        if (newest !== undefined && newest >= latest) holding++
      }
    }
    if (pairs > 0) samples.push({ at_ms: t - span.from, share: holding / pairs })
  }

  // Convergence time of each snapshot, over the observers that were settled, reachable and
  // still so when it was due everywhere: a node that crashed or was cut off meanwhile is no
  // evidence against gossip.
  const times: number[] = []
  let missed = 0
  const QUIET_MS = 2_000
  for (const [author, pubs] of publications) {
    for (const p of pubs) {
      if (p < span.from || p > span.to - QUIET_MS) continue
      const topo = timeline.at(p)
      if (topo === undefined) continue
      const later = timeline.changesIn(p, p + QUIET_MS).map(t => timeline.at(t)).filter(e => e !== undefined)
      const observers = [...topo.running].filter(o => o !== author && settled(o, p) && reachable(topo, o, author) && later.every(e => reachable(e, o, author)))
      if (observers.length === 0) continue
      const got = receivedBy.get(`${author}:${p}`) ?? new Map<number, number>()
      if (observers.some(o => !got.has(o))) {
        missed++
        continue
      }
      times.push(Math.max(...observers.map(o => (got.get(o) as number) - p)))
    }
  }
  return { samples, times_ms: times.length === 0 ? null : summarize(times), missed }
}

/** Index of the last value <= t in an ascending array; -1 when there is none. */
function lastAtOrBefore (sorted: readonly number[], t: number): number {
  let lo = 0
  let hi = sorted.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if ((sorted[mid] as number) <= t) lo = mid + 1
    else hi = mid - 1
  }
  return hi
}

export interface Fault { node: number, cause: DetectionRecord['cause'], at: number, until: number, observers: number[] }

/** For each fault: when its observers first saw the node suspect (or down), and when all saw it down. */
export function detection (faults: readonly Fault[], changes: readonly StateChange[], origin: number): DetectionRecord[] {
  return faults.map(f => {
    const firstSuspect: number[] = []
    const firstDown: number[] = []
    for (const o of f.observers) {
      const mine = changes.filter(c => c.observer === o && c.peer === f.node && c.at >= f.at && c.at <= f.until)
      const s = mine.find(c => c.to === 'suspect' || c.to === 'down')
      const d = mine.find(c => c.to === 'down')
      if (s !== undefined) firstSuspect.push(s.at - f.at)
      if (d !== undefined) firstDown.push(d.at - f.at)
    }
    return {
      node: f.node,
      cause: f.cause,
      at_ms: f.at - origin,
      suspect_median_ms: firstSuspect.length === 0 ? null : median(firstSuspect),
      all_down_ms: f.observers.length > 0 && firstDown.length === f.observers.length ? Math.max(...firstDown) : null,
      observers: f.observers.length
    }
  })
}

export interface RequestSample { at: number, latencyMs: number, ok: boolean, servedBy: number | undefined }

const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000]

export function requestFigures (samples: readonly RequestSample[]): RequestFigures | null {
  if (samples.length === 0) return null
  const errors = samples.filter(s => !s.ok).length
  const histogram: RequestFigures['histogram'] = [...BUCKETS_MS.map(le => ({ le_ms: le as number | null, count: 0 })), { le_ms: null, count: 0 }]
  for (const s of samples) {
    const bucket = histogram.find(b => b.le_ms === null || s.latencyMs <= b.le_ms)
    if (bucket !== undefined) bucket.count++
  }
  const served = new Map<number, number>()
  for (const s of samples) if (s.servedBy !== undefined && s.ok) served.set(s.servedBy, (served.get(s.servedBy) ?? 0) + 1)
  return {
    total: samples.length,
    errors,
    error_rate: errors / samples.length,
    latency_ms: summarize(samples.map(s => s.latencyMs)),
    histogram,
    served_by: [...served.entries()].sort((a, b) => a[0] - b[0]).map(([node, count]) => ({ node, count }))
  }
}
