import { Hono } from 'hono'
import { z } from 'zod'
import { MeshError } from '../../src/errors.ts'
import { VERSION } from '../../src/version.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { query } from '../validation.ts'
import { LoadView, PeerCounts, Time, loadView, round } from '../views.ts'

const PERIODS = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000 } as const

export const SystemMetricsQuery = z.object({ period: z.enum(Object.keys(PERIODS) as [keyof typeof PERIODS]).default('5m') })

export const SystemStatusResponse = z.object({
  status: z.enum(['starting', 'degraded', 'healthy']),
  peer_id: z.string(),
  network_id: z.string(),
  version: z.string(),
  uptime_seconds: z.number().int(),
  started_at: Time,
  components: z.object({
    p2p: z.object({ status: z.enum(['active', 'stopped']), connections: z.number().int(), listen_addresses: z.array(z.string()) }),
    telemetry: z.object({ status: z.enum(['active', 'stopped']), interval_ms: z.number().int(), last_seq: z.number().int() }),
    storage: z.object({ status: z.enum(['open', 'closed']) }),
    peers: PeerCounts.extend({ total: z.number().int() })
  }),
  load: LoadView.nullable()
})

const Series = z.object({ average: z.number(), peak: z.number(), current: z.number() })
export const SystemMetricsResponse = z.object({
  period: SystemMetricsQuery.shape.period.unwrap(),
  samples: z.number().int(),
  metrics: z.object({ cpu: Series, memory: Series, rss_bytes: Series, event_loop_delay_p99_ms: Series })
})

export const systemOperations = operations(
  { id: 'systemStatus', method: 'get', path: '/v1/system/status', tag: 'system', summary: 'The node: status, identity, components and its own load', responses: { 200: { SystemStatusResponse } } },
  {
    id: 'systemMetrics',
    method: 'get',
    path: '/v1/system/metrics',
    tag: 'system',
    summary: 'The node\'s load over a period: average, peak and current',
    query: SystemMetricsQuery,
    responses: { 200: { SystemMetricsResponse } }
  }
)

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
    const { period } = query(c, SystemMetricsQuery)
    const summary = c.var.mesh.history.summary(PERIODS[period], c.var.mesh.clock.now())
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
