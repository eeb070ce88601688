import { createHash } from 'node:crypto'
import { canonicalJson } from '../codec/canonical-json.ts'
import { decimal, multiply, toNumber, type Decimal } from '../network/amount.ts'
import { ROUTED_USAGE, paramsAt, type NetworkParams, type ParamsPeriod } from '../network/params.ts'
import type { SubscriptionPeriod } from '../platform/state.ts'
import { periodEnd, periodStart, priceOf } from './pricing.ts'
import { HOUR_MS, type UsageIndex } from './usage-index.ts'
import type { UsageRecord } from './usage-record.ts'

const SECOND_MS = 1000
const DAY_MS = 86_400_000
const SCALE = 1_000_000n

/** Usage priced with the parameters in force at `at`: one record, or an hour's total where no price changes within the hour. */
export interface UsageLot { at: number, resourceType: string, unit: string, quantity: Decimal, records: number }

/** A payment that counts towards an invoice (see payments.ts). */
export interface CountedPayment { paymentId: string, invoiceId: string, amount: Decimal, method: string, reference: string, time: number, author: string }

export type InvoiceStatus = 'draft' | 'issued' | 'paid' | 'overdue'
export const INVOICE_STATUSES = ['draft', 'issued', 'paid', 'overdue'] as const satisfies readonly InvoiceStatus[]

export interface SubscriptionItem {
  tier: string
  from: string
  to: string
  /** Whole seconds the tier was active within the period, of the period's seconds. */
  seconds: number
  period_seconds: number
  monthly_price: number | null
  total: number
  /** Routed requests this stretch includes: the tier's included units, prorated like its price. */
  included_units: number
  /** False when the tier no longer exists in the parameters in force then: shown with total 0. */
  priced: boolean
}

export interface UsageItem {
  resource_type: string
  quantity: number
  /** Of `quantity`, what the subscription includes: not charged. */
  included: number
  unit: string
  unit_price: number | null
  total: number
  records: number
  priced: boolean
}

export interface InvoicePayment { payment_id: string, amount: number, method: string, reference: string, recorded_at: string, recorded_by: string }

export interface Invoice {
  id: string
  tenant_id: string
  period: string
  period_start: string
  period_end: string
  status: InvoiceStatus
  currency: string
  subscription_items: SubscriptionItem[]
  line_items: UsageItem[]
  subtotal: number
  tax_rate: number
  tax: number
  total: number
  amount_paid: number
  balance: number
  payments: InvoicePayment[]
  records: number
  unpriced_records: number
  issued_at: string | null
  due_at: string
  paid_at: string | null
}

export interface InvoiceInput {
  tenantId: string
  /** `YYYY-MM`, in UTC. */
  period: string
  /** The tenant's subscription periods, in time order (PlatformState.periods). */
  subscriptions: readonly SubscriptionPeriod[]
  /** The tenant's usage in the period, in time order. */
  usage: readonly UsageLot[]
  params: readonly ParamsPeriod[]
  /** The payments counted for this invoice. */
  payments: readonly CountedPayment[]
  now: number
}

/** The invoice id of a tenant and period: the same on every node. */
export function invoiceId (tenantId: string, period: string): string {
  return `inv_${createHash('sha256').update(canonicalJson({ tenant: tenantId, period })).digest('hex').slice(0, 32)}`
}

/** part / whole of an amount, rounded half up to millionths. */
function prorate (amount: Decimal, part: number, whole: number): Decimal {
  const w = BigInt(whole)
  return (amount * BigInt(part) * 2n + w) / (2n * w)
}

/** The parameter changes strictly inside (from, to): where a stretch must be split to price each part with its own. */
function changesWithin (params: readonly ParamsPeriod[], from: number, to: number): number[] {
  return params.map(p => p.from).filter(t => t > from && t < to)
}

interface Line { resourceType: string, unit: string, price: Decimal | undefined, quantity: Decimal, included: Decimal, records: number, first: number }

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * A tenant's invoice for one month, a pure function of its subscription periods, usage, the
 * parameters by period, its payments and the time, so that every node holding the same
 * replicated state shows the same bytes.
 *
 * - Subscription: each active stretch in the month is charged the tier's monthly price
 *   prorated by the second (boundaries truncated to whole seconds; share = seconds active /
 *   seconds in the month), with the tier's price in force over each part of the stretch.
 *   Suspended and cancelled stretches are not charged.
 * - Usage: each lot priced with the price list in force at its time; the routed requests the
 *   active stretches include (their included units, prorated the same way) are consumed in
 *   time order and not charged. A line's total is its charged quantity x unit price.
 * - Tax: the subtotal x the tax rate in force at the end of the month; every rounding is half
 *   up to millionths, once per line and once for the tax.
 * - Status: `draft` while the month is open; then `paid` once payments cover the total,
 *   `overdue` from the due date (the month's end + `invoice_due_days` in force then), else
 *   `issued`.
 */
export function computeInvoice (input: InvoiceInput): Invoice {
  const { params } = input
  const start = periodStart(input.period)
  const end = periodEnd(input.period)
  const periodSeconds = (end - start) / SECOND_MS
  const closing = paramsAt(params, end - 1)
  const subscriptionItems: SubscriptionItem[] = []
  const subscriptionTotals: Decimal[] = []
  let allowance = 0n
  for (const s of input.subscriptions) {
    if (s.status !== 'active') continue
    const from = Math.max(start, Math.floor(s.from / SECOND_MS) * SECOND_MS)
    const to = Math.min(end, s.to === null ? end : Math.floor(s.to / SECOND_MS) * SECOND_MS)
    if (to <= from) continue
    const cuts = [from, ...changesWithin(params, from, to).map(t => Math.floor(t / SECOND_MS) * SECOND_MS), to]
    for (let i = 0; i + 1 < cuts.length; i++) {
      const a = cuts[i] as number
      const b = cuts[i + 1] as number
      if (b <= a) continue
      const seconds = (b - a) / SECOND_MS
      const tiers = paramsAt(params, a).tiers
      const tier = Object.hasOwn(tiers, s.tier) ? tiers[s.tier] : undefined
      const total = tier === undefined ? 0n : prorate(decimal(tier.monthly_price), seconds, periodSeconds)
      const included = tier === undefined ? 0n : prorate(BigInt(tier.included_units) * SCALE, seconds, periodSeconds)
      allowance += included
      subscriptionTotals.push(total)
      subscriptionItems.push({
        tier: s.tier,
        from: new Date(a).toISOString(),
        to: new Date(b).toISOString(),
        seconds,
        period_seconds: periodSeconds,
        monthly_price: tier === undefined ? null : tier.monthly_price,
        total: toNumber(total),
        included_units: toNumber(included),
        priced: tier !== undefined
      })
    }
  }

  const lines = new Map<string, Line>()
  // Lots are many and price lists few: each (list, resource, unit) is looked up once.
  const prices = new Map<NetworkParams, Map<string, Decimal | undefined>>()
  const priceAt = (at: number, resourceType: string, unit: string): Decimal | undefined => {
    const list = paramsAt(params, at)
    const known = prices.get(list) ?? new Map<string, Decimal | undefined>()
    prices.set(list, known)
    const key = `${resourceType}\n${unit}`
    if (known.has(key)) return known.get(key)
    const listed = priceOf(list.price_list, resourceType)
    const price = listed !== undefined && listed.unit === unit ? decimal(listed.unit_price) : undefined
    known.set(key, price)
    return price
  }
  let records = 0
  for (const lot of input.usage) {
    if (lot.at < start || lot.at >= end) continue
    const price = priceAt(lot.at, lot.resourceType, lot.unit)
    const key = `${lot.resourceType}\n${lot.unit}\n${price ?? ''}`
    const line = lines.get(key) ?? { resourceType: lot.resourceType, unit: lot.unit, price, quantity: 0n, included: 0n, records: 0, first: lot.at }
    const routed = lot.resourceType === ROUTED_USAGE.resource_type && lot.unit === ROUTED_USAGE.unit
    const included = routed ? (allowance < lot.quantity ? allowance : lot.quantity) : 0n
    allowance -= included
    line.quantity += lot.quantity
    line.included += included
    line.records += lot.records
    records += lot.records
    lines.set(key, line)
  }
  const sorted = [...lines.values()].sort((a, b) => cmp(a.resourceType, b.resourceType) || cmp(a.unit, b.unit) || a.first - b.first ||
    Number((a.price ?? -1n) - (b.price ?? -1n)))
  const lineTotal = (l: Line): Decimal => (l.price === undefined ? 0n : multiply(l.quantity - l.included, l.price))

  const subtotal = subscriptionTotals.reduce((a, t) => a + t, 0n) + sorted.reduce((a, l) => a + lineTotal(l), 0n)
  const taxRate = decimal(closing.tax_rate)
  const tax = multiply(subtotal, taxRate)
  const total = subtotal + tax
  const dueAt = end + closing.invoice_due_days * DAY_MS
  const payments = [...input.payments].sort((a, b) => a.time - b.time || cmp(a.paymentId, b.paymentId))
  let paid = 0n
  let paidAt: number | undefined = total === 0n ? end : undefined
  for (const p of payments) {
    paid += p.amount
    if (paidAt === undefined && paid >= total) paidAt = Math.max(p.time, end)
  }
  const closed = input.now >= end
  const status: InvoiceStatus = !closed ? 'draft' : paid >= total ? 'paid' : input.now >= dueAt ? 'overdue' : 'issued'
  return {
    id: invoiceId(input.tenantId, input.period),
    tenant_id: input.tenantId,
    period: input.period,
    period_start: new Date(start).toISOString(),
    period_end: new Date(end).toISOString(),
    status,
    currency: closing.currency,
    subscription_items: subscriptionItems,
    line_items: sorted.map(l => ({
      resource_type: l.resourceType,
      quantity: toNumber(l.quantity),
      included: toNumber(l.included),
      unit: l.unit,
      unit_price: l.price === undefined ? null : toNumber(l.price),
      total: toNumber(lineTotal(l)),
      records: l.records,
      priced: l.price !== undefined
    })),
    subtotal: toNumber(subtotal),
    tax_rate: closing.tax_rate,
    tax: toNumber(tax),
    total: toNumber(total),
    amount_paid: toNumber(paid),
    balance: toNumber(paid >= total ? 0n : total - paid),
    payments: payments.map(p => ({
      payment_id: p.paymentId, amount: toNumber(p.amount), method: p.method, reference: p.reference, recorded_at: new Date(p.time).toISOString(), recorded_by: p.author
    })),
    records,
    unpriced_records: sorted.filter(l => l.price === undefined).reduce((n, l) => n + l.records, 0),
    issued_at: closed ? new Date(end).toISOString() : null,
    due_at: new Date(dueAt).toISOString(),
    paid_at: closed && paidAt !== undefined ? new Date(paidAt).toISOString() : null
  }
}

/** Records as lots, in (timestamp, id) order. */
export function lotsOfRecords (records: readonly UsageRecord[]): UsageLot[] {
  return [...records].sort((a, b) => a.timestamp - b.timestamp || cmp(a.id, b.id))
    .map(r => ({ at: r.timestamp, resourceType: r.resource_type, unit: r.unit, quantity: decimal(r.amount), records: 1 }))
}

/**
 * A user's usage in a month from the index, in time order, as few lots as pricing needs: where
 * no parameter change falls within the month, one lot per resource and unit for the month;
 * otherwise one per resource and unit for each stretch between changes, and the records one by
 * one in an hour that holds a change (so that each is priced with the list in force at its own
 * time). Within a stretch every unit has one price, so the invoice is the same as from the
 * records one by one, included units too.
 */
export function lotsOf (index: UsageIndex, user: string, period: string, params: readonly ParamsPeriod[]): UsageLot[] {
  const start = periodStart(period)
  const end = periodEnd(period)
  const byKey = (totals: ReadonlyMap<string, { resourceType: string, unit: string, quantity: Decimal, records: number }>, at: number): UsageLot[] =>
    [...totals.keys()].sort().map(key => {
      const t = totals.get(key) as { resourceType: string, unit: string, quantity: Decimal, records: number }
      return { at, resourceType: t.resourceType, unit: t.unit, quantity: t.quantity, records: t.records }
    })
  const changes = changesWithin(params, start, end)
  if (changes.length === 0) {
    const totals = index.userMonthTotals(user, period)
    return totals === undefined ? [] : byKey(totals, start)
  }
  const hours = index.userMonth(user, period)
  if (hours === undefined) return []
  const lots: UsageLot[] = []
  let stretch = new Map<string, { resourceType: string, unit: string, quantity: Decimal, records: number }>()
  let stretchStart = start
  let next = 0
  const flush = (): void => {
    lots.push(...byKey(stretch, stretchStart))
    stretch = new Map()
  }
  for (const hour of [...hours.keys()].sort((a, b) => a - b)) {
    const buckets = hours.get(hour)
    if (buckets === undefined) continue
    // A change at or before this hour's start ends the stretch: what follows is priced anew.
    while (next < changes.length && (changes[next] as number) <= hour) {
      flush()
      stretchStart = changes[next] as number
      next++
    }
    if (next < changes.length && (changes[next] as number) < hour + HOUR_MS) {
      flush()
      lots.push(...lotsOfRecords([...buckets.values()].flatMap(b => [...b.copies])))
      while (next < changes.length && (changes[next] as number) < hour + HOUR_MS) next++
      stretchStart = hour + HOUR_MS
      continue
    }
    for (const [key, b] of buckets) {
      const t = stretch.get(key) ?? { resourceType: b.resourceType, unit: b.unit, quantity: 0n, records: 0 }
      t.quantity += b.quantity
      t.records += b.records
      stretch.set(key, t)
    }
  }
  flush()
  return lots
}
