import type { Context, MiddlewareHandler } from 'hono'
import { parseJson } from '../../src/codec/json-depth.ts'
import { MeshError } from '../../src/errors.ts'
import type { ApiEnv } from '../context.ts'

/** `application/json` or a `+json` type, parameters (charset) allowed. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.!#$&^-]+\+)?json\s*(?:;|$)/i

/**
 * Reads a request's body as JSON into `c.var.body`: 415 when it is not declared as JSON, 422
 * when it nests deeper than the limit (checked before parsing), 400 when it is not JSON. A
 * request without a body passes with `body` unset; a route that needs one says so
 * (`jsonValue` in ../validation.ts).
 */
export function readJsonBody (): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (declaredBody(c).present) {
      requireJsonType(c)
      c.set('body', parse(await c.req.text()))
    }
    await next()
  }
}

/** 415 unless the request declares a JSON content type. */
export function requireJsonType (c: Context): void {
  const type = c.req.header('content-type') ?? ''
  if (!JSON_MEDIA_TYPE.test(type)) {
    throw new MeshError('UNSUPPORTED_MEDIA_TYPE', `the request body must be JSON (Content-Type: application/json), not ${type === '' ? 'undeclared' : type.slice(0, 100)}`,
      { content_type: type.slice(0, 100) })
  }
}

/** A body is declared by a non-zero Content-Length or by a Transfer-Encoding (chunked); `length` is the Content-Length. */
export function declaredBody (c: Context): { present: boolean, length: number | undefined } {
  // Node's parsed headers where the request came over HTTP: asking Hono would build a web Headers object for it.
  const incoming = (c.env as Partial<ApiEnv['Bindings']> | undefined)?.incoming?.headers
  const header = incoming === undefined ? c.req.header('content-length') : incoming['content-length']
  const length = header === undefined ? undefined : Number(header)
  const chunked = incoming === undefined ? c.req.header('transfer-encoding') : incoming['transfer-encoding']
  return { present: length === undefined ? chunked !== undefined : length > 0, length }
}

function parse (text: string): unknown {
  try {
    return parseJson(text)
  } catch (err) {
    if (err instanceof MeshError) throw err
    throw notJson()
  }
}

export function notJson (): MeshError {
  return new MeshError('BAD_REQUEST', 'the request body is not valid JSON')
}
