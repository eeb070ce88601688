import type { LoadSample } from './load-sampler.ts'
import { MetricRing, type MetricName, type MetricPoint } from './metric-history.ts'

export interface SeriesSummary { average: number, peak: number, current: number }

export interface LoadSummary {
  periodMs: number
  samples: number
  cpu: SeriesSummary
  memory: SeriesSummary
  rssBytes: SeriesSummary
  eventLoopDelayP99Ms: SeriesSummary
}

/** Pure: average, peak and latest of one figure over points in time order. */
export function seriesSummary (points: readonly MetricPoint[], metric: MetricName): SeriesSummary {
  const values = points.map(p => p.values[metric])
  return {
    average: values.reduce((a, b) => a + b, 0) / values.length,
    peak: Math.max(...values),
    current: values[values.length - 1] ?? 0
  }
}

/** A bounded ring of this node's own load samples, summarised over a trailing period or read as a series. */
export class LoadHistory {
  readonly ring: MetricRing

  constructor (capacity: number) {
    this.ring = new MetricRing(capacity)
  }

  add (at: number, sample: LoadSample): void {
    this.ring.add(at, sample)
  }

  summary (periodMs: number, now: number): LoadSummary | undefined {
    const window = this.ring.points(now - periodMs, Infinity)
    if (window.length === 0) return undefined
    return {
      periodMs,
      samples: window.length,
      cpu: seriesSummary(window, 'cpu'),
      memory: seriesSummary(window, 'memory'),
      rssBytes: seriesSummary(window, 'rss_bytes'),
      eventLoopDelayP99Ms: seriesSummary(window, 'event_loop_delay_p99_ms')
    }
  }
}
