import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { MeshError } from '../../src/errors.ts'
import type { ApiEnv } from '../context.ts'

/** The token of an `Authorization: Bearer <token>` header (RFC 6750), or undefined for a missing or malformed one. */
export function bearerToken (authorization: string | undefined): string | undefined {
  return /^Bearer +([\w.~+/-]+=*) *$/i.exec(authorization ?? '')?.[1]
}

/**
 * Requires the operator's API token. A missing, malformed or wrong `Authorization` header is
 * one failure, 401 with a `WWW-Authenticate: Bearer` challenge (added by the error response).
 * The comparison is between fixed-length hashes in constant time, so it leaks neither the
 * token nor its length.
 */
export function operatorAuth (apiToken: string): MiddlewareHandler<ApiEnv> {
  const expected = sha256(apiToken)
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'))
    if (token === undefined || !timingSafeEqual(sha256(token), expected)) {
      throw new MeshError('AUTHENTICATION_ERROR', 'a valid API token is required: Authorization: Bearer <token>')
    }
    await next()
  }
}

/** A synchronous hash: WebCrypto's async digest costs more than the request. */
function sha256 (data: string): Buffer {
  return createHash('sha256').update(data).digest()
}
