import type { LoadSample } from './load-sampler.ts'

/** The figures kept over time, for this node and for each peer, from the load it measures or gossips. */
export const METRICS = ['cpu', 'memory', 'rss_bytes', 'event_loop_delay_p99_ms', 'active_requests', 'request_rate', 'error_rate'] as const
export type MetricName = typeof METRICS[number]

/** One sample's figures, at the time it was measured. */
export interface MetricPoint {
  at: number
  values: Record<MetricName, number>
}

/** What the previous sample left to derive a rate from: its time and cumulative counts. */
interface Previous { at: number, served: number, errors: number }

/**
 * Pure: a sample's figures. The request and error rates are per second since the previous
 * sample, from the cumulative counts; the first sample, or one after a restart (counts that
 * went down), takes them from the sample's own recent window instead.
 */
export function metricPoint (at: number, s: LoadSample, prev: Previous | undefined): MetricPoint {
  const r = s.requests
  const continued = prev !== undefined && at > prev.at && r.served >= prev.served && r.errors >= prev.errors
  const served = continued ? r.served - prev.served : r.recent.served
  const errors = continued ? r.errors - prev.errors : r.recent.errors
  const seconds = continued ? (at - prev.at) / 1000 : r.recent.windowMs / 1000
  return {
    at,
    values: {
      cpu: s.cpu,
      memory: s.memory.share,
      rss_bytes: s.memory.rssBytes,
      event_loop_delay_p99_ms: s.eventLoopDelayMs.p99,
      active_requests: r.active,
      request_rate: served / seconds,
      error_rate: served === 0 ? 0 : errors / served
    }
  }
}

/**
 * A bounded ring of one source's samples, in time order, in one typed column per figure (8
 * bytes a value, no object per sample), grown by doubling up to its capacity. Samples arrive
 * as they are gossiped, at whatever pace: one older than the newest held is dropped (a
 * restarted peer's clock behind its former one), so that the ring stays ordered.
 */
export class MetricRing {
  readonly capacity: number
  private times: Float64Array
  private columns: Float64Array[]
  private head = 0
  private count = 0
  private prev: Previous | undefined

  constructor (capacity: number) {
    this.capacity = Math.max(1, capacity)
    const initial = Math.min(this.capacity, 64)
    this.times = new Float64Array(initial)
    this.columns = METRICS.map(() => new Float64Array(initial))
  }

  get size (): number {
    return this.count
  }

  /** The time of the oldest and newest samples held. */
  get span (): { from: number, to: number } | undefined {
    if (this.count === 0) return undefined
    return { from: this.timeAt(0), to: this.timeAt(this.count - 1) }
  }

  /** Records a sample measured at `at`; false when it is older than the newest held. */
  add (at: number, sample: LoadSample): boolean {
    if (this.count > 0 && at < this.timeAt(this.count - 1)) return false
    const point = metricPoint(at, sample, this.prev)
    this.prev = { at, served: sample.requests.served, errors: sample.requests.errors }
    if (this.count === this.times.length && this.count < this.capacity) this.grow()
    const slot = (this.head + this.count) % this.times.length
    this.times[slot] = at
    METRICS.forEach((m, i) => { (this.columns[i] as Float64Array)[slot] = point.values[m] })
    if (this.count < this.times.length) this.count++
    else this.head = (this.head + 1) % this.times.length
    return true
  }

  /** The samples measured in [start, end), oldest first. */
  points (start: number, end: number): MetricPoint[] {
    const out: MetricPoint[] = []
    for (let i = this.firstAtOrAfter(start); i < this.count; i++) {
      const at = this.timeAt(i)
      if (at >= end) break
      const slot = (this.head + i) % this.times.length
      const values = {} as Record<MetricName, number>
      METRICS.forEach((m, k) => { values[m] = (this.columns[k] as Float64Array)[slot] ?? 0 })
      out.push({ at, values })
    }
    return out
  }

  private timeAt (i: number): number {
    return this.times[(this.head + i) % this.times.length] ?? 0
  }

  /** Binary search over the ordered ring. */
  private firstAtOrAfter (t: number): number {
    let lo = 0
    let hi = this.count
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.timeAt(mid) < t) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private grow (): void {
    const size = Math.min(this.capacity, this.times.length * 2)
    const copy = (from: Float64Array): Float64Array => {
      const to = new Float64Array(size)
      for (let i = 0; i < this.count; i++) to[i] = from[(this.head + i) % from.length] ?? 0
      return to
    }
    this.times = copy(this.times)
    this.columns = this.columns.map(copy)
    this.head = 0
  }
}

/**
 * The gossiped load of every peer, one bounded ring each, for as many peers as the bound
 * allows (a peer beyond it is not recorded until another is forgotten).
 */
export class PeerMetricHistory {
  private readonly rings = new Map<string, MetricRing>()
  private readonly perPeer: number
  private readonly maxPeers: number

  constructor (opts: { samplesPerPeer: number, maxPeers: number }) {
    this.perPeer = opts.samplesPerPeer
    this.maxPeers = opts.maxPeers
  }

  record (peerId: string, at: number, sample: LoadSample): void {
    let ring = this.rings.get(peerId)
    if (ring === undefined) {
      if (this.rings.size >= this.maxPeers) return
      ring = new MetricRing(this.perPeer)
      this.rings.set(peerId, ring)
    }
    ring.add(at, sample)
  }

  /** A forgotten peer's history goes with it. */
  forget (peerId: string): void {
    this.rings.delete(peerId)
  }

  of (peerId: string): MetricRing | undefined {
    return this.rings.get(peerId)
  }
}

/** One bucket of an aggregated series: its time span, how many samples fell in it, and per figure their mean and max. */
export interface MetricBucket {
  start: number
  end: number
  samples: number
  /** Null in a bucket without samples. */
  values: Record<MetricName, { mean: number, max: number } | null>
}

/** The largest number of buckets one query may ask for. */
export const MAX_BUCKETS = 1_000

/**
 * Pure: the points aggregated into consecutive buckets of `intervalMs` from `start` to `end`
 * (the last one may be shorter), each with its sample count and per figure the mean and max.
 * Every bucket of the span is listed, empty ones with `samples: 0`, so that a gap shows as one.
 */
export function aggregate (points: readonly MetricPoint[], start: number, end: number, intervalMs: number): MetricBucket[] {
  const buckets: MetricBucket[] = []
  let i = 0
  for (let from = start; from < end; from += intervalMs) {
    const to = Math.min(end, from + intervalMs)
    while (i < points.length && (points[i] as MetricPoint).at < from) i++
    const sums = new Array<number>(METRICS.length).fill(0)
    const maxes = new Array<number>(METRICS.length).fill(-Infinity)
    let n = 0
    for (; i < points.length && (points[i] as MetricPoint).at < to; i++, n++) {
      const v = (points[i] as MetricPoint).values
      METRICS.forEach((m, k) => {
        sums[k] = (sums[k] ?? 0) + v[m]
        maxes[k] = Math.max(maxes[k] ?? -Infinity, v[m])
      })
    }
    const values = {} as MetricBucket['values']
    METRICS.forEach((m, k) => { values[m] = n === 0 ? null : { mean: (sums[k] ?? 0) / n, max: maxes[k] ?? 0 } })
    buckets.push({ start: from, end: to, samples: n, values })
  }
  return buckets
}
