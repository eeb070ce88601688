import { Hono } from 'hono'
import { z } from 'zod'
import { WEBHOOK_EVENT_TYPES } from '../../src/events/node-event.ts'
import type { Delivery, Webhook } from '../../src/webhooks/webhook-service.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { jsonBody, query } from '../validation.ts'
import { isoTime, isoTimeOrNull } from '../views.ts'

const EventType = z.enum([...WEBHOOK_EVENT_TYPES, '*'])

export const WebhookCreateRequest = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  events: z.array(EventType).min(1).max(WEBHOOK_EVENT_TYPES.length + 1),
  /** Signs each delivery (HMAC-SHA256); stored, never returned. */
  secret: z.string().min(16).max(256)
}).strict()

export const WebhookResponse = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(EventType),
  created_at: z.iso.datetime()
})

export const WebhookListResponse = z.object({ webhooks: z.array(WebhookResponse) })

export const WebhookDeliveryResponse = z.object({
  id: z.string(),
  webhook_id: z.string(),
  event_id: z.string(),
  event_type: EventType,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  response_code: z.number().int().nullable(),
  created_at: z.iso.datetime(),
  next_attempt_at: z.iso.datetime().nullable(),
  delivered_at: z.iso.datetime().nullable()
})

export const WebhookDeliveryListResponse = z.object({ deliveries: z.array(WebhookDeliveryResponse) })

export const WebhookDeliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict()


function webhookView (h: Webhook): z.infer<typeof WebhookResponse> {
  return { id: h.id, url: h.url, events: h.events, created_at: isoTime(h.createdAt) }
}

function deliveryView (d: Delivery): z.infer<typeof WebhookDeliveryResponse> {
  return {
    id: d.id,
    webhook_id: d.webhookId,
    event_id: d.event.id,
    event_type: d.event.type,
    status: d.status,
    attempts: d.attempts,
    last_error: d.lastError,
    response_code: d.responseCode,
    created_at: isoTime(d.createdAt),
    next_attempt_at: d.status === 'pending' ? isoTimeOrNull(d.nextAttemptAt) : null,
    delivered_at: isoTimeOrNull(d.deliveredAt)
  }
}

/**
 * Webhooks: this node delivers the events it observes to its operator's receivers, signed. Every
 * route is the operator's, reads included: a webhook's URL is the operator's business.
 */
export const webhookOperations = operations(
  { id: 'createWebhook', method: 'post', path: '/v1/webhooks', tag: 'platform', summary: 'Register a webhook: events of the node\'s feed, signed, delivered from a durable outbox', body: { WebhookCreateRequest }, responses: { 201: { WebhookResponse } } },
  { id: 'webhooks', method: 'get', path: '/v1/webhooks', tag: 'platform', summary: 'The webhooks', access: 'operator', responses: { 200: { WebhookListResponse } } },
  { id: 'webhook', method: 'get', path: '/v1/webhooks/:id', tag: 'platform', summary: 'One webhook', access: 'operator', responses: { 200: { WebhookResponse } } },
  { id: 'deleteWebhook', method: 'delete', path: '/v1/webhooks/:id', tag: 'platform', summary: 'Remove a webhook', responses: { 204: { description: 'Removed' } } },
  { id: 'webhookDeliveries', method: 'get', path: '/v1/webhooks/:id/deliveries', tag: 'platform', summary: 'A webhook\'s deliveries and their attempts, newest first', access: 'operator', query: WebhookDeliveriesQuery, responses: { 200: { WebhookDeliveryListResponse } } },
  { id: 'redeliver', method: 'post', path: '/v1/webhooks/:id/deliveries/:delivery/redeliver', tag: 'platform', summary: 'Deliver an event again', responses: { 202: { WebhookDeliveryResponse } } }
)

export function webhookRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.post('/', async c => {
    const hook = await c.var.mesh.running().webhooks.create(jsonBody(c, WebhookCreateRequest))
    return c.json(webhookView(hook), 201)
  })
  app.get('/', c => c.json({ webhooks: c.var.mesh.running().webhooks.list().map(webhookView) }))
  app.get('/:id', c => c.json(webhookView(c.var.mesh.running().webhooks.get(c.req.param('id')))))
  app.delete('/:id', async c => {
    await c.var.mesh.running().webhooks.remove(c.req.param('id'))
    return c.body(null, 204)
  })
  app.get('/:id/deliveries', async c => {
    const { limit } = query(c, WebhookDeliveriesQuery)
    const deliveries = await c.var.mesh.running().webhooks.deliveries(c.req.param('id'), limit)
    return c.json({ deliveries: deliveries.map(deliveryView) })
  })
  app.post('/:id/deliveries/:delivery/redeliver', async c => {
    const d = await c.var.mesh.running().webhooks.redeliver(c.req.param('id'), c.req.param('delivery'))
    return c.json(deliveryView(d), 202)
  })
  return app
}
