import { readFileSync } from 'node:fs'
import { availableParallelism, totalmem } from 'node:os'
import { monitorEventLoopDelay, type ELDHistogram } from 'node:perf_hooks'
import type { MemoryLimitSource, TelemetrySnapshot } from './snapshot.ts'

/** Served and failed requests over a sliding window, in buckets of one second. */
export class RequestWindow {
  readonly windowMs: number
  private readonly buckets: Array<{ second: number, served: number, errors: number }>

  constructor (windowMs: number) {
    this.windowMs = windowMs
    this.buckets = Array.from({ length: Math.max(1, Math.ceil(windowMs / 1000)) }, () => ({ second: -1, served: 0, errors: 0 }))
  }

  record (error: boolean, now: number): void {
    const second = Math.floor(now / 1000)
    const bucket = this.buckets[second % this.buckets.length]
    if (bucket === undefined) return
    if (bucket.second !== second) {
      bucket.second = second
      bucket.served = 0
      bucket.errors = 0
    }
    bucket.served++
    if (error) bucket.errors++
  }

  totals (now: number): { served: number, errors: number } {
    const oldest = Math.floor(now / 1000) - this.buckets.length
    let served = 0
    let errors = 0
    for (const b of this.buckets) {
      if (b.second <= oldest) continue
      served += b.served
      errors += b.errors
    }
    return { served, errors }
  }
}

/**
 * What this node serves, kept by the API middleware and the local upstreams through MeshNode:
 * requests in flight, and outcomes (a 5xx is an error) over its life and the last minute.
 */
export class RequestCounters {
  active = 0
  served = 0
  errors = 0
  readonly recent: RequestWindow
  private readonly now: () => number

  /** `windowMs`: the window of the recent served and failed counts (error_rate). */
  constructor (now: () => number, windowMs: number) {
    this.now = now
    this.recent = new RequestWindow(windowMs)
  }

  started (): void {
    this.active++
  }

  finished (): void {
    this.active--
  }

  /** One request served, answered with `status`. */
  outcome (status: number): void {
    this.served++
    if (status >= 500) this.errors++
    this.recent.record(status >= 500, this.now())
  }
}

export interface MemoryLimit { bytes: number, source: MemoryLimitSource }

/**
 * Pure: the memory this process may use: its cgroup's limit (v2 `memory.max`, v1
 * `memory.limit_in_bytes`, at the process's own cgroup path or the mount's root, as in a
 * container) when there is one below the host's total, else the host's total.
 */
export function memoryLimit (read: (path: string) => string | undefined, hostTotal: number): MemoryLimit {
  const files: string[] = []
  for (const line of (read('/proc/self/cgroup') ?? '').split('\n')) {
    // hierarchy-id:controllers:path; the path may hold colons itself.
    const first = line.indexOf(':')
    const second = line.indexOf(':', first + 1)
    if (first < 0 || second < 0) continue
    const controllers = line.slice(first + 1, second)
    const path = line.slice(second + 1).replace(/\/$/, '')
    if (controllers === '') files.push(`/sys/fs/cgroup${path}/memory.max`, '/sys/fs/cgroup/memory.max')
    else if (controllers.split(',').includes('memory')) files.push(`/sys/fs/cgroup/memory${path}/memory.limit_in_bytes`, '/sys/fs/cgroup/memory/memory.limit_in_bytes')
  }
  for (const file of files) {
    // "max" (v2) or a number near 2^63 (v1) means no limit at that level.
    const bytes = Number(read(file)?.trim())
    if (Number.isSafeInteger(bytes) && bytes > 0 && bytes < hostTotal) return { bytes, source: 'cgroup' }
  }
  return { bytes: hostTotal, source: 'host' }
}

/** This process's memory limit, read now. */
export function processMemoryLimit (): MemoryLimit {
  return memoryLimit(readOptional, totalmem())
}

function readOptional (path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    // No such file: not Linux, or no cgroup of that version.
    return undefined
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
 * its own memory (RSS) against its limit, event-loop delay percentiles since the last sample,
 * and the requests it served.
 */
export class LoadSampler {
  private readonly histogram: ELDHistogram
  private readonly cores = availableParallelism()
  private lastCpu = process.cpuUsage()
  private lastAt = process.hrtime.bigint()
  private readonly requests: RequestCounters
  /** Read once: a process's cgroup limit does not change while it runs, as a rule. */
  private readonly limit = processMemoryLimit()

  constructor (requests: RequestCounters) {
    this.requests = requests
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  }

  /** Measures the event loop from now on; the first sample covers the time since. */
  async start (): Promise<void> {
    this.histogram.enable()
  }

  /**
   * The CPU share since the last sample and the requests now, without starting a new sample:
   * cheap enough to watch for a material change between publications.
   */
  peek (now: number): Pick<LoadSample, 'cpu' | 'requests'> {
    const cpu = process.cpuUsage(this.lastCpu)
    const elapsedUs = Number(process.hrtime.bigint() - this.lastAt) / 1000
    return { cpu: this.cpuShare(cpu, elapsedUs), requests: this.requestFigures(now) }
  }

  private cpuShare (cpu: NodeJS.CpuUsage, elapsedUs: number): number {
    return elapsedUs > 0 ? Math.min(1, (cpu.user + cpu.system) / (elapsedUs * this.cores)) : 0
  }

  private requestFigures (now: number): LoadSample['requests'] {
    const r = this.requests
    return { active: r.active, served: r.served, errors: r.errors, recent: { windowMs: r.recent.windowMs, ...r.recent.totals(now) } }
  }

  sample (now: number): LoadSample {
    const at = process.hrtime.bigint()
    const cpu = process.cpuUsage(this.lastCpu)
    const elapsedUs = Number(at - this.lastAt) / 1000
    this.lastCpu = process.cpuUsage()
    this.lastAt = at
    const mem = process.memoryUsage()
    const h = this.histogram
    const delay = h.count > 0
      ? { p50: excessMs(h.percentile(50)), p99: excessMs(h.percentile(99)), max: excessMs(h.max) }
      : { p50: 0, p99: 0, max: 0 }
    h.reset()
    return {
      cpu: this.cpuShare(cpu, elapsedUs),
      memory: {
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        limitBytes: this.limit.bytes,
        limitSource: this.limit.source,
        share: Math.min(1, mem.rss / this.limit.bytes)
      },
      eventLoopDelayMs: delay,
      requests: this.requestFigures(now)
    }
  }

  async stop (): Promise<void> {
    this.histogram.disable()
  }
}
