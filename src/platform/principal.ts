import { createHash } from 'node:crypto'

/**
 * Who a routed request is billed to and limited as: a tenant, the key it came with, and the
 * tier it is held to. Engineer C produces it from the API key; until then (and under anonymous
 * routing) a bearer token names an anonymous principal.
 */
export interface Principal {
  tenantId: string
  keyId: string | null
  tier: string
}

/** The tenant id of anonymous principals starts with this. */
export const ANONYMOUS_TENANT_PREFIX = 'anon:'

/** The principal of a request without an API key: its bearer token's hash (or none), on the free tier. */
export function anonymousPrincipal (token: string | undefined): Principal {
  const hash = token === undefined ? 'none' : createHash('sha256').update(token).digest('hex').slice(0, 16)
  return { tenantId: `${ANONYMOUS_TENANT_PREFIX}${hash}`, keyId: null, tier: 'free' }
}

export function isAnonymous (p: Principal): boolean {
  return p.tenantId.startsWith(ANONYMOUS_TENANT_PREFIX)
}
