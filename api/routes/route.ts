import { Hono, type Context } from 'hono'
import { MeshError } from '../../src/errors.ts'
import { RequestBody } from '../../src/routing/request-body.ts'
import { BODY_FRAME_BYTES } from '../../src/routing/route-protocol.ts'
import type { Router } from '../../src/routing/router.ts'
import { meteredUser } from '../../src/routing/usage.ts'
import type { ApiEnv } from '../context.ts'
import { declaredBody } from '../middleware/json-body.ts'
import { bearerToken } from '../middleware/operator-auth.ts'

const NO_BODY = RequestBody.of(new Uint8Array(0))

/**
 * The data plane's front door: `ANY /v1/route/<service>/<path>` is served by the best peer
 * offering the service. Clients are not operators: any bearer token names a user for usage
 * metering (by its hash; tokens are never stored), and no token means `anonymous`. The
 * service is resolved before the body is read, and the body streams from the client's
 * connection to the peer as the peer reads it; only a small one (a frame) is read at once.
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
    const router = c.var.mesh.running().router
    const head = requestHead(c)
    const { user, headers } = admit(router, service, head.authorization, apiToken)
    // On every answer to it, an error's too (Hono adds the context's headers to those).
    for (const [name, value] of headers) c.header(name, value)
    const declared = declaredBody(c)
    const body = declared.present ? await RequestBody.from(c.env.incoming, declared.length, maxBodyBytes, BODY_FRAME_BYTES) : NO_BODY
    const result = await router.forward({
      service,
      method: c.req.method,
      path: path + url.search,
      headers: head.headers,
      body,
      user,
      signal: head.signal
    })
    const out = new Headers(result.headers)
    for (const [name, value] of headers) out.set(name, value)
    out.set('X-Mesh-Peer', result.servedBy)
    out.set('X-Mesh-Attempts', String(result.attempts))
    out.set('X-Request-Id', c.var.requestId)
    // A body received whole goes out as bytes: the adapter writes head and body at once, with its length.
    return new Response(c.req.method === 'HEAD' ? null : result.whole ?? result.body, { status: result.status, headers: out })
  })
  return app
}

/** Who a routed request is metered (and limited) as, and the headers that every answer to it carries. */
interface Admission {
  user: string
  headers: Array<[string, string]>
}

/**
 * The one place where a routed request is let in, from its head alone, before its body is read
 * or any peer sees it: the caller is identified (today any bearer token names a user by its hash;
 * API keys are checked here), held to its limits (a rate limiter goes here, with its
 * X-RateLimit-* headers in `headers`), and refused with a MeshError otherwise: 404 when no peer
 * offers the service, 503 (metered) when none can take it now.
 */
function admit (router: Pick<Router, 'admit'>, service: string, authorization: string | undefined, apiToken: string): Admission {
  const user = meteredUser(bearerToken(authorization), apiToken)
  router.admit(service, user)
  return { user, headers: [] }
}

/**
 * A routed request's headers (its Authorization apart: it names the caller, and goes no
 * further) and a signal aborted when its client goes away. From Node's own parse where the
 * request came over HTTP: asking Hono for them makes the adapter build a whole web Request
 * (headers copied, a signal, an undici object) for every routed request. Repeated names stay
 * apart, as they came.
 */
function requestHead (c: Context<ApiEnv>): { headers: Array<[string, string]>, authorization: string | undefined, signal: AbortSignal } {
  const bindings = c.env as Partial<ApiEnv['Bindings']> | undefined
  const incoming = bindings?.incoming
  const outgoing = bindings?.outgoing
  if (incoming === undefined || outgoing === undefined) {
    return { headers: [...c.req.raw.headers.entries()].filter(([k]) => k !== 'authorization'), authorization: c.req.header('authorization'), signal: c.req.raw.signal }
  }
  const raw = incoming.rawHeaders
  const headers: Array<[string, string]> = []
  let authorization: string | undefined
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? ''
    const value = raw[i + 1] ?? ''
    if (name.length === 13 && name.toLowerCase() === 'authorization') authorization ??= value
    else headers.push([name, value])
  }
  // As the adapter does for its Request's signal: a response closed before it finished lost its client.
  const gone = new AbortController()
  outgoing.once('close', () => { if (!outgoing.writableFinished) gone.abort(new Error('the client closed the connection')) })
  return { headers, authorization, signal: gone.signal }
}
