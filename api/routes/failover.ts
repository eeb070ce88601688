import { Hono } from 'hono'
import { z } from 'zod'
import { MeshError } from '../../src/errors.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { jsonBody } from '../validation.ts'
import { PeerStateSchema, Time, round } from '../views.ts'

/**
 * A drain (the DataMesh document calls it a failover trigger). The peer is `peer_id`, or
 * `node_id`, the document's name for it, accepted as its alias.
 */
export const DrainRequest = z.object({
  peer_id: z.string().min(1).optional(),
  node_id: z.string().min(1).optional(),
  reason: z.string().min(1).max(256),
  force: z.boolean().default(false)
}).strict().transform((v, ctx) => {
  const peerId = v.peer_id ?? v.node_id
  if (peerId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['node_id'], message: 'required: the peer to drain, as peer_id or its alias node_id' })
    return z.NEVER
  }
  if (v.node_id !== undefined && v.node_id !== peerId) {
    ctx.addIssue({ code: 'custom', path: ['node_id'], message: 'names another peer than peer_id: give one of them' })
    return z.NEVER
  }
  return { peerId, reason: v.reason, force: v.force }
})

const PeerRef = z.object({ peer_id: z.string(), node_id: z.string() })
const BreakerStateSchema = z.enum(['closed', 'open', 'half_open'])

export const FailoverStatusResponse = z.object({
  strategy: z.literal('circuit_breaker'),
  total_nodes: z.number().int(),
  healthy_nodes: z.number().int(),
  suspect_nodes: z.number().int(),
  down_nodes: z.number().int(),
  left_nodes: z.number().int(),
  failed_nodes: z.number().int(),
  circuit_breakers: z.object({ closed: z.number().int(), open: z.number().int(), half_open: z.number().int() }),
  drained_nodes: z.array(PeerRef.extend({ reason: z.string(), force: z.boolean(), since: Time })),
  recent_failures: z.array(PeerRef.extend({ service: z.string(), failure_time: Time, error: z.string() }))
})
export const FailoverNodesResponse = z.object({
  nodes: z.array(PeerRef.extend({
    status: z.union([PeerStateSchema, z.literal('drained')]),
    response_time_ms: z.number().nullable(),
    rtt_ms: z.number().nullable(),
    uptime_seconds: z.number().int(),
    circuit_breakers: z.array(z.object({ service: z.string(), state: BreakerStateSchema, failure_rate: z.number(), trips: z.number().int() }))
  }))
})
export const DrainResponse = PeerRef.extend({ drained: z.literal(true), reason: z.string(), force: z.boolean(), since: Time })
export const UndrainResponse = PeerRef.extend({ drained: z.literal(false) })

export const failoverOperations = operations(
  { id: 'failoverStatus', method: 'get', path: '/v1/failover/status', tag: 'routing', summary: 'Peers by state, circuit breakers, drained peers and recent failures', responses: { 200: { FailoverStatusResponse } } },
  { id: 'failoverNodes', method: 'get', path: '/v1/failover/nodes', tag: 'routing', summary: 'Every peer with its response time and circuit breakers', responses: { 200: { FailoverNodesResponse } } },
  { id: 'drainPeer', method: 'post', path: '/v1/failover/trigger', tag: 'routing', summary: 'Drain a peer: route nothing more to it', body: { DrainRequest }, responses: { 200: { DrainResponse } }, errors: [404, 409] },
  { id: 'undrainPeer', method: 'delete', path: '/v1/failover/trigger/:peer_id', tag: 'routing', summary: 'Undrain a peer', responses: { 200: { UndrainResponse } } }
)

/** A peer as the DataMesh shapes name it: `peer_id`, and `node_id`, the document's alias. */
function peerRef (peerId: string): { peer_id: string, node_id: string } {
  return { peer_id: peerId, node_id: peerId }
}

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
      down_nodes: counts.down,
      // The DataMesh name of down_nodes.
      failed_nodes: counts.down,
      // Gone on purpose (a graceful leave): out of rotation, not failed, not counted above.
      left_nodes: counts.left,
      circuit_breakers: breakers,
      drained_nodes: [...router.drained()].map(([peerId, d]) => ({ ...peerRef(peerId), reason: d.reason, force: d.force, since: new Date(d.since).toISOString() })),
      recent_failures: router.recentFailures().map(f => ({ ...peerRef(f.peerId), service: f.service, failure_time: new Date(f.at).toISOString(), error: f.error }))
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
        ...peerRef(p.peerId),
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
    const body = jsonBody(c, DrainRequest)
    const drain = c.var.mesh.running().router.drain(body.peerId, body.reason, body.force)
    return c.json({ ...peerRef(body.peerId), drained: true, reason: drain.reason, force: drain.force, since: new Date(drain.since).toISOString() })
  })

  app.delete('/trigger/:peer_id', c => {
    const peerId = c.req.param('peer_id')
    if (!c.var.mesh.running().router.undrain(peerId)) throw new MeshError('NOT_FOUND', `peer ${peerId} is not drained`, peerRef(peerId))
    return c.json({ ...peerRef(peerId), drained: false })
  })
  return app
}

function nullable (x: number | undefined): number | null {
  return x === undefined ? null : round(x)
}
