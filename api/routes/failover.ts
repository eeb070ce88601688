import { Hono } from 'hono'
import { z } from 'zod'
import { MeshError } from '../../src/errors.ts'
import type { ApiEnv } from '../context.ts'
import { jsonBody } from '../validation.ts'
import { round } from '../views.ts'

const Trigger = z.object({
  node_id: z.string().min(1),
  reason: z.string().min(1).max(256),
  force: z.boolean().default(false)
}).strict()

export function failoverRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.get('/status', c => {
    const mesh = c.var.mesh
    const router = mesh.running().router
    const now = c.var.mesh.clock.now()
    const counts = mesh.peerTable.countByState()
    const breakers = { closed: 0, open: 0, half_open: 0 }
    for (const b of router.breakerStates()) breakers[b.breaker.state(now)]++
    return c.json({
      strategy: 'circuit_breaker',
      total_nodes: counts.healthy + counts.suspect + counts.down,
      healthy_nodes: counts.healthy,
      suspect_nodes: counts.suspect,
      failed_nodes: counts.down,
      circuit_breakers: breakers,
      drained_nodes: [...router.drained()].map(([peerId, d]) => ({ node_id: peerId, reason: d.reason, force: d.force, since: new Date(d.since).toISOString() })),
      recent_failures: router.recentFailures().map(f => ({ node_id: f.peerId, service: f.service, failure_time: new Date(f.at).toISOString(), error: f.error }))
    })
  })

  app.get('/nodes', c => {
    const mesh = c.var.mesh
    const router = mesh.running().router
    const now = c.var.mesh.clock.now()
    const stats = router.peerStats()
    const breakers = router.breakerStates()
    const drained = router.drained()
    return c.json({
      nodes: mesh.peerTable.list(mesh.clock.now()).map(p => ({
        node_id: p.peerId,
        status: drained.has(p.peerId) ? 'drained' : p.state,
        response_time_ms: nullable(stats.get(p.peerId)?.latency.value(now)),
        rtt_ms: nullable(p.rttMs),
        uptime_seconds: Math.round(p.snapshot.uptimeMs / 1000),
        circuit_breakers: breakers.filter(b => b.peerId === p.peerId).map(b => {
          const s = b.breaker.stats(now)
          return { service: b.service, state: s.state, failure_rate: round(s.failureRate), trips: s.trips }
        })
      }))
    })
  })

  app.post('/trigger', async c => {
    const body = jsonBody(c, Trigger)
    const drain = c.var.mesh.running().router.drain(body.node_id, body.reason, body.force)
    return c.json({ node_id: body.node_id, drained: true, reason: drain.reason, force: drain.force, since: new Date(drain.since).toISOString() })
  })

  app.delete('/trigger/:node_id', c => {
    const nodeId = c.req.param('node_id')
    if (!c.var.mesh.running().router.undrain(nodeId)) throw new MeshError('NOT_FOUND', `node ${nodeId} is not drained`, { node_id: nodeId })
    return c.json({ node_id: nodeId, drained: false })
  })
  return app
}

function nullable (x: number | undefined): number | null {
  return x === undefined ? null : round(x)
}
