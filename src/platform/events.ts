import type { PlatformBody } from './records.ts'

/**
 * A platform record accepted by this node, from its own operator or a peer, as an event of the
 * node's event feed (GET /v1/events; the source webhooks deliver from). Records loaded from the
 * store at start are not events again.
 */
export type PlatformEventType =
  | 'tenant.created' | 'tenant.updated' | 'tenant.suspended' | 'tenant.resumed' | 'tenant.deleted'
  | 'key.created' | 'key.revoked'
  | 'subscription.created' | 'subscription.tier_changed' | 'subscription.cancelled' | 'subscription.suspended' | 'subscription.resumed'

export interface PlatformEvent {
  type: PlatformEventType
  tenantId: string
  /** The record's id: the same on every node, so a receiver can tell one change from another. */
  recordId: string
  /** The operator whose node signed it. */
  author: string
  /** The record's time. */
  at: number
  keyId?: string
  subscriptionId?: string
  tier?: string
}

const TENANT = { create: 'tenant.created', update: 'tenant.updated', suspend: 'tenant.suspended', resume: 'tenant.resumed', delete: 'tenant.deleted' } as const
const SUBSCRIPTION = {
  create: 'subscription.created',
  change_tier: 'subscription.tier_changed',
  cancel: 'subscription.cancelled',
  suspend: 'subscription.suspended',
  resume: 'subscription.resumed'
} as const

export function platformEvent (recordId: string, b: PlatformBody): PlatformEvent {
  const base = { tenantId: b.tenant_id, recordId, author: b.author, at: b.time }
  switch (b.kind) {
    case 'tenant': return { type: TENANT[b.action], ...base }
    case 'api_key': return { type: 'key.created', ...base, keyId: b.key_id }
    case 'key_revocation': return { type: 'key.revoked', ...base, keyId: b.key_id }
    case 'subscription': return { type: SUBSCRIPTION[b.action], ...base, subscriptionId: b.subscription_id, ...(b.tier === null ? {} : { tier: b.tier }) }
  }
}
