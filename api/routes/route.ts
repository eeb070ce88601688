import { createHash } from 'node:crypto'
import { Hono } from 'hono'
import { MeshError } from '../../src/errors.ts'
import type { ApiEnv } from '../context.ts'

/**
 * The data plane's front door: `ANY /v1/route/<service>/<path>` is served by the best peer
 * offering the service. Clients are not operators: any bearer token names a user for usage
 * metering (by its hash; tokens are never stored), and no token means `anonymous`.
 */
export function routeRoutes (apiToken: string, maxBodyBytes: number): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.all('/:service/*', async c => {
    const service = c.req.param('service')
    const url = new URL(c.req.url)
    const prefix = `/v1/route/${encodeURIComponent(service)}`
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : ''
    // Hono's trailing `*` also matches nothing: `/v1/route/<service>` alone names no path.
    if (path === '') throw new MeshError('NOT_FOUND', `route paths are /v1/route/${service}/<path>`)
    const declared = Number(c.req.header('content-length') ?? 0)
    if (declared > maxBodyBytes) throw new MeshError('PAYLOAD_TOO_LARGE', `the request body is larger than ${maxBodyBytes} bytes`)
    const body = new Uint8Array(await c.req.arrayBuffer())
    if (body.byteLength > maxBodyBytes) throw new MeshError('PAYLOAD_TOO_LARGE', `the request body is larger than ${maxBodyBytes} bytes`)
    const headers = [...c.req.raw.headers.entries()].filter(([k]) => k !== 'authorization')
    const result = await c.var.mesh.router.forward({
      service,
      method: c.req.method,
      path: path + url.search,
      headers,
      body,
      user: userOf(c.req.header('authorization'), apiToken),
      signal: c.req.raw.signal
    })
    const out = new Headers(result.headers)
    out.set('X-Mesh-Peer', result.servedBy)
    out.set('X-Mesh-Attempts', String(result.attempts))
    out.set('X-Request-Id', c.var.requestId)
    return new Response(c.req.method === 'HEAD' ? null : result.body, { status: result.status, headers: out })
  })
  return app
}

function userOf (authorization: string | undefined, apiToken: string): string {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
  if (token === undefined) return 'anonymous'
  if (token === apiToken) return 'operator'
  return `user-${createHash('sha256').update(token).digest('hex').slice(0, 16)}`
}
