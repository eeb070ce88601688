import type { MetricName, MetricPoint } from '../telemetry/metric-history.ts'

/** One figure measured over a window: its latest value, mean and max, and the samples behind them. */
export interface Figure {
  current: number
  mean: number
  max: number
  samples: number
  windowMs: number
}

/** Pure: each figure over the points of one window (in time order); undefined without points. */
export function figuresOf (points: readonly MetricPoint[], metrics: readonly MetricName[], windowMs: number): Record<MetricName, Figure> | undefined {
  if (points.length === 0) return undefined
  const out = {} as Record<MetricName, Figure>
  for (const m of metrics) {
    let sum = 0
    let max = -Infinity
    for (const p of points) {
      sum += p.values[m]
      max = Math.max(max, p.values[m])
    }
    out[m] = { current: points[points.length - 1]?.values[m] ?? 0, mean: sum / points.length, max, samples: points.length, windowMs }
  }
  return out
}

/** What the rules read: the node's figures, its peers, its breakers and the memory forecast. */
export interface FindingInput {
  figures: Record<MetricName, Figure>
  /** Peers by state; `left` ones (a graceful leave) are neither healthy nor unhealthy and make no finding. */
  peers: { healthy: number, suspect: number, down: number, left: number }
  breakersOpen: number
  /** The upper end of the memory forecast at the horizon, when there is one. */
  memoryForecast?: { high: number, horizonMs: number, confidence: number }
}

/** The measurement a finding rests on: its name, value, the threshold it crossed and over what window. */
export interface Measurement {
  name: string
  value: number
  threshold: number
  windowMs?: number
  samples?: number
}

export interface Finding {
  id: string
  severity: 'info' | 'warning' | 'critical'
  message: string
  measurement: Measurement
}

/**
 * Thresholds of the rules, and why: CPU busy most of a window leaves no room for a burst;
 * memory near its limit is an OOM kill away; a stalled event loop delays every request and
 * the node's own heartbeats; 5 % of errors is far above a healthy service's.
 */
export const THRESHOLDS = {
  cpuMean: 0.8,
  memoryWarning: 0.85,
  memoryCritical: 0.95,
  eventLoopP99Ms: 200,
  errorRate: 0.05,
  memoryForecast: 0.9
} as const

/** Pure: the findings of the rules over the measured figures; none when all is well. */
export function findings (input: FindingInput): Finding[] {
  const f = input.figures
  const out: Finding[] = []
  const measured = (name: MetricName, value: number, threshold: number): Measurement =>
    ({ name, value, threshold, windowMs: f[name].windowMs, samples: f[name].samples })
  if (f.cpu.mean > THRESHOLDS.cpuMean) {
    out.push({ id: 'cpu_busy', severity: 'warning', message: 'CPU is busy most of the window: move a service to another node or add capacity', measurement: measured('cpu', f.cpu.mean, THRESHOLDS.cpuMean) })
  }
  if (f.memory.current > THRESHOLDS.memoryWarning) {
    const critical = f.memory.current > THRESHOLDS.memoryCritical
    out.push({ id: 'memory_high', severity: critical ? 'critical' : 'warning', message: 'memory is near its limit: raise the limit or lower the load before the process is killed', measurement: measured('memory', f.memory.current, critical ? THRESHOLDS.memoryCritical : THRESHOLDS.memoryWarning) })
  } else if (input.memoryForecast !== undefined && input.memoryForecast.high > THRESHOLDS.memoryForecast) {
    out.push({ id: 'memory_trend', severity: 'warning', message: `memory may pass ${THRESHOLDS.memoryForecast * 100} % of its limit within ${Math.round(input.memoryForecast.horizonMs / 60_000)} min (forecast confidence ${input.memoryForecast.confidence.toFixed(2)}): look for a leak or raise the limit`, measurement: { name: 'memory_forecast_high', value: input.memoryForecast.high, threshold: THRESHOLDS.memoryForecast, windowMs: input.memoryForecast.horizonMs } })
  }
  if (f.event_loop_delay_p99_ms.max > THRESHOLDS.eventLoopP99Ms) {
    out.push({ id: 'event_loop_stalled', severity: 'warning', message: 'the event loop stalled: requests and heartbeats waited; look for synchronous work or CPU starvation', measurement: measured('event_loop_delay_p99_ms', f.event_loop_delay_p99_ms.max, THRESHOLDS.eventLoopP99Ms) })
  }
  if (f.error_rate.mean > THRESHOLDS.errorRate) {
    out.push({ id: 'error_rate_high', severity: 'warning', message: 'many requests fail with 5xx: check the upstreams and the failover status', measurement: measured('error_rate', f.error_rate.mean, THRESHOLDS.errorRate) })
  }
  const unhealthy = input.peers.suspect + input.peers.down
  if (unhealthy > 0) {
    out.push({ id: 'peers_unhealthy', severity: input.peers.healthy === 0 ? 'critical' : 'warning', message: `${input.peers.down} peers are down and ${input.peers.suspect} suspect: requests fail over to the others`, measurement: { name: 'peers_unhealthy', value: unhealthy, threshold: 0 } })
  }
  if (input.breakersOpen > 0) {
    out.push({ id: 'breakers_open', severity: 'warning', message: `${input.breakersOpen} circuit breakers are open: those peers get no requests for that service until they recover`, measurement: { name: 'breakers_open', value: input.breakersOpen, threshold: 0 } })
  }
  return out
}
