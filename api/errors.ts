import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { MeshError, errorMessage } from '../src/errors.ts'
import type { Logger } from '../src/logging.ts'
import { rateLimitHeaders } from './rate-limit-headers.ts'

/** The one error shape of the API: `{"error": {"code", "message", "details"}, "request_id"}`. */
export function errorResponse (c: Context, err: MeshError): Response {
  if (err.code === 'AUTHENTICATION_ERROR') c.header('WWW-Authenticate', 'Bearer realm="meshnode"')
  if (err.code === 'RATE_LIMIT_ERROR') rateLimited(c, err.details ?? {})
  return c.json({
    error: { code: err.code, message: err.message, details: err.details ?? {} },
    request_id: c.get('requestId')
  }, err.status as ContentfulStatusCode)
}

/** A refusal by the rate limiter carries Retry-After and the X-RateLimit-* headers as its details say. */
function rateLimited (c: Context, details: Record<string, unknown>): void {
  const { retry_after: retryAfter, limit, remaining, reset } = details
  if (typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter))
  if (typeof limit === 'number' && typeof remaining === 'number' && typeof reset === 'number') {
    for (const [k, v] of Object.entries(rateLimitHeaders({ limit, remaining, resetAt: reset * 1000 }))) c.header(k, v)
  }
}

/** Maps anything thrown by a route to the error shape; unexpected errors are logged, never leaked. */
export function handleError (log: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof MeshError) return errorResponse(c, err)
    if (err instanceof HTTPException && err.status < 500) {
      return errorResponse(c, new MeshError('BAD_REQUEST', err.message === '' ? 'bad request' : err.message))
    }
    if (brokenByClient(err, c)) {
      // The client went away, or its connection broke on malformed HTTP (which the server logs): nobody is left to answer.
      log.debug({ err: errorMessage(err), request_id: c.get('requestId') }, 'request cut by its client')
      return errorResponse(c, new MeshError('BAD_REQUEST', 'the request was cut before its end'))
    }
    log.error({ err: errorMessage(err), stack: err.stack, request_id: c.get('requestId') }, 'unhandled API error')
    return errorResponse(c, new MeshError('SYSTEM_ERROR', 'internal error'))
  }
}

export function notFound (c: Context): Response {
  return errorResponse(c, new MeshError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`))
}

/** Whether reading the request failed because its connection ended under it (Node's "aborted", code ECONNRESET). */
function brokenByClient (err: Error, c: Context): boolean {
  return (err as { code?: string }).code === 'ECONNRESET' || c.req.raw.signal.aborted
}
