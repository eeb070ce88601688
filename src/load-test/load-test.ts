import { MeshError } from '../errors.ts'
import type { LoadTestLimits } from '../network/params.ts'
import { percentile } from '../stats.ts'

/** One load test: an open-loop stream of `rate` requests a second for `durationMs` to a service of the mesh. */
export interface LoadTestSpec {
  service: string
  /** Requests per second, sent on schedule whatever the answers take (open loop). */
  rate: number
  durationMs: number
  /** Requests in flight at most: an arrival due while this many are in flight is skipped, and counted. */
  concurrency: number
  method: string
  /** Path and query under the service, starting with '/'. */
  path: string
}

/** Pure: VALIDATION_ERROR naming the first field past the network's bounds. */
export function checkLimits (spec: LoadTestSpec, limits: LoadTestLimits): void {
  const over = (field: string, value: number, limit: number, param: keyof LoadTestLimits): MeshError =>
    new MeshError('VALIDATION_ERROR', `invalid body field "${field}": ${value} is above the network's load_test.${param} of ${limit}`, { field, reason: `at most ${limit}`, limit, param: `load_test.${param}` })
  if (spec.rate > limits.max_rate) throw over('rate', spec.rate, limits.max_rate, 'max_rate')
  if (spec.durationMs > limits.max_duration_ms) throw over('duration_ms', spec.durationMs, limits.max_duration_ms, 'max_duration_ms')
  if (spec.concurrency > limits.max_concurrency) throw over('concurrency', spec.concurrency, limits.max_concurrency, 'max_concurrency')
}

/** Pure: how many arrivals a test schedules: one every 1/rate seconds from its start, within its duration. */
export function scheduledArrivals (spec: Pick<LoadTestSpec, 'rate' | 'durationMs'>): number {
  return Math.max(1, Math.floor(spec.rate * spec.durationMs / 1000))
}

/** Pure: the arrivals due `elapsedMs` after the start (arrival i is due at i / rate seconds). */
export function dueArrivals (spec: Pick<LoadTestSpec, 'rate' | 'durationMs'>, elapsedMs: number): number {
  return Math.min(scheduledArrivals(spec), Math.floor(elapsedMs * spec.rate / 1000) + 1)
}

/** One request's end: its status (undefined when no peer answered), the peer that answered, and its time to the end of the body. */
export interface Outcome {
  status: number | undefined
  /** The MeshError code when no peer answered. */
  code?: string
  peerId: string | undefined
  latencyMs: number
}

export interface LoadTestSummary {
  scheduled: number
  sent: number
  skipped: number
  completed: number
  /** Requests answered 4xx or 5xx, or not answered at all. */
  errors: number
  errorsByStatus: Record<string, number>
  latencyMs: { p50: number, p95: number, p99: number, max: number, mean: number } | null
  /** Per peer: requests it answered, and their share of the answered requests. */
  byPeer: Record<string, { requests: number, share: number }>
  /** Requests no peer answered (no peer available, every attempt failed). */
  unrouted: number
}

/** The outcomes of one test as they arrive, and their summary. */
export class LoadTestTally {
  private readonly latencies: number[] = []
  private readonly errorsByStatus: Record<string, number> = {}
  private readonly peers = new Map<string, number>()
  private errors = 0
  private unrouted = 0
  sent = 0
  skipped = 0

  record (o: Outcome): void {
    this.latencies.push(o.latencyMs)
    if (o.peerId !== undefined) this.peers.set(o.peerId, (this.peers.get(o.peerId) ?? 0) + 1)
    else this.unrouted++
    if (o.status === undefined || o.status >= 400) {
      this.errors++
      const key = o.status === undefined ? (o.code ?? 'no_answer') : String(o.status)
      this.errorsByStatus[key] = (this.errorsByStatus[key] ?? 0) + 1
    }
  }

  get completed (): number {
    return this.latencies.length
  }

  summary (scheduled: number): LoadTestSummary {
    const sorted = [...this.latencies].sort((a, b) => a - b)
    const answered = this.completed - this.unrouted
    return {
      scheduled,
      sent: this.sent,
      skipped: this.skipped,
      completed: this.completed,
      errors: this.errors,
      errorsByStatus: { ...this.errorsByStatus },
      latencyMs: sorted.length === 0
        ? null
        : {
            p50: percentile(sorted, 50),
            p95: percentile(sorted, 95),
            p99: percentile(sorted, 99),
            max: sorted[sorted.length - 1] ?? 0,
            mean: sorted.reduce((a, b) => a + b, 0) / sorted.length
          },
      byPeer: Object.fromEntries([...this.peers].sort(([a], [b]) => a.localeCompare(b)).map(([peerId, requests]) => [peerId, { requests, share: requests / answered }])),
      unrouted: this.unrouted
    }
  }
}
