import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { MeshError } from '../../src/errors.ts'
import type { ApiEnv } from '../context.ts'

/** Refuses a request body over `maxBytes` with 413 PAYLOAD_TOO_LARGE: from its Content-Length at once, or once a chunked one passes the limit. */
export function apiBodyLimit (maxBytes: number): MiddlewareHandler<ApiEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => { throw new MeshError('PAYLOAD_TOO_LARGE', `the request body is larger than ${maxBytes} bytes`) }
  }) as unknown as MiddlewareHandler<ApiEnv>
}
