/**
 * Who a routed request is billed to and limited as: a tenant through one of its API keys, or,
 * where the network allows anonymous routing, the caller's bearer token by its hash.
 */
export interface Principal {
  tenantId: string
  /** The API key it came with; null for an anonymous caller. */
  keyId: string | null
  /** The tier it is held to (a key of `tiers` in the network parameters). */
  tier: string
}

/** The tenant id of anonymous principals starts with this. */
export const ANONYMOUS_TENANT_PREFIX = 'anon:'

/** The tier of an anonymous caller, and of a tenant whose subscription was cancelled. */
export const FALLBACK_TIER = 'free'

/**
 * An anonymous caller, from the user its bearer token has always been billed as
 * (routing/usage.ts meteredUser: `user-<token hash>`, `anonymous`, `operator`).
 */
export function anonymousPrincipal (meteredUser: string): Principal {
  return { tenantId: `${ANONYMOUS_TENANT_PREFIX}${meteredUser}`, keyId: null, tier: FALLBACK_TIER }
}

/** The user id a principal's usage is recorded under: the tenant id, or an anonymous caller's billing id as before tenants existed. */
export function billedUser (p: Principal): string {
  return isAnonymous(p) ? p.tenantId.slice(ANONYMOUS_TENANT_PREFIX.length) : p.tenantId
}

export function isAnonymous (p: Principal): boolean {
  return p.keyId === null && p.tenantId.startsWith(ANONYMOUS_TENANT_PREFIX)
}
