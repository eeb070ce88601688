import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { MeshError } from '../../src/errors.ts'
import type { ApiEnv } from '../context.ts'
import { declaredBody } from './json-body.ts'

/**
 * Refuses a request body over `maxBytes` with 413 PAYLOAD_TOO_LARGE: from its Content-Length at
 * once, or once a chunked one passes the limit. A request that declares no body (a GET, as a
 * rule) passes without a look at it: Hono's bodyLimit asks the web Request for its body, which
 * makes the Node adapter build that whole Request for every GET.
 */
export function apiBodyLimit (maxBytes: number): MiddlewareHandler<ApiEnv> {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => { throw new MeshError('PAYLOAD_TOO_LARGE', `the request body is larger than ${maxBytes} bytes`) }
  }) as unknown as MiddlewareHandler<ApiEnv>
  return async (c, next) => {
    if (!declaredBody(c).present) {
      await next()
      return
    }
    return await limit(c, next)
  }
}
