import type { ApiKeyBody, BillingCycle, KeyRevocationBody, PlatformBody, SubscriptionBody, TenantBody } from './records.ts'

/** A record as the state holds it: its body and its id (the hash of the body). */
export interface PlatformRecord<B extends PlatformBody = PlatformBody> { id: string, body: B }

export type TenantStatus = 'active' | 'suspended' | 'deleted'

export interface Tenant {
  id: string
  name: string
  metadata: Record<string, string>
  status: TenantStatus
  createdAt: number
  /** The time of the last record that changed it. */
  updatedAt: number
  /** The operator whose node created it. */
  createdBy: string
}

export type ApiKeyStatus = 'active' | 'revoked' | 'expired'

export interface ApiKey {
  id: string
  tenantId: string
  /** SHA-256 of the secret, hex. */
  hash: string
  label: string | null
  createdAt: number
  expiresAt: number | null
  createdBy: string
  revoked: { at: number, by: string } | null
}

export type SubscriptionStatus = 'active' | 'suspended' | 'cancelled'

/** A stretch of a tenant's subscription with one tier and one status; `to` is exclusive, null while it lasts. */
export interface SubscriptionPeriod {
  tier: string
  from: number
  to: number | null
  status: SubscriptionStatus
}

export interface Subscription {
  id: string
  tenantId: string
  tier: string
  billingCycle: BillingCycle
  status: SubscriptionStatus
  createdAt: number
  updatedAt: number
  cancelledAt: number | null
  /** This subscription's periods, in time order (the tenant's: PlatformState.periods). */
  periods: SubscriptionPeriod[]
}

/** The order every node applies records in: by time, then by id. */
function byTimeThenId (a: PlatformRecord, b: PlatformRecord): number {
  return a.body.time - b.body.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** The first of two records in that order. */
function first<R extends PlatformRecord> (a: R | undefined, b: R): R {
  return a === undefined || byTimeThenId(b, a) < 0 ? b : a
}

/** A tenant's records folded in order (see PlatformState for the rule). */
function foldTenant (records: Array<PlatformRecord<TenantBody>>): Tenant | undefined {
  let t: Tenant | undefined
  for (const { body: b } of [...records].sort(byTimeThenId)) {
    if (t === undefined) {
      if (b.action === 'create' && b.name !== null) t = { id: b.tenant_id, name: b.name, metadata: b.metadata ?? {}, status: 'active', createdAt: b.time, updatedAt: b.time, createdBy: b.author }
      continue
    }
    if (t.status === 'deleted') break
    if (b.action === 'update') t = { ...t, name: b.name ?? t.name, metadata: b.metadata ?? t.metadata, updatedAt: b.time }
    else if (b.action === 'suspend' && t.status === 'active') t = { ...t, status: 'suspended', updatedAt: b.time }
    else if (b.action === 'resume' && t.status === 'suspended') t = { ...t, status: 'active', updatedAt: b.time }
    else if (b.action === 'delete') t = { ...t, status: 'deleted', updatedAt: b.time }
  }
  return t
}

/** A tenant's subscription records folded in order into its periods and subscriptions (see PlatformState). */
function foldSubscriptions (records: Array<PlatformRecord<SubscriptionBody>>): { periods: SubscriptionPeriod[], subscriptions: Subscription[] } {
  const periods: Array<SubscriptionPeriod & { owner: Subscription }> = []
  const subscriptions: Subscription[] = []
  let current: Subscription | undefined
  const enter = (s: Subscription, tier: string, status: SubscriptionStatus, at: number): void => {
    const last = periods[periods.length - 1]
    // A change at the very time the last period began replaces it: no period is empty.
    if (last?.from === at) periods.pop()
    else if (last !== undefined) last.to = at
    periods.push({ tier, from: at, to: null, status, owner: s })
    s.tier = tier
    s.status = status
    s.updatedAt = at
    if (status === 'cancelled') s.cancelledAt = at
  }
  for (const { body: b } of [...records].sort(byTimeThenId)) {
    if (b.action === 'create') {
      if ((current !== undefined && current.status !== 'cancelled') || b.tier === null || b.billing_cycle === null) continue
      current = { id: b.subscription_id, tenantId: b.tenant_id, tier: b.tier, billingCycle: b.billing_cycle, status: 'active', createdAt: b.time, updatedAt: b.time, cancelledAt: null, periods: [] }
      subscriptions.push(current)
      enter(current, b.tier, 'active', b.time)
      continue
    }
    if (current === undefined || current.id !== b.subscription_id || current.status === 'cancelled') continue
    if (b.action === 'change_tier' && b.tier !== null && b.tier !== current.tier) enter(current, b.tier, current.status, b.time)
    else if (b.action === 'suspend' && current.status === 'active') enter(current, current.tier, 'suspended', b.time)
    else if (b.action === 'resume' && current.status === 'suspended') enter(current, current.tier, 'active', b.time)
    else if (b.action === 'cancel') enter(current, current.tier, 'cancelled', b.time)
  }
  const plain = ({ owner: _, ...p }: SubscriptionPeriod & { owner: Subscription }): SubscriptionPeriod => p
  for (const s of subscriptions) s.periods = periods.filter(p => p.owner === s).map(plain)
  return { periods: periods.map(plain), subscriptions }
}

/**
 * The platform's read model: tenants, their keys and subscriptions, as a pure function of the
 * records held. Two nodes that hold the same records agree on all of it, whatever the order
 * in which the records arrived, because every derived value is computed from the set:
 *
 * - a tenant's records apply in (time, id) order: the first `create` makes it (a later one is
 *   ignored), `update` sets the fields it names (the last writer in that order wins each field),
 *   `suspend` and `resume` toggle its status, `delete` is final (nothing after it applies);
 * - a key is its first record (by time, id) with that key id; a revocation is final whatever
 *   the order or times (an issue and a revoke of one key always end revoked); a key whose
 *   tenant is unknown yet is held and works once the tenant arrives;
 * - a tenant's subscription records apply in (time, id) order to one state machine: `create`
 *   starts a subscription when there is none or the last was cancelled (else it is ignored),
 *   `change_tier`, `suspend`, `resume` and `cancel` apply to the current subscription only
 *   and only where they change something; each applied change ends the current period and
 *   starts the next at its time.
 */
export class PlatformState {
  private readonly tenantRecords = new Map<string, Array<PlatformRecord<TenantBody>>>()
  private readonly tenantsById = new Map<string, Tenant>()
  private readonly keyRecords = new Map<string, PlatformRecord<ApiKeyBody>>()
  private readonly revocations = new Map<string, PlatformRecord<KeyRevocationBody>>()
  /**
   * Key ids by the hash of their secret (of every record, kept or not): the data plane's one
   * lookup per request. A set, because a later-arriving earlier record of a key id may replace
   * the record whose hash led here; keyOfHash checks the kept record.
   */
  private readonly keyByHash = new Map<string, Set<string>>()
  private readonly keysByTenant = new Map<string, Set<string>>()
  private readonly subscriptionRecords = new Map<string, Array<PlatformRecord<SubscriptionBody>>>()
  private readonly subscriptionsByTenant = new Map<string, { periods: SubscriptionPeriod[], subscriptions: Subscription[] }>()

  /** Holds a record that governance accepted (signed by an operator, well-formed). */
  add (r: PlatformRecord): void {
    const b = r.body
    switch (b.kind) {
      case 'tenant': {
        const list = [...this.tenantRecords.get(b.tenant_id) ?? [], r as PlatformRecord<TenantBody>]
        this.tenantRecords.set(b.tenant_id, list)
        const t = foldTenant(list)
        if (t !== undefined) this.tenantsById.set(t.id, t)
        return
      }
      case 'api_key': {
        this.keyRecords.set(b.key_id, first(this.keyRecords.get(b.key_id), r as PlatformRecord<ApiKeyBody>))
        this.keyByHash.set(b.key_hash, (this.keyByHash.get(b.key_hash) ?? new Set<string>()).add(b.key_id))
        this.keysByTenant.set(b.tenant_id, (this.keysByTenant.get(b.tenant_id) ?? new Set<string>()).add(b.key_id))
        return
      }
      case 'key_revocation':
        this.revocations.set(b.key_id, first(this.revocations.get(b.key_id), r as PlatformRecord<KeyRevocationBody>))
        return
      case 'subscription': {
        const list = [...this.subscriptionRecords.get(b.tenant_id) ?? [], r as PlatformRecord<SubscriptionBody>]
        this.subscriptionRecords.set(b.tenant_id, list)
        this.subscriptionsByTenant.set(b.tenant_id, foldSubscriptions(list))
      }
    }
  }

  tenant (id: string): Tenant | undefined {
    return this.tenantsById.get(id)
  }

  /** Every tenant not deleted, oldest first (by creation time, then id). */
  tenants (): Tenant[] {
    return [...this.tenantsById.values()].filter(t => t.status !== 'deleted')
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
  }

  key (id: string): ApiKey | undefined {
    const r = this.keyRecords.get(id)
    if (r === undefined) return undefined
    const b = r.body
    const revoked = this.revocations.get(id)
    return {
      id: b.key_id,
      tenantId: b.tenant_id,
      hash: b.key_hash,
      label: b.label,
      createdAt: b.time,
      expiresAt: b.expires_at,
      createdBy: b.author,
      revoked: revoked === undefined ? null : { at: revoked.body.time, by: revoked.body.author }
    }
  }

  /** The key whose secret hashes to `hash`, if any. */
  keyOfHash (hash: string): ApiKey | undefined {
    let found: PlatformRecord<ApiKeyBody> | undefined
    for (const id of this.keyByHash.get(hash) ?? []) {
      const r = this.keyRecords.get(id)
      if (r?.body.key_hash === hash) found = first(found, r)
    }
    return found === undefined ? undefined : this.key(found.body.key_id)
  }

  /** A tenant's keys, oldest first. */
  keys (tenantId: string): ApiKey[] {
    return [...this.keysByTenant.get(tenantId) ?? []].map(id => this.key(id)).filter((k): k is ApiKey => k?.tenantId === tenantId)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
  }

  /** A tenant's subscription periods, in time order. */
  periods (tenantId: string): readonly SubscriptionPeriod[] {
    return this.subscriptionsByTenant.get(tenantId)?.periods ?? []
  }

  /** The period in force at `at`, if any. */
  periodAt (tenantId: string, at: number): SubscriptionPeriod | undefined {
    const periods = this.periods(tenantId)
    for (let i = periods.length - 1; i >= 0; i--) {
      const p = periods[i] as SubscriptionPeriod
      if (p.from <= at) return p.to === null || at < p.to ? p : undefined
    }
    return undefined
  }

  /** The tier in force at `at`: that of an active period, else none (no subscription, suspended or cancelled). */
  tierAt (tenantId: string, at: number): string | undefined {
    const p = this.periodAt(tenantId, at)
    return p?.status === 'active' ? p.tier : undefined
  }

  /** The tenant's latest subscription, if it ever had one. */
  subscription (tenantId: string): Subscription | undefined {
    return this.subscriptionsByTenant.get(tenantId)?.subscriptions.at(-1)
  }

  /** Every subscription of every tenant, oldest first. */
  subscriptions (): Subscription[] {
    return [...this.subscriptionsByTenant.values()].flatMap(s => s.subscriptions)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
  }

  subscriptionById (id: string): Subscription | undefined {
    return this.subscriptions().find(s => s.id === id)
  }
}

/** A key's status at `at`. */
export function keyStatus (k: ApiKey, at: number): ApiKeyStatus {
  if (k.revoked !== null) return 'revoked'
  return k.expiresAt !== null && at >= k.expiresAt ? 'expired' : 'active'
}
