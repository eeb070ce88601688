import type { PeerEvent } from '../telemetry/peer-table.ts'

/**
 * The kinds of event the node's feed carries besides its peer table's own (peer:joined,
 * peer:state, peer:left), and that webhooks deliver. The tenant, subscription, invoice and
 * payment kinds are emitted by the platform and billing code through `MeshNode.emitEvent`.
 */
export const MESH_EVENT_TYPES = [
  'tenant.created',
  'subscription.created',
  'subscription.cancelled',
  'invoice.issued',
  'payment.success',
  'payment.failed',
  'peer.down',
  'peer.up',
  'breaker.opened',
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

/** What the node's event feed carries (`MeshNode.onEvent`, `/v1/events`, webhooks). */
export type NodeEvent = PeerEvent | MeshEvent

export function isMeshEvent (e: NodeEvent): e is MeshEvent {
  return 'data' in e
}
