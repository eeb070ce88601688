import type { Firing } from '../alerts/evaluator.ts'
import { BILLING_EVENT_TYPES, type BillingEvent } from '../billing/billing-events.ts'
import type { PlatformEvent } from '../platform/events.ts'
import type { PeerEvent } from '../telemetry/peer-table.ts'

/** An alert rule fired, or stopped holding (src/alerts/). */
export interface AlertEvent {
  type: 'alert.triggered' | 'alert.resolved'
  at: number
  firing: Firing
}

/** Events the node raises about the mesh itself (`MeshNode.emitEvent`), already in the shape webhooks deliver. */
const MESH_EVENT_TYPES = [
  'peer.down',
  'peer.up',
  'breaker.opened',
  'proposal.created',
  'proposal.voted',
  'proposal.passed',
  'proposal.rejected',
  'election.changed'
] as const

export type MeshEventType = typeof MESH_EVENT_TYPES[number]

export interface MeshEvent {
  /** The event's id: the same in every delivery of it; for replicated facts, the same on every node. */
  id: string
  type: MeshEventType
  at: number
  data: Record<string, unknown>
}

/**
 * The node's one event feed: what `/v1/events` (SSE) and the WebSocket `events` channel serve,
 * and what webhooks and the `alerts` channel pick from. New kinds of event join this union.
 */
export type NodeEvent = PeerEvent | PlatformEvent | BillingEvent | AlertEvent | MeshEvent

/** Every event a webhook may subscribe to: the feed's events but the peer table's own. */
export const WEBHOOK_EVENT_TYPES = [
  'tenant.created', 'tenant.updated', 'tenant.suspended', 'tenant.resumed', 'tenant.deleted',
  'key.created', 'key.revoked',
  'subscription.created', 'subscription.tier_changed', 'subscription.cancelled', 'subscription.suspended', 'subscription.resumed',
  ...BILLING_EVENT_TYPES,
  'alert.triggered', 'alert.resolved',
  ...MESH_EVENT_TYPES
] as const satisfies ReadonlyArray<Exclude<NodeEvent, PeerEvent>['type']>

export type WebhookEventType = typeof WEBHOOK_EVENT_TYPES[number]

/** An event as it leaves the node (webhooks): a stable id, its type, when, and its JSON payload. */
export interface DeliverableEvent {
  id: string
  type: WebhookEventType
  at: number
  data: Record<string, unknown>
}

/** The event's JSON payload (snake_case), as SSE, the WebSocket and webhooks carry it. */
export function eventPayload (e: NodeEvent): Record<string, unknown> {
  const time = new Date(e.at).toISOString()
  if ('data' in e) return { id: e.id, ...e.data, time }
  switch (e.type) {
    case 'alert.triggered':
    case 'alert.resolved':
      return { time, alert: firingPayload(e.firing) }
    case 'invoice.issued':
      return { invoice_id: e.invoiceId, tenant_id: e.tenantId, period: e.period, total: e.total, currency: e.currency, due_at: new Date(e.dueAt).toISOString(), time }
    case 'payment.success':
      return { payment_id: e.paymentId, invoice_id: e.invoiceId, amount: e.amount, method: e.method, recorded_by: e.recordedBy, time }
    case 'payment.failed':
      return { payment_id: e.paymentId, invoice_id: e.invoiceId, reason: e.reason, time }
    case 'peer:joined':
    case 'peer:forgotten':
      return { peer_id: e.peerId, time }
    case 'peer:state':
      return { peer_id: e.peerId, time, from: e.from, to: e.to }
    default:
      return {
        tenant_id: e.tenantId,
        record_id: e.recordId,
        by: e.author,
        time,
        ...(e.keyId === undefined ? {} : { key_id: e.keyId }),
        ...(e.subscriptionId === undefined ? {} : { subscription_id: e.subscriptionId }),
        ...(e.tier === undefined ? {} : { tier: e.tier })
      }
  }
}

/** One firing of an alert rule. */
export function firingPayload (f: Firing): Record<string, unknown> {
  return {
    id: f.id,
    rule_id: f.ruleId,
    rule_name: f.ruleName,
    severity: f.severity,
    condition: f.condition,
    state: f.resolvedAt === null ? 'firing' : 'resolved',
    triggered_at: new Date(f.triggeredAt).toISOString(),
    resolved_at: f.resolvedAt === null ? null : new Date(f.resolvedAt).toISOString(),
    value: f.value,
    values: f.values
  }
}

/**
 * The event as webhooks deliver it, or undefined for the peer table's own events. Its id names
 * the fact, so that every node (and a restarted one) delivers one fact under one id: a
 * replicated record's id, an invoice's id and period, a payment's id, an alert firing's id.
 */
export function deliverable (e: NodeEvent): DeliverableEvent | undefined {
  if ('data' in e) return e
  const of = (id: string): DeliverableEvent => ({ id, type: e.type as WebhookEventType, at: e.at, data: eventPayload(e) })
  switch (e.type) {
    case 'peer:joined':
    case 'peer:forgotten':
    case 'peer:state':
      return undefined
    case 'alert.triggered':
    case 'alert.resolved':
      return of(`${e.type}:${e.firing.id}`)
    case 'invoice.issued':
      return of(`invoice.issued:${e.invoiceId}`)
    case 'payment.success':
      return of(`payment.success:${e.paymentId}`)
    case 'payment.failed':
      return of(`payment.failed:${e.paymentId ?? 'none'}:${e.at}`)
    default:
      return of(e.recordId)
  }
}
