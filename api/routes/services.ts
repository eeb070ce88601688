import { Hono } from 'hono'
import type { ApiEnv } from '../context.ts'
import { round } from '../views.ts'

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
