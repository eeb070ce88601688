import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { BillingEvent } from '../../src/billing/billing-events.ts'
import { invoiceId } from '../../src/billing/invoice.ts'
import { Ledger } from '../../src/billing/ledger.ts'
import { GENESIS_PREV } from '../../src/billing/log-entry.ts'
import { ManualClock } from '../../src/clock.ts'
import { MeshError } from '../../src/errors.ts'
import type { PaymentBody, Signed } from '../../src/governance/objects.ts'
import { Invoicing } from '../../src/invoicing.ts'
import { silentLogger } from '../../src/logging.ts'
import { PRODUCTION_PARAMS } from '../../src/network/params.ts'
import type { SubscriptionPeriod } from '../../src/platform/state.ts'
import { waitFor } from '../helpers/wait.ts'

const NOV = Date.UTC(2026, 10, 1)
const DEC = Date.UTC(2026, 11, 1)

/** What a node keeps in its meta store across restarts: shared by the Invoicing of each start. */
type Meta = Map<string, unknown>

interface Setup { invoicing: Invoicing, clock: ManualClock, events: BillingEvent[], held: Array<Signed<PaymentBody>>, sync: { caughtUp: boolean, asked: number } }

function setup (now: number, meta: Meta = new Map()): Setup {
  const ledger = new Ledger()
  ledger.apply({
    author: 'node', seq: 1, prev: GENESIS_PREV, time: NOV, hash: 'f'.repeat(64), sig: 'AAAA',
    records: [{ id: 'r1', user_id: 'ten_a', resource_type: 'storage', amount: 100, unit: 'GB', timestamp: NOV + 1000, metadata: {} }]
  })
  const subscriptions = new Map<string, SubscriptionPeriod[]>([['ten_b', [{ tier: 'basic', from: NOV, to: null, status: 'active' }]]])
  const clock = new ManualClock(now)
  const events: BillingEvent[] = []
  const held: Array<Signed<PaymentBody>> = []
  const sync = { caughtUp: true, asked: 0 }
  const invoicing = new Invoicing({
    index: ledger.index,
    paramsPeriods: () => [{ from: -Infinity, params: PRODUCTION_PARAMS }],
    maxClockSkewMs: () => 30_000,
    payments: () => held,
    publishPayment: async body => {
      const o = { body, id: String(held.length).padStart(64, '0'), sig: 'AAAA' }
      held.push(o)
      return o
    },
    subscriptions: { tenants: () => [...subscriptions.keys()], periodsOf: t => subscriptions.get(t) ?? [] },
    clock,
    log: silentLogger(),
    selfId: 'op',
    emit: e => { events.push(e) },
    meta: { get: async key => meta.get(key), put: async (key, value) => { meta.set(key, value) } },
    caughtUp: () => {
      sync.asked++
      return sync.caughtUp
    }
  }, { tickMs: 5 })
  return { invoicing, clock, events, held, sync }
}

describe('invoicing', () => {
  test('invoices: one per tenant and month with usage or a subscription, by month then tenant, found by id', () => {
    const { invoicing } = setup(DEC + 1000)
    assert.deepEqual(invoicing.list({}).map(i => [i.period, i.tenant_id, i.status, i.total]), [
      ['2026-11', 'ten_a', 'issued', 2], ['2026-11', 'ten_b', 'issued', 10], ['2026-12', 'ten_b', 'draft', 10]
    ])
    assert.deepEqual(invoicing.list({ tenant: 'ten_b', status: 'draft' }).map(i => i.period), ['2026-12'])
    assert.deepEqual(invoicing.list({ dateFrom: DEC }).map(i => i.period), ['2026-12'])
    assert.deepEqual(invoicing.list({ dateTo: DEC }).map(i => i.period), ['2026-11', '2026-11'])
    assert.equal(invoicing.find(invoiceId('ten_a', '2026-11'))?.total, 2)
    assert.equal(invoicing.find(invoiceId('ten_a', '2026-10')), undefined)
  })

  test('a payment counts once by id; refusals are announced as payment.failed', async () => {
    const { invoicing, events, held } = setup(DEC + 1000)
    const id = invoiceId('ten_a', '2026-11')
    const first = await invoicing.recordPayment({ paymentId: 'p1', invoiceId: id, amount: 1.5, method: 'bank_transfer', reference: 'r' })
    assert.deepEqual([first.duplicate, first.invoice.amount_paid, first.invoice.balance, first.invoice.status], [false, 1.5, 0.5, 'issued'])
    const again = await invoicing.recordPayment({ paymentId: 'p1', invoiceId: id, amount: 1.5, method: 'bank_transfer', reference: 'r' })
    assert.deepEqual([again.duplicate, held.length], [true, 1])
    const refusals: Array<[Parameters<Invoicing['recordPayment']>[0], string]> = [
      [{ paymentId: 'p1', invoiceId: id, amount: 0.5, method: 'bank_transfer', reference: 'r' }, 'CONFLICT'],
      [{ invoiceId: invoiceId('nobody', '2026-11'), amount: 1, method: 'cash', reference: 'r' }, 'NOT_FOUND'],
      [{ invoiceId: invoiceId('ten_b', '2026-12'), amount: 1, method: 'cash', reference: 'r' }, 'VALIDATION_ERROR'],
      [{ invoiceId: id, amount: 0.6, method: 'cash', reference: 'r' }, 'VALIDATION_ERROR']
    ]
    for (const [input, code] of refusals) {
      await assert.rejects(invoicing.recordPayment(input), (err: unknown) => err instanceof MeshError && err.code === code)
    }
    assert.equal(held.length, 1)
    assert.equal(events.filter(e => e.type === 'payment.failed').length, refusals.length)
    const rest = await invoicing.recordPayment({ invoiceId: id, amount: 0.5, method: 'cash', reference: 'r2' })
    assert.equal(rest.invoice.status, 'paid')
    assert.match(rest.payment.paymentId, /^pay_[0-9a-f-]{36}$/)
  })

  test('invoice.issued once for each invoice of a month that closes while it runs, at the month\'s end', async () => {
    const { invoicing, clock, events } = setup(DEC - 10_000)
    await invoicing.start()
    try {
      await new Promise(resolve => setTimeout(resolve, 30))
      assert.equal(events.length, 0, 'nothing closed yet')
      clock.advance(20_000)
      await waitFor('the issued invoices', () => events.length >= 2, { timeoutMs: 5_000, intervalMs: 5 })
      await new Promise(resolve => setTimeout(resolve, 30))
      assert.deepEqual(events.map(e => e.type === 'invoice.issued' ? [e.tenantId, e.period, e.total, e.at] : []), [
        ['ten_a', '2026-11', 2, DEC], ['ten_b', '2026-11', 10, DEC]
      ])
    } finally {
      await invoicing.stop()
    }
  })

  test('a month that closed while the node was down is announced after its restart, once, and only from a ledger that caught up', async () => {
    const meta: Meta = new Map()
    const issued = (events: BillingEvent[]): Array<[string, string]> => events.flatMap(e => e.type === 'invoice.issued' ? [[e.tenantId, e.period] as [string, string]] : [])
    // Runs in November, stops before it closes.
    const before = setup(DEC - 10_000, meta)
    await before.invoicing.start()
    await before.invoicing.stop()
    assert.equal(meta.get('invoices-announced-through'), '2026-10', 'a first start takes the months before it as announced')
    // Back on 3 December, its ledger still behind its peers': it waits, tick after tick.
    const after = setup(DEC + 2 * 86_400_000, meta)
    after.sync.caughtUp = false
    await after.invoicing.start()
    try {
      await waitFor('three ticks that found the ledger behind', () => after.sync.asked >= 3, { timeoutMs: 5_000, intervalMs: 5 })
      assert.deepEqual(issued(after.events), [])
      after.sync.caughtUp = true
      await waitFor('the invoices of November', () => after.events.length >= 2, { timeoutMs: 5_000, intervalMs: 5 })
      await waitFor('the position kept', () => meta.get('invoices-announced-through') === '2026-11', { timeoutMs: 5_000, intervalMs: 5 })
    } finally {
      await after.invoicing.stop()
    }
    assert.deepEqual(issued(after.events), [['ten_a', '2026-11'], ['ten_b', '2026-11']])
    // Started again on 2 January: December closed meanwhile, and only December is news.
    const again = setup(Date.UTC(2027, 0, 2), meta)
    await again.invoicing.start()
    try {
      await waitFor('the invoices of December', () => again.events.length >= 1, { timeoutMs: 5_000, intervalMs: 5 })
      await waitFor('the position kept', () => meta.get('invoices-announced-through') === '2026-12', { timeoutMs: 5_000, intervalMs: 5 })
    } finally {
      await again.invoicing.stop()
    }
    assert.deepEqual(issued(again.events), [['ten_b', '2026-12']])
  })
})
