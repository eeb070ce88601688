import { z } from 'zod'
import { TIER_NAME } from '../network/params.ts'

/**
 * The platform's replicated records: tenants, their API keys, key revocations and
 * subscriptions. Each is a governance object (src/governance/objects.ts): a body signed by an
 * operator's node, its id the hash of the body, carried by the governance topic and gov-sync
 * anti-entropy and kept in the governance store. PlatformState (state.ts) reads them.
 */
const PeerId = z.string().min(1).max(128)
const Time = z.number().int().min(0)

export const TENANT_ID = /^ten_[0-9a-f]{24}$/
export const KEY_ID = /^key_[0-9a-f]{24}$/
export const SUBSCRIPTION_ID = /^sub_[0-9a-f]{24}$/

export const TenantId = z.string().regex(TENANT_ID, 'a tenant id: ten_ and 24 hex digits')
export const KeyId = z.string().regex(KEY_ID, 'a key id: key_ and 24 hex digits')
export const SubscriptionId = z.string().regex(SUBSCRIPTION_ID, 'a subscription id: sub_ and 24 hex digits')
export const TenantName = z.string().trim().min(1).max(200)
/** Free-form labels an operator keeps with a tenant: at most 32 short strings. */
export const TenantMetadata = z.record(z.string().min(1).max(64), z.string().max(1000))
  .refine(m => Object.keys(m).length <= 32, 'at most 32 metadata keys')
export const BillingCycle = z.enum(['monthly', 'yearly'])

export const TENANT_ACTIONS = ['create', 'update', 'suspend', 'resume', 'delete'] as const
export const SUBSCRIPTION_ACTIONS = ['create', 'change_tier', 'cancel', 'suspend', 'resume'] as const

/** A tenant's life: created with a name, renamed or relabelled (null keeps a field), suspended, resumed, deleted (final). */
export const TenantBodySchema = z.object({
  kind: z.literal('tenant'),
  author: PeerId,
  tenant_id: TenantId,
  action: z.enum(TENANT_ACTIONS),
  name: TenantName.nullable(),
  metadata: TenantMetadata.nullable(),
  time: Time
}).strict()

/** An API key: only the SHA-256 of its secret ever leaves the node that made it. */
export const ApiKeyBodySchema = z.object({
  kind: z.literal('api_key'),
  author: PeerId,
  key_id: KeyId,
  tenant_id: TenantId,
  key_hash: z.string().regex(/^[0-9a-f]{64}$/),
  label: z.string().max(200).nullable(),
  expires_at: Time.nullable(),
  time: Time
}).strict()

/** A key's revocation: final, whatever the order or times of the records. */
export const KeyRevocationBodySchema = z.object({
  kind: z.literal('key_revocation'),
  author: PeerId,
  key_id: KeyId,
  tenant_id: TenantId,
  time: Time
}).strict()

/**
 * A change of a tenant's subscription, in force from `time`: `create` (tier and billing cycle),
 * `change_tier` (tier), `cancel`, `suspend`, `resume` (neither).
 */
export const SubscriptionBodySchema = z.object({
  kind: z.literal('subscription'),
  author: PeerId,
  subscription_id: SubscriptionId,
  tenant_id: TenantId,
  action: z.enum(SUBSCRIPTION_ACTIONS),
  tier: TIER_NAME.nullable(),
  billing_cycle: BillingCycle.nullable(),
  time: Time
}).strict()

export type TenantBody = z.infer<typeof TenantBodySchema>
export type ApiKeyBody = z.infer<typeof ApiKeyBodySchema>
export type KeyRevocationBody = z.infer<typeof KeyRevocationBodySchema>
export type SubscriptionBody = z.infer<typeof SubscriptionBodySchema>
export type PlatformBody = TenantBody | ApiKeyBody | KeyRevocationBody | SubscriptionBody
export type BillingCycle = z.infer<typeof BillingCycle>

export const PLATFORM_KINDS: ReadonlySet<string> = new Set(['tenant', 'api_key', 'key_revocation', 'subscription'])

export function isPlatformBody (b: { kind: string }): b is PlatformBody {
  return PLATFORM_KINDS.has(b.kind)
}

/**
 * What a record must carry for its action (checked when it is judged, so that a malformed one
 * is refused and stored nowhere): a created tenant has a name, a created subscription a tier
 * and a cycle, a tier change a tier; the other actions carry nothing they would ignore.
 */
export function shapeError (b: PlatformBody): string | undefined {
  if (b.kind === 'tenant') {
    if (b.action === 'create' && b.name === null) return 'a tenant is created with a name'
    if (b.action !== 'create' && b.action !== 'update' && (b.name !== null || b.metadata !== null)) return `a tenant ${b.action} carries no name or metadata`
    if (b.action === 'update' && b.name === null && b.metadata === null) return 'a tenant update changes its name or metadata'
  }
  if (b.kind === 'subscription') {
    if (b.action === 'create' && (b.tier === null || b.billing_cycle === null)) return 'a subscription is created with a tier and a billing cycle'
    if (b.action === 'change_tier' && (b.tier === null || b.billing_cycle !== null)) return 'a tier change names the tier, and only it'
    if (b.action !== 'create' && b.action !== 'change_tier' && (b.tier !== null || b.billing_cycle !== null)) return `a subscription ${b.action} carries no tier or cycle`
  }
  if (b.kind === 'api_key' && b.expires_at !== null && b.expires_at <= b.time) return 'a key expires after it is made'
  return undefined
}
