import { availableParallelism, freemem, totalmem } from 'node:os'
import { monitorEventLoopDelay, type ELDHistogram } from 'node:perf_hooks'
import type { TelemetrySnapshot } from './snapshot.ts'

/** Counts of the local API's requests, kept by the API middleware through MeshNode. */
export class RequestCounters {
  active = 0
  served = 0
  errors = 0

  started (): void {
    this.active++
  }

  finished (status: number): void {
    this.active--
    this.served++
    if (status >= 500) this.errors++
  }
}

export type LoadSample = Pick<TelemetrySnapshot, 'cpu' | 'memory' | 'eventLoopDelayMs' | 'requests'>

const NS_PER_MS = 1e6
/**
 * The histogram samples by a timer of this period and records whole periods: subtract it. Each
 * sample wakes the process; 20 ms still gives 50 samples per 1 s snapshot (p99 about the max,
 * which catches any stall), at half the wake-ups of 10 ms (~0.1 % of a core when idle).
 */
const RESOLUTION_MS = 20
const excessMs = (ns: number): number => Math.max(0, ns / NS_PER_MS - RESOLUTION_MS)

/**
 * Measures this process's real load: CPU share of the whole machine since the last sample,
 * memory, event-loop delay percentiles since the last sample, and API request counts.
 */
export class LoadSampler {
  private readonly histogram: ELDHistogram
  private readonly cores = availableParallelism()
  private lastCpu = process.cpuUsage()
  private lastAt = process.hrtime.bigint()
  private readonly requests: RequestCounters

  constructor (requests: RequestCounters) {
    this.requests = requests
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    this.histogram.enable()
  }

  sample (): LoadSample {
    const now = process.hrtime.bigint()
    const cpu = process.cpuUsage(this.lastCpu)
    const elapsedUs = Number(now - this.lastAt) / 1000
    this.lastCpu = process.cpuUsage()
    this.lastAt = now
    const mem = process.memoryUsage()
    const h = this.histogram
    const delay = h.count > 0
      ? { p50: excessMs(h.percentile(50)), p99: excessMs(h.percentile(99)), max: excessMs(h.max) }
      : { p50: 0, p99: 0, max: 0 }
    h.reset()
    return {
      cpu: elapsedUs > 0 ? Math.min(1, (cpu.user + cpu.system) / (elapsedUs * this.cores)) : 0,
      memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, systemShare: 1 - freemem() / totalmem() },
      eventLoopDelayMs: delay,
      requests: { active: this.requests.active, served: this.requests.served, errors: this.requests.errors }
    }
  }

  stop (): void {
    this.histogram.disable()
  }
}
