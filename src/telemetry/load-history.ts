import type { LoadSample } from './load-sampler.ts'

export interface SeriesSummary { average: number, peak: number, current: number }

export interface LoadSummary {
  periodMs: number
  samples: number
  cpu: SeriesSummary
  memory: SeriesSummary
  rssBytes: SeriesSummary
  eventLoopDelayP99Ms: SeriesSummary
}

interface Entry { at: number, sample: LoadSample }

/** A bounded ring of this node's own load samples, summarised over a trailing period. */
export class LoadHistory {
  private readonly entries: Entry[] = []
  private readonly capacity: number

  constructor (capacity: number) {
    this.capacity = capacity
  }

  add (at: number, sample: LoadSample): void {
    this.entries.push({ at, sample })
    if (this.entries.length > this.capacity) this.entries.shift()
  }

  summary (periodMs: number, now: number): LoadSummary | undefined {
    const window = this.entries.filter(e => e.at >= now - periodMs)
    if (window.length === 0) return undefined
    const series = (pick: (s: LoadSample) => number): SeriesSummary => {
      const values = window.map(e => pick(e.sample))
      return {
        average: values.reduce((a, b) => a + b, 0) / values.length,
        peak: Math.max(...values),
        current: values[values.length - 1] ?? 0
      }
    }
    return {
      periodMs,
      samples: window.length,
      cpu: series(s => s.cpu),
      memory: series(s => s.memory.share),
      rssBytes: series(s => s.memory.rssBytes),
      eventLoopDelayP99Ms: series(s => s.eventLoopDelayMs.p99)
    }
  }
}
