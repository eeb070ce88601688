import { MeshError } from '../errors.ts'
import { CountWindow } from './time-window.ts'

/**
 * A retry budget, as Envoy's and Linkerd's: retries may add at most `ratio` to the traffic of
 * the trailing window, so that when a service is failing, retries cannot multiply its load
 * (no retry storms). `minConcurrent` retries in flight are always allowed, so that a node with
 * little traffic can still retry at all.
 */
export interface RetryBudgetOptions {
  /** Retries allowed per original request in the window, e.g. 0.2. */
  ratio: number
  /** Retries that may always be in flight at once, e.g. 3. */
  minConcurrent: number
  windowMs: number
}

export class RetryBudget {
  private readonly opts: RetryBudgetOptions
  private readonly window: CountWindow<'requests' | 'retries'>
  private inFlight = 0

  constructor (opts: RetryBudgetOptions) {
    if (!(opts.windowMs > 0)) throw new MeshError('CONFIG_ERROR', `retry budget window must be > 0 ms, got ${opts.windowMs}`)
    if (!(opts.ratio >= 0)) throw new MeshError('CONFIG_ERROR', `retry budget ratio must be ≥ 0, got ${opts.ratio}`)
    this.opts = opts
    this.window = new CountWindow(opts.windowMs, ['requests', 'retries'])
  }

  /** Counts an original request (not a retry): it earns the budget `ratio` of a retry. */
  recordRequest (now: number): void {
    this.window.add(now, 'requests')
  }

  /** Whether a retry may start now; if so it is counted and in flight until `release`. */
  tryAcquire (now: number): boolean {
    const { requests, retries } = this.window.totals(now)
    if (retries >= this.opts.ratio * requests && this.inFlight >= this.opts.minConcurrent) return false
    this.window.add(now, 'retries')
    this.inFlight++
    return true
  }

  /** A retry finished, however it ended. */
  release (): void {
    this.inFlight = Math.max(0, this.inFlight - 1)
  }

  /** `ratio` is the configured one; the observed one is retries / requests. */
  stats (now: number): { requests: number, retries: number, inFlight: number, ratio: number } {
    return { ...this.window.totals(now), inFlight: this.inFlight, ratio: this.opts.ratio }
  }
}
