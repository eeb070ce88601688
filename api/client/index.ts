/**
 * The typed client of the meshnode API, generated from its OpenAPI document: `paths` (in
 * schema.ts, from `npm run client:generate`) types every path, parameter, body and answer, and
 * openapi-fetch makes the calls. Failures are MeshErrors whose message fits on one line: the
 * node cannot be reached (UNAVAILABLE), or it refused (UPSTREAM_ERROR, with the API's own
 * status, code and message in the message and in `details`).
 *
 *   const mesh = createMeshClient({ baseUrl: 'http://127.0.0.1:8080', token })
 *   const { peers } = ok(await mesh.GET('/v1/network/peers', { params: { query: { state: 'healthy' } } }))
 */
import createClient, { type Client } from 'openapi-fetch'
import { MeshError, errorMessage } from '../../src/errors.ts'
import type { components, paths } from './schema.ts'

export type { components, operations, paths } from './schema.ts'

export type MeshClient = Client<paths>

/** A named schema of the document: `Schema<'PeersResponse'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name]

export interface MeshClientOptions {
  /** The node's API, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string
  /** The operator's API token, sent as `Authorization: Bearer <token>` when given. */
  token?: string
  /** Each request's deadline (default 10 s). */
  timeoutMs?: number
}

export function createMeshClient (opts: MeshClientOptions): MeshClient {
  const baseUrl = opts.baseUrl.replace(/\/$/, '')
  const timeoutMs = opts.timeoutMs ?? 10_000
  const client = createClient<paths>({
    baseUrl,
    fetch: async (request: Request) => {
      try {
        return await fetch(request, { signal: AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]) })
      } catch (err) {
        const cause = (err as { cause?: unknown }).cause
        throw new MeshError('UNAVAILABLE', `cannot reach the node's API at ${baseUrl}: ${errorMessage(cause ?? err)}`)
      }
    }
  })
  const token = opts.token
  if (token !== undefined) {
    client.use({
      onRequest ({ request }) {
        request.headers.set('Authorization', `Bearer ${token}`)
        return request
      }
    })
  }
  return client
}

interface ApiErrorBody { error?: { code?: unknown, message?: unknown } }

/** The data of a successful answer; a refusal is thrown as one MeshError. */
export function ok<T> (result: { data?: T, error?: unknown, response: Response }): T {
  const { response } = result
  if (response.ok && result.data !== undefined) return result.data
  if (response.ok) throw new MeshError('UPSTREAM_ERROR', `the node answered ${response.status} with no body`)
  const body = (typeof result.error === 'object' && result.error !== null ? result.error : {}) as ApiErrorBody
  const code = typeof body.error?.code === 'string' ? body.error.code : undefined
  const message = typeof body.error?.message === 'string' ? body.error.message : undefined
  const reason = code === undefined ? `HTTP ${response.status}` : `${code}: ${message ?? ''}`
  throw new MeshError('UPSTREAM_ERROR', `the node refused (${response.status} ${reason})`, { status: response.status, code: code ?? null })
}
