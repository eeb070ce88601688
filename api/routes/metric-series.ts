import { z } from 'zod'
import { DurationSchema } from '../../src/duration.ts'
import { MeshError } from '../../src/errors.ts'
import { aggregate, MAX_BUCKETS, METRICS, type MetricRing } from '../../src/telemetry/metric-history.ts'
import { isoTime, round } from '../views.ts'

/** A time as an ISO 8601 string or epoch milliseconds. */
const Instant = z.union([
  z.string().regex(/^\d+$/).transform(Number),
  z.iso.datetime({ offset: true }).transform(s => Date.parse(s))
], { error: 'expected an ISO 8601 time such as 2026-12-01T12:00:00Z, or epoch milliseconds' })

/** Buckets of a series when the query names no interval: about this many over the span. */
const DEFAULT_BUCKETS = 60

/**
 * `start` (default: an hour before `end`), `end` (default: now), `interval` (a duration such
 * as 30s or 5m; default: the span in 60 buckets, at least a second). At most 1,000 buckets.
 */
export const MetricSeriesQuery = z.object({
  start: Instant.optional(),
  end: Instant.optional(),
  interval: DurationSchema.optional()
}).strict()

const Stat = z.object({ mean: z.number(), max: z.number() }).nullable()

/** A time series of one source's load: the held samples aggregated into buckets of `interval_ms`. */
export const MetricSeriesResponse = z.object({
  peer_id: z.string(),
  /** `self`: this node's own samples; `gossip`: the peer's snapshots as they arrived, at the times it measured them. */
  source: z.enum(['self', 'gossip']),
  start: z.string(),
  end: z.string(),
  interval_ms: z.number().int(),
  /** Samples in the span, and what the ring holds (its bound: `capacity`). */
  samples: z.number().int(),
  held: z.object({ samples: z.number().int(), capacity: z.number().int(), from: z.string().nullable(), to: z.string().nullable() }),
  metrics: z.array(z.enum(METRICS)),
  buckets: z.array(z.object({
    start: z.string(),
    end: z.string(),
    samples: z.number().int(),
    values: z.record(z.enum(METRICS), Stat)
  }))
})
export type MetricSeriesResponse = z.infer<typeof MetricSeriesResponse>

/** The span and interval a query asks for, checked: start before end, at most MAX_BUCKETS buckets. */
export function seriesSpan (q: z.infer<typeof MetricSeriesQuery>, now: number): { start: number, end: number, intervalMs: number } {
  const end = q.end ?? now
  const start = q.start ?? end - 3_600_000
  if (!(start < end)) throw new MeshError('VALIDATION_ERROR', 'invalid query field "start": must be before end', { field: 'start', reason: 'must be before end' })
  const intervalMs = q.interval ?? Math.max(1_000, Math.ceil((end - start) / DEFAULT_BUCKETS))
  if ((end - start) / intervalMs > MAX_BUCKETS) {
    throw new MeshError('VALIDATION_ERROR', `invalid query field "interval": the span holds more than ${MAX_BUCKETS} buckets of it`, { field: 'interval', reason: `at most ${MAX_BUCKETS} buckets` })
  }
  return { start, end, intervalMs }
}


export function seriesView (peerId: string, source: 'self' | 'gossip', ring: MetricRing, span: { start: number, end: number, intervalMs: number }): MetricSeriesResponse {
  const points = ring.points(span.start, span.end)
  const held = ring.span
  return {
    peer_id: peerId,
    source,
    start: isoTime(span.start),
    end: isoTime(span.end),
    interval_ms: span.intervalMs,
    samples: points.length,
    held: { samples: ring.size, capacity: ring.capacity, from: held === undefined ? null : isoTime(held.from), to: held === undefined ? null : isoTime(held.to) },
    metrics: [...METRICS],
    buckets: aggregate(points, span.start, span.end, span.intervalMs).map(b => ({
      start: isoTime(b.start),
      end: isoTime(b.end),
      samples: b.samples,
      values: Object.fromEntries(METRICS.map(m => {
        const v = b.values[m]
        return [m, v === null ? null : { mean: round(v.mean), max: round(v.max) }]
      })) as MetricSeriesResponse['buckets'][number]['values']
    }))
  }
}
