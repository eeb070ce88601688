import { Hono } from 'hono'
import { z } from 'zod'
import { MeshError } from '../../src/errors.ts'
import { STRATEGY_NAMES, type StrategyName } from '../../src/routing/strategies.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { jsonBody } from '../validation.ts'
import { round } from '../views.ts'

const Strategy = z.enum(STRATEGY_NAMES as [StrategyName, ...StrategyName[]])

export const LoadBalancerConfigChange = z.object({
  strategy: Strategy.optional(),
  weights: z.record(z.string().min(1), z.number().int().min(1).max(1_000_000)).optional()
}).strict().refine(v => v.strategy !== undefined || v.weights !== undefined, { message: 'nothing to change' })

export const SelectRequest = z.object({ service: z.string().min(1).max(64) }).strict()

const Weights = z.record(z.string(), z.number().int())
export const LoadBalancerStatusResponse = z.object({
  strategy: Strategy,
  weights: Weights,
  total_in_flight: z.number().int(),
  retry_budget: z.object({ requests: z.number().int(), retries: z.number().int(), in_flight: z.number().int(), ratio: z.number() }),
  services: z.array(z.object({ name: z.string(), available_peers: z.number().int() })),
  peers: z.array(z.object({
    peer_id: z.string(),
    in_flight: z.number().int(),
    latency_ewma_ms: z.number().nullable(),
    selections: z.number().int(),
    errors: z.number().int(),
    drained: z.boolean()
  }))
})
export const SelectResponse = z.object({
  service: z.string(),
  strategy: Strategy,
  peer_id: z.string(),
  selected_node: z.string(),
  node_info: z.object({
    cpu_usage: z.number(),
    active_requests: z.number().int(),
    in_flight: z.number().int(),
    capacity: z.number().int(),
    latency_ewma_ms: z.number().nullable(),
    cost: z.number().nullable()
  }),
  selection_reason: z.string()
})
export const LoadBalancerConfigResponse = z.object({ strategy: Strategy, weights: Weights, strategies: z.array(Strategy) })

export const loadBalancerOperations = operations(
  { id: 'loadBalancerStatus', method: 'get', path: '/v1/load-balancer/status', tag: 'routing', summary: 'Strategy, retry budget, services and per-peer routing figures', responses: { 200: { LoadBalancerStatusResponse } } },
  { id: 'selectNode', method: 'post', path: '/v1/load-balancer/select-node', tag: 'routing', summary: 'Which peer the strategy would pick for a service now, and why', body: { SelectRequest }, responses: { 200: { SelectResponse } }, errors: [404] },
  { id: 'loadBalancerConfig', method: 'get', path: '/v1/load-balancer/config', tag: 'routing', summary: 'The routing strategy and weights', responses: { 200: { LoadBalancerConfigResponse } } },
  { id: 'updateLoadBalancerConfig', method: 'put', path: '/v1/load-balancer/config', tag: 'routing', summary: 'Change the routing strategy or weights', body: { LoadBalancerConfigChange }, responses: { 200: { LoadBalancerConfigResponse } } }
)

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
    const change = jsonBody(c, LoadBalancerConfigChange)
    c.var.mesh.running().router.configure(change)
    return c.json({ strategy: c.var.mesh.running().router.strategy, weights: c.var.mesh.running().router.weights, strategies: STRATEGY_NAMES })
  })
  return app
}

function nullable (x: number | undefined): number | null {
  return x === undefined ? null : round(x)
}
