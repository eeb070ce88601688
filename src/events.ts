import type { Firing } from './alerts/evaluator.ts'
import type { BillingEvent } from './billing/billing-events.ts'
import type { PlatformEvent } from './platform/events.ts'
import type { PeerEvent } from './telemetry/peer-table.ts'

/** An alert rule fired, or stopped holding (src/alerts/). */
export interface AlertEvent {
  type: 'alert.triggered' | 'alert.resolved'
  at: number
  firing: Firing
}

/**
 * The node's one event feed: what `/v1/events` (SSE) and the WebSocket `events` channel serve,
 * and what webhooks and the `alerts` channel pick from. New kinds of event join this union.
 */
export type NodeEvent = PeerEvent | PlatformEvent | BillingEvent | AlertEvent
