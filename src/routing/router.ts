import type { Stream } from '@libp2p/interface'
import type { Clock } from '../clock.ts'
import { MeshError, errorMessage, type ErrorCode } from '../errors.ts'
import type { Logger } from '../logging.ts'
import type { PeerSnapshot } from '../telemetry/peer-table.ts'
import { CircuitBreaker, type BreakerConfig } from './circuit-breaker.ts'
import { LatencyEwma } from './latency-ewma.ts'
import type { LocalServices } from './local-services.ts'
import type { UpstreamResponse } from './upstream-client.ts'
import { BODY_FRAME_BYTES, RouteStream, forwardableHeaders, type RouteReply } from './route-protocol.ts'
import type { RequestBody } from './request-body.ts'
import { RetryBudget, type RetryBudgetOptions } from './retry-budget.ts'
import { RouteStreamPool } from './stream-pool.ts'
import { Selector, capacityWeight, type PeerCandidate, type Selection, type StrategyName } from './strategies.ts'
import type { UsageEvent } from './usage.ts'

export interface RouteRequest {
  service: string
  method: string
  /** Path and query under the service, starting with '/'. */
  path: string
  headers: Array<[string, string]>
  /** Streamed unless small; a streamed body that a peer has begun to read cannot go to another. */
  body: RequestBody
  user: string
  /** Aborted when the client goes away. */
  signal: AbortSignal
}

export interface RouteResult {
  status: number
  headers: Array<[string, string]>
  body: ReadableStream<Uint8Array>
  servedBy: string
  attempts: number
}

export interface RouterOptions {
  requestTimeoutMs: number
  maxRequestBytes: number
  maxResponseBytes: number
  maxAttempts: number
  strategy: StrategyName
  /** Weights by peer id for weighted_round_robin; others weigh their advertised capacity, bounded (capacityWeight). */
  weights: Record<string, number>
  breaker: BreakerConfig
  retryBudget: RetryBudgetOptions
  /** Decay time of each peer's latency EWMA. */
  latencyDecayMs: number
  /** Failures kept for the failover status. */
  recentFailures: number
  /** Idle route streams kept per peer for reuse. */
  idleStreamsPerPeer: number
  /** Route streams open at once to one peer; past it the request tries another peer. */
  maxStreamsPerPeer: number
  /** An idle route stream is closed after this long. */
  callerIdleMs: number
  /** A graceful close of a route stream waits this long for the peer before it resets. */
  closeTimeoutMs: number
}

export interface RouterComponents {
  /** Opens a route-protocol stream to a peer; the router reuses it for later requests. */
  openStream: (peerId: string, signal: AbortSignal) => Promise<Stream>
  selfId: string
  peers: () => PeerSnapshot[]
  /** This node's load as its peers see it in its telemetry, so that it competes on equal terms. */
  ownLoad: () => PeerCandidate['load']
  services: LocalServices
  clock: Clock
  random: () => number
  log: Logger
  onUsage: (event: UsageEvent) => void
}

export interface PeerRouteStats {
  inFlight: number
  selections: number
  errors: number
  latency: LatencyEwma
}

export interface Drain { reason: string, since: number, force: boolean }

export interface RecentFailure { peerId: string, service: string, at: number, error: string }

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])
/** Gateway errors from an upstream are worth another peer, for requests safe to repeat. */
const RETRYABLE_STATUS = new Set([502, 503, 504])

type Attempt =
  | { ok: true, result: Omit<RouteResult, 'attempts'> }
  | { ok: false, reached: boolean, error: MeshError }

/**
 * The data plane: picks the best peer offering a service, forwards the request over the route
 * protocol (or calls the local upstream when the best peer is this node), and fails over to
 * another peer when that is safe: always when nothing reached the upstream, and for
 * idempotent methods otherwise, within a retry budget.
 */
export class Router {
  private readonly c: RouterComponents
  private readonly opts: RouterOptions
  private readonly selectors = new Map<string, Selector>()
  private readonly breakers = new Map<string, CircuitBreaker>()
  private readonly stats = new Map<string, PeerRouteStats>()
  private readonly drains = new Map<string, Drain>()
  private readonly inFlightAborts = new Map<string, Set<AbortController>>()
  private readonly budget: RetryBudget
  private readonly failures: RecentFailure[] = []
  private readonly pool: RouteStreamPool

  constructor (components: RouterComponents, opts: RouterOptions) {
    this.c = components
    this.opts = { ...opts, weights: { ...opts.weights } }
    this.budget = new RetryBudget(opts.retryBudget)
    this.pool = new RouteStreamPool(async (peerId, signal) => new RouteStream(await components.openStream(peerId, signal)),
      { maxIdlePerPeer: opts.idleStreamsPerPeer, maxOpenPerPeer: opts.maxStreamsPerPeer, idleMs: opts.callerIdleMs, closeTimeoutMs: opts.closeTimeoutMs })
  }

  get strategy (): StrategyName {
    return this.opts.strategy
  }

  get weights (): Record<string, number> {
    return { ...this.opts.weights }
  }

  configure (change: { strategy?: StrategyName, weights?: Record<string, number> }): void {
    if (change.strategy !== undefined) {
      this.opts.strategy = change.strategy
      for (const s of this.selectors.values()) s.setStrategy(change.strategy)
    }
    if (change.weights !== undefined) this.opts.weights = { ...change.weights }
  }

  /** Every service the peers advertise, with the peers that advertise it (this node's own: LocalServices). */
  peerServices (): Map<string, PeerSnapshot[]> {
    const map = new Map<string, PeerSnapshot[]>()
    for (const p of this.c.peers()) {
      for (const s of p.snapshot.services) map.set(s.name, [...(map.get(s.name) ?? []), p])
    }
    return map
  }

  /** The peers that could serve `service` now, as the strategies see them. */
  candidates (service: string): PeerCandidate[] {
    const now = this.c.clock.now()
    const list: PeerCandidate[] = []
    const add = (peerId: string, capacity: number, load: PeerCandidate['load']): void => {
      if (this.drains.has(peerId) || this.breaker(peerId, service).state(now) === 'open') return
      const stats = this.statsOf(peerId)
      list.push({
        peerId,
        capacity,
        weight: this.opts.weights[peerId] ?? capacityWeight(capacity),
        inFlight: stats.inFlight,
        latencyMs: stats.latency.value(now),
        load
      })
    }
    for (const p of this.c.peers()) {
      const offer = p.snapshot.services.find(s => s.name === service)
      if (offer !== undefined && p.state === 'healthy') add(p.peerId, offer.capacity, { cpu: p.snapshot.cpu, activeRequests: p.snapshot.requests.active })
    }
    const local = this.c.services.offers().find(s => s.name === service)
    if (local !== undefined) add(this.c.selfId, local.capacity, this.c.ownLoad())
    return list
  }

  isKnown (service: string): boolean {
    return this.c.services.has(service) || this.peerServices().has(service)
  }

  /** What the strategy would pick now, without forwarding. */
  select (service: string): { selection: Selection, candidate: PeerCandidate } | undefined {
    const candidates = this.candidates(service)
    const selection = this.selector(service).pick(candidates, this.c.random)
    const candidate = candidates.find(c => c.peerId === selection?.peerId)
    return selection === undefined || candidate === undefined ? undefined : { selection, candidate }
  }

  /**
   * Refuses a request before its body is read: 404 for a service nobody offers, 503 (metered
   * as a failed request of `user`) when no peer can take it now.
   */
  admit (service: string, user: string): void {
    if (!this.isKnown(service)) throw new MeshError('NOT_FOUND', `no peer of the mesh offers service ${service}`, { service })
    if (this.candidates(service).length > 0) return
    const error = new MeshError('UNAVAILABLE', `no peer is available for service ${service}`, { service })
    const at = this.c.clock.now()
    this.c.onUsage({ user, service, peerId: '', requestBytes: 0, responseBytes: 0, durationMs: 0, status: error.status, at })
    throw error
  }

  async forward (req: RouteRequest): Promise<RouteResult> {
    if (!this.isKnown(req.service)) throw new MeshError('NOT_FOUND', `no peer of the mesh offers service ${req.service}`, { service: req.service })
    const now = this.c.clock.now()
    this.budget.recordRequest(now)
    const tried = new Set<string>()
    let last: MeshError | undefined
    for (let attempt = 1; attempt <= this.opts.maxAttempts; attempt++) {
      const candidates = this.candidates(req.service).filter(c => !tried.has(c.peerId))
      const selection = this.selector(req.service).pick(candidates, this.c.random)
      if (selection === undefined) break
      tried.add(selection.peerId)
      if (attempt > 1 && !this.budget.tryAcquire(this.c.clock.now())) {
        last = new MeshError('UPSTREAM_ERROR', `retry budget exhausted after: ${last?.message ?? 'a failure'}`)
        break
      }
      const outcome = await this.attempt(selection.peerId, req).finally(() => { if (attempt > 1) this.budget.release() })
      if (outcome.ok) return this.metered(req, now, { ...outcome.result, attempts: attempt })
      last = outcome.error
      this.recordFailure(selection.peerId, req.service, outcome.error.message)
      if (req.signal.aborted) break
      if (outcome.reached && !IDEMPOTENT.has(req.method)) break
      // A body that a peer began to read is gone (it streamed), and one too large is too large everywhere.
      if (!req.body.replayable || outcome.error.code === 'PAYLOAD_TOO_LARGE') break
    }
    const error = last ?? new MeshError('UNAVAILABLE', `no peer is available for service ${req.service}`, { service: req.service })
    this.c.onUsage({ user: req.user, service: req.service, peerId: '', requestBytes: req.body.bytesRead, responseBytes: 0, durationMs: this.c.clock.now() - now, status: error.status, at: this.c.clock.now() })
    throw error
  }

  /** One usage event per routed request, once its response body has been sent or failed. */
  private metered (req: RouteRequest, started: number, result: RouteResult): RouteResult {
    let bytes = 0
    const body = observeBody(result.body, {
      onChunk: chunk => { bytes += chunk.byteLength },
      onEnd: () => {
        const at = this.c.clock.now()
        this.c.onUsage({ user: req.user, service: req.service, peerId: result.servedBy, requestBytes: req.body.bytesRead, responseBytes: bytes, durationMs: at - started, status: result.status, at })
      }
    })
    return { ...result, body }
  }

  drain (peerId: string, reason: string, force: boolean): Drain {
    const drain = { reason, since: this.c.clock.now(), force }
    this.drains.set(peerId, drain)
    if (force) for (const ctl of this.inFlightAborts.get(peerId) ?? []) ctl.abort(new Error(`peer drained: ${reason}`))
    return drain
  }

  undrain (peerId: string): boolean {
    return this.drains.delete(peerId)
  }

  drained (): Map<string, Drain> {
    return new Map(this.drains)
  }

  recentFailures (): RecentFailure[] {
    return [...this.failures]
  }

  peerStats (): Map<string, PeerRouteStats> {
    return this.stats
  }

  breakerStates (): Array<{ peerId: string, service: string, breaker: CircuitBreaker }> {
    return [...this.breakers].map(([key, breaker]) => {
      const [peerId = '', service = ''] = key.split('\n')
      return { peerId, service, breaker }
    })
  }

  retryBudget (): RetryBudget {
    return this.budget
  }

  private async attempt (peerId: string, req: RouteRequest): Promise<Attempt> {
    if (peerId !== this.c.selfId && this.pool.atLimit(peerId)) {
      return { ok: false, reached: false, error: new MeshError('UNAVAILABLE', `${this.opts.maxStreamsPerPeer} requests to ${peerId} are in flight already`) }
    }
    const breaker = this.breaker(peerId, req.service)
    const started = this.c.clock.now()
    if (!breaker.tryAcquire(started)) return { ok: false, reached: false, error: new MeshError('UNAVAILABLE', `circuit breaker of ${peerId} is open`) }
    const stats = this.statsOf(peerId)
    stats.selections++
    stats.inFlight++
    const ctl = new AbortController()
    const aborts = this.inFlightAborts.get(peerId) ?? new Set()
    aborts.add(ctl)
    this.inFlightAborts.set(peerId, aborts)
    const timeout = AbortSignal.timeout(this.opts.requestTimeoutMs)
    const signal = AbortSignal.any([req.signal, ctl.signal, timeout])
    let settled = false
    // A body that fails or is cancelled half-way still settles the attempt.
    const onAbort = (): void => { finish(false) }
    const finish = (ok: boolean, clientFault = false): void => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      stats.inFlight--
      aborts.delete(ctl)
      // A client that went away or sent too much, or a drain by hand, says nothing about the peer: no verdict.
      if (ok) breaker.onSuccess(this.c.clock.now())
      else if (clientFault || (!timeout.aborted && (req.signal.aborted || ctl.signal.aborted))) breaker.release()
      else { breaker.onFailure(this.c.clock.now()); stats.errors++ }
    }
    try {
      const head = peerId === this.c.selfId ? await this.callLocal(req, signal) : await this.callRemote(peerId, req, signal)
      stats.latency.observe(this.c.clock.now() - started, this.c.clock.now())
      if (RETRYABLE_STATUS.has(head.status) && IDEMPOTENT.has(req.method)) {
        await head.body.cancel()
        finish(false)
        return { ok: false, reached: true, error: new MeshError('UPSTREAM_ERROR', `peer ${peerId} answered ${head.status}`) }
      }
      const upstreamFailed = head.status >= 500
      const body = observeBody(head.body, { onEnd: complete => { finish(complete && !upstreamFailed) } })
      signal.addEventListener('abort', onAbort, { once: true })
      return { ok: true, result: { status: head.status, headers: head.headers, body, servedBy: peerId } }
    } catch (err) {
      const reached = !(err instanceof NotReachedError)
      const cause = err instanceof NotReachedError ? err.cause : err
      const error = timeout.aborted
        ? new MeshError('TIMEOUT', `peer ${peerId} did not answer within ${this.opts.requestTimeoutMs} ms`)
        : cause instanceof MeshError ? cause : new MeshError('UPSTREAM_ERROR', `peer ${peerId} failed: ${errorMessage(cause)}`)
      finish(false, error.code === 'PAYLOAD_TOO_LARGE')
      return { ok: false, reached, error }
    }
  }

  private async callLocal (req: RouteRequest, signal: AbortSignal): Promise<Omit<RouteResult, 'attempts' | 'servedBy'>> {
    let res: UpstreamResponse
    try {
      const body = req.body.whole ?? req.body.chunks()
      res = await this.c.services.call(req.service, { method: req.method, path: req.path, headers: forwardableHeaders(req.headers), body, bodyBytes: req.body.declaredBytes }, signal)
    } catch (err) {
      // The connection was refused: no byte was sent.
      if ((err as { code?: string }).code === 'ECONNREFUSED') throw new NotReachedError(err)
      throw err
    }
    return { status: res.status, headers: forwardableHeaders(res.headers), body: ReadableStream.from(res.body) }
  }

  private async callRemote (peerId: string, req: RouteRequest, signal: AbortSignal): Promise<Omit<RouteResult, 'attempts' | 'servedBy'>> {
    let route: RouteStream | undefined
    let accepted = false
    // Cancelling the request resets the stream; the listener goes once the stream is done.
    let detach = (): void => {}
    // An exchange that does not end cleanly resets its stream, which is then never reused.
    const discard = (reason: unknown): void => {
      detach()
      if (route !== undefined) this.pool.discard(peerId, route, reason instanceof Error ? reason : new Error(String(reason)))
    }
    // Why sending the body failed (the client went away, sent too much, or the stream broke): that is the request's failure.
    let bodyError: unknown
    let bodySent = true
    try {
      const r = await this.pool.acquire(peerId, signal)
      route = r
      const onAbort = (): void => { r.stream.abort(new Error('request cancelled')) }
      signal.addEventListener('abort', onAbort, { once: true })
      detach = () => { signal.removeEventListener('abort', onAbort) }
      const whole = req.body.whole
      const inline = whole !== undefined && whole.byteLength <= BODY_FRAME_BYTES
      const head = { service: req.service, method: req.method, path: req.path, headers: forwardableHeaders(req.headers), bodyBytes: whole?.byteLength ?? req.body.declaredBytes ?? null }
      if (inline) await r.writeSmallRequest(head, whole, signal)
      else await r.writeJson(head, signal)
      const first = await r.readReply(signal)
      if (first.kind === 'error') {
        const e = new MeshError(replyErrorCode(first.code), `peer ${peerId}: ${first.message}`)
        if (!first.reachedUpstream) throw new NotReachedError(e)
        throw e
      }
      if (first.kind !== 'accepted') throw new Error(`unexpected ${first.kind} before accepted`)
      accepted = true
      if (!inline) {
        // Accepted: the body streams now, while the answer may already come back.
        bodySent = false
        r.writeBody(req.body.chunks(), signal).then(() => { bodySent = true }, (err: unknown) => {
          bodyError = err
          discard(err)
        })
      }
      const reply = await r.readReply(signal).catch((err: unknown) => { throw bodyError ?? err })
      if (reply.kind === 'error') throw new MeshError(replyErrorCode(reply.code), `peer ${peerId}: ${reply.message}`)
      if (reply.kind !== 'response') throw new Error(`unexpected ${reply.kind} reply`)
      const frames = r.readBody(this.opts.maxResponseBytes, signal)
      const body = new ReadableStream<Uint8Array>({
        pull: async controller => {
          const next = await frames.next().catch((err: unknown) => {
            discard(err)
            throw bodyError ?? err
          })
          if (next.done === true) {
            // A peer whose upstream answered before it read the whole body leaves the stream unfit for another request.
            if (bodySent) {
              detach()
              this.pool.release(peerId, r)
            } else {
              discard(new Error('the upstream answered before it read the whole request body'))
            }
            controller.close()
          } else {
            controller.enqueue(next.value)
          }
        },
        cancel: () => { discard(new Error('response cancelled')) }
      })
      return { status: reply.status, headers: reply.headers, body }
    } catch (err) {
      discard(err)
      if (!accepted && !(err instanceof MeshError)) throw new NotReachedError(err)
      throw err
    }
  }

  private recordFailure (peerId: string, service: string, error: string): void {
    this.failures.push({ peerId, service, at: this.c.clock.now(), error })
    if (this.failures.length > this.opts.recentFailures) this.failures.shift()
    this.c.log.debug({ peer: peerId, service, error }, 'route attempt failed')
  }

  private selector (service: string): Selector {
    let s = this.selectors.get(service)
    if (s === undefined) {
      s = new Selector(this.opts.strategy)
      this.selectors.set(service, s)
    }
    return s
  }

  private breaker (peerId: string, service: string): CircuitBreaker {
    const key = `${peerId}\n${service}`
    let b = this.breakers.get(key)
    if (b === undefined) {
      b = new CircuitBreaker(this.opts.breaker)
      this.breakers.set(key, b)
    }
    return b
  }

  private statsOf (peerId: string): PeerRouteStats {
    let s = this.stats.get(peerId)
    if (s === undefined) {
      s = { inFlight: 0, selections: 0, errors: 0, latency: new LatencyEwma({ decayMs: this.opts.latencyDecayMs }) }
      this.stats.set(peerId, s)
    }
    return s
  }
}

/** The API's error code for a peer's `error` reply. */
function replyErrorCode (code: Extract<RouteReply, { kind: 'error' }>['code']): ErrorCode {
  switch (code) {
    case 'TOO_LARGE': return 'PAYLOAD_TOO_LARGE'
    case 'TIMEOUT': return 'TIMEOUT'
    case 'BUSY': return 'UNAVAILABLE'
    default: return 'UPSTREAM_ERROR'
  }
}

/** A failure that certainly happened before the upstream saw the request. */
class NotReachedError extends Error {
  constructor (cause: unknown) {
    super(errorMessage(cause), { cause })
    this.name = 'NotReachedError'
  }
}

interface BodyHooks {
  onChunk?: (chunk: Uint8Array) => void
  /** Called once: `complete` when the body was read to its end, not when it failed or was cancelled. */
  onEnd: (complete: boolean) => void
}

/** The same body, seen on its way: one stream layer, not a TransformStream and a watcher per hook. */
function observeBody (body: ReadableStream<Uint8Array>, hooks: BodyHooks): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  let ended = false
  const end = (complete: boolean): void => {
    if (ended) return
    ended = true
    hooks.onEnd(complete)
  }
  return new ReadableStream<Uint8Array>({
    pull: async controller => {
      // A rejected pull errors this stream with the same reason.
      const next = await reader.read().catch((err: unknown) => {
        end(false)
        throw err
      })
      if (next.done) {
        end(true)
        controller.close()
      } else {
        hooks.onChunk?.(next.value)
        controller.enqueue(next.value)
      }
    },
    cancel: async reason => {
      end(false)
      await reader.cancel(reason)
    }
  })
}
