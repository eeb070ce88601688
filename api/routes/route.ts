import { Hono, type Context } from 'hono'
import { MeshError } from '../../src/errors.ts'
import { RequestBody } from '../../src/routing/request-body.ts'
import { BODY_FRAME_BYTES } from '../../src/routing/route-protocol.ts'
import { anonymousPrincipal, billedUser, type Principal } from '../../src/platform/principal.ts'
import type { RunningServices } from '../../src/mesh.ts'
import { meteredUser } from '../../src/routing/usage.ts'
import type { ApiEnv } from '../context.ts'
import { declaredBody } from '../middleware/json-body.ts'
import { bearerToken } from '../middleware/operator-auth.ts'
import type { Method } from '../openapi/operation.ts'
import { operations } from '../openapi/operation.ts'
import { rateLimitHeaders } from '../rate-limit-headers.ts'

const NO_BODY = RequestBody.of(new Uint8Array(0))
/** The admission headers of a request that no rate limit applies to: shared, never written to. */
const NO_HEADERS: ReadonlyArray<[string, string]> = []

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
 * The data plane's front door: `ANY /v1/route/<service>/<path>` is served by the best peer
 * offering the service. Clients are tenants with API keys (see routePrincipal); their usage is
 * billed to the tenant with the key id, and no credential reaches a peer; each is held to its
 * tier's rate limit across the mesh (every response says where it stands). The
 * service is resolved before the body is read, and the body streams from the client's
 * connection to the peer as the peer reads it; only a small one (a frame) is read at once.
 */
export function routeRoutes (apiToken: string, maxBodyBytes: number): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  // Built once: who an anonymous caller's bearer token names (meteredUser hashes it).
  const anonymous = (bearer: string | undefined): Principal => anonymousPrincipal(meteredUser(bearer, apiToken))
  app.all('/:service/*', async c => {
    const service = c.req.param('service')
    const url = new URL(c.req.url)
    const prefix = `/v1/route/${encodeURIComponent(service)}`
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : ''
    // Hono's trailing `*` also matches nothing: `/v1/route/<service>` alone names no path.
    if (path === '') throw new MeshError('NOT_FOUND', `route paths are /v1/route/${service}/<path>`)
    const services = c.var.mesh.running()
    const head = requestHead(c)
    const { principal, user, headers } = admit(services, service, head, anonymous)
    // On every answer to it, an error's too (Hono adds the context's headers to those).
    for (const [name, value] of headers) c.header(name, value)
    const declared = declaredBody(c)
    const body = declared.present ? await RequestBody.from(c.env.incoming, declared.length, maxBodyBytes, BODY_FRAME_BYTES) : NO_BODY
    const result = await services.router.forward({
      service,
      method: c.req.method,
      path: path + url.search,
      headers: head.headers,
      body,
      user,
      ...(principal.keyId === null ? {} : { keyId: principal.keyId }),
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

/** Who a routed request is for, and the headers that every answer to it carries. */
interface Admission {
  principal: Principal
  /** The user its usage is billed to (billedUser of the principal). */
  user: string
  headers: ReadonlyArray<[string, string]>
}

/**
 * The one place where a routed request is let in, from its head alone, before its body is read
 * or any peer sees it: the caller is authenticated (a tenant by its API key, `Authorization:
 * Bearer` or `X-API-Key`, checked against the replicated records in memory; or, where the
 * network allows anonymous routing, its bearer token's user as before tenants existed), held to
 * its tier's rate limit across the mesh (its X-RateLimit-* headers in `headers`), and refused
 * with a MeshError otherwise: 401 for a missing or bad key, 429 past the limit, 404 when no
 * peer offers the service, 503 (metered) when none can take it now.
 */
function admit (services: Pick<RunningServices, 'platform' | 'router' | 'rateLimits'>, service: string, head: RequestHead, anonymous: (bearer: string | undefined) => Principal): Admission {
  const principal = services.platform.authenticate({ apiKey: head.apiKey, bearer: bearerToken(head.authorization) }, anonymous)
  const user = billedUser(principal)
  services.router.admit(service, user, principal.keyId ?? undefined)
  const quota = services.rateLimits.admit(principal)
  return { principal, user, headers: quota === null ? NO_HEADERS : Object.entries(rateLimitHeaders(quota)) }
}

/** What the data plane reads of a routed request's head: its credentials apart from the headers it forwards. */
interface RequestHead {
  headers: Array<[string, string]>
  authorization: string | undefined
  apiKey: string | undefined
  signal: AbortSignal
}

/**
 * A routed request's headers (its credentials apart: they name the caller, and go no further)
 * and a signal aborted when its client goes away. From Node's own parse where the request came
 * over HTTP: asking Hono for them makes the adapter build a whole web Request (headers copied, a
 * signal, an undici object) for every routed request. Repeated names stay apart, as they came.
 */
function requestHead (c: Context<ApiEnv>): RequestHead {
  const bindings = c.env as Partial<ApiEnv['Bindings']> | undefined
  const incoming = bindings?.incoming
  const outgoing = bindings?.outgoing
  if (incoming === undefined || outgoing === undefined) {
    return {
      headers: [...c.req.raw.headers.entries()].filter(([k]) => !CREDENTIAL_HEADERS.has(k)),
      authorization: c.req.header('authorization'),
      apiKey: c.req.header('x-api-key'),
      signal: c.req.raw.signal
    }
  }
  const raw = incoming.rawHeaders
  const headers: Array<[string, string]> = []
  let authorization: string | undefined
  let apiKey: string | undefined
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? ''
    const value = raw[i + 1] ?? ''
    const lower = name.length === 13 || name.length === 9 ? name.toLowerCase() : ''
    if (lower === 'authorization') authorization ??= value
    else if (lower === 'x-api-key') apiKey ??= value
    else headers.push([name, value])
  }
  // As the adapter does for its Request's signal: a response closed before it finished lost its client.
  const gone = new AbortController()
  outgoing.once('close', () => { if (!outgoing.writableFinished) gone.abort(new Error('the client closed the connection')) })
  return { headers, authorization, apiKey, signal: gone.signal }
}
