import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { PRODUCTION_PARAMS, type NetworkParams, type ParamsPeriod } from '../../src/network/params.ts'
import { computeInvoice, lotsOfRecords, type Invoice } from '../../src/billing/invoice.ts'
import { periodEnd, periodOf } from '../../src/billing/pricing.ts'
import type { UsageRecord } from '../../src/billing/usage-record.ts'

const JAN = Date.UTC(2026, 0, 10, 8, 30, 0)

type Prices = Pick<NetworkParams, 'price_list' | 'currency'>

/** One price list in force from the start. */
const at = (p: Prices): ParamsPeriod[] => [{ from: -Infinity, params: { ...PRODUCTION_PARAMS, ...p } }]

const PARAMS: Prices = {
  currency: 'EUR',
  price_list: {
    request: { unit: 'request', unit_price: 0.0001 },
    storage: { unit: 'GB', unit_price: 0.02 },
    bandwidth: { unit: 'GB', unit_price: 0.01 },
    compute: { unit: 'vcpu-hour', unit_price: 0.035 }
  }
}

/** A usage-only invoice (no subscription, no tax) of a closed month: the usage lines as priced. */
function invoiceFor (user: string, period: string, records: UsageRecord[], params: readonly ParamsPeriod[]): Invoice {
  return computeInvoice({ tenantId: user, period, subscriptions: [], usage: lotsOfRecords(records.filter(r => r.user_id === user)), params, payments: [], now: periodEnd(period) })
}

/** What the invoice says of usage. */
const usageOf = (inv: Invoice): Pick<Invoice, 'tenant_id' | 'period' | 'currency' | 'line_items' | 'total' | 'records' | 'unpriced_records'> => ({
  tenant_id: inv.tenant_id, period: inv.period, currency: inv.currency, line_items: inv.line_items, total: inv.total, records: inv.records, unpriced_records: inv.unpriced_records
})

let n = 0
function rec (user: string, resource: string, amount: number, unit: string, timestamp = JAN, id?: string): UsageRecord {
  n++
  return { id: id ?? `rec-${String(n).padStart(5, '0')}`, user_id: user, resource_type: resource, amount, unit, timestamp, metadata: {} }
}

/** Fisher–Yates with a seeded generator, so that a failing order can be replayed. */
function shuffled<T> (items: T[], seed: number): T[] {
  const out = [...items]
  let s = seed
  const next = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    const t = out[i] as T
    out[i] = out[j] as T
    out[j] = t
  }
  return out
}

describe('billing pricing: usage lines of an invoice', () => {
  test('periodOf is the UTC month of a timestamp', () => {
    assert.equal(periodOf(JAN), '2026-01')
    assert.equal(periodOf(Date.UTC(2026, 0, 31, 23, 59, 59, 999)), '2026-01')
    assert.equal(periodOf(Date.UTC(2026, 1, 1, 0, 0, 0, 0)), '2026-02')
    assert.equal(periodOf(Date.UTC(2025, 11, 31, 23, 59, 59, 999)), '2025-12')
  })

  test('one line item per resource, sorted, with quantity, unit, unit price from the list, total and record count', () => {
    const records = [
      rec('alice', 'storage', 1.5, 'GB'),
      rec('alice', 'request', 300, 'request'),
      rec('alice', 'storage', 2.5, 'GB'),
      rec('alice', 'bandwidth', 10, 'GB'),
      rec('alice', 'request', 700, 'request')
    ]
    const inv = invoiceFor('alice', '2026-01', records, at(PARAMS))
    assert.deepEqual(usageOf(inv), {
      tenant_id: 'alice',
      period: '2026-01',
      currency: 'EUR',
      line_items: [
        { resource_type: 'bandwidth', quantity: 10, included: 0, unit: 'GB', unit_price: 0.01, total: 0.1, records: 1, priced: true },
        { resource_type: 'request', quantity: 1000, included: 0, unit: 'request', unit_price: 0.0001, total: 0.1, records: 2, priced: true },
        { resource_type: 'storage', quantity: 4, included: 0, unit: 'GB', unit_price: 0.02, total: 0.08, records: 2, priced: true }
      ],
      total: 0.28,
      records: 5,
      unpriced_records: 0
    })
  })

  test('quantities are exact sums; a line\'s total is quantity x unit price rounded half up to millionths', () => {
    const records = [
      rec('u', 'storage', 0.1, 'GB'), rec('u', 'storage', 0.2, 'GB'),
      rec('u', 'request', 3, 'request'),
      rec('u', 'bandwidth', 1234567.123456, 'GB'),
      rec('u', 'compute', 0.000014, 'vcpu-hour'),
      rec('u', 'compute', 0.000001, 'vcpu-hour')
    ]
    const inv = invoiceFor('u', '2026-01', records, at(PARAMS))
    const item = (r: string) => inv.line_items.find(l => l.resource_type === r)
    // 0.1 + 0.2 is 0.30000000000000004 as a double; 3 * 0.0001 is 0.00030000000000000003.
    assert.equal(item('storage')?.quantity, 0.3)
    assert.equal(item('storage')?.total, 0.006)
    assert.equal(item('request')?.total, 0.0003)
    // 1234567.123456 x 0.01 = 12345.67123456: rounded to 12345.671235.
    assert.equal(item('bandwidth')?.quantity, 1234567.123456)
    assert.equal(item('bandwidth')?.total, 12345.671235)
    // 0.000015 x 0.035 = 0.000000525: half up to 0.000001; 0.00000049 would round to 0.
    assert.equal(item('compute')?.quantity, 0.000015)
    assert.equal(item('compute')?.total, 0.000001)
    assert.equal(inv.total, 12345.677536)
  })

  test('the total is the exact sum of the line totals, with no rounding error', () => {
    const records = Array.from({ length: 10 }, () => rec('u', 'storage', 0.1, 'GB')).concat([rec('u', 'bandwidth', 0.1, 'GB'), rec('u', 'bandwidth', 0.2, 'GB')])
    const inv = invoiceFor('u', '2026-01', records, at({ currency: 'USD', price_list: { request: { unit: 'request', unit_price: 0.0001 }, storage: { unit: 'GB', unit_price: 0.1 }, bandwidth: { unit: 'GB', unit_price: 0.2 } } }))
    assert.deepEqual(inv.line_items.map(l => [l.quantity, l.total]), [[0.3, 0.06], [1, 0.1]])
    // 0.06 + 0.1 is 0.16000000000000003 as doubles.
    assert.equal(inv.total, 0.16)
  })

  test('a resource not in the price list (a record from before its price was removed) is an unpriced line: flagged, out of the total, counted', () => {
    const inv = invoiceFor('u', '2026-01', [rec('u', 'gpu', 5, 'gpu-hour'), rec('u', 'request', 10, 'request')], at(PARAMS))
    assert.deepEqual(inv.line_items, [
      { resource_type: 'gpu', quantity: 5, included: 0, unit: 'gpu-hour', unit_price: null, total: 0, records: 1, priced: false },
      { resource_type: 'request', quantity: 10, included: 0, unit: 'request', unit_price: 0.0001, total: 0.001, records: 1, priced: true }
    ])
    assert.equal(inv.total, 0.001)
    assert.equal(inv.records, 2)
    assert.equal(inv.unpriced_records, 1)
  })

  test('a resource in another unit than the price list\'s is listed unpriced', () => {
    const inv = invoiceFor('u', '2026-01', [rec('u', 'storage', 500, 'MB'), rec('u', 'bandwidth', 2, 'GB')], at(PARAMS))
    assert.deepEqual(inv.line_items, [
      { resource_type: 'bandwidth', quantity: 2, included: 0, unit: 'GB', unit_price: 0.01, total: 0.02, records: 1, priced: true },
      { resource_type: 'storage', quantity: 500, included: 0, unit: 'MB', unit_price: null, total: 0, records: 1, priced: false }
    ])
    assert.equal(inv.total, 0.02)
  })

  test('a price of 0 is a price: unit_price 0, not null', () => {
    const free: Prices = { currency: 'USD', price_list: { request: { unit: 'request', unit_price: 0 } } }
    const inv = invoiceFor('u', '2026-01', [rec('u', 'request', 9, 'request')], at(free))
    assert.deepEqual(inv.line_items, [{ resource_type: 'request', quantity: 9, included: 0, unit: 'request', unit_price: 0, total: 0, records: 1, priced: true }])
  })

  test('only the user\'s records in the period (the UTC month) count', () => {
    const records = [
      rec('alice', 'request', 1, 'request', Date.UTC(2026, 0, 1, 0, 0, 0, 0)),
      rec('alice', 'request', 2, 'request', Date.UTC(2026, 0, 31, 23, 59, 59, 999)),
      rec('alice', 'request', 4, 'request', Date.UTC(2025, 11, 31, 23, 59, 59, 999)),
      rec('alice', 'request', 8, 'request', Date.UTC(2026, 1, 1, 0, 0, 0, 0)),
      rec('alice', 'request', 16, 'request', Date.UTC(2025, 0, 15)),
      rec('bob', 'request', 32, 'request', JAN),
      rec('alice2', 'request', 64, 'request', JAN),
      rec('Alice', 'request', 128, 'request', JAN)
    ]
    const jan = invoiceFor('alice', '2026-01', records, at(PARAMS))
    assert.deepEqual(jan.line_items.map(l => [l.resource_type, l.quantity, l.records]), [['request', 3, 2]])
    assert.equal(jan.records, 2)
    assert.equal(invoiceFor('alice', '2025-12', records, at(PARAMS)).line_items[0]?.quantity, 4)
    assert.equal(invoiceFor('alice', '2026-02', records, at(PARAMS)).line_items[0]?.quantity, 8)
    assert.equal(invoiceFor('alice', '2025-01', records, at(PARAMS)).line_items[0]?.quantity, 16)
    assert.equal(invoiceFor('bob', '2026-01', records, at(PARAMS)).line_items[0]?.quantity, 32)
    const none = invoiceFor('alice', '2026-03', records, at(PARAMS))
    assert.deepEqual(usageOf(none), { tenant_id: 'alice', period: '2026-03', currency: 'EUR', line_items: [], total: 0, records: 0, unpriced_records: 0 })
    assert.deepEqual(invoiceFor('nobody', '2026-01', records, at(PARAMS)).line_items, [])
  })

  test('the invoice JSON is byte-identical for the same records in any input order', () => {
    const amounts = [0.1, 0.2, 0.3, 0.7, 1.1, 2.2, 3.3, 0.01, 0.000123]
    const records: UsageRecord[] = []
    for (let i = 0; i < 300; i++) {
      const resource = ['storage', 'bandwidth', 'request', 'gpu'][i % 4] ?? 'storage'
      const unit = resource === 'request' ? 'request' : resource === 'gpu' ? 'gpu-hour' : 'GB'
      records.push(rec(i % 7 === 0 ? 'bob' : 'alice', resource, amounts[i % amounts.length] ?? 0.1, unit, JAN + (i % 13) * 1000))
    }
    const reference = JSON.stringify(invoiceFor('alice', '2026-01', records, at(PARAMS)))
    // The records' own order matters to a naive sum: the test data can tell orders apart.
    const storage = records.filter(r => r.user_id === 'alice' && r.resource_type === 'storage')
    const naive = (rs: UsageRecord[]): number => rs.reduce((a, r) => a + r.amount, 0)
    const orders = [[...records].reverse(), ...Array.from({ length: 20 }, (_, s) => shuffled(records, s + 1))]
    assert.ok(new Set([records, ...orders].map(o => naive(o.filter(r => storage.includes(r))))).size > 1, 'orders give different naive sums')
    for (const order of orders) {
      assert.equal(JSON.stringify(invoiceFor('alice', '2026-01', order, at(PARAMS))), reference)
    }
    // The input array is not reordered in place.
    const copy = [...records]
    invoiceFor('alice', '2026-01', copy, at(PARAMS))
    assert.deepEqual(copy, records)
  })

  test('the default price list prices request, storage and bandwidth', () => {
    const inv = invoiceFor('u', '2026-01', [
      rec('u', 'request', 12345, 'request'), rec('u', 'storage', 3, 'GB'), rec('u', 'bandwidth', 7, 'GB')
    ], at(PRODUCTION_PARAMS))
    assert.equal(inv.currency, 'USD')
    assert.deepEqual(inv.line_items.map(l => [l.resource_type, l.unit_price, l.total]), [
      ['bandwidth', 0.01, 0.07], ['request', 0.0001, 1.2345], ['storage', 0.02, 0.06]
    ])
    assert.equal(inv.total, 1.3645)
  })

  describe('a price change within the period', () => {
    const CHANGE = Date.UTC(2026, 0, 15)
    const cheaper: Prices = { ...PARAMS, price_list: { ...PARAMS.price_list, storage: { unit: 'GB', unit_price: 0.01 } } }
    const periods: ParamsPeriod[] = [...at(PARAMS), { from: CHANGE, params: { ...PRODUCTION_PARAMS, ...cheaper } }]
    const records = [
      rec('u', 'storage', 2, 'GB', CHANGE - 1), rec('u', 'storage', 1.5, 'GB', Date.UTC(2026, 0, 2)),
      rec('u', 'storage', 4, 'GB', CHANGE), rec('u', 'request', 100, 'request', CHANGE - 5), rec('u', 'request', 50, 'request', CHANGE + 5)
    ]

    test('each record is priced with the list in force at its timestamp: one line per price, the old price for the past', () => {
      const inv = invoiceFor('u', '2026-01', records, periods)
      assert.deepEqual(inv.line_items, [
        { resource_type: 'request', quantity: 150, included: 0, unit: 'request', unit_price: 0.0001, total: 0.015, records: 2, priced: true },
        { resource_type: 'storage', quantity: 3.5, included: 0, unit: 'GB', unit_price: 0.02, total: 0.07, records: 2, priced: true },
        { resource_type: 'storage', quantity: 4, included: 0, unit: 'GB', unit_price: 0.01, total: 0.04, records: 1, priced: true }
      ])
      assert.equal(inv.total, 0.125)
      // The month before is priced as it was: the change does not reach back.
      const dec = invoiceFor('u', '2025-12', [rec('u', 'storage', 2, 'GB', Date.UTC(2025, 11, 20))], periods)
      assert.deepEqual(dec.line_items.map(l => [l.unit_price, l.total]), [[0.02, 0.04]])
    })

    test('another user\'s invoice is priced the same way, exactly', () => {
      const other = [rec('v', 'storage', 0.1, 'GB', CHANGE + 1), rec('v', 'storage', 0.2, 'GB', CHANGE - 1)]
      // u: 0.125; v: 0.1 x 0.01 + 0.2 x 0.02 = 0.005.
      assert.equal(invoiceFor('v', '2026-01', [...records, ...other], periods).total, 0.005)
      assert.equal(invoiceFor('u', '2026-01', [...other, ...records].reverse(), periods).total, 0.125)
    })

    test('a price removed by the change leaves later records of it unpriced, earlier ones priced', () => {
      const rest = { ...PARAMS.price_list }
      delete rest.storage
      const removed: ParamsPeriod[] = [...at(PARAMS), { from: CHANGE, params: { ...PRODUCTION_PARAMS, currency: 'EUR', price_list: rest } }]
      const inv = invoiceFor('u', '2026-01', records.filter(r => r.resource_type === 'storage'), removed)
      assert.deepEqual(inv.line_items.map(l => [l.quantity, l.unit_price, l.total, l.priced]), [[3.5, 0.02, 0.07, true], [4, null, 0, false]])
      assert.equal(inv.total, 0.07)
      assert.equal(inv.unpriced_records, 1)
    })
  })
})
