import type { TelemetrySnapshot } from '../../src/telemetry/snapshot.ts'

/** The time at which validSnapshot() is fresh. */
export const NOW = 1_700_000_000_000

/** A snapshot that passes every check at NOW, with any fields overridden. */
export function validSnapshot (overrides: Partial<TelemetrySnapshot> = {}): TelemetrySnapshot {
  return {
    incarnation: NOW - 3_600_000,
    seq: 42,
    time: NOW,
    intervalMs: 1000,
    cpu: 0.25,
    memory: { rssBytes: 120_000_000, heapUsedBytes: 40_000_000, limitBytes: 8_000_000_000, limitSource: 'host', share: 0.5 },
    eventLoopDelayMs: { p50: 1.2, p99: 8.5, max: 20 },
    requests: { active: 3, served: 1000, errors: 2, recent: { windowMs: 60_000, served: 1000, errors: 2 } },
    services: [{ name: 'echo', capacity: 100 }, { name: 'render', capacity: 0 }],
    apiUrl: 'http://127.0.0.1:8080',
    version: '0.1.0',
    region: 'eu-west',
    uptimeMs: 3_600_000,
    ...overrides
  }
}
