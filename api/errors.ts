import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { MeshError, errorMessage } from '../src/errors.ts'
import type { Logger } from '../src/logging.ts'

/** The one error shape of the API: `{"error": {"code", "message", "details"}, "request_id"}`. */
export function errorResponse (c: Context, err: MeshError): Response {
  if (err.code === 'AUTHENTICATION_ERROR') c.header('WWW-Authenticate', 'Bearer realm="meshnode"')
  // The unread rest of an oversized body makes the connection unusable: close it.
  if (err.code === 'PAYLOAD_TOO_LARGE') c.header('Connection', 'close')
  return c.json({
    error: { code: err.code, message: err.message, details: err.details ?? {} },
    request_id: c.get('requestId')
  }, err.status as ContentfulStatusCode)
}

/** Maps anything thrown by a route to the error shape; unexpected errors are logged, never leaked. */
export function handleError (log: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof MeshError) return errorResponse(c, err)
    if (err instanceof HTTPException && err.status === 401) {
      return errorResponse(c, new MeshError('AUTHENTICATION_ERROR', 'a valid API token is required: Authorization: Bearer <token>'))
    }
    if (err instanceof HTTPException && err.status < 500) {
      return errorResponse(c, new MeshError('BAD_REQUEST', err.message === '' ? 'bad request' : err.message))
    }
    log.error({ err: errorMessage(err), stack: err.stack, request_id: c.get('requestId') }, 'unhandled API error')
    return errorResponse(c, new MeshError('SYSTEM_ERROR', 'internal error'))
  }
}

export function notFound (c: Context): Response {
  return errorResponse(c, new MeshError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`))
}
