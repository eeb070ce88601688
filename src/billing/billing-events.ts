/**
 * Billing events on the node's event feed (`/v1/events`, and webhooks): the names are the
 * webhook event names of the platform (issue 16).
 */
export type BillingEvent =
  /** An invoice's period closed while this node ran (`at`: the period's end): its amount is final but for late usage. */
  | { type: 'invoice.issued', invoiceId: string, tenantId: string, period: string, total: number, currency: string, dueAt: number, at: number }
  /** A payment was accepted into the replicated records, on this node or from a peer (`at`: the payment's time). */
  | { type: 'payment.success', paymentId: string, invoiceId: string, amount: number, method: string, recordedBy: string, at: number }
  /** A payment this node was asked to record was refused. */
  | { type: 'payment.failed', paymentId: string | null, invoiceId: string | null, reason: string, at: number }

export const BILLING_EVENT_TYPES = ['invoice.issued', 'payment.success', 'payment.failed'] as const satisfies ReadonlyArray<BillingEvent['type']>
