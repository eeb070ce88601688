import type { Clock } from '../clock.ts'
import { MeshError } from '../errors.ts'
import type { NetworkParams } from '../network/params.ts'
import { apiKeyHash, looksLikeApiKey, newApiKey, newId, type RandomBytes } from './api-keys.ts'
import { FALLBACK_TIER, type Principal } from './principal.ts'
import type { BillingCycle, PlatformBody, SubscriptionBody, TenantBody } from './records.ts'
import { keyStatus, type ApiKey, type PlatformState, type Subscription, type Tenant } from './state.ts'

export interface PlatformComponents {
  /** The replicated state: the platform's read model, who is an operator, the parameters in force. */
  state: {
    readonly platform: PlatformState
    isOperator: (peerId: string, at: number) => boolean
    params: (at: number) => NetworkParams
  }
  /** Signs, holds, stores and gossips a record of this node (governance's publish). */
  publish: (body: PlatformBody) => Promise<unknown>
  clock: Clock
  selfId: string
  random: RandomBytes
  /** Counts a routed request refused by the key check. */
  onRefused: (reason: KeyRefusal) => void
}

/** Why the key check refuses a request: one word of a fixed set (a metric label, and the error's `details.reason`). */
export const KEY_REFUSALS = ['missing_key', 'invalid_key', 'revoked_key', 'expired_key', 'unknown_tenant', 'tenant_suspended', 'subscription_suspended'] as const
export type KeyRefusal = typeof KEY_REFUSALS[number]

/** How a request presents its key: `X-API-Key`, or `Authorization: Bearer`. */
export interface Credentials {
  apiKey: string | undefined
  bearer: string | undefined
}

export interface NewTenant { name: string, tier: string, billingCycle: BillingCycle, metadata: Record<string, string> }

/** A refusal of the key check, before it is counted and becomes the API's 401. */
class KeyRefused extends Error {
  readonly reason: KeyRefusal

  constructor (reason: KeyRefusal, message: string) {
    super(message)
    this.reason = reason
  }
}

/**
 * Tenants, API keys and subscriptions on one node: the operator's mutations, each a record
 * signed by this node and replicated (see records.ts), and the data plane's authentication of
 * a key against the replicated state in memory (one hash and one map lookup, no I/O).
 */
export class Platform {
  private readonly c: PlatformComponents
  /** The time of this node's last record: its own records never share a millisecond, so they apply in the order made. */
  private lastTime = 0

  constructor (components: PlatformComponents) {
    this.c = components
  }

  get state (): PlatformState {
    return this.c.state.platform
  }

  /**
   * The principal of a routed request. An API key (X-API-Key, or a bearer token shaped as
   * one) must be valid, unrevoked and unexpired, its tenant active and its subscription not
   * suspended. Without one, the request is `anonymous(bearer)` where the network allows
   * anonymous routing, and refused where it does not. Every refusal is AUTHENTICATION_ERROR.
   */
  authenticate (credentials: Credentials, anonymous: (bearer: string | undefined) => Principal): Principal {
    try {
      return this.check(credentials, anonymous)
    } catch (err) {
      if (err instanceof KeyRefused) {
        this.c.onRefused(err.reason)
        throw new MeshError('AUTHENTICATION_ERROR', err.message, { reason: err.reason })
      }
      throw err
    }
  }

  private check (credentials: Credentials, anonymous: (bearer: string | undefined) => Principal): Principal {
    const now = this.c.clock.now()
    const { apiKey, bearer } = credentials
    const anonymousRouting = this.c.state.params(now).anonymous_routing
    const key = apiKey ?? (bearer !== undefined && (looksLikeApiKey(bearer) || !anonymousRouting) ? bearer : undefined)
    if (key === undefined) {
      if (anonymousRouting) return anonymous(bearer)
      throw new KeyRefused('missing_key', 'an API key is required: Authorization: Bearer <key> or X-API-Key: <key>')
    }
    return this.principalOf(key, now)
  }

  private principalOf (secret: string, now: number): Principal {
    const hash = apiKeyHash(secret)
    // keyOfHash returns only a key whose kept record has this very hash: nothing is left to compare.
    const key = this.state.keyOfHash(hash)
    if (key === undefined) throw new KeyRefused('invalid_key', 'the API key is not valid')
    const status = keyStatus(key, now)
    if (status !== 'active') throw new KeyRefused(status === 'revoked' ? 'revoked_key' : 'expired_key', `the API key is ${status}`)
    const tenant = this.state.tenant(key.tenantId)
    if (tenant === undefined || tenant.status === 'deleted') throw new KeyRefused('unknown_tenant', 'the API key\'s tenant does not exist')
    if (tenant.status === 'suspended') throw new KeyRefused('tenant_suspended', 'the API key\'s tenant is suspended')
    // The latest change held is in force here, even one made a moment ahead of this node's
    // clock: a change takes effect on a node as soon as the node holds it.
    const period = this.state.periods(tenant.id).at(-1)
    if (period?.status === 'suspended') throw new KeyRefused('subscription_suspended', 'the tenant\'s subscription is suspended')
    return { tenantId: tenant.id, keyId: key.id, tier: period?.status === 'active' ? period.tier : FALLBACK_TIER }
  }

  /** A tenant with its first subscription. */
  async createTenant (t: NewTenant): Promise<{ tenant: Tenant, subscription: Subscription }> {
    const now = this.requireOperator('create tenants')
    this.requireTier(t.tier, now)
    const tenantId = newId('ten', this.c.random)
    await this.publish(this.tenantRecord(tenantId, 'create', t.name, t.metadata))
    await this.publish(this.subscriptionRecord(tenantId, newId('sub', this.c.random), 'create', t.tier, t.billingCycle))
    return { tenant: this.tenant(tenantId), subscription: this.state.subscription(tenantId) as Subscription }
  }

  async updateTenant (id: string, change: { name?: string, metadata?: Record<string, string> }): Promise<Tenant> {
    this.requireOperator('update tenants')
    this.tenant(id)
    await this.publish(this.tenantRecord(id, 'update', change.name ?? null, change.metadata ?? null))
    return this.tenant(id)
  }

  async suspendTenant (id: string): Promise<Tenant> {
    this.requireOperator('suspend tenants')
    if (this.tenant(id).status === 'suspended') throw new MeshError('CONFLICT', `tenant ${id} is suspended already`, { tenant_id: id })
    await this.publish(this.tenantRecord(id, 'suspend'))
    return this.tenant(id)
  }

  async resumeTenant (id: string): Promise<Tenant> {
    this.requireOperator('resume tenants')
    if (this.tenant(id).status !== 'suspended') throw new MeshError('CONFLICT', `tenant ${id} is not suspended`, { tenant_id: id })
    await this.publish(this.tenantRecord(id, 'resume'))
    return this.tenant(id)
  }

  /** Deletes a tenant for good: its subscription is cancelled first, and its keys stop working everywhere. */
  async deleteTenant (id: string): Promise<Tenant> {
    this.requireOperator('delete tenants')
    this.tenant(id)
    const sub = this.state.subscription(id)
    if (sub !== undefined && sub.status !== 'cancelled') await this.publish(this.subscriptionRecord(id, sub.id, 'cancel'))
    await this.publish(this.tenantRecord(id, 'delete'))
    return this.state.tenant(id) as Tenant
  }

  /** A new key of a tenant: the secret is returned here once; only its hash is replicated. */
  async createKey (tenantId: string, opts: { label: string | null, expiresAt: number | null }): Promise<{ key: ApiKey, secret: string }> {
    const now = this.requireOperator('issue API keys')
    this.tenant(tenantId)
    if (opts.expiresAt !== null && opts.expiresAt <= now) throw new MeshError('VALIDATION_ERROR', 'expires_at must be in the future', { field: 'expires_at', reason: 'in the past' })
    const secret = newApiKey(this.c.random)
    const keyId = newId('key', this.c.random)
    await this.publish({ kind: 'api_key', author: this.c.selfId, key_id: keyId, tenant_id: tenantId, key_hash: apiKeyHash(secret), label: opts.label, expires_at: opts.expiresAt, time: this.time() })
    return { key: this.state.key(keyId) as ApiKey, secret }
  }

  /** Revokes a key everywhere; revoking a revoked key changes nothing. */
  async revokeKey (tenantId: string, keyId: string): Promise<ApiKey> {
    this.requireOperator('revoke API keys')
    const key = this.state.key(keyId)
    if (key?.tenantId !== tenantId) throw new MeshError('NOT_FOUND', `tenant ${tenantId} has no key ${keyId}`, { tenant_id: tenantId, key_id: keyId })
    if (key.revoked !== null) return key
    await this.publish({ kind: 'key_revocation', author: this.c.selfId, key_id: keyId, tenant_id: tenantId, time: this.time() })
    return this.state.key(keyId) as ApiKey
  }

  /** A new subscription of a tenant that has none, or whose last was cancelled. */
  async createSubscription (tenantId: string, tier: string, billingCycle: BillingCycle): Promise<Subscription> {
    const now = this.requireOperator('manage subscriptions')
    this.tenant(tenantId)
    this.requireTier(tier, now)
    const current = this.state.subscription(tenantId)
    if (current !== undefined && current.status !== 'cancelled') {
      throw new MeshError('CONFLICT', `tenant ${tenantId} has subscription ${current.id} already: change its tier, or cancel it first`, { tenant_id: tenantId, subscription_id: current.id })
    }
    const id = newId('sub', this.c.random)
    await this.publish(this.subscriptionRecord(tenantId, id, 'create', tier, billingCycle))
    return this.subscription(id)
  }

  /** Changes the tier, from now on, everywhere. */
  async changeTier (id: string, tier: string): Promise<Subscription> {
    const now = this.requireOperator('manage subscriptions')
    const sub = this.live(id)
    this.requireTier(tier, now)
    if (sub.tier === tier) throw new MeshError('CONFLICT', `subscription ${id} is on tier ${tier} already`, { subscription_id: id })
    await this.publish(this.subscriptionRecord(sub.tenantId, id, 'change_tier', tier))
    return this.subscription(id)
  }

  async cancelSubscription (id: string): Promise<Subscription> {
    this.requireOperator('manage subscriptions')
    const sub = this.live(id)
    await this.publish(this.subscriptionRecord(sub.tenantId, id, 'cancel'))
    return this.subscription(id)
  }

  async suspendSubscription (id: string): Promise<Subscription> {
    this.requireOperator('manage subscriptions')
    const sub = this.live(id)
    if (sub.status === 'suspended') throw new MeshError('CONFLICT', `subscription ${id} is suspended already`, { subscription_id: id })
    await this.publish(this.subscriptionRecord(sub.tenantId, id, 'suspend'))
    return this.subscription(id)
  }

  async resumeSubscription (id: string): Promise<Subscription> {
    this.requireOperator('manage subscriptions')
    const sub = this.live(id)
    if (sub.status !== 'suspended') throw new MeshError('CONFLICT', `subscription ${id} is not suspended`, { subscription_id: id })
    await this.publish(this.subscriptionRecord(sub.tenantId, id, 'resume'))
    return this.subscription(id)
  }

  /** A tenant that exists and is not deleted (404 otherwise). */
  tenant (id: string): Tenant {
    const t = this.state.tenant(id)
    if (t === undefined || t.status === 'deleted') throw new MeshError('NOT_FOUND', `no tenant ${id}`, { tenant_id: id })
    return t
  }

  subscription (id: string): Subscription {
    const s = this.state.subscriptionById(id)
    if (s === undefined) throw new MeshError('NOT_FOUND', `no subscription ${id}`, { subscription_id: id })
    return s
  }

  /** A subscription that is its tenant's current one and not cancelled: the only one that changes. */
  private live (id: string): Subscription {
    const sub = this.subscription(id)
    if (sub.status === 'cancelled') throw new MeshError('CONFLICT', `subscription ${id} is cancelled`, { subscription_id: id })
    return sub
  }

  private tenantRecord (id: string, action: TenantBody['action'], name: string | null = null, metadata: Record<string, string> | null = null): TenantBody {
    return { kind: 'tenant', author: this.c.selfId, tenant_id: id, action, name, metadata, time: this.time() }
  }

  private subscriptionRecord (tenantId: string, id: string, action: SubscriptionBody['action'], tier: string | null = null, billingCycle: BillingCycle | null = null): SubscriptionBody {
    return { kind: 'subscription', author: this.c.selfId, subscription_id: id, tenant_id: tenantId, action, tier, billing_cycle: billingCycle, time: this.time() }
  }

  private async publish (body: PlatformBody): Promise<void> {
    await this.c.publish(body)
  }

  private time (): number {
    this.lastTime = Math.max(this.c.clock.now(), this.lastTime + 1)
    return this.lastTime
  }

  private requireTier (tier: string, at: number): void {
    const tiers = this.c.state.params(at).tiers
    if (tiers[tier] === undefined) {
      throw new MeshError('VALIDATION_ERROR', `no tier ${tier}: the network's tiers are ${Object.keys(tiers).join(', ')}`, { field: 'tier', reason: 'unknown tier' })
    }
  }

  /** This node must be an operator: only operators' records are accepted anywhere. Returns the time. */
  private requireOperator (what: string): number {
    const now = this.c.clock.now()
    if (!this.c.state.isOperator(this.c.selfId, now)) throw new MeshError('AUTHORIZATION_ERROR', `this node is not an operator: only operators ${what}`)
    return now
  }
}
