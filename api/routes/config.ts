import { Hono } from 'hono'
import { z } from 'zod'
import type { ApiEnv } from '../context.ts'
import { jsonBody } from '../validation.ts'

/** What the operator can change without a restart; everything else needs one. */
const ConfigChange = z.object({
  telemetry: z.object({ interval_ms: z.number().int().min(100).max(600_000) }).strict().optional(),
  network: z.object({ max_peers: z.number().int().min(1).max(1000) }).strict().optional()
}).strict().refine(v => v.telemetry !== undefined || v.network !== undefined, { message: 'nothing to change' })

export interface StaticConfig {
  dataDir: string
  listen: string[]
  /** Addresses announced instead of the listen addresses (--announce); empty: none. */
  announce: string[]
  /** Origins allowed to call the API from a browser (--cors-origin). */
  corsOrigins: string[]
  apiUrl: string
  bootstrap: string[]
  region: string
  logLevel: string
}

export function configRoutes (staticConfig: StaticConfig): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  const render = (mesh: ApiEnv['Variables']['mesh']): Record<string, unknown> => {
    const s = mesh.runtimeSettings()
    return {
      node: { peer_id: mesh.peerId.toString(), data_dir: staticConfig.dataDir, region: staticConfig.region, log_level: staticConfig.logLevel },
      network: {
        network_id: mesh.networkId,
        genesis_hash: mesh.genesisHash,
        listen: staticConfig.listen,
        announce: staticConfig.announce,
        bootstrap_peers: staticConfig.bootstrap,
        max_peers: s.maxPeers
      },
      telemetry: { interval_ms: s.telemetryIntervalMs },
      api: { url: staticConfig.apiUrl, cors_origins: staticConfig.corsOrigins },
      params: mesh.params(),
      mutable: ['telemetry.interval_ms', 'network.max_peers']
    }
  }
  app.get('/system', c => c.json(render(c.var.mesh)))
  app.put('/system', async c => {
    const change = jsonBody(c, ConfigChange)
    c.var.mesh.updateSettings({ telemetryIntervalMs: change.telemetry?.interval_ms, maxPeers: change.network?.max_peers })
    return c.json(render(c.var.mesh))
  })
  return app
}
