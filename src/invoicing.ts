import { randomUUID } from 'node:crypto'
import type { BillingEvent } from './billing/billing-events.ts'
import { churnOf, growth, periodFigures, type Churn, type PeriodFigures } from './billing/analytics.ts'
import { computeInvoice, invoiceId, lotsOf, type Invoice, type InvoiceStatus } from './billing/invoice.ts'
import { paymentBook, samePayment, type PaymentBook, type PaymentRecord } from './billing/payments.ts'
import { periodEnd, periodOf, periodStart } from './billing/pricing.ts'
import type { UsageIndex } from './billing/usage-index.ts'
import type { Clock } from './clock.ts'
import { MeshError, errorMessage, isMeshError } from './errors.ts'
import type { PaymentBody, Signed } from './governance/objects.ts'
import type { Startable } from './lifecycle.ts'
import type { Logger } from './logging.ts'
import type { SubscriptionPeriod } from './platform/state.ts'
import { decimal } from './network/amount.ts'
import { paramsAt, type ParamsPeriod } from './network/params.ts'

/** Where invoices read subscription periods: the platform records' read model (PlatformState), replicated. */
export interface SubscriptionSource {
  /** Tenants that have (or had) a subscription. */
  tenants: () => string[]
  /** A tenant's subscription periods, in time order. */
  periodsOf: (tenantId: string) => readonly SubscriptionPeriod[]
}

export interface InvoicingComponents {
  index: UsageIndex
  /** The parameters by period, known up to `until`. */
  paramsPeriods: (until: number) => readonly ParamsPeriod[]
  maxClockSkewMs: () => number
  payments: () => ReadonlyArray<Signed<PaymentBody>>
  /** Signs, stores and replicates a payment (governance publish: only operators may). */
  publishPayment: (body: PaymentBody) => Promise<Signed<PaymentBody>>
  subscriptions: SubscriptionSource
  clock: Clock
  log: Logger
  selfId: string
  emit: (event: BillingEvent) => void
  /** Where the last month whose invoices were announced is kept, across restarts. */
  meta: { get: (key: string) => Promise<unknown>, put: (key: string, value: string) => Promise<void> }
  /** Whether this node holds every usage entry its peers announced: a closed month's invoices are announced from a complete ledger. */
  caughtUp: () => boolean
}

/** The meta key of the last month whose invoices this node announced (`YYYY-MM`). */
const ANNOUNCED_KEY = 'invoices-announced-through'

export interface InvoicingInit {
  /** How often closed periods are looked for (invoice.issued). */
  tickMs: number
}

export interface InvoiceFilter {
  tenant?: string
  status?: InvoiceStatus
  period?: string
  /** Invoices whose period overlaps [dateFrom, dateTo). */
  dateFrom?: number
  dateTo?: number
}

export interface PaymentInput {
  paymentId?: string
  invoiceId: string
  amount: number
  method: string
  reference: string
}

export interface RecordedPayment { payment: PaymentRecord, duplicate: boolean, invoice: Invoice }

export interface BusinessFigures {
  current: PeriodFigures
  previous: PeriodFigures
  history: PeriodFigures[]
  churn: Churn
  currency: string
  revenueGrowth: number | null
  tenantGrowth: number | null
}

/** The `YYYY-MM` before a period. */
function previousPeriod (period: string): string {
  return periodOf(periodStart(period) - 1)
}

function monthsBetween (first: string, last: string): string[] {
  const out: string[] = []
  for (let p = first; p <= last; p = periodOf(periodEnd(p))) out.push(p)
  return out
}

function paymentRecord (o: Signed<PaymentBody>): PaymentRecord {
  const b = o.body
  return { objectId: o.id, author: b.author, paymentId: b.payment_id, invoiceId: b.invoice_id, amount: b.amount, method: b.method, reference: b.reference, time: b.time }
}

/**
 * Invoices, payments and business figures of the whole mesh, on one node: each invoice a pure
 * function of the replicated ledger (through its index), the subscription periods, the
 * parameters and the payments held, so that every node shows the same invoice. It announces
 * `invoice.issued` for the invoices of each month that closes, also of one that closed while
 * the node was down (the last month announced is kept), once it holds what its peers announced.
 */
export class Invoicing implements Startable {
  private readonly c: InvoicingComponents
  private readonly tickMs: number
  private timer: NodeJS.Timeout | undefined
  /** The last month whose invoices were announced; undefined until start read it. */
  private announcedThrough: string | undefined
  /** The announcement under way, which stop waits for. */
  private announcing: Promise<void> | undefined
  private book: { held: number, book: PaymentBook } | undefined

  constructor (components: InvoicingComponents, init: InvoicingInit) {
    this.c = components
    this.tickMs = init.tickMs
  }

  async start (): Promise<void> {
    if (this.timer !== undefined) return
    const saved = await this.c.meta.get(ANNOUNCED_KEY)
    if (typeof saved === 'string') this.announcedThrough = saved
    else {
      // A node's first start: the months that closed before it joined are not news to it.
      this.announcedThrough = previousPeriod(periodOf(this.c.clock.now()))
      await this.c.meta.put(ANNOUNCED_KEY, this.announcedThrough)
    }
    this.timer = setInterval(() => {
      this.announcing ??= this.announceClosed().finally(() => { this.announcing = undefined })
    }, this.tickMs)
    this.timer.unref()
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.announcing
  }

  private params (now: number): readonly ParamsPeriod[] {
    return this.c.paramsPeriods(now + this.c.maxClockSkewMs())
  }

  /** The payments that count (recomputed only when a payment arrived). */
  payments (): PaymentBook {
    const held = this.c.payments()
    if (this.book?.held !== held.length) this.book = { held: held.length, book: paymentBook(held.map(paymentRecord)) }
    return this.book.book
  }

  /** The months a tenant has an invoice for: those with usage, and those its subscription was active in, up to now. */
  monthsOf (tenant: string, now: number): string[] {
    const months = new Set(this.c.index.monthsOf(tenant))
    const current = periodOf(now)
    for (const p of this.c.subscriptions.periodsOf(tenant)) {
      if (p.status !== 'active') continue
      const last = periodOf(Math.min(now, (p.to ?? now + 1) - 1))
      if (periodOf(p.from) > current) continue
      for (const m of monthsBetween(periodOf(p.from), last)) months.add(m)
    }
    return [...months].sort()
  }

  /** Every tenant billed: with usage or with a subscription. */
  tenants (): string[] {
    return [...new Set([...this.c.index.usersHeld(), ...this.c.subscriptions.tenants()])].sort()
  }

  invoice (tenant: string, period: string, now = this.c.clock.now()): Invoice {
    const params = this.params(now)
    return computeInvoice({
      tenantId: tenant,
      period,
      subscriptions: this.c.subscriptions.periodsOf(tenant),
      usage: lotsOf(this.c.index, tenant, period, params),
      params,
      payments: this.payments().byInvoice.get(invoiceId(tenant, period)) ?? [],
      now
    })
  }

  /** The invoices that match, by period then tenant. */
  list (filter: InvoiceFilter, now = this.c.clock.now()): Invoice[] {
    const tenants = filter.tenant === undefined ? this.tenants() : [filter.tenant]
    const pairs: Array<[string, string]> = []
    for (const tenant of tenants) {
      for (const period of this.monthsOf(tenant, now)) {
        if (filter.period !== undefined && period !== filter.period) continue
        if (filter.dateTo !== undefined && periodStart(period) >= filter.dateTo) continue
        if (filter.dateFrom !== undefined && periodEnd(period) <= filter.dateFrom) continue
        pairs.push([period, tenant])
      }
    }
    pairs.sort(([pa, ta], [pb, tb]) => (pa < pb ? -1 : pa > pb ? 1 : ta < tb ? -1 : ta > tb ? 1 : 0))
    return pairs.map(([period, tenant]) => this.invoice(tenant, period, now))
      .filter(inv => filter.status === undefined || inv.status === filter.status)
  }

  /** The invoice with this id, if a tenant and month with activity have it. */
  find (id: string, now = this.c.clock.now()): Invoice | undefined {
    for (const tenant of this.tenants()) {
      for (const period of this.monthsOf(tenant, now)) if (invoiceId(tenant, period) === id) return this.invoice(tenant, period, now)
    }
    return undefined
  }

  /**
   * Records an operator's attestation that a payment was received elsewhere, idempotent by
   * payment id: the same payment again answers with the one held; another payment under the
   * same id is a conflict. Only an issued, unpaid invoice takes a payment, of at most its
   * balance. Every refusal is announced as `payment.failed`.
   */
  async recordPayment (input: PaymentInput): Promise<RecordedPayment> {
    const now = this.c.clock.now()
    try {
      const paymentId = input.paymentId ?? `pay_${randomUUID()}`
      const held = this.payments().byId.get(paymentId)
      const asked: PaymentRecord = { objectId: '', author: this.c.selfId, paymentId, invoiceId: input.invoiceId, amount: input.amount, method: input.method, reference: input.reference, time: now }
      if (held !== undefined) {
        if (!samePayment(held, asked)) {
          throw new MeshError('CONFLICT', `payment id ${paymentId} is already recorded for another payment`, { payment_id: paymentId, invoice_id: held.invoiceId })
        }
        const invoice = this.find(held.invoiceId, now)
        if (invoice === undefined) throw new MeshError('NOT_FOUND', `invoice ${held.invoiceId} not found`, { field: 'invoice_id' })
        return { payment: held, duplicate: true, invoice }
      }
      const invoice = this.find(input.invoiceId, now)
      if (invoice === undefined) throw new MeshError('NOT_FOUND', `invoice ${input.invoiceId} not found`, { field: 'invoice_id' })
      if (invoice.status === 'draft') {
        throw new MeshError('VALIDATION_ERROR', `invoice ${invoice.id} is a draft: its period ends at ${invoice.period_end}`, { field: 'invoice_id', reason: 'draft' })
      }
      if (decimal(input.amount) > decimal(invoice.balance)) {
        throw new MeshError('VALIDATION_ERROR', `amount ${input.amount} exceeds the invoice's balance ${invoice.balance} ${invoice.currency}`, { field: 'amount', reason: 'exceeds balance' })
      }
      const signed = await this.c.publishPayment({
        kind: 'payment', author: this.c.selfId, payment_id: paymentId, invoice_id: invoice.id, amount: input.amount, method: input.method, reference: input.reference, time: now
      })
      return { payment: paymentRecord(signed), duplicate: false, invoice: this.invoice(invoice.tenant_id, invoice.period, now) }
    } catch (err) {
      if (isMeshError(err)) this.refused(input.paymentId, input.invoiceId, err)
      throw err
    }
  }

  /** A payment this node was asked to record was refused: announced as `payment.failed`. */
  refused (paymentId: string | undefined, invoiceId: string | undefined, err: MeshError): void {
    this.c.emit({ type: 'payment.failed', paymentId: paymentId ?? null, invoiceId: invoiceId ?? null, reason: err.message, at: this.c.clock.now() })
  }

  /** A payment was accepted (here or from a peer). */
  paymentAccepted (o: Signed<PaymentBody>): void {
    const b = o.body
    // At the payment's own time, so that every node announces the same event.
    this.c.emit({ type: 'payment.success', paymentId: b.payment_id, invoiceId: b.invoice_id, amount: b.amount, method: b.method, recordedBy: b.author, at: b.time })
  }

  /** Figures of a month against the one before, with `months` of revenue history up to it. */
  business (period: string, months: number, now = this.c.clock.now()): BusinessFigures {
    const history: PeriodFigures[] = []
    let p = period
    for (let i = 0; i < Math.max(months, 2); i++) {
      history.unshift(periodFigures(p, this.list({ period: p }, now)))
      p = previousPeriod(p)
    }
    const current = history[history.length - 1] as PeriodFigures
    const previous = history[history.length - 2] as PeriodFigures
    const subscriptions = new Map(this.c.subscriptions.tenants().map(t => [t, this.c.subscriptions.periodsOf(t)]))
    return {
      current,
      previous,
      history: history.slice(-months),
      churn: churnOf(subscriptions, periodStart(period), periodEnd(period)),
      currency: paramsAt(this.params(now), periodEnd(period) - 1).currency,
      revenueGrowth: growth(current.invoiced, previous.invoiced),
      tenantGrowth: growth(BigInt(current.activeTenants), BigInt(previous.activeTenants))
    }
  }

  /**
   * Announces the invoices of every month that closed after the last one announced, then keeps
   * the new position. It waits (the next tick) while this node lacks usage entries its peers
   * announced, as after a restart. A crash between the events and the save announces them
   * again: their ids are named after the invoice, so a webhook delivers each once.
   */
  private async announceClosed (): Promise<void> {
    const through = this.announcedThrough
    if (through === undefined) return
    const now = this.c.clock.now()
    const closed = previousPeriod(periodOf(now))
    if (closed <= through || !this.c.caughtUp()) return
    try {
      for (const period of monthsBetween(periodOf(periodEnd(through)), closed)) {
        for (const inv of this.list({ period }, now)) {
          this.c.emit({ type: 'invoice.issued', invoiceId: inv.id, tenantId: inv.tenant_id, period, total: inv.total, currency: inv.currency, dueAt: Date.parse(inv.due_at), at: periodEnd(period) })
        }
      }
      await this.c.meta.put(ANNOUNCED_KEY, closed)
      this.announcedThrough = closed
    } catch (err) {
      this.c.log.error({ err: errorMessage(err) }, 'invoices of a closed period not announced')
    }
  }
}
