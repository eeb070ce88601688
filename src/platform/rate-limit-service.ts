import { z } from 'zod'
import { decodeJson, encodeJson } from '../codec/json-bytes.ts'
import type { NodeComponents } from '../components.ts'
import { MeshError, errorMessage } from '../errors.ts'
import type { Startable } from '../lifecycle.ts'
import type { NetworkParams } from '../network/params.ts'
import { accept, ignore, reject, gossipValidator, type GossipVerdict } from '../p2p/gossip-validation.ts'
import type { Sublevel } from '../storage/database.ts'
import type { Tuning } from '../tuning.ts'
import { isAnonymous, type Principal } from './principal.ts'
import { MeshRateLimiter, windowIndex, windowLimit, type CounterReport, type Quota, type WindowCounts } from './rate-limiter.ts'

const Count = z.number().int().min(0).max(1e12)
const Subject = z.string().min(1).max(200)

/** One node's counts on the rate-limit topic. */
export const RateLimitReport = z.object({
  node: z.string().min(1).max(128),
  window_ms: z.number().int().min(1_000).max(86_400_000),
  window: z.number().int().min(0),
  sent_at: z.number().int().min(0),
  counts: z.record(Subject, z.tuple([Count, Count])).refine(c => Object.keys(c).length <= 5_000, 'too many subjects'),
  /** Per peer, the sent_at of the latest report its node heard from it. */
  heard: z.record(z.string().min(1).max(128), z.number().int().min(0)).refine(h => Object.keys(h).length <= 10_000, 'too many peers')
}).strict()

const SavedWindow = z.object({
  windowMs: z.number().int(),
  window: z.number().int(),
  own: z.record(z.string(), z.number()),
  peers: z.record(z.string(), z.record(z.string(), z.tuple([z.number(), z.number()])))
}).strict()

export type RateLimitGossipReason = 'malformed' | 'spoofed_author' | 'not_member' | 'other_window'

export interface RateLimitGossipContext {
  signer: string
  now: number
  windowMs: number
  isMember: (peerId: string) => boolean
}

/** The rate-limit topic's validator: a node reports only its own counts, only members count, and only the window in force now. */
export function validateRateLimitReport (bytes: Uint8Array, ctx: RateLimitGossipContext): GossipVerdict<CounterReport, RateLimitGossipReason> {
  const r = decodeJson(bytes, RateLimitReport)
  if (r === undefined) return reject('malformed')
  if (r.node !== ctx.signer) return reject('spoofed_author')
  // Membership and the window are replicated state an honest relay may see differently for a moment.
  if (!ctx.isMember(r.node)) return ignore('not_member')
  if (r.window_ms !== ctx.windowMs || r.window !== windowIndex(ctx.now, ctx.windowMs)) return ignore('other_window')
  return accept({ windowMs: r.window_ms, window: r.window, sentAt: r.sent_at, counts: r.counts, heard: r.heard })
}

export interface RateLimitComponents extends Pick<NodeComponents, 'libp2p' | 'clock' | 'log' | 'metrics' | 'selfId'> {
  store: Sublevel<WindowCounts>
  params: () => NetworkParams
  isMember: (peerId: string) => boolean
  /** The live member nodes, this one included. */
  liveNodes: () => number
}

export type RateLimitInit = Tuning['rateLimit'] & { topic: string }

/**
 * Holds every tenant to its tier's rate limit across the mesh (see MeshRateLimiter): admits
 * the node's routed requests, gossips its counts every exchange interval on the rate-limit
 * topic, and saves them in level, so that a restarted node goes on with its window.
 */
export class RateLimitService implements Startable {
  private readonly c: RateLimitComponents
  private readonly opts: RateLimitInit
  private readonly limiter: MeshRateLimiter
  private timer: NodeJS.Timeout | undefined
  private dirty = false
  /** The keys of the windows saved, so that a window's key is deleted once it ended. */
  private saved = new Set<string>()
  private saving: Promise<void> = Promise.resolve()

  constructor (components: RateLimitComponents, opts: RateLimitInit) {
    this.c = components
    this.opts = opts
    this.limiter = new MeshRateLimiter(components.selfId, opts)
  }

  /** Loads the saved counts of the current window, and forgets the others. */
  async open (): Promise<void> {
    const now = this.c.clock.now()
    for await (const [key, value] of this.c.store.iterator()) {
      const saved = SavedWindow.safeParse(value)
      if (saved.success && saved.data.window === windowIndex(now, saved.data.windowMs)) {
        this.limiter.restore(saved.data, now)
        this.saved.add(key)
      } else await this.c.store.del(key)
    }
  }

  async start (): Promise<void> {
    const pubsub = this.c.libp2p.services.pubsub
    pubsub.topicValidators.set(this.opts.topic, gossipValidator({
      topic: this.opts.topic,
      validate: validateRateLimitReport,
      context: signer => ({ signer: signer.toString(), now: this.c.clock.now(), windowMs: this.c.params().rate_limit_window_ms, isMember: this.c.isMember }),
      handle: (report, signer) => {
        this.limiter.receive(signer.toString(), report, this.c.clock.now())
        this.dirty = true
      }
    }, this.c))
    pubsub.subscribe(this.opts.topic)
    this.timer = setInterval(() => { this.tick() }, this.opts.exchangeMs)
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    const pubsub = this.c.libp2p.services.pubsub
    pubsub.topicValidators.delete(this.opts.topic)
    pubsub.unsubscribe(this.opts.topic)
    this.dirty = true
    this.save()
    await this.saving
  }

  /**
   * Admits one routed request of `principal`, or throws RATE_LIMIT_ERROR (429) with
   * `retry_after` in seconds. Returns the quota for the response headers; null when the
   * principal is not limited (anonymous, unless rate_limit_anonymous).
   */
  admit (principal: Principal): Quota | null {
    const params = this.c.params()
    if (isAnonymous(principal) && !params.rate_limit_anonymous) return null
    const tier = params.tiers[principal.tier]
    if (tier === undefined) throw new MeshError('AUTHORIZATION_ERROR', `tier ${principal.tier} is not a tier of this network`, { tier: principal.tier })
    const now = this.c.clock.now()
    const verdict = this.limiter.admit(principal.tenantId, windowLimit(tier, params.rate_limit_window_ms), now, this.c.liveNodes())
    if (verdict.admitted) {
      this.dirty = true
      return verdict.quota
    }
    this.c.metrics.rateLimitRefused(verdict.reason)
    const retryAfter = Math.ceil(verdict.retryAfterMs / 1000)
    const why = verdict.reason === 'limit' ? `rate limit of tier ${principal.tier} exceeded` : 'this node spent its share of the rate limit until it hears from its peers'
    throw new MeshError('RATE_LIMIT_ERROR', `${why}: retry in ${retryAfter} s`, {
      retry_after: retryAfter,
      reason: verdict.reason,
      limit: verdict.quota.limit,
      remaining: verdict.quota.remaining,
      reset: Math.ceil(verdict.quota.resetAt / 1000)
    })
  }

  private tick (): void {
    const now = this.c.clock.now()
    this.limiter.prune(now)
    this.limiter.refresh(now, this.c.liveNodes())
    for (const report of this.limiter.reports(now)) {
      const message = { node: this.c.selfId, window_ms: report.windowMs, window: report.window, sent_at: report.sentAt, counts: report.counts, heard: report.heard }
      this.c.libp2p.services.pubsub.publish(this.opts.topic, encodeJson(message))
        .then(() => { this.c.metrics.gossip(this.opts.topic, 'published') })
        .catch((err: unknown) => { this.c.log.debug({ err: errorMessage(err) }, 'rate-limit counts not sent') })
    }
    this.save()
  }

  /** Saves the counts of the current windows, one save at a time; a crash loses at most one exchange interval of them. */
  private save (): void {
    if (!this.dirty) return
    this.dirty = false
    const windows = this.limiter.counts(this.c.clock.now())
    const keys = new Set(windows.map(w => `${w.windowMs}:${w.window}`))
    const ended = [...this.saved].filter(k => !keys.has(k))
    this.saved = keys
    this.saving = this.saving.then(async () => {
      await this.c.store.batch([
        ...windows.map(w => ({ type: 'put' as const, key: `${w.windowMs}:${w.window}`, value: w })),
        ...ended.map(key => ({ type: 'del' as const, key }))
      ])
    }).catch((err: unknown) => { this.c.log.warn({ err: errorMessage(err) }, 'rate-limit counts not saved') })
  }
}
