import type { Stream } from '@libp2p/interface'
import type { Clock } from '../clock.ts'
import { MeshError, errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'
import type { PeerSnapshot } from '../telemetry/peer-table.ts'
import type { BreakerConfig, CircuitBreaker } from './circuit-breaker.ts'
import { ExchangeSignal } from './exchange-signal.ts'
import { FailoverState, type Drain, type RecentFailure } from './failover-state.ts'
import type { LocalServices } from './local-services.ts'
import { Metering } from './metering.ts'
import { observeBody } from './observe-body.ts'
import { PeerSelection, type PeerRouteStats } from './peer-selection.ts'
import { NotReachedError, RouteClient } from './route-client.ts'
import type { RouteRequest, RouteResult } from './route-request.ts'
import { RetryBudget, type RetryBudgetOptions } from './retry-budget.ts'
import type { PeerCandidate, Selection, StrategyName } from './strategies.ts'
import type { UsageEvent } from './usage.ts'

export interface RouterOptions {
  requestTimeoutMs: number
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
  onBreakerOpened?: (peerId: string, service: string) => void
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])
/** Gateway errors from an upstream are worth another peer, for requests safe to repeat. */
const RETRYABLE_STATUS = new Set([502, 503, 504])

type Attempt =
  | { ok: true, result: Omit<RouteResult, 'attempts'> }
  | { ok: false, reached: boolean, error: MeshError }

/**
 * The data plane: picks the best peer offering a service, forwards the request to it, and
 * fails over to another peer when that is safe: always when nothing reached the upstream, and
 * for idempotent methods otherwise, within a retry budget. It composes one part per job:
 * PeerSelection (which peer, and this node's statistics of each), FailoverState (breakers,
 * drains, the failure log), RouteClient (the call to a peer) and Metering (usage events); what
 * is left here is the failover policy and the verdict of each attempt.
 */
export class Router {
  private readonly clock: Clock
  private readonly opts: RouterOptions
  private readonly selection: PeerSelection
  private readonly failover: FailoverState
  private readonly client: RouteClient
  private readonly metering: Metering
  private readonly budget: RetryBudget

  constructor (components: RouterComponents, opts: RouterOptions) {
    this.clock = components.clock
    this.opts = { ...opts }
    this.budget = new RetryBudget(opts.retryBudget)
    this.failover = new FailoverState(components, opts)
    this.selection = new PeerSelection({ ...components, admits: (peerId, service, now) => this.failover.admits(peerId, service, now) }, opts)
    this.client = new RouteClient(components, opts)
    this.metering = new Metering(components)
  }

  get strategy (): StrategyName {
    return this.selection.strategy
  }

  get weights (): Record<string, number> {
    return this.selection.weights
  }

  configure (change: { strategy?: StrategyName, weights?: Record<string, number> }): void {
    this.selection.configure(change)
  }

  /** Every service the peers advertise, with the peers that advertise it (this node's own: LocalServices). */
  peerServices (): Map<string, PeerSnapshot[]> {
    return this.selection.peerServices()
  }

  /** The peers that could serve `service` now, as the strategies see them. */
  candidates (service: string): PeerCandidate[] {
    return this.selection.candidates(service)
  }

  isKnown (service: string): boolean {
    return this.selection.isKnown(service)
  }

  /** What the strategy would pick now, without forwarding. */
  select (service: string): { selection: Selection, candidate: PeerCandidate } | undefined {
    return this.selection.select(service)
  }

  /**
   * Refuses a request before its body is read: 404 for a service nobody offers, 503 (metered
   * as a failed request of `user`) when no peer can take it now.
   */
  admit (service: string, user: string, keyId?: string): void {
    if (!this.isKnown(service)) throw new MeshError('NOT_FOUND', `no peer of the mesh offers service ${service}`, { service })
    if (this.selection.hasCandidate(service)) return
    const error = new MeshError('UNAVAILABLE', `no peer is available for service ${service}`, { service })
    this.metering.refused(user, service, error.status, keyId)
    throw error
  }

  async forward (req: RouteRequest): Promise<RouteResult> {
    if (!this.isKnown(req.service)) throw new MeshError('NOT_FOUND', `no peer of the mesh offers service ${req.service}`, { service: req.service })
    const now = this.clock.now()
    this.budget.recordRequest(now)
    const tried = new Set<string>()
    let last: MeshError | undefined
    for (let attempt = 1; attempt <= this.opts.maxAttempts; attempt++) {
      const peerId = this.selection.select(req.service, tried)?.selection.peerId
      if (peerId === undefined) break
      tried.add(peerId)
      if (attempt > 1 && !this.budget.tryAcquire(this.clock.now())) {
        last = new MeshError('UPSTREAM_ERROR', `retry budget exhausted after: ${last?.message ?? 'a failure'}`)
        break
      }
      const outcome = await this.attempt(peerId, req).finally(() => { if (attempt > 1) this.budget.release() })
      // Assigned, not spread: an answer received whole makes its body stream only when asked.
      if (outcome.ok) return this.metering.served(req, now, Object.assign(outcome.result, { attempts: attempt }))
      last = outcome.error
      this.failover.recordFailure(peerId, req.service, outcome.error.message)
      if (req.signal.aborted) break
      if (outcome.reached && !IDEMPOTENT.has(req.method)) break
      // A body that a peer began to read is gone (it streamed), and one too large is too large everywhere.
      if (!req.body.replayable || outcome.error.code === 'PAYLOAD_TOO_LARGE') break
    }
    const error = last ?? new MeshError('UNAVAILABLE', `no peer is available for service ${req.service}`, { service: req.service })
    this.metering.failed(req, now, error.status)
    throw error
  }

  drain (peerId: string, reason: string, force: boolean): Drain {
    return this.failover.drain(peerId, reason, force)
  }

  undrain (peerId: string): boolean {
    return this.failover.undrain(peerId)
  }

  drained (): Map<string, Drain> {
    return this.failover.drained()
  }

  recentFailures (): RecentFailure[] {
    return this.failover.recentFailures()
  }

  peerStats (): Map<string, PeerRouteStats> {
    return this.selection.peerStats()
  }

  breakerStates (): Array<{ peerId: string, service: string, breaker: CircuitBreaker }> {
    return this.failover.breakerStates()
  }

  retryBudget (): RetryBudget {
    return this.budget
  }

  /** One call to one peer, settled when its response body ends: the peer's breaker and statistics hear how it went. */
  private async attempt (peerId: string, req: RouteRequest): Promise<Attempt> {
    if (this.client.atLimit(peerId)) {
      return { ok: false, reached: false, error: new MeshError('UNAVAILABLE', `${this.opts.maxStreamsPerPeer} requests to ${peerId} are in flight already`) }
    }
    const breaker = this.failover.breaker(peerId, req.service)
    const started = this.clock.now()
    if (!breaker.tryAcquire(started)) return { ok: false, reached: false, error: new MeshError('UNAVAILABLE', `circuit breaker of ${peerId} is open`) }
    const stats = this.selection.statsOf(peerId)
    stats.selections++
    stats.inFlight++
    // Aborted by the client, by a drain of the peer (failover.track) or at the deadline.
    const exchange = new ExchangeSignal(this.opts.requestTimeoutMs, req.signal)
    const signal = exchange.signal
    const untrack = this.failover.track(peerId, exchange.controller)
    let settled = false
    // A body that fails or is cancelled half-way still settles the attempt.
    const onAbort = (): void => { finish(false) }
    const finish = (ok: boolean, clientFault = false): void => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      exchange.done()
      stats.inFlight--
      untrack()
      // A client that went away or sent too much, or a drain by hand, says nothing about the peer: no verdict.
      if (ok) breaker.onSuccess(this.clock.now())
      else if (clientFault || (!exchange.timedOut && signal.aborted)) breaker.release()
      else { breaker.onFailure(this.clock.now()); stats.errors++ }
    }
    try {
      const head = await this.client.call(peerId, req, signal)
      const answered = this.clock.now()
      stats.latency.observe(answered - started, answered)
      if (head.load !== undefined) stats.report = { load: head.load, receivedAt: answered }
      if (RETRYABLE_STATUS.has(head.status) && IDEMPOTENT.has(req.method)) {
        await head.body.cancel()
        finish(false)
        return { ok: false, reached: true, error: new MeshError('UPSTREAM_ERROR', `peer ${peerId} answered ${head.status}`) }
      }
      const upstreamFailed = head.status >= 500
      if (head.whole !== undefined) {
        // Received whole: the attempt is over, whoever reads the body and whenever.
        finish(!upstreamFailed)
        return { ok: true, result: Object.assign(head, { servedBy: peerId }) }
      }
      const body = observeBody(head.body, { onEnd: complete => { finish(complete && !upstreamFailed) } })
      signal.addEventListener('abort', onAbort, { once: true })
      return { ok: true, result: { status: head.status, headers: head.headers, body, servedBy: peerId } }
    } catch (err) {
      const reached = !(err instanceof NotReachedError)
      const cause = err instanceof NotReachedError ? err.cause : err
      const error = exchange.timedOut
        ? new MeshError('TIMEOUT', `peer ${peerId} did not answer within ${this.opts.requestTimeoutMs} ms`)
        : cause instanceof MeshError ? cause : new MeshError('UPSTREAM_ERROR', `peer ${peerId} failed: ${errorMessage(cause)}`)
      finish(false, error.code === 'PAYLOAD_TOO_LARGE')
      return { ok: false, reached, error }
    }
  }
}
