import { Hono } from 'hono'
import { z } from 'zod'
import { NetworkParamsSchema } from '../../src/network/params.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { jsonBody } from '../validation.ts'

/** What the operator can change without a restart; everything else needs one. */
export const SystemConfigChange = z.object({
  telemetry: z.object({ interval_ms: z.number().int().min(100).max(600_000) }).strict().optional(),
  network: z.object({ max_peers: z.number().int().min(1).max(1000) }).strict().optional()
}).strict().refine(v => v.telemetry !== undefined || v.network !== undefined, { message: 'nothing to change' })

export const SystemConfigResponse = z.object({
  node: z.object({ peer_id: z.string(), data_dir: z.string(), region: z.string(), log_level: z.string() }),
  network: z.object({
    network_id: z.string(),
    genesis_hash: z.string(),
    listen: z.array(z.string()),
    announce: z.array(z.string()),
    bootstrap_peers: z.array(z.string()),
    max_peers: z.number().int()
  }),
  telemetry: z.object({ interval_ms: z.number().int() }),
  api: z.object({ url: z.string(), cors_origins: z.array(z.string()) }),
  params: NetworkParamsSchema,
  mutable: z.array(z.string())
})

export const configOperations = operations(
  { id: 'systemConfig', method: 'get', path: '/v1/config/system', tag: 'system', summary: 'The node\'s settings and the network parameters in force', responses: { 200: { SystemConfigResponse } } },
  { id: 'updateSystemConfig', method: 'put', path: '/v1/config/system', tag: 'system', summary: 'Change the settings that need no restart', body: { SystemConfigChange }, responses: { 200: { SystemConfigResponse } } }
)

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
    const change = jsonBody(c, SystemConfigChange)
    c.var.mesh.updateSettings({ telemetryIntervalMs: change.telemetry?.interval_ms, maxPeers: change.network?.max_peers })
    return c.json(render(c.var.mesh))
  })
  return app
}
