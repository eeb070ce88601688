import { Hono } from 'hono'
import { z } from 'zod'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'

export const HealthResponse = z.object({ status: z.literal('ok') })
export const ReadinessResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ libp2p: z.boolean(), database: z.boolean(), subscriptions: z.boolean(), billing: z.boolean() }),
  reason: z.string().optional()
})

export const healthOperations = operations(
  { id: 'health', method: 'get', path: '/health', tag: 'system', summary: 'Liveness: the process answers', responses: { 200: { HealthResponse } } },
  {
    id: 'ready',
    method: 'get',
    path: '/ready',
    tag: 'system',
    summary: 'Readiness: libp2p, database, subscriptions and the billing log are up',
    description: 'Answers 503 with the same shape and a `reason` until the node is ready.',
    responses: { 200: { ReadinessResponse }, 503: { ReadinessResponse } }
  },
  { id: 'prometheusMetrics', method: 'get', path: '/metrics', tag: 'system', summary: 'Prometheus metrics (text exposition format)', responses: { 200: { mediaType: 'text/plain', description: 'Prometheus text format' } } }
)

/**
 * Root probes: liveness, readiness (503 until libp2p, database and subscriptions are up and the
 * billing log takes appends, with the reasons), metrics.
 */
export function healthRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/health', c => c.json({ status: 'ok' }))
  app.get('/ready', c => {
    const r = c.var.mesh.readiness()
    return c.json({
      status: r.ready ? 'ready' : 'not_ready',
      checks: { libp2p: r.libp2p, database: r.database, subscriptions: r.subscriptions, billing: r.billing },
      ...(r.ready ? {} : { reason: r.reasons.join('; ') })
    }, r.ready ? 200 : 503)
  })
  app.get('/metrics', async c => {
    const registry = c.var.mesh.metrics.registry
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType })
  })
  return app
}
