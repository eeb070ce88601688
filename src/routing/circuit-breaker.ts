import { MeshError } from '../errors.ts'
import { CountWindow } from './time-window.ts'

/**
 * A per-peer circuit breaker. All transitions sit in `transition`, in the manner of
 * memberlist's state machine:
 *
 *   closed    --(consecutiveFailures in a row, or ≥ minRequests in the window failing
 *                at ≥ failureRateThreshold)--> open
 *   open      --(open time passed, seen on the next call)--> half_open
 *   half_open --(halfOpenProbes successes in a row)--> closed
 *   half_open --(any failure)--> open, for twice as long
 *
 * Open time is openBaseMs × 2^(trips in a row - 1), capped at openMaxMs, so a peer that keeps
 * failing its probes is tried less and less often; closing resets it to the base.
 *
 * Permits are not tokens: a verdict that arrives after the state moved on (a request let
 * through while closed, ending while half_open) counts as evidence of the state it lands in.
 */
export type BreakerState = 'closed' | 'open' | 'half_open'

export interface BreakerConfig {
  windowMs: number
  minRequests: number
  /** 0..1 */
  failureRateThreshold: number
  consecutiveFailures: number
  openBaseMs: number
  openMaxMs: number
  halfOpenProbes: number
}

export interface BreakerStats {
  state: BreakerState
  failures: number
  requests: number
  failureRate: number
  consecutiveFailures: number
  trips: number
  openUntil: number | undefined
}

export class CircuitBreaker {
  private readonly config: BreakerConfig
  private readonly window: CountWindow<'requests' | 'failures'>
  private current: BreakerState = 'closed'
  private consecutive = 0
  private trips = 0
  /** Trips since the breaker last closed: the exponent of the open time. */
  private tripsInRow = 0
  private openUntil: number | undefined
  private probesInFlight = 0
  private probeSuccesses = 0

  private readonly onOpen: () => void

  /** `onOpen` hears each trip (closed or half-open to open). */
  constructor (config: BreakerConfig, onOpen: () => void = () => {}) {
    if (!(config.windowMs > 0)) throw new MeshError('CONFIG_ERROR', `breaker window must be > 0 ms, got ${config.windowMs}`)
    if (!(config.halfOpenProbes >= 1)) throw new MeshError('CONFIG_ERROR', `breaker half-open probes must be ≥ 1, got ${config.halfOpenProbes}`)
    this.config = config
    this.onOpen = onOpen
    this.window = new CountWindow(config.windowMs, ['requests', 'failures'])
  }

  state (now: number): BreakerState {
    if (this.current === 'open' && this.openUntil !== undefined && now >= this.openUntil) this.transition('half_open', now)
    return this.current
  }

  /** Whether a request may go to the peer now; in half_open, takes one of the probe slots. */
  tryAcquire (now: number): boolean {
    switch (this.state(now)) {
      case 'closed': return true
      case 'open': return false
      case 'half_open':
        if (this.probesInFlight >= this.config.halfOpenProbes) return false
        this.probesInFlight++
        return true
    }
  }

  onSuccess (now: number): void {
    switch (this.state(now)) {
      case 'closed':
        this.window.add(now, 'requests')
        this.consecutive = 0
        return
      case 'half_open':
        this.release()
        this.probeSuccesses++
        if (this.probeSuccesses >= this.config.halfOpenProbes) this.transition('closed', now)
        return
      case 'open':
        // A late answer to a request sent before the trip: the open time stands.
        return
    }
  }

  onFailure (now: number): void {
    switch (this.state(now)) {
      case 'closed': {
        this.window.add(now, 'requests')
        this.window.add(now, 'failures')
        this.consecutive++
        const { requests, failures } = this.window.totals(now)
        const rateTrips = requests >= this.config.minRequests && failures / requests >= this.config.failureRateThreshold
        if (this.consecutive >= this.config.consecutiveFailures || rateTrips) this.transition('open', now)
        return
      }
      case 'half_open':
        this.consecutive++
        this.transition('open', now)
        return
      case 'open':
        return
    }
  }

  /** A permit given back without a verdict (the request was cancelled): frees a probe slot. */
  release (): void {
    this.probesInFlight = Math.max(0, this.probesInFlight - 1)
  }

  stats (now: number): BreakerStats {
    const state = this.state(now)
    const { requests, failures } = this.window.totals(now)
    return {
      state,
      failures,
      requests,
      failureRate: requests === 0 ? 0 : failures / requests,
      consecutiveFailures: this.consecutive,
      trips: this.trips,
      openUntil: this.openUntil
    }
  }

  private transition (to: BreakerState, now: number): void {
    this.current = to
    this.probesInFlight = 0
    this.probeSuccesses = 0
    switch (to) {
      case 'open': {
        this.trips++
        this.tripsInRow++
        const openMs = Math.min(this.config.openMaxMs, this.config.openBaseMs * 2 ** (this.tripsInRow - 1))
        this.openUntil = now + openMs
        this.onOpen()
        return
      }
      case 'half_open':
        this.openUntil = undefined
        return
      case 'closed':
        this.openUntil = undefined
        this.tripsInRow = 0
        this.consecutive = 0
        this.window.clear()
    }
  }
}
