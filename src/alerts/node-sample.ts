import type { ReplicationSummary } from '../billing/replication-lag.ts'
import type { BreakerState } from '../routing/circuit-breaker.ts'
import type { PeerState } from '../telemetry/failure-detector.ts'
import type { TelemetrySnapshot } from '../telemetry/snapshot.ts'
import type { MetricSample } from './condition.ts'

/** The window `rate_limited_requests` is a rate over: a minute, as Prometheus' `rate(...[1m])`. */
export const RATE_LIMITED_WINDOW_MS = 60_000

/** What a node has measured, as its services hold it; a part absent is a node that is not (yet) running it. */
export interface NodeFigures {
  peers: Record<PeerState, number>
  breakers?: readonly BreakerState[]
  /** The node's own latest load snapshot, as it published it. */
  own?: TelemetrySnapshot
  replication?: ReplicationSummary
  forks?: number
  /** Routed requests refused with 429 by the rate limiter, per second over the last minute. */
  rateLimitedPerSecond?: number
}

/** The figures alert conditions name, from what the node measured (pure). */
export function sampleOf (f: NodeFigures): MetricSample {
  const sample: MetricSample = {
    peers_healthy: f.peers.healthy,
    peers_suspect: f.peers.suspect,
    peers_down: f.peers.down,
    peers_left: f.peers.left,
    // A peer that left is no longer part of the mesh: counting it would make `peers_total` a high-water mark.
    peers_total: f.peers.healthy + f.peers.suspect + f.peers.down
  }
  if (f.breakers !== undefined) {
    sample.breakers_open = f.breakers.filter(s => s === 'open').length
    sample.breakers_half_open = f.breakers.filter(s => s === 'half_open').length
  }
  if (f.own !== undefined) {
    const recent = f.own.requests.recent
    sample.cpu_usage = f.own.cpu
    sample.memory_usage = f.own.memory.share
    sample.event_loop_delay_ms = f.own.eventLoopDelayMs.p99
    sample.active_requests = f.own.requests.active
    sample.error_rate = recent.served === 0 ? 0 : recent.errors / recent.served
  }
  if (f.replication !== undefined) {
    sample.replication_lag_entries = f.replication.maxLagEntries
    sample.lagging_authors = f.replication.laggingAuthors
  }
  if (f.forks !== undefined) sample.forks = f.forks
  if (f.rateLimitedPerSecond !== undefined) sample.rate_limited_requests = f.rateLimitedPerSecond
  return sample
}
