import { MeshError } from '../errors.ts'

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

/** The window is cut into this many buckets: memory stays bounded, precision is windowMs / 10. */
const BUCKETS = 10

interface Bucket { epoch: number, requests: number, retries: number }

export class RetryBudget {
  private readonly opts: RetryBudgetOptions
  private readonly bucketMs: number
  private buckets: Bucket[] = []
  private inFlight = 0

  constructor (opts: RetryBudgetOptions) {
    if (!(opts.windowMs > 0)) throw new MeshError('CONFIG_ERROR', `retry budget window must be > 0 ms, got ${opts.windowMs}`)
    if (!(opts.ratio >= 0)) throw new MeshError('CONFIG_ERROR', `retry budget ratio must be ≥ 0, got ${opts.ratio}`)
    this.opts = opts
    this.bucketMs = opts.windowMs / BUCKETS
  }

  /** Counts an original request (not a retry): it earns the budget `ratio` of a retry. */
  recordRequest (now: number): void {
    this.bucket(now).requests++
  }

  /** Whether a retry may start now; if so it is counted and in flight until `release`. */
  tryAcquire (now: number): boolean {
    const { requests, retries } = this.totals(now)
    if (retries >= this.opts.ratio * requests && this.inFlight >= this.opts.minConcurrent) return false
    this.bucket(now).retries++
    this.inFlight++
    return true
  }

  /** A retry finished, however it ended. */
  release (): void {
    this.inFlight = Math.max(0, this.inFlight - 1)
  }

  /** `ratio` is the configured one; the observed one is retries / requests. */
  stats (now: number): { requests: number, retries: number, inFlight: number, ratio: number } {
    return { ...this.totals(now), inFlight: this.inFlight, ratio: this.opts.ratio }
  }

  private totals (now: number): { requests: number, retries: number } {
    this.prune(now)
    let requests = 0
    let retries = 0
    for (const b of this.buckets) {
      requests += b.requests
      retries += b.retries
    }
    return { requests, retries }
  }

  /** The bucket `now` falls in, created if needed. */
  private bucket (now: number): Bucket {
    const epoch = this.prune(now)
    const found = this.buckets.find(b => b.epoch === epoch)
    if (found !== undefined) return found
    const fresh = { epoch, requests: 0, retries: 0 }
    this.buckets.push(fresh)
    return fresh
  }

  /** Drops the buckets that left the window; returns the current bucket's epoch. */
  private prune (now: number): number {
    const epoch = Math.floor(now / this.bucketMs)
    this.buckets = this.buckets.filter(b => b.epoch > epoch - BUCKETS)
    return epoch
  }
}
