import { Hono } from 'hono'
import type { ApiEnv } from '../context.ts'

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
