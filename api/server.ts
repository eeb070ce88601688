import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import type { ApiEnv } from './context.ts'

export interface ApiServer {
  url: string
  /** Stops accepting connections and waits for in-flight requests to finish. */
  close: () => Promise<void>
  /** Stops at once, cutting every connection: a crash, for simulations. */
  destroy: () => Promise<void>
}

export async function listenApi (app: Hono<ApiEnv>, host: string, port: number): Promise<ApiServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s as Server))
    s.once('error', reject)
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shownHost}:${address.port}`,
    close: async () => {
      await new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeIdleConnections()
      })
    },
    destroy: async () => {
      await new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }
}
