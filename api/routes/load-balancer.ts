import { Hono } from 'hono'
import { z } from 'zod'
import { MeshError } from '../../src/errors.ts'
import { STRATEGY_NAMES, type StrategyName } from '../../src/routing/strategies.ts'
import type { ApiEnv } from '../context.ts'
import { jsonBody } from '../validation.ts'
import { round } from '../views.ts'

const Strategy = z.enum(STRATEGY_NAMES as [StrategyName, ...StrategyName[]])

const ConfigChange = z.object({
  strategy: Strategy.optional(),
  weights: z.record(z.string().min(1), z.number().int().min(1).max(1_000_000)).optional()
}).strict().refine(v => v.strategy !== undefined || v.weights !== undefined, { message: 'nothing to change' })

const SelectRequest = z.object({ service: z.string().min(1).max(64) }).strict()

export function loadBalancerRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.get('/status', c => {
    const router = c.var.mesh.running().router
    const now = c.var.mesh.clock.now()
    const budget = router.retryBudget().stats(now)
    const peers = [...router.peerStats()].map(([peerId, s]) => ({
      peer_id: peerId,
      in_flight: s.inFlight,
      latency_ewma_ms: nullable(s.latency.value(now)),
      selections: s.selections,
      errors: s.errors,
      drained: router.drained().has(peerId)
    }))
    return c.json({
      strategy: router.strategy,
      weights: router.weights,
      total_in_flight: peers.reduce((a, p) => a + p.in_flight, 0),
      retry_budget: { requests: budget.requests, retries: budget.retries, in_flight: budget.inFlight, ratio: round(budget.ratio) },
      services: [...router.peerServices().keys()].sort().map(name => ({ name, available_peers: router.candidates(name).length })),
      peers
    })
  })

  app.post('/select-node', async c => {
    const { service } = jsonBody(c, SelectRequest)
    const router = c.var.mesh.running().router
    if (!router.isKnown(service)) throw new MeshError('NOT_FOUND', `no peer of the mesh offers service ${service}`, { service })
    const pick = router.select(service)
    if (pick === undefined) throw new MeshError('UNAVAILABLE', `no peer is available for service ${service}`, { service })
    const { candidate } = pick
    return c.json({
      service,
      strategy: router.strategy,
      peer_id: pick.selection.peerId,
      // The DataMesh name of peer_id.
      selected_node: pick.selection.peerId,
      node_info: {
        cpu_usage: round(candidate.load.cpu),
        active_requests: candidate.load.activeRequests,
        in_flight: candidate.inFlight,
        capacity: candidate.capacity,
        latency_ewma_ms: nullable(candidate.latencyMs),
        cost: pick.selection.cost === undefined ? null : round(pick.selection.cost)
      },
      selection_reason: pick.selection.reason
    })
  })

  app.get('/config', c => c.json({ strategy: c.var.mesh.running().router.strategy, weights: c.var.mesh.running().router.weights, strategies: STRATEGY_NAMES }))
  app.put('/config', async c => {
    const change = jsonBody(c, ConfigChange)
    c.var.mesh.running().router.configure(change)
    return c.json({ strategy: c.var.mesh.running().router.strategy, weights: c.var.mesh.running().router.weights, strategies: STRATEGY_NAMES })
  })
  return app
}

function nullable (x: number | undefined): number | null {
  return x === undefined ? null : round(x)
}
