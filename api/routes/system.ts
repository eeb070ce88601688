import { Hono } from 'hono'
import { z } from 'zod'
import { MeshError } from '../../src/errors.ts'
import type { NodeControl } from '../../src/launch.ts'
import { VERSION } from '../../src/version.ts'
import { CONFIG_KEYS } from '../../src/node-config.ts'
import { RELOADABLE } from '../../src/reload.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { jsonBody, query } from '../validation.ts'
import { LoadView, PeerCounts, Time, TRAILING_WINDOWS, TrailingWindow, loadView, round } from '../views.ts'
import { MetricSeriesQuery, MetricSeriesResponse, seriesSpan, seriesView } from './metric-series.ts'

/** A summary over a trailing period (default 5m); with `start`, `end` or `interval` the route answers the time series (MetricSeriesQuery) instead. */
export const SystemMetricsSummaryQuery = z.object({ period: TrailingWindow.default('5m') })
const SERIES_KEYS = Object.keys(MetricSeriesQuery.shape)

/** What a reload changed: each setting by its config-file name, applied now or needing a restart. */
export const SystemReloadResponse = z.object({
  changed: z.array(z.object({ setting: z.string(), from: z.unknown(), to: z.unknown(), applied: z.boolean() })),
  applied: z.array(z.string()),
  restart_required: z.array(z.string()),
  /** Every setting a reload applies; the others need a restart. */
  reloadable: z.array(z.string())
})

/**
 * A graceful stop, as SIGTERM: in-flight requests get `timeout_ms` (default 30 s) to finish,
 * then their connections are cut; `force` cuts them at once. The database is closed cleanly either way.
 */
export const SystemShutdownRequest = z.object({
  timeout_ms: z.number().int().min(0).max(600_000).default(30_000),
  force: z.boolean().default(false)
}).strict()

export const SystemShutdownResponse = z.object({ status: z.literal('stopping'), timeout_ms: z.number().int(), force: z.boolean() })

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
export const SystemMetricsSummaryResponse = z.object({
  period: SystemMetricsSummaryQuery.shape.period.unwrap(),
  samples: z.number().int(),
  metrics: z.object({ cpu: Series, memory: Series, rss_bytes: Series, event_loop_delay_p99_ms: Series })
})
/** A summary, or with `start`, `end` or `interval` the time series. */
export const SystemMetricsResponse = z.union([SystemMetricsSummaryResponse, MetricSeriesResponse])

export const systemOperations = operations(
  { id: 'systemStatus', method: 'get', path: '/v1/system/status', tag: 'system', summary: 'The node: status, identity, components and its own load', responses: { 200: { SystemStatusResponse } } },
  {
    id: 'systemMetrics',
    method: 'get',
    path: '/v1/system/metrics',
    tag: 'system',
    summary: 'The node\'s load over a period (average, peak, current), or with start, end or interval its time series',
    query: SystemMetricsSummaryQuery.extend(MetricSeriesQuery.partial().shape),
    responses: { 200: { SystemMetricsResponse } }
  },
  { id: 'reload', method: 'post', path: '/v1/system/reload', tag: 'system', summary: 'Re-read the config and apply what a reload can, as SIGHUP', responses: { 200: { SystemReloadResponse } } },
  { id: 'shutdown', method: 'post', path: '/v1/system/shutdown', tag: 'system', summary: 'Stop gracefully, as SIGTERM (no body: the defaults)', body: { SystemShutdownRequest }, optionalBody: true, responses: { 202: { SystemShutdownResponse } } }
)

export function systemRoutes (control: NodeControl): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.post('/reload', async c => {
    const report = await control.reload()
    const body: z.infer<typeof SystemReloadResponse> = {
      changed: report.changed,
      applied: report.applied,
      restart_required: report.restartRequired,
      reloadable: [...RELOADABLE].map(k => CONFIG_KEYS[k])
    }
    return c.json(body)
  })

  app.post('/shutdown', c => {
    // No body is the defaults.
    const request = c.var.body === undefined ? SystemShutdownRequest.parse({}) : jsonBody(c, SystemShutdownRequest)
    const body: z.infer<typeof SystemShutdownResponse> = { status: 'stopping', timeout_ms: request.timeout_ms, force: request.force }
    // After this answer is out: the stop waits for in-flight requests, this one included.
    setImmediate(() => { control.shutdown({ timeoutMs: request.timeout_ms, force: request.force }) })
    return c.json(body, 202)
  })

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
    const summary = mesh.history.summary(TRAILING_WINDOWS[period], mesh.clock.now())
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
