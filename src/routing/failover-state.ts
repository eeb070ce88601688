import type { Clock } from '../clock.ts'
import type { Logger } from '../logging.ts'
import { CircuitBreaker, type BreakerConfig } from './circuit-breaker.ts'

export interface Drain { reason: string, since: number, force: boolean }

export interface RecentFailure { peerId: string, service: string, at: number, error: string }

export interface FailoverStateComponents {
  clock: Clock
  log: Logger
  /** A peer's breaker for a service tripped open. */
  onBreakerOpened?: (peerId: string, service: string) => void
}

export interface FailoverStateInit {
  breaker: BreakerConfig
  /** Failures kept for the failover status. */
  recentFailures: number
}

/**
 * What keeps requests away from a peer: a circuit breaker per peer and service, the peers
 * drained by hand (a forced drain aborts the requests in flight to the peer), and the log of
 * recent failed attempts that the failover status shows.
 */
export class FailoverState {
  private readonly c: FailoverStateComponents
  private readonly init: FailoverStateInit
  private readonly breakers = new Map<string, CircuitBreaker>()
  private readonly drains = new Map<string, Drain>()
  private readonly inFlight = new Map<string, Set<AbortController>>()
  private readonly failures: RecentFailure[] = []

  constructor (components: FailoverStateComponents, init: FailoverStateInit) {
    this.c = components
    this.init = init
  }

  /** Whether requests for `service` may go to the peer now: not drained, its breaker not open. */
  admits (peerId: string, service: string, now: number): boolean {
    return !this.drains.has(peerId) && this.breaker(peerId, service).state(now) !== 'open'
  }

  breaker (peerId: string, service: string): CircuitBreaker {
    const key = `${peerId}\n${service}`
    let b = this.breakers.get(key)
    if (b === undefined) {
      b = new CircuitBreaker(this.init.breaker, () => { this.c.onBreakerOpened?.(peerId, service) })
      this.breakers.set(key, b)
    }
    return b
  }

  breakerStates (): Array<{ peerId: string, service: string, breaker: CircuitBreaker }> {
    return [...this.breakers].map(([key, breaker]) => {
      const [peerId = '', service = ''] = key.split('\n')
      return { peerId, service, breaker }
    })
  }

  /** Registers a request in flight to the peer, for a forced drain to abort; the returned function unregisters it. */
  track (peerId: string, ctl: AbortController): () => void {
    const set = this.inFlight.get(peerId) ?? new Set()
    set.add(ctl)
    this.inFlight.set(peerId, set)
    return () => {
      set.delete(ctl)
      if (set.size === 0 && this.inFlight.get(peerId) === set) this.inFlight.delete(peerId)
    }
  }

  drain (peerId: string, reason: string, force: boolean): Drain {
    const drain = { reason, since: this.c.clock.now(), force }
    this.drains.set(peerId, drain)
    if (force) for (const ctl of this.inFlight.get(peerId) ?? []) ctl.abort(new Error(`peer drained: ${reason}`))
    return drain
  }

  undrain (peerId: string): boolean {
    return this.drains.delete(peerId)
  }

  drained (): Map<string, Drain> {
    return new Map(this.drains)
  }

  recordFailure (peerId: string, service: string, error: string): void {
    this.failures.push({ peerId, service, at: this.c.clock.now(), error })
    if (this.failures.length > this.init.recentFailures) this.failures.shift()
    this.c.log.debug({ peer: peerId, service, error }, 'route attempt failed')
  }

  recentFailures (): RecentFailure[] {
    return [...this.failures]
  }
}
