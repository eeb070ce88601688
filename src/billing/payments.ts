import { decimal } from '../network/amount.ts'
import type { CountedPayment } from './invoice.ts'

/** A payment as the replicated records hold it: the operator's signed attestation (its object id and author). */
export interface PaymentRecord {
  objectId: string
  author: string
  paymentId: string
  invoiceId: string
  amount: number
  method: string
  reference: string
  time: number
}

/** A payment id recorded with different contents: the first (by time, then object id) counts, the others are listed. */
export interface PaymentConflict { paymentId: string, counted: string, ignored: string[] }

export interface PaymentBook {
  /** The payments that count, by invoice id. */
  byInvoice: Map<string, CountedPayment[]>
  /** The payment that counts under each payment id. */
  byId: Map<string, PaymentRecord>
  conflicts: PaymentConflict[]
}

/** Whether two records of one payment id attest the same payment (who recorded it and when aside). */
export function samePayment (a: PaymentRecord, b: PaymentRecord): boolean {
  return a.paymentId === b.paymentId && a.invoiceId === b.invoiceId && a.amount === b.amount && a.method === b.method && a.reference === b.reference
}

const byTimeThenId = (a: PaymentRecord, b: PaymentRecord): number => a.time - b.time || (a.objectId < b.objectId ? -1 : a.objectId > b.objectId ? 1 : 0)

/**
 * Which payments count, a pure function of the set held: a payment id counts once, however
 * many operators recorded it or however often it was retried. Where records of one id differ
 * (two operators used one id for two payments), the first by time and then object id counts on
 * every node alike, and the conflict is reported.
 */
export function paymentBook (records: Iterable<PaymentRecord>): PaymentBook {
  const byPaymentId = new Map<string, PaymentRecord[]>()
  for (const r of records) {
    const list = byPaymentId.get(r.paymentId)
    if (list === undefined) byPaymentId.set(r.paymentId, [r])
    else list.push(r)
  }
  const byInvoice = new Map<string, CountedPayment[]>()
  const byId = new Map<string, PaymentRecord>()
  const conflicts: PaymentConflict[] = []
  for (const [paymentId, list] of [...byPaymentId].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [first, ...rest] = list.sort(byTimeThenId)
    if (first === undefined) continue
    byId.set(paymentId, first)
    const other = rest.filter(r => !samePayment(r, first))
    if (other.length > 0) conflicts.push({ paymentId, counted: first.objectId, ignored: other.map(r => r.objectId) })
    const counted: CountedPayment = {
      paymentId, invoiceId: first.invoiceId, amount: decimal(first.amount), method: first.method, reference: first.reference, time: first.time, author: first.author
    }
    const forInvoice = byInvoice.get(first.invoiceId)
    if (forInvoice === undefined) byInvoice.set(first.invoiceId, [counted])
    else forInvoice.push(counted)
  }
  return { byInvoice, byId, conflicts }
}
