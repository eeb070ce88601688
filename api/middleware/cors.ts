import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import type { ApiEnv } from '../context.ts'

/**
 * CORS for browser pages on other origins (--cors-origin): off while `origins` is empty, so a
 * page elsewhere cannot read the API. `*` allows any origin. The Authorization header is
 * allowed (mutating calls need the token), and the request id is readable by the page.
 */
export function corsPolicy (origins: () => readonly string[]): MiddlewareHandler<ApiEnv> {
  // Read per request, since a config reload may change them; Hono's middleware is built once per list.
  let built: { key: string, handler: MiddlewareHandler<ApiEnv> } | undefined
  return async (c, next) => {
    const list = origins()
    if (list.length === 0) {
      await next()
      return
    }
    const key = list.join('\n')
    if (built?.key !== key) {
      built = {
        key,
        handler: cors({
          origin: list.includes('*') ? '*' : [...list],
          allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
          allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
          exposeHeaders: ['X-Request-Id'],
          maxAge: 600
        }) as unknown as MiddlewareHandler<ApiEnv>
      }
    }
    return await built.handler(c, next)
  }
}
