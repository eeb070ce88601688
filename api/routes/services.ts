import { Hono } from 'hono'
import { z } from 'zod'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { PeerStateSchema, round } from '../views.ts'

export const ServicesResponse = z.object({
  services: z.array(z.object({
    name: z.string(),
    local: z.object({ url: z.string(), capacity: z.number().int(), healthy: z.boolean(), last_error: z.string().nullable() }).nullable(),
    peers: z.array(z.object({
      peer_id: z.string(),
      status: PeerStateSchema,
      capacity: z.number().int(),
      load: z.object({ cpu_usage: z.number(), active_requests: z.number().int() }),
      api_url: z.string().nullable()
    }))
  }))
})

export const serviceOperations = operations(
  { id: 'services', method: 'get', path: '/v1/services', tag: 'routing', summary: 'Every service of the mesh, with the peers that offer it, their state and load', responses: { 200: { ServicesResponse } } }
)

/** Every service of the mesh, with the peers that offer it, their state and load. */
export function serviceRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/', c => {
    const mesh = c.var.mesh
    const byName = mesh.running().router.peerServices()
    const local = new Map(mesh.localServices.list().map(s => [s.name, s]))
    const names = [...new Set([...byName.keys(), ...local.keys()])].sort()
    return c.json({
      services: names.map(name => {
        const own = local.get(name)
        return {
          name,
          local: own === undefined ? null : { url: own.url, capacity: own.capacity, healthy: own.healthy, last_error: own.lastError ?? null },
          peers: (byName.get(name) ?? []).map(p => ({
            peer_id: p.peerId,
            status: p.state,
            capacity: p.snapshot.services.find(s => s.name === name)?.capacity ?? 0,
            load: { cpu_usage: round(p.snapshot.cpu), active_requests: p.snapshot.requests.active },
            api_url: p.snapshot.apiUrl === '' ? null : p.snapshot.apiUrl
          }))
        }
      })
    })
  })
  return app
}
