import { Hono } from 'hono'
import { z } from 'zod'
import { BillingCycle, TenantId } from '../../src/platform/records.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { jsonBody, query } from '../validation.ts'
import { statusActions, SubscriptionResponse, subscriptionView } from './tenants.ts'

export const SubscriptionCreateRequest = z.object({
  tenant_id: TenantId,
  tier: z.string().min(1).max(32),
  billing_cycle: BillingCycle.default('monthly')
}).strict()

export const SubscriptionUpdateRequest = z.object({ tier: z.string().min(1).max(32) }).strict()

export const SubscriptionListQuery = z.object({
  status: z.enum(['active', 'suspended', 'cancelled']).optional(),
  tier: z.string().min(1).max(32).optional(),
  tenant_id: TenantId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0)
}).strict()

export const SubscriptionListResponse = z.object({ subscriptions: z.array(SubscriptionResponse), total: z.number(), offset: z.number(), limit: z.number() }).strict()

/**
 * Subscriptions (operators only): a tenant's tier and billing cycle over time, replicated like
 * tenants. A tier change, cancel, suspend or resume takes effect from its time on every node.
 */
export const subscriptionOperations = operations(
  { id: 'createSubscription', method: 'post', path: '/v1/billing/subscriptions', tag: 'platform', summary: 'Subscribe a tenant to a tier', body: { SubscriptionCreateRequest }, responses: { 201: { SubscriptionResponse } }, errors: [403, 404, 409] },
  { id: 'subscriptions', method: 'get', path: '/v1/billing/subscriptions', tag: 'platform', summary: 'The subscriptions', access: 'operator', query: SubscriptionListQuery, responses: { 200: { SubscriptionListResponse } } },
  { id: 'subscription', method: 'get', path: '/v1/billing/subscriptions/:id', tag: 'platform', summary: 'One subscription with its periods', access: 'operator', responses: { 200: { SubscriptionResponse } } },
  { id: 'changeTier', method: 'patch', path: '/v1/billing/subscriptions/:id', tag: 'platform', summary: 'Change the tier, from now on every node', body: { SubscriptionUpdateRequest }, responses: { 200: { SubscriptionResponse } }, errors: [403, 409] },
  { id: 'cancelSubscription', method: 'post', path: '/v1/billing/subscriptions/:id/cancel', tag: 'platform', summary: 'Cancel a subscription', responses: { 200: { SubscriptionResponse } }, errors: [403, 409] },
  { id: 'suspendSubscription', method: 'post', path: '/v1/billing/subscriptions/:id/suspend', tag: 'platform', summary: 'Suspend a subscription', responses: { 200: { SubscriptionResponse } }, errors: [403, 409] },
  { id: 'resumeSubscription', method: 'post', path: '/v1/billing/subscriptions/:id/resume', tag: 'platform', summary: 'Resume a suspended subscription', responses: { 200: { SubscriptionResponse } }, errors: [403, 409] }
)

export function subscriptionRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.post('/', async c => {
    const body = jsonBody(c, SubscriptionCreateRequest)
    const mesh = c.var.mesh
    return c.json(subscriptionView(await mesh.running().platform.createSubscription(body.tenant_id, body.tier, body.billing_cycle), mesh), 201)
  })

  app.get('/', c => {
    const q = query(c, SubscriptionListQuery)
    const mesh = c.var.mesh
    const all = mesh.running().platform.state.subscriptions()
      .filter(s => (q.status === undefined || s.status === q.status) && (q.tier === undefined || s.tier === q.tier) && (q.tenant_id === undefined || s.tenantId === q.tenant_id))
    return c.json({ subscriptions: all.slice(q.offset, q.offset + q.limit).map(s => subscriptionView(s, mesh)), total: all.length, offset: q.offset, limit: q.limit })
  })

  app.get('/:id', c => {
    const mesh = c.var.mesh
    return c.json(subscriptionView(mesh.running().platform.subscription(c.req.param('id')), mesh))
  })

  /** A tier change, from now on. */
  app.patch('/:id', async c => {
    const body = jsonBody(c, SubscriptionUpdateRequest)
    const mesh = c.var.mesh
    return c.json(subscriptionView(await mesh.running().platform.changeTier(c.req.param('id'), body.tier), mesh))
  })

  statusActions(app, subscriptionView, {
    cancel: async (platform, id) => await platform.cancelSubscription(id),
    suspend: async (platform, id) => await platform.suspendSubscription(id),
    resume: async (platform, id) => await platform.resumeSubscription(id)
  })
  return app
}
