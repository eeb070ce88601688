import { createHash, timingSafeEqual } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Context, MiddlewareHandler } from 'hono'
import { MeshError } from '../../src/errors.ts'
import type { AuthThrottle } from '../../src/security/auth-throttle.ts'
import type { ApiEnv } from '../context.ts'

/** The token of an `Authorization: Bearer <token>` header (RFC 6750), or undefined for a missing or malformed one. */
export function bearerToken (authorization: string | undefined): string | undefined {
  return /^Bearer +([\w.~+/-]+=*) *$/i.exec(authorization ?? '')?.[1]
}

/** The client's address as the server saw it (the socket's peer); `unknown` off a socket (in-process requests). */
export function sourceAddress (c: Context<ApiEnv>): string {
  return (c.env as ApiEnv['Bindings'] | undefined)?.incoming?.socket.remoteAddress ?? 'unknown'
}

/** Failed tries are counted per source address and slowed down, then refused (src/security/auth-throttle.ts states the policy). */
export interface AuthGuard {
  throttle: AuthThrottle
  now: () => number
}

/** Whether `token` is the operator's: a comparison of fixed-length hashes in constant time, leaking neither the token nor its length. */
export function tokenMatcher (apiToken: string): (token: string | undefined) => boolean {
  const expected = sha256(apiToken)
  return token => token !== undefined && timingSafeEqual(sha256(token), expected)
}

/**
 * Requires the operator's API token. A missing, malformed or wrong `Authorization` header is
 * one failure, 401 with a `WWW-Authenticate: Bearer` challenge (added by the error response).
 * With a guard, an address refused for its failures is answered 429 with Retry-After, and a
 * failure past the free ones is answered late. A success sets the request's actor.
 */
export function operatorAuth (apiToken: string, guard?: AuthGuard): MiddlewareHandler<ApiEnv> {
  const matches = tokenMatcher(apiToken)
  return async (c, next) => {
    const address = sourceAddress(c)
    if (guard !== undefined) {
      const verdict = guard.throttle.check(address, guard.now())
      if (verdict.refused) throw refused(c, verdict.retryAfterMs)
    }
    if (!matches(bearerToken(c.req.header('authorization')))) {
      const delayMs = guard?.throttle.failure(address, guard.now()).delayMs ?? 0
      if (delayMs > 0) await sleep(delayMs, undefined, { ref: false })
      throw new MeshError('AUTHENTICATION_ERROR', 'a valid API token is required: Authorization: Bearer <token>')
    }
    guard?.throttle.success(address)
    c.set('actor', 'operator')
    await next()
  }
}

/** A refusal's Retry-After: whole seconds, rounded up, at least one. */
export function retryAfterSeconds (retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000))
}

/** 429 with Retry-After in whole seconds, rounded up. */
function refused (c: Context, retryAfterMs: number): MeshError {
  const seconds = retryAfterSeconds(retryAfterMs)
  c.header('Retry-After', String(seconds))
  return new MeshError('RATE_LIMIT_ERROR', 'too many failed authentications from this address: try again later', { retry_after_seconds: seconds })
}

/** A synchronous hash: WebCrypto's async digest costs more than the request. */
function sha256 (data: string): Buffer {
  return createHash('sha256').update(data).digest()
}
