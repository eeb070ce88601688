/** In-process helpers for the tests of the API's middleware factories (api/middleware): no server. */
import { Hono, type MiddlewareHandler } from 'hono'
import type { ApiEnv } from '../../api/context.ts'
import { handleError } from '../../api/errors.ts'
import { jsonValue } from '../../api/validation.ts'
import { silentLogger } from '../../src/logging.ts'

/** An app with the middleware under test in front of one route that echoes the JSON body it was given. */
export function appWith (...middleware: MiddlewareHandler<ApiEnv>[]): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  for (const m of middleware) app.use(m)
  app.post('/echo', c => c.json({ body: jsonValue(c) }))
  app.post('/no-body', c => c.json({ ok: true }))
  app.onError(handleError(silentLogger()))
  return app
}

export async function errorCode (res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code
}

/** As a request arrives over HTTP/1.1: a body comes with its Content-Length. */
export const post = (path: string, body: string | undefined, headers: Record<string, string> = {}): Request =>
  new Request(`http://node${path}`, { method: 'POST', headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, body })
