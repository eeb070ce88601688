import { Hono } from 'hono'
import { z } from 'zod'
import { periodOf } from '../../src/billing/pricing.ts'
import { toNumber } from '../../src/network/amount.ts'
import { BillingCycle, TenantId, KeyId, TenantMetadata, TenantName } from '../../src/platform/records.ts'
import type { Platform } from '../../src/platform/platform.ts'
import { keyStatus, type ApiKey, type Subscription, type Tenant } from '../../src/platform/state.ts'
import type { ApiEnv, ApiNode } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { jsonBody, query } from '../validation.ts'
import { isoTime, isoTimeOrNull } from '../views.ts'

const Iso = z.iso.datetime({ offset: true })

export const TenantCreateRequest = z.object({
  name: TenantName,
  tier: z.string().min(1).max(32),
  billing_cycle: BillingCycle.default('monthly'),
  metadata: TenantMetadata.default({})
}).strict()

export const TenantUpdateRequest = z.object({
  name: TenantName.optional(),
  metadata: TenantMetadata.optional()
}).strict().refine(b => b.name !== undefined || b.metadata !== undefined, 'name or metadata')

export const TenantListQuery = z.object({
  status: z.enum(['active', 'suspended']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0)
}).strict()

export const KeyCreateRequest = z.object({
  label: z.string().max(200).nullable().default(null),
  expires_at: Iso.nullable().default(null)
}).strict()

export const ApiKeyResponse = z.object({
  id: KeyId,
  tenant_id: TenantId,
  label: z.string().nullable(),
  status: z.enum(['active', 'revoked', 'expired']),
  created_at: Iso,
  expires_at: Iso.nullable(),
  created_by: z.string(),
  revoked_at: Iso.nullable(),
  revoked_by: z.string().nullable()
}).strict()

/** The one answer that carries a key's secret: shown once, never stored. */
export const KeyCreateResponse = ApiKeyResponse.extend({ key: z.string().startsWith('mn_live_') })

export const SubscriptionPeriodResponse = z.object({
  tier: z.string(),
  from: Iso,
  to: Iso.nullable(),
  status: z.enum(['active', 'suspended', 'cancelled'])
}).strict()

export const SubscriptionResponse = z.object({
  id: z.string(),
  tenant_id: TenantId,
  tier: z.string(),
  status: z.enum(['active', 'suspended', 'cancelled']),
  billing_cycle: BillingCycle,
  price: z.number().nullable(),
  created_at: Iso,
  updated_at: Iso,
  cancelled_at: Iso.nullable(),
  periods: z.array(SubscriptionPeriodResponse)
}).strict()

export const TenantResponse = z.object({
  id: TenantId,
  name: z.string(),
  status: z.enum(['active', 'suspended', 'deleted']),
  metadata: z.record(z.string(), z.string()),
  tier: z.string().nullable(),
  created_at: Iso,
  updated_at: Iso,
  created_by: z.string()
}).strict()

export const TenantDetailResponse = TenantResponse.extend({
  subscription: SubscriptionResponse.nullable(),
  usage: z.object({
    period: z.string(),
    by_resource: z.array(z.object({ resource_type: z.string(), amount: z.number(), unit: z.string(), records: z.number() }).strict())
  }).strict(),
  keys: z.array(ApiKeyResponse)
})

export const TenantListResponse = z.object({ tenants: z.array(TenantResponse), total: z.number(), offset: z.number(), limit: z.number() }).strict()
export const KeyListResponse = z.object({ keys: z.array(ApiKeyResponse) }).strict()
export const TenantCreateResponse = TenantResponse.extend({ subscription: SubscriptionResponse })

export const tenantOperations = operations(
  { id: 'createTenant', method: 'post', path: '/v1/tenants', tag: 'platform', summary: 'Create a tenant with its first subscription (signed by this operator node, replicated)', body: { TenantCreateRequest }, responses: { 201: { TenantCreateResponse } }, errors: [403, 409] },
  { id: 'tenants', method: 'get', path: '/v1/tenants', tag: 'platform', summary: 'The tenants', access: 'operator', query: TenantListQuery, responses: { 200: { TenantListResponse } } },
  { id: 'tenant', method: 'get', path: '/v1/tenants/:id', tag: 'platform', summary: 'One tenant with its subscription, keys and usage this period', access: 'operator', responses: { 200: { TenantDetailResponse } } },
  { id: 'updateTenant', method: 'patch', path: '/v1/tenants/:id', tag: 'platform', summary: 'Rename a tenant or change its contact', body: { TenantUpdateRequest }, responses: { 200: { TenantResponse } }, errors: [403, 409] },
  { id: 'suspendTenant', method: 'post', path: '/v1/tenants/:id/suspend', tag: 'platform', summary: 'Suspend a tenant: its keys are refused on every node', responses: { 200: { TenantResponse } }, errors: [403, 409] },
  { id: 'resumeTenant', method: 'post', path: '/v1/tenants/:id/resume', tag: 'platform', summary: 'Resume a suspended tenant', responses: { 200: { TenantResponse } }, errors: [403, 409] },
  { id: 'deleteTenant', method: 'delete', path: '/v1/tenants/:id', tag: 'platform', summary: 'Delete a tenant (its records stay, its keys are refused)', responses: { 200: { TenantResponse } }, errors: [403, 409] },
  { id: 'tenantKeys', method: 'get', path: '/v1/tenants/:id/keys', tag: 'platform', summary: 'A tenant\'s API keys (never the secrets)', access: 'operator', responses: { 200: { KeyListResponse } } },
  { id: 'createKey', method: 'post', path: '/v1/tenants/:id/keys', tag: 'platform', summary: 'Create an API key; the secret is in this answer only', body: { KeyCreateRequest }, responses: { 201: { KeyCreateResponse } }, errors: [403, 409] },
  { id: 'revokeKey', method: 'delete', path: '/v1/tenants/:id/keys/:keyId', tag: 'platform', summary: 'Revoke an API key, on every node', responses: { 200: { ApiKeyResponse } }, errors: [403, 409] }
)

function keyView (k: ApiKey, now: number): z.infer<typeof ApiKeyResponse> {
  return {
    id: k.id,
    tenant_id: k.tenantId,
    label: k.label,
    status: keyStatus(k, now),
    created_at: isoTime(k.createdAt),
    expires_at: isoTimeOrNull(k.expiresAt),
    created_by: k.createdBy,
    revoked_at: isoTimeOrNull(k.revoked?.at ?? null),
    revoked_by: k.revoked?.by ?? null
  }
}

export function subscriptionView (s: Subscription, mesh: ApiNode): z.infer<typeof SubscriptionResponse> {
  const tier = mesh.params().tiers[s.tier]
  return {
    id: s.id,
    tenant_id: s.tenantId,
    tier: s.tier,
    status: s.status,
    billing_cycle: s.billingCycle,
    // The tier's price a month, or a year of it: null once governance removed the tier.
    price: tier === undefined ? null : tier.monthly_price * (s.billingCycle === 'yearly' ? 12 : 1),
    created_at: isoTime(s.createdAt),
    updated_at: isoTime(s.updatedAt),
    cancelled_at: isoTimeOrNull(s.cancelledAt),
    periods: s.periods.map(p => ({ tier: p.tier, from: isoTime(p.from), to: isoTimeOrNull(p.to), status: p.status }))
  }
}

/** `POST /:id/<action>` for each platform operation that changes a record's status (suspend, resume, cancel): the record it answers, in its view. */
export function statusActions<R, V> (app: Hono<ApiEnv>, view: (record: R, mesh: ApiNode) => V, actions: Record<string, (platform: Platform, id: string) => Promise<R>>): void {
  for (const [action, run] of Object.entries(actions)) {
    app.post(`/:id/${action}`, async c => {
      const mesh = c.var.mesh
      return c.json(view(await run(mesh.running().platform, c.req.param('id')), mesh))
    })
  }
}

function tenantView (t: Tenant, mesh: ApiNode): z.infer<typeof TenantResponse> {
  return {
    id: t.id,
    name: t.name,
    status: t.status,
    metadata: t.metadata,
    tier: mesh.running().platform.state.tierAt(t.id, mesh.clock.now()) ?? null,
    created_at: isoTime(t.createdAt),
    updated_at: isoTime(t.updatedAt),
    created_by: t.createdBy
  }
}

function tenantDetail (t: Tenant, mesh: ApiNode): z.infer<typeof TenantDetailResponse> {
  const { platform, billing } = mesh.running()
  const now = mesh.clock.now()
  const sub = platform.state.subscription(t.id)
  // Usage this period: the calendar month (UTC) that invoices are made for.
  const period = periodOf(now)
  // From the ledger's index (tenant and month), sorted by resource then unit: no scan of the ledger.
  const totals = billing.ledger.index.userMonthTotals(t.id, period) ?? new Map()
  const byResource = [...totals.keys()].sort().map(k => totals.get(k)).filter(x => x !== undefined)
  return {
    ...tenantView(t, mesh),
    subscription: sub === undefined ? null : subscriptionView(sub, mesh),
    usage: { period, by_resource: byResource.map(x => ({ resource_type: x.resourceType, amount: toNumber(x.quantity), unit: x.unit, records: x.records })) },
    keys: platform.state.keys(t.id).map(k => keyView(k, now))
  }
}

/**
 * Tenants and their API keys (operators only, reads included: tenants are the operator's
 * customers). Every change is a record signed by this node and replicated to every member.
 */
export function tenantRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.post('/', async c => {
    const body = jsonBody(c, TenantCreateRequest)
    const mesh = c.var.mesh
    const { tenant, subscription } = await mesh.running().platform.createTenant({ name: body.name, tier: body.tier, billingCycle: body.billing_cycle, metadata: body.metadata })
    return c.json({ ...tenantView(tenant, mesh), subscription: subscriptionView(subscription, mesh) }, 201)
  })

  app.get('/', c => {
    const q = query(c, TenantListQuery)
    const mesh = c.var.mesh
    const all = mesh.running().platform.state.tenants().filter(t => q.status === undefined || t.status === q.status)
    return c.json({ tenants: all.slice(q.offset, q.offset + q.limit).map(t => tenantView(t, mesh)), total: all.length, offset: q.offset, limit: q.limit })
  })

  app.get('/:id', c => {
    const mesh = c.var.mesh
    return c.json(tenantDetail(mesh.running().platform.tenant(c.req.param('id')), mesh))
  })

  app.patch('/:id', async c => {
    const id = c.req.param('id')
    const body = jsonBody(c, TenantUpdateRequest)
    const mesh = c.var.mesh
    return c.json(tenantView(await mesh.running().platform.updateTenant(id, body), mesh))
  })

  statusActions(app, tenantView, {
    suspend: async (platform, id) => await platform.suspendTenant(id),
    resume: async (platform, id) => await platform.resumeTenant(id)
  })

  app.delete('/:id', async c => {
    const mesh = c.var.mesh
    return c.json(tenantView(await mesh.running().platform.deleteTenant(c.req.param('id')), mesh))
  })

  app.get('/:id/keys', c => {
    const mesh = c.var.mesh
    const t = mesh.running().platform.tenant(c.req.param('id'))
    return c.json({ keys: mesh.running().platform.state.keys(t.id).map(k => keyView(k, mesh.clock.now())) })
  })

  app.post('/:id/keys', async c => {
    const id = c.req.param('id')
    const body = jsonBody(c, KeyCreateRequest)
    const mesh = c.var.mesh
    const { key, secret } = await mesh.running().platform.createKey(id, { label: body.label, expiresAt: body.expires_at === null ? null : Date.parse(body.expires_at) })
    // The secret is in this answer only: no cache may keep it.
    c.header('Cache-Control', 'no-store')
    return c.json({ ...keyView(key, mesh.clock.now()), key: secret }, 201)
  })

  app.delete('/:id/keys/:keyId', async c => {
    const mesh = c.var.mesh
    const key = await mesh.running().platform.revokeKey(c.req.param('id'), c.req.param('keyId'))
    return c.json(keyView(key, mesh.clock.now()))
  })
  return app
}
