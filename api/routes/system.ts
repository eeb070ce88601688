import { Hono } from 'hono'
import { z } from 'zod'
import { MeshError } from '../../src/errors.ts'
import { VERSION } from '../../src/version.ts'
import type { ApiEnv } from '../context.ts'
import { query } from '../validation.ts'
import { loadView, round } from '../views.ts'
import { MetricSeriesQuery, seriesSpan, seriesView } from './metric-series.ts'

const PERIODS = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000 } as const

/** A summary over a trailing period (default 5m); with `start`, `end` or `interval` the route answers the time series (MetricSeriesQuery) instead. */
export const SystemMetricsSummaryQuery = z.object({ period: z.enum(Object.keys(PERIODS) as [keyof typeof PERIODS]).default('5m') }).strict()
const SERIES_KEYS = ['start', 'end', 'interval']

export function systemRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.get('/status', c => {
    const mesh = c.var.mesh
    const ready = mesh.readiness()
    const own = mesh.built?.telemetry.published
    const counts = mesh.peerTable.countByState()
    const uptimeMs = mesh.clock.now() - mesh.startedAt
    return c.json({
      status: !ready.ready ? 'starting' : counts.suspect + counts.down > 0 ? 'degraded' : 'healthy',
      peer_id: mesh.peerId.toString(),
      network_id: mesh.networkId,
      version: VERSION,
      uptime_seconds: Math.round(uptimeMs / 1000),
      started_at: new Date(mesh.startedAt).toISOString(),
      components: {
        p2p: { status: ready.libp2p ? 'active' : 'stopped', connections: mesh.network.connectedPeers().length, listen_addresses: mesh.network.listenAddresses() },
        telemetry: { status: ready.subscriptions ? 'active' : 'stopped', interval_ms: mesh.runtimeSettings().telemetryIntervalMs, last_seq: own?.seq ?? 0 },
        storage: { status: ready.database ? 'open' : 'closed' },
        peers: { total: counts.healthy + counts.suspect + counts.down, ...counts }
      },
      load: own === undefined ? null : loadView(own)
    })
  })

  app.get('/metrics', c => {
    const mesh = c.var.mesh
    if (SERIES_KEYS.some(k => c.req.query(k) !== undefined)) {
      const span = seriesSpan(query(c, MetricSeriesQuery), mesh.clock.now())
      return c.json(seriesView(mesh.peerId.toString(), 'self', mesh.history.ring, span))
    }
    const { period } = query(c, SystemMetricsSummaryQuery)
    const summary = mesh.history.summary(PERIODS[period], mesh.clock.now())
    if (summary === undefined) throw new MeshError('UNAVAILABLE', 'no load sample taken yet')
    const series = (s: { average: number, peak: number, current: number }): Record<string, number> =>
      ({ average: round(s.average), peak: round(s.peak), current: round(s.current) })
    return c.json({
      period,
      samples: summary.samples,
      metrics: {
        cpu: series(summary.cpu),
        memory: series(summary.memory),
        rss_bytes: series(summary.rssBytes),
        event_loop_delay_p99_ms: series(summary.eventLoopDelayP99Ms)
      }
    })
  })
  return app
}
