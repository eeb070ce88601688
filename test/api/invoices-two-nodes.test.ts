import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { PaymentResponse } from '../../api/routes/billing.ts'
import type { Invoice } from '../../src/billing/invoice.ts'
import type { RunningNode } from '../../src/launch.ts'
import type { NodeEvent } from '../../src/events/node-event.ts'
import { createGenesis } from '../../src/network/genesis.ts'
import { DEVELOPMENT_PARAMS, type NetworkParams } from '../../src/network/params.ts'
import { KEY_FILE } from '../../src/p2p/identity.ts'
import { assertError, call, type Reply } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

/**
 * Invoices, payments and analytics across two in-process operator nodes. Both run on one clock
 * that stands twenty minutes before the end of a month, so that a tier change, usage and a month
 * closing happen within the test: the clock moves ten minutes on before the tier change, and past
 * the month's end after the records.
 */

interface Payment { payment_id: string, invoice_id: string, amount: number, recorded_by: string }
interface PaymentReply { payment: Payment, duplicate: boolean, invoice: Invoice }
interface InvoiceList { invoices: Invoice[], total: number }

const periodOf = (t: number): string => new Date(t).toISOString().slice(0, 7)
const nextMonth = (t: number): number => {
  const d = new Date(t)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
}

describe('invoices and payments on two nodes', { timeout: 180_000 }, () => {
  const dirs: string[] = []
  let a: RunningNode
  let b: RunningNode
  const monthEnd = nextMonth(Date.now() + 20 * 60_000)
  let offset = monthEnd - 20 * 60_000 - Date.now()
  const clock = { now: () => Date.now() + offset }
  const events = new Map<string, NodeEvent[]>()

  const auth = (n: RunningNode): Record<string, string> => ({ authorization: `Bearer ${n.token}`, 'content-type': 'application/json' })
  const send = async <T>(n: RunningNode, method: string, path: string, body?: unknown): Promise<Reply<T>> =>
    await call<T>(`${n.api.url}${path}`, { method, headers: auth(n), body: body === undefined ? undefined : JSON.stringify(body) })
  const get = async <T>(n: RunningNode, path: string): Promise<Reply<T>> => await send<T>(n, 'GET', path)
  /** The same path's body on both nodes, once they answer with the same bytes. */
  const agreed = async (path: string, until: (text: string) => boolean = () => true): Promise<string> => {
    let last: string[] = []
    return await waitFor(`both nodes to answer ${path} alike`, async () => {
      const [ra, rb] = await Promise.all([get(a, path), get(b, path)])
      last = [ra.text, rb.text]
      return ra.status === 200 && ra.text === rb.text && until(ra.text) ? ra.text : undefined
    }, { timeoutMs: 30_000, intervalMs: 200 }).catch((err: unknown) => { throw new Error(`${String(err)}; last: ${last.join('\n')}`) })
  }

  before(async () => {
    dirs.push(await tempDir(), await tempDir())
    const ids: string[] = []
    for (const dir of dirs) {
      const key = await generateKeyPair('Ed25519')
      ids.push(peerIdFromPrivateKey(key).toString())
      await writeFile(join(dir, KEY_FILE), privateKeyToProtobuf(key), { mode: 0o600 })
    }
    const params: NetworkParams = { ...DEVELOPMENT_PARAMS, tax_rate: 0.1, invoice_due_days: 10 }
    const genesis = createGenesis({
      networkId: 'invoices-two-nodes',
      operators: ids.map((peer_id, i) => ({ peer_id, weight: 1, name: `op${i}` })),
      params,
      createdAt: new Date(clock.now())
    })
    const file = join(dirs[0] as string, 'given-genesis.json')
    await writeFile(file, JSON.stringify(genesis))
    a = await startNode(dirs[0] as string, { genesis: file }, undefined, clock)
    b = await startNode(dirs[1] as string, { genesis: file, bootstrap: a.mesh.network.listenAddresses() }, undefined, clock)
    for (const n of [a, b]) {
      const seen: NodeEvent[] = []
      events.set(n.mesh.peerId.toString(), seen)
      n.mesh.onEvent(e => { if (e.type.includes('.')) seen.push(e) })
    }
    await waitFor('the two nodes connected', () => a.mesh.network.connectedPeers().includes(b.mesh.peerId.toString()), { timeoutMs: 30_000, intervalMs: 100 })
  })

  after(async () => {
    for (const n of [b, a]) await n?.stop()
    await Promise.all(dirs.map(removeDir))
  })

  test('a tier change on one node and payments on the other: byte-identical invoices with the same status everywhere', async () => {
    const created = await send<{ id: string }>(a, 'POST', '/v1/tenants', { name: 'Acme', tier: 'basic' })
    assert.equal(created.status, 201, created.text)
    const tenant = created.body.id
    const subs = await waitFor('b to hold the subscription', async () => {
      const r = await get<{ subscriptions: Array<{ id: string }> }>(b, `/v1/billing/subscriptions?tenant_id=${tenant}`)
      return r.body.subscriptions?.[0]
    }, { timeoutMs: 30_000, intervalMs: 100 })
    offset += 10 * 60_000
    const changed = await send(b, 'PATCH', `/v1/billing/subscriptions/${subs.id}`, { tier: 'pro' })
    assert.equal(changed.status, 200, changed.text)
    // Usage on a: 60,000 routed requests (the allowance of ten minutes is far less) and some storage.
    const now = clock.now()
    const usage = await send(a, 'POST', '/v1/billing/usage', {
      records: [
        { id: 'inv2-r1', user_id: tenant, resource_type: 'request', amount: 60_000, unit: 'request', timestamp: now },
        { id: 'inv2-s1', user_id: tenant, resource_type: 'storage', amount: 12.5, unit: 'GB', timestamp: now }
      ]
    })
    assert.equal(usage.status, 201, usage.text)

    const period = periodOf(now)
    const path = `/v1/billing/invoices?tenant=${tenant}&period=${period}`
    const draftText = await agreed(path, text => {
      const inv = (JSON.parse(text) as InvoiceList).invoices[0]
      return inv?.subscription_items.length === 2 && inv.records === 2
    })
    const draft = (JSON.parse(draftText) as InvoiceList).invoices[0] as Invoice
    assert.equal(draft.status, 'draft')
    assert.deepEqual(draft.subscription_items.map(i => i.tier), ['basic', 'pro'])
    assert.ok(draft.tax > 0 && draft.total === Math.round((draft.subtotal + draft.tax) * 1e6) / 1e6, draftText)
    // A draft takes no payment.
    assertError(await send(b, 'POST', '/v1/billing/payments', { invoice_id: draft.id, amount: 1, payment_method: { type: 'bank_transfer', reference: 'early' } }), 422, 'VALIDATION_ERROR')

    // The month closes on both nodes' clock.
    offset += monthEnd + 1000 - clock.now()
    const issuedText = await agreed(path, text => (JSON.parse(text) as InvoiceList).invoices[0]?.status === 'issued')
    const issued = (JSON.parse(issuedText) as InvoiceList).invoices[0] as Invoice
    assert.equal(issued.total, draft.total)
    assert.equal(issued.balance, issued.total)
    assert.equal(issued.issued_at, new Date(monthEnd).toISOString())

    // A card number, anywhere in the body, is refused and recorded nowhere.
    const card = await send(b, 'POST', '/v1/billing/payments', { invoice_id: issued.id, amount: 1, payment_method: { type: 'card', reference: 'paid with 4111 1111 1111 1111' } })
    assert.equal(assertError(card, 422, 'VALIDATION_ERROR').details.field, 'payment_method.reference')
    assert.ok(!card.text.includes('4111'), card.text)
    assertError(await send(b, 'POST', '/v1/billing/payments', { invoice_id: issued.id, amount: 1, payment_method: { type: 'bank_transfer', reference: 'x' }, note: '5500-0000-0000-0004' }), 422, 'VALIDATION_ERROR')

    // Part paid on b; the same payment again counts once; the same id for another payment is a conflict.
    const half = Math.round(issued.total / 2 * 1e6) / 1e6
    const body = { payment_id: 'pay-inv2-1', invoice_id: issued.id, amount: half, payment_method: { type: 'bank_transfer', reference: 'SEPA-0001' } }
    const first = await send<PaymentReply>(b, 'POST', '/v1/billing/payments', body)
    assert.equal(first.status, 201, first.text)
    PaymentResponse.parse(first.body)
    assert.deepEqual([first.body.duplicate, first.body.invoice.amount_paid, first.body.invoice.status], [false, half, 'issued'])
    const again = await send<PaymentReply>(b, 'POST', '/v1/billing/payments', body)
    assert.equal(again.status, 200, again.text)
    assert.equal(again.body.duplicate, true)
    assertError(await send(b, 'POST', '/v1/billing/payments', { ...body, amount: half / 2 }), 409, 'CONFLICT')
    // a, told the same payment, also counts it once.
    await agreed(`/v1/billing/payments?invoice_id=${issued.id}`, text => text.includes('pay-inv2-1'))
    const onA = await send<PaymentReply>(a, 'POST', '/v1/billing/payments', body)
    assert.equal(onA.status, 200, onA.text)
    const partText = await agreed(path, text => (JSON.parse(text) as InvoiceList).invoices[0]?.amount_paid === half)
    const part = (JSON.parse(partText) as InvoiceList).invoices[0] as Invoice
    assert.deepEqual([part.status, part.balance], ['issued', Math.round((issued.total - half) * 1e6) / 1e6])
    // More than the balance is refused.
    assertError(await send(a, 'POST', '/v1/billing/payments', { ...body, payment_id: 'pay-inv2-big', amount: issued.total }), 422, 'VALIDATION_ERROR')

    // The rest, paid on a: paid on both nodes, byte for byte.
    const rest = await send<PaymentReply>(a, 'POST', '/v1/billing/payments', { ...body, payment_id: 'pay-inv2-2', amount: part.balance, payment_method: { type: 'bank_transfer', reference: 'SEPA-0002' } })
    assert.equal(rest.status, 201, rest.text)
    const paidText = await agreed(path, text => (JSON.parse(text) as InvoiceList).invoices[0]?.status === 'paid')
    const paid = (JSON.parse(paidText) as InvoiceList).invoices[0] as Invoice
    assert.deepEqual([paid.amount_paid, paid.balance, paid.payments.map(p => p.payment_id)], [issued.total, 0, ['pay-inv2-1', 'pay-inv2-2']])
    const byId = await get<{ invoice: Invoice }>(b, `/v1/billing/invoices/${paid.id}`)
    assert.deepEqual(byId.body.invoice, paid)
    assert.equal((await agreed('/v1/billing/invoices?status=paid')).includes(paid.id), true)

    // Events: payments on both nodes' feeds (once per payment id), refusals on the node asked, the issued invoice.
    await waitFor('the events', () => [a, b].every(n => {
      const seen = events.get(n.mesh.peerId.toString()) ?? []
      return seen.filter(e => e.type === 'payment.success').length === 2 && seen.some(e => e.type === 'invoice.issued' && e.invoiceId === paid.id)
    }), { timeoutMs: 30_000, intervalMs: 200 })
    const onB = events.get(b.mesh.peerId.toString()) ?? []
    assert.ok(onB.some(e => e.type === 'payment.failed' && e.reason.includes('card number')), JSON.stringify(onB))
    assert.ok(!JSON.stringify([...events.values()]).includes('4111'))
  })

  test('a restarted node shows the same invoices, its payments loaded from its store and not announced again', async () => {
    const before = await agreed('/v1/billing/invoices?limit=1000')
    const id = b.mesh.peerId.toString()
    await b.stop()
    b = await startNode(dirs[1] as string, { genesis: join(dirs[0] as string, 'given-genesis.json'), bootstrap: a.mesh.network.listenAddresses() }, undefined, clock)
    const seen: NodeEvent[] = []
    b.mesh.onEvent(e => { if (e.type.includes('.')) seen.push(e) })
    assert.equal(b.mesh.peerId.toString(), id)
    assert.equal(await agreed('/v1/billing/invoices?limit=1000'), before)
    assert.ok(!seen.some(e => e.type === 'payment.success'), JSON.stringify(seen))
  })

  test('analytics are byte-identical on both nodes after replication', async () => {
    const tenant = (await get<InvoiceList>(a, '/v1/billing/invoices')).body.invoices[0]?.tenant_id
    assert.ok(tenant !== undefined)
    const usage = await agreed(`/v1/analytics/usage?metric=request&period=7d&granularity=hour&tenant=${tenant}`)
    const series = JSON.parse(usage) as { data: Array<{ value: number }>, total: { value: number, records: number } }
    assert.deepEqual(series.total, { value: 60_000, records: 1 })
    assert.equal(series.data.length, 7 * 24)
    const everyone = JSON.parse(await agreed('/v1/analytics/usage?metric=storage&period=30d&granularity=week')) as { unit: string, total: { value: number } }
    assert.deepEqual([everyone.unit, everyone.total.value], ['GB', 12.5])
    const previous = periodOf(clock.now() - 86_400_000)
    const business = JSON.parse(await agreed(`/v1/analytics/business?period=${previous}&months=3`)) as {
      period: { period: string }, revenue: { invoiced: number, collected: number }, tenants: { active: number }, history: unknown[]
    }
    const paid = (await get<InvoiceList>(a, `/v1/billing/invoices?tenant=${tenant}&period=${previous}`)).body.invoices[0]
    assert.deepEqual([business.period.period, business.revenue.invoiced, business.revenue.collected, business.tenants.active, business.history.length],
      [previous, paid?.total, paid?.total, 1, 3])
  })
})
