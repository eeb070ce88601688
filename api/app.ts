import { Hono } from 'hono'
import { requestId } from 'hono/request-id'
import type { NodeControl } from '../src/launch.ts'
import type { Logger } from '../src/logging.ts'
import type { ApiEnv, ApiNode } from './context.ts'
import { handleError, notFound } from './errors.ts'
import { DEFAULT_TUNING, type Tuning } from '../src/tuning.ts'
import { auditRecorder } from './middleware/audit.ts'
import { apiBodyLimit } from './middleware/body-limit.ts'
import { readJsonBody } from './middleware/json-body.ts'
import { operatorAuth } from './middleware/operator-auth.ts'
import { corsPolicy } from './middleware/cors.ts'
import { requestMetrics } from './middleware/request-metrics.ts'
import { alertRoutes } from './routes/alerts.ts'
import { analyticsRoutes } from './routes/analytics.ts'
import { billingRoutes } from './routes/billing.ts'
import { configRoutes, type StaticConfig } from './routes/config.ts'
import { docsRoutes } from './routes/docs.ts'
import { uiRoutes } from './routes/ui.ts'
import { apiDocument } from './operations.ts'
import { eventRoutes } from './routes/events.ts'
import { failoverRoutes } from './routes/failover.ts'
import { electionRoutes, governanceRoutes } from './routes/governance.ts'
import { loadBalancerRoutes } from './routes/load-balancer.ts'
import { routeRoutes } from './routes/route.ts'
import { serviceRoutes } from './routes/services.ts'
import { subscriptionRoutes } from './routes/subscriptions.ts'
import { tenantRoutes } from './routes/tenants.ts'
import { healthRoutes } from './routes/health.ts'
import { networkRoutes } from './routes/network.ts'
import { performanceRoutes } from './routes/performance.ts'
import { securityRoutes } from './routes/security.ts'
import { systemRoutes } from './routes/system.ts'
import { testingRoutes } from './routes/testing.ts'
import { webhookRoutes } from './routes/webhooks.ts'
import { wsRoutes } from './routes/ws.ts'

export interface ApiOptions {
  mesh: ApiNode
  token: string
  log: Logger
  /** The node's settings as the API shows them; a reload changes `corsOrigins` and `logLevel` in place. */
  staticConfig: StaticConfig
  /** Reload and shutdown of the node (POST /v1/system/reload, /v1/system/shutdown). */
  control: NodeControl
  /** Aborted when the server shuts down, to end long-lived streams. */
  shutdown: AbortSignal
  maxBodyBytes?: number
  maxRouteBodyBytes: number
  /** Alerts, audit, auth throttling and WebSocket settings; DEFAULT_TUNING's when absent. */
  operations?: Tuning['operations']
  /** Off only to measure what the audit trail costs (bench/alerts-audit.ts); on in every node. */
  auditTrail?: boolean
}

const MUTATING = ['POST', 'PUT', 'PATCH', 'DELETE']
/** Paths whose reads need the operator token too: the operator's customers, webhooks and security. */
const OPERATOR_READS = ['/v1/tenants', '/v1/billing/subscriptions', '/v1/webhooks', '/v1/security']

/** The node's local API: one route module per domain, mounted on one app. */
export function createApi (opts: ApiOptions): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  // Origins allowed to call the API from a browser (CORS): the node's settings, none by default.
  app.use(corsPolicy(() => opts.staticConfig.corsOrigins))
  app.use(requestId())
  app.use(requestMetrics(opts.mesh.metrics.registry, opts.mesh.requests))
  const now = (): number => opts.mesh.clock.now()
  // Every mutating call and every failed authentication, once answered (middleware/audit.ts).
  const audit = opts.auditTrail === false ? undefined : auditRecorder(opts.mesh.audit, now)
  app.use(async (c, next) => {
    c.set('mesh', opts.mesh)
    c.set('shutdown', opts.shutdown)
    await next()
    audit?.(c)
  })
  const guard = { throttle: opts.mesh.authThrottle, now }
  // The data plane: client traffic, metered by the caller's token and limited by the route's own
  // body limit. Mounted before the operator plane's middleware, it answers without passing them.
  app.route('/v1/route', routeRoutes(opts.token, opts.maxRouteBodyBytes))

  // The operator plane: every other path. The token is checked before the body is read.
  // One check of the operator token, throttled per address: every mutating call, and the reads
  // of the operator's own records (tenants, subscriptions, webhooks, security).
  const requireOperator = operatorAuth(opts.token, guard)
  app.on(MUTATING, '*', requireOperator)
  app.on(['GET', 'HEAD'], OPERATOR_READS.flatMap(p => [p, `${p}/*`]), requireOperator)
  app.use(apiBodyLimit(opts.maxBodyBytes ?? 1024 * 1024))
  app.on(MUTATING, '*', readJsonBody())
  app.route('/', healthRoutes())
  app.route('/v1/system', systemRoutes(opts.control))
  app.route('/v1/network', networkRoutes())
  app.route('/v1/config', configRoutes(opts.staticConfig))
  app.route('/v1/events', eventRoutes())
  app.route('/v1/services', serviceRoutes())
  app.route('/v1/load-balancer', loadBalancerRoutes())
  app.route('/v1/failover', failoverRoutes())
  app.route('/v1/billing/subscriptions', subscriptionRoutes())
  app.route('/v1/billing', billingRoutes())
  app.route('/v1/tenants', tenantRoutes())
  app.route('/v1/analytics', analyticsRoutes())
  app.route('/v1/governance', governanceRoutes())
  app.route('/v1/election', electionRoutes())
  app.route('/v1/performance', performanceRoutes())
  app.route('/v1/testing', testingRoutes())
  const operations = opts.operations ?? DEFAULT_TUNING.operations
  app.route('/v1/alerts', alertRoutes(operations.alertIntervalMs))
  app.route('/v1/security', securityRoutes({ retentionMs: operations.auditRetentionMs, policy: operations.authThrottle }))
  app.route('/v1/ws', wsRoutes())
  app.route('/v1/webhooks', webhookRoutes())
  app.route('/', docsRoutes(apiDocument()))
  app.route('/', uiRoutes())

  app.notFound(notFound)
  app.onError(handleError(opts.log))
  return app
}
