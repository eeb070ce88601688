import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import type { ApiEnv } from '../context.ts'

/**
 * CORS for browser pages on other origins (--cors-origin): off when `origins` is empty, so a
 * page elsewhere cannot read the API. `*` allows any origin. The Authorization header is
 * allowed (mutating calls need the token), and the request id is readable by the page.
 */
export function corsPolicy (origins: string[]): MiddlewareHandler<ApiEnv> {
  if (origins.length === 0) return async (_c, next) => { await next() }
  return cors({
    origin: origins.includes('*') ? '*' : origins,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id'],
    maxAge: 600
  }) as unknown as MiddlewareHandler<ApiEnv>
}
