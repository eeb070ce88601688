import { Hono, type Context } from 'hono'
import { MeshError } from '../../src/errors.ts'
import { RequestBody } from '../../src/routing/request-body.ts'
import { BODY_FRAME_BYTES } from '../../src/routing/route-protocol.ts'
import { anonymousPrincipal, billedUser, type Principal } from '../../src/platform/principal.ts'
import { meteredUser } from '../../src/routing/usage.ts'
import type { ApiEnv } from '../context.ts'
import { declaredBody } from '../middleware/json-body.ts'
import { bearerToken } from '../middleware/operator-auth.ts'
import type { Method } from '../openapi/operation.ts'
import { operations } from '../openapi/operation.ts'
import { rateLimitHeaders } from '../rate-limit-headers.ts'

const NO_BODY = RequestBody.of(new Uint8Array(0))

/** The data plane answers any method; the document lists the usual ones. */
export const routeOperations = operations(...(['get', 'post', 'put', 'patch', 'delete'] as const satisfies readonly Method[]).map(method => ({
  id: `route${method[0]?.toUpperCase() ?? ''}${method.slice(1)}`,
  method,
  path: '/v1/route/:service/*',
  tag: 'routing',
  summary: `${method.toUpperCase()} a path of a service, served by the best peer that offers it`,
  description: 'The answer is the upstream\'s, with `X-Mesh-Peer` (the serving peer), `X-Mesh-Attempts` and `X-Request-Id`. The client is a tenant by its API key (`Authorization: Bearer` or `X-API-Key`); where the network allows anonymous routing, a bearer token names the client for usage metering (by its hash).',
  access: 'client' as const,
  responses: { 200: { mediaType: '*/*', description: 'The upstream\'s answer, whatever its status' } },
  errors: [401, 403, 404, 413, 429, 502, 504]
})))

/** Headers that carry a credential: never forwarded to a peer or an upstream. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key'])

/**
 * Who a routed request is for: a tenant by its API key (`Authorization: Bearer` or
 * `X-API-Key`), checked against the replicated records in memory; or, where the network allows
 * anonymous routing, its bearer token's user as before tenants existed. AUTHENTICATION_ERROR
 * (401) otherwise. The data plane's one place of authentication.
 */
export function routePrincipal (c: Context<ApiEnv>, apiToken: string): Principal {
  return c.var.mesh.running().platform.authenticate(
    { apiKey: c.req.header('x-api-key'), bearer: bearerToken(c.req.header('authorization')) },
    bearer => anonymousPrincipal(meteredUser(bearer, apiToken)))
}

/**
 * The data plane's front door: `ANY /v1/route/<service>/<path>` is served by the best peer
 * offering the service. Clients are tenants with API keys (see routePrincipal); their usage is
 * billed to the tenant with the key id, and no credential reaches a peer; each is held to its
 * tier's rate limit across the mesh (every response says where it stands). The
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
    const { router, rateLimits } = c.var.mesh.running()
    const principal = routePrincipal(c, apiToken)
    const user = billedUser(principal)
    const keyId = principal.keyId ?? undefined
    router.admit(service, user, keyId)
    // Held to the tenant's rate limit across the mesh before the body is read (a refusal is 429).
    const quota = rateLimits.admit(principal)
    const limitHeaders = quota === null ? {} : rateLimitHeaders(quota)
    // Also on an error answer (the router's 502, 504) of an admitted request.
    for (const [k, v] of Object.entries(limitHeaders)) c.header(k, v)
    const declared = declaredBody(c)
    const body = declared.present ? await RequestBody.from(c.env.incoming, declared.length, maxBodyBytes, BODY_FRAME_BYTES) : NO_BODY
    const headers = [...c.req.raw.headers.entries()].filter(([k]) => !CREDENTIAL_HEADERS.has(k))
    const result = await router.forward({
      service,
      method: c.req.method,
      path: path + url.search,
      headers,
      body,
      user,
      ...(keyId === undefined ? {} : { keyId }),
      signal: c.req.raw.signal
    })
    const out = new Headers(result.headers)
    out.set('X-Mesh-Peer', result.servedBy)
    out.set('X-Mesh-Attempts', String(result.attempts))
    out.set('X-Request-Id', c.var.requestId)
    for (const [k, v] of Object.entries(limitHeaders)) out.set(k, v)
    return new Response(c.req.method === 'HEAD' ? null : result.body, { status: result.status, headers: out })
  })
  return app
}
