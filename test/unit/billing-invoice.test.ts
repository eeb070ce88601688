import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { computeInvoice, invoiceId, lotsOf, lotsOfRecords, type CountedPayment, type InvoiceInput } from '../../src/billing/invoice.ts'
import type { SubscriptionPeriod } from '../../src/platform/state.ts'
import { UsageIndex } from '../../src/billing/usage-index.ts'
import type { UsageRecord } from '../../src/billing/usage-record.ts'
import { PRODUCTION_PARAMS, type NetworkParams, type ParamsPeriod } from '../../src/network/params.ts'

const JAN = Date.UTC(2026, 0, 1)
const FEB = Date.UTC(2026, 1, 1)
const DAY = 86_400_000
/** January 2026 has 31 days: 2,678,400 seconds. */
const JAN_SECONDS = 31 * 86_400

const params = (p: Partial<NetworkParams> = {}): ParamsPeriod[] => [{ from: -Infinity, params: { ...PRODUCTION_PARAMS, ...p } }]

let n = 0
function req (amount: number, timestamp: number, user = 't1'): UsageRecord {
  n++
  return { id: `r-${String(n).padStart(6, '0')}`, user_id: user, resource_type: 'request', amount, unit: 'request', timestamp, metadata: {} }
}

function invoice (over: Partial<InvoiceInput> & { records?: UsageRecord[] } = {}): ReturnType<typeof computeInvoice> {
  const { records = [], ...rest } = over
  return computeInvoice({ tenantId: 't1', period: '2026-01', subscriptions: [], usage: lotsOfRecords(records), params: params(), payments: [], now: FEB + 1, ...rest })
}

const active = (tier: string, from: number, to: number | null): SubscriptionPeriod => ({ tier, from, to, status: 'active' })
const pay = (paymentId: string, amount: bigint, time: number): CountedPayment => ({ paymentId, invoiceId: invoiceId('t1', '2026-01'), amount, method: 'bank_transfer', reference: `ref-${paymentId}`, time, author: 'op' })

describe('invoice calculator', () => {
  test('a whole month at one tier is its monthly price; the id is derived from tenant and period alone', () => {
    const inv = invoice({ subscriptions: [active('pro', JAN - 10 * DAY, null)] })
    assert.deepEqual(inv.subscription_items, [{
      tier: 'pro', from: new Date(JAN).toISOString(), to: new Date(FEB).toISOString(), seconds: JAN_SECONDS, period_seconds: JAN_SECONDS, monthly_price: 50, total: 50, included_units: 1_000_000, priced: true
    }])
    assert.equal(inv.total, 50)
    assert.equal(inv.id, invoiceId('t1', '2026-01'))
    assert.match(inv.id, /^inv_[0-9a-f]{32}$/)
    assert.notEqual(invoiceId('t1', '2026-02'), inv.id)
    assert.notEqual(invoiceId('t2', '2026-01'), inv.id)
  })

  test('a tier change is prorated by the second: boundaries truncated to whole seconds, each stretch its share of the month', () => {
    // basic (10/month) until Jan 11 00:00:00.999, then pro (50/month): 10 days and 21 days.
    const change = JAN + 10 * DAY + 999
    const inv = invoice({ subscriptions: [active('basic', JAN, change), active('pro', change, null)] })
    assert.deepEqual(inv.subscription_items.map(i => [i.tier, i.seconds, i.total]), [
      // 10 x 10/31 = 3.2258064516... -> 3.225806; 50 x 21/31 = 33.870967741... -> 33.870968.
      ['basic', 10 * 86_400, 3.225806],
      ['pro', 21 * 86_400, 33.870968]
    ])
    assert.equal(inv.subtotal, 37.096774)
    assert.equal(inv.total, 37.096774)
  })

  test('one second of a tier is its share of the month, rounded half up to millionths', () => {
    const inv = invoice({ subscriptions: [active('enterprise', JAN, JAN + 1000)] })
    // 500 / 2,678,400 = 0.000186678...
    assert.deepEqual(inv.subscription_items.map(i => [i.seconds, i.total]), [[1, 0.000187]])
    // Under a second is no second.
    assert.deepEqual(invoice({ subscriptions: [active('enterprise', JAN + 1, JAN + 999)] }).subscription_items, [])
  })

  test('suspended and cancelled stretches are not charged', () => {
    const inv = invoice({
      subscriptions: [active('basic', JAN, JAN + 10 * DAY), { tier: 'basic', from: JAN + 10 * DAY, to: JAN + 20 * DAY, status: 'suspended' }, { tier: 'basic', from: JAN + 20 * DAY, to: null, status: 'cancelled' }]
    })
    assert.deepEqual(inv.subscription_items.map(i => [i.tier, i.seconds]), [['basic', 10 * 86_400]])
  })

  test('included units: routed requests up to the tier\'s allowance are not charged, the rest at the request price', () => {
    // free includes 1,000 requests; 1,500 used: 500 x 0.0001.
    const inv = invoice({ subscriptions: [active('free', JAN, null)], records: [req(900, JAN + DAY), req(600, JAN + 2 * DAY)] })
    assert.deepEqual(inv.line_items, [{ resource_type: 'request', quantity: 1500, included: 1000, unit: 'request', unit_price: 0.0001, total: 0.05, records: 2, priced: true }])
    assert.equal(inv.total, 0.05)
    // Within the allowance, nothing to pay.
    assert.equal(invoice({ subscriptions: [active('free', JAN, null)], records: [req(1000, JAN + DAY)] }).total, 0)
    // Other resources are never included.
    const storage: UsageRecord = { ...req(1, JAN + DAY), resource_type: 'storage', unit: 'GB', amount: 2 }
    assert.equal(invoice({ subscriptions: [active('free', JAN, null)], records: [storage] }).total, 0.04)
  })

  test('the allowance is prorated with the stretch, and consumed in time order across a price change', () => {
    const half = JAN + 15.5 * DAY
    // free for half the month: 500 included.
    const inv = invoice({ subscriptions: [active('free', half, null)], records: [req(800, JAN + DAY)] })
    assert.deepEqual(inv.line_items.map(l => [l.quantity, l.included, l.total]), [[800, 500, 0.03]])
    // The price doubles mid-month: the early requests use the allowance, the later ones are charged at the new price.
    const dearer: ParamsPeriod[] = [...params(), { from: half, params: { ...PRODUCTION_PARAMS, price_list: { ...PRODUCTION_PARAMS.price_list, request: { unit: 'request', unit_price: 0.0002 } } } }]
    const split = invoice({ subscriptions: [active('free', JAN, null)], records: [req(700, JAN + DAY), req(700, half + DAY)], params: dearer })
    assert.deepEqual(split.line_items.map(l => [l.unit_price, l.quantity, l.included, l.total]), [[0.0001, 700, 700, 0], [0.0002, 700, 300, 0.08]])
  })

  test('a tier price changed by governance mid-stretch: each part at the price in force then', () => {
    const change = JAN + 10 * DAY
    const repriced: ParamsPeriod[] = [...params(), { from: change, params: { ...PRODUCTION_PARAMS, tiers: { ...PRODUCTION_PARAMS.tiers, basic: { monthly_price: 31, included_units: 0, requests_per_hour: 1_000, burst: 100 } } } }]
    const inv = invoice({ subscriptions: [active('basic', JAN, null)], params: repriced })
    // 10 x 10/31 + 31 x 21/31 = 3.225806 + 21.
    assert.deepEqual(inv.subscription_items.map(i => [i.monthly_price, i.seconds, i.total]), [[10, 10 * 86_400, 3.225806], [31, 21 * 86_400, 21]])
    // A tier removed: shown unpriced.
    const gone: ParamsPeriod[] = [...params(), { from: change, params: { ...PRODUCTION_PARAMS, tiers: { free: PRODUCTION_PARAMS.tiers.free as NetworkParams['tiers'][string] } } }]
    assert.deepEqual(invoice({ subscriptions: [active('basic', JAN, null)], params: gone }).subscription_items.map(i => [i.priced, i.total]), [[true, 3.225806], [false, 0]])
  })

  test('tax: the subtotal x the rate in force at the end of the month, rounded half up once', () => {
    const storage: UsageRecord = { ...req(1, JAN + DAY), resource_type: 'storage', unit: 'GB', amount: 3 }
    const inv = invoice({ subscriptions: [active('basic', JAN, JAN + 10 * DAY)], records: [storage], params: params({ tax_rate: 0.2 }) })
    // 3.225806 + 3 x 0.02 = 3.285806; x 0.2 = 0.6571612 -> 0.657161.
    assert.equal(inv.subtotal, 3.285806)
    assert.equal(inv.tax_rate, 0.2)
    assert.equal(inv.tax, 0.657161)
    assert.equal(inv.total, 3.942967)
    // 0.0000025 of tax rounds half up to 0.000003.
    assert.equal(invoice({ records: [{ ...storage, amount: 0.000125 }], params: params({ tax_rate: 0.001 }) }).tax, 0)
    assert.equal(invoice({ records: [{ ...storage, amount: 0.125 }], params: params({ tax_rate: 0.001 }) }).tax, 0.000003)
  })

  test('status by the clock: draft while open, issued once closed, overdue after the due days, paid once covered', () => {
    const base = { subscriptions: [active('basic', JAN, null)], params: params({ invoice_due_days: 14 }) }
    assert.equal(invoice({ ...base, now: FEB - 1 }).status, 'draft')
    assert.equal(invoice({ ...base, now: FEB - 1 }).issued_at, null)
    const issued = invoice({ ...base, now: FEB })
    assert.deepEqual([issued.status, issued.issued_at, issued.due_at, issued.balance], ['issued', new Date(FEB).toISOString(), new Date(FEB + 14 * DAY).toISOString(), 10])
    assert.equal(invoice({ ...base, now: FEB + 14 * DAY - 1 }).status, 'issued')
    assert.equal(invoice({ ...base, now: FEB + 14 * DAY }).status, 'overdue')
    // Partly paid: still overdue, with the balance.
    const part = invoice({ ...base, now: FEB + 20 * DAY, payments: [pay('p1', 4_000_000n, FEB + 15 * DAY)] })
    assert.deepEqual([part.status, part.amount_paid, part.balance, part.paid_at], ['overdue', 4, 6, null])
    // Covered: paid, at the time of the payment that covered it.
    const paid = invoice({ ...base, now: FEB + 20 * DAY, payments: [pay('p2', 6_000_000n, FEB + 16 * DAY), pay('p1', 4_000_000n, FEB + 15 * DAY)] })
    assert.deepEqual([paid.status, paid.amount_paid, paid.balance, paid.paid_at], ['paid', 10, 0, new Date(FEB + 16 * DAY).toISOString()])
    assert.deepEqual(paid.payments.map(p => p.payment_id), ['p1', 'p2'])
    // Nothing to pay: paid once closed.
    assert.equal(invoice({ now: FEB }).status, 'paid')
  })

  test('usage lots from the hour index give the same invoice as the records, also when a price changes within an hour', () => {
    const change = JAN + 5 * DAY + 1_800_000
    const periods: ParamsPeriod[] = [...params(), { from: change, params: { ...PRODUCTION_PARAMS, price_list: { ...PRODUCTION_PARAMS.price_list, request: { unit: 'request', unit_price: 0.0003 } } } }]
    const records: UsageRecord[] = []
    for (let i = 0; i < 400; i++) records.push(req(1 + (i % 7), JAN + i * 1_200_000 + (i % 3)))
    records.push({ ...req(1, JAN + 3 * DAY), resource_type: 'storage', unit: 'GB', amount: 0.5 })
    const index = new UsageIndex()
    for (const r of records) index.add(r)
    const subscriptions = [active('free', JAN, null)]
    const fromIndex = computeInvoice({ tenantId: 't1', period: '2026-01', subscriptions, usage: lotsOf(index, 't1', '2026-01', periods), params: periods, payments: [], now: FEB })
    const fromRecords = computeInvoice({ tenantId: 't1', period: '2026-01', subscriptions, usage: lotsOfRecords(records), params: periods, payments: [], now: FEB })
    assert.equal(JSON.stringify(fromIndex), JSON.stringify(fromRecords))
    assert.equal(fromIndex.line_items.filter(l => l.resource_type === 'request').length, 2)
    // A change on an hour's boundary, two changes in one hour, and none in the month: the same again.
    const dear = (from: number, price: number): ParamsPeriod => ({ from, params: { ...PRODUCTION_PARAMS, price_list: { ...PRODUCTION_PARAMS.price_list, request: { unit: 'request', unit_price: price } } } })
    for (const list of [[...params(), dear(JAN + 2 * DAY, 0.0002)], [...params(), dear(JAN + DAY + 60_000, 0.0002), dear(JAN + DAY + 120_000, 0.0005), dear(JAN + 4 * DAY, 0.0001)], params(), [...params(), dear(FEB + DAY, 1)]]) {
      const lots = lotsOf(index, 't1', '2026-01', list)
      const a = computeInvoice({ tenantId: 't1', period: '2026-01', subscriptions, usage: lots, params: list, payments: [], now: FEB })
      const b = computeInvoice({ tenantId: 't1', period: '2026-01', subscriptions, usage: lotsOfRecords(records), params: list, payments: [], now: FEB })
      assert.equal(JSON.stringify(a), JSON.stringify(b))
      assert.ok(lots.length < 50, `${lots.length} lots`)
    }
  })
})
