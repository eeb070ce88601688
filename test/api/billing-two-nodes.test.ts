import assert from 'node:assert/strict'
import type { Invoice } from '../../src/billing/invoice.ts'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { RunningNode } from '../../src/launch.ts'
import { createGenesis } from '../../src/network/genesis.ts'
import { DEVELOPMENT_PARAMS, type NetworkParams } from '../../src/network/params.ts'
import { KEY_FILE } from '../../src/p2p/identity.ts'
import { assertError, call, metricsOf, sample, type Reply } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

/**
 * Billing and governance across two in-process nodes of one network: `a` is its sole operator,
 * `b` a member that joined by bootstrap with the same genesis (not an operator). Voting periods
 * from 1 s, results in force 1.5 s after the end of voting.
 */

interface Accepted { id: string, author: string, seq: number, duplicate: boolean }
interface RecordView { id: string, user_id: string, amount: number, timestamp: string }
interface LogView {
  authors: Array<{ author: string, held_seq: number, held_hash: string | null, lag: number }>
  conflicts: number
  conflicting_keys: Array<{ id: string, copies: Array<{ amount: number, positions: Array<{ author: string, seq: number }> }> }>
}

const periodOf = (t: number): string => new Date(t).toISOString().slice(0, 7)

describe('billing and governance on two nodes', { timeout: 180_000 }, () => {
  const dirs: string[] = []
  let a: RunningNode
  let b: RunningNode
  let idA: string
  let idB: string

  const auth = (n: RunningNode): Record<string, string> => ({ authorization: `Bearer ${n.token}`, 'content-type': 'application/json' })
  const post = async <T = { records: Accepted[] }>(n: RunningNode, path: string, body: unknown): Promise<Reply<T>> =>
    await call<T>(`${n.api.url}${path}`, { method: 'POST', headers: auth(n), body: JSON.stringify(body) })
  const get = async <T>(n: RunningNode, path: string): Promise<Reply<T>> => await call<T>(`${n.api.url}${path}`)
  const usageOf = async (n: RunningNode, user: string): Promise<RecordView[]> =>
    (await get<{ records: RecordView[] }>(n, `/v1/billing/usage?user_id=${user}&limit=1000`)).body.records
  /** Both nodes hold the same heads of every author, with no lag. */
  const sameLogs = async (): Promise<boolean> => {
    const [la, lb] = await Promise.all([get<LogView>(a, '/v1/billing/log'), get<LogView>(b, '/v1/billing/log')])
    const heads = (l: LogView): string => JSON.stringify(l.authors.map(x => [x.author, x.held_seq, x.held_hash]))
    return heads(la.body) === heads(lb.body) && la.body.authors.every(x => x.lag === 0) && lb.body.authors.every(x => x.lag === 0)
  }

  before(async () => {
    dirs.push(await tempDir(), await tempDir())
    const [dirA, dirB] = dirs as [string, string]
    const key = await generateKeyPair('Ed25519')
    idA = peerIdFromPrivateKey(key).toString()
    await writeFile(join(dirA, KEY_FILE), privateKeyToProtobuf(key), { mode: 0o600 })
    const params: NetworkParams = { ...DEVELOPMENT_PARAMS, min_voting_period_ms: 1_000, activation_delay_ms: 1_500, certification_grace_ms: 1_000 }
    const genesis = createGenesis({ networkId: 'billing-two-nodes', operators: [{ peer_id: idA, weight: 1, name: 'a' }], params, createdAt: new Date() })
    const file = join(dirA, 'given-genesis.json')
    await writeFile(file, JSON.stringify(genesis))
    a = await startNode(dirA, { genesis: file })
    b = await startNode(dirB, { genesis: file, bootstrap: a.mesh.network.listenAddresses() })
    idB = b.mesh.peerId.toString()
    await waitFor('each node to see the other healthy', async () => {
      const [onA, onB] = await Promise.all([a, b].map(async n => (await get<{ peers: Array<{ peer_id: string, status: string }> }>(n, '/v1/network/peers')).body.peers))
      return onA?.some(p => p.peer_id === idB && p.status === 'healthy') === true && onB?.some(p => p.peer_id === idA && p.status === 'healthy') === true
    }, { timeoutMs: 30_000, intervalMs: 200 })
  })

  after(async () => {
    for (const n of [b, a]) await n?.stop()
    await Promise.all(dirs.map(removeDir))
  })

  test('the second node to receive a key it holds from the first, with identical content, answers duplicate: true at the first\'s position', async () => {
    const record = { id: 'two-dup-1', user_id: 'two-dup', resource_type: 'storage', amount: 1.5, unit: 'GB', timestamp: Date.now() - 60_000 }
    const first = await post(a, '/v1/billing/usage', record)
    assert.equal(first.status, 201, first.text)
    const [acked] = first.body.records
    assert.deepEqual(acked, { id: record.id, author: idA, seq: acked?.seq, duplicate: false })
    await waitFor('b to hold the record', async () => (await usageOf(b, 'two-dup')).length === 1, { timeoutMs: 30_000, intervalMs: 100 })
    const again = await post(b, '/v1/billing/usage', record)
    assert.equal(again.status, 201, again.text)
    assert.deepEqual(again.body.records, [{ ...acked, duplicate: true }])
    // Without its timestamp, the retry is still the record held.
    const undated: Partial<typeof record> = { ...record }
    delete undated.timestamp
    assert.deepEqual((await post(b, '/v1/billing/usage', undated)).body.records, [{ ...acked, duplicate: true }])
    // With other content, it is refused: b does not write a second record under the key.
    assert.equal(assertError(await post(b, '/v1/billing/usage', { ...record, amount: 2 }), 409, 'CONFLICT').details.author, idA)
    assert.deepEqual((await usageOf(b, 'two-dup')).map(r => [r.id, r.amount]), [[record.id, 1.5]])
    const log = await get<LogView>(b, '/v1/billing/log')
    assert.ok(!log.body.authors.some(x => x.author === idB), 'b wrote nothing')
  })

  test('one key written with different contents on both sides of a partition: both count, no author overwrites the other, and both nodes report the conflict', async () => {
    a.mesh.guard.partition(new Set())
    b.mesh.guard.partition(new Set())
    await waitFor('the partition', () => !a.mesh.network.connectedPeers().includes(idB) && !b.mesh.network.connectedPeers().includes(idA), { timeoutMs: 10_000, intervalMs: 50 })
    const ts = Date.now() - 30_000
    const base = { id: 'split-1', user_id: 'split', resource_type: 'request', unit: 'request', timestamp: ts }
    const [onA, onB] = await Promise.all([post(a, '/v1/billing/usage', { ...base, amount: 1 }), post(b, '/v1/billing/usage', { ...base, amount: 3 })])
    assert.equal(onA.status, 201, onA.text)
    assert.equal(onB.status, 201, onB.text)
    a.mesh.guard.partition(undefined)
    b.mesh.guard.partition(undefined)
    await waitFor('both copies on both nodes', async () =>
      (await Promise.all([a, b].map(async n => (await usageOf(n, 'split')).length))).every(len => len === 2) && await sameLogs(), { timeoutMs: 60_000, intervalMs: 200 })

    const [la, lb] = await Promise.all([get<LogView>(a, '/v1/billing/log'), get<LogView>(b, '/v1/billing/log')])
    assert.equal(la.body.conflicts, 1)
    assert.deepEqual(lb.body.conflicting_keys, la.body.conflicting_keys, 'both nodes report the same conflict')
    const reported = la.body.conflicting_keys.find(k => k.id === 'split-1')
    assert.deepEqual(reported?.copies.map(c => [c.amount, c.positions.map(p => p.author)]).sort(),
      [[1, [idA]], [3, [idB]]].sort())
    for (const n of [a, b]) {
      const metrics = await metricsOf(n.api.url)
      assert.equal(sample(metrics, 'meshnode_billing_conflicting_keys'), 1)
    }
    // Walked one record per page, both copies are listed: they share timestamp and id.
    const walked: RecordView[] = []
    let cursor: string | null = null
    for (let page = 0; page < 5; page++) {
      const r: Reply<{ records: RecordView[], next_cursor: string | null }> =
        await get(b, `/v1/billing/usage?user_id=split&limit=1${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`)
      assert.equal(r.status, 200, r.text)
      walked.push(...r.body.records)
      cursor = r.body.next_cursor
      if (cursor === null) break
    }
    assert.deepEqual(walked.map(r => r.amount).sort(), [1, 3])
    // Each acknowledged copy is counted, under its own author, on both nodes alike.
    const [ia, ib] = await Promise.all([a, b].map(async n => (await call(`${n.api.url}/v1/billing/invoices?tenant=split&period=${periodOf(ts)}`)).text))
    assert.equal(ib, ia, 'byte-identical invoices')
    assert.deepEqual((JSON.parse(ia ?? '{}') as { invoices: Invoice[] }).invoices[0]?.line_items.map(l => [l.quantity, l.records]), [[4, 2]])
  })

  test('a non-operator\'s proposal and vote are 403; endorsing a peer that is not a candidate is 422', async () => {
    const proposed = await post<{ id: string }>(a, '/v1/governance/proposals', { title: 'note', change: { type: 'text' }, voting_period: '1h' })
    assert.equal(proposed.status, 201, proposed.text)
    const id = proposed.body.id
    await waitFor('b to hold the proposal', async () => (await get(b, `/v1/governance/proposals/${id}`)).status === 200, { timeoutMs: 30_000, intervalMs: 100 })
    const vote = assertError(await post(b, `/v1/governance/proposals/${id}/vote`, { vote: 'yes' }), 403, 'AUTHORIZATION_ERROR')
    assert.match(vote.message, /only operators vote/)
    assertError(await post(b, '/v1/governance/proposals', { title: 'mine', change: { type: 'text' }, voting_period: '1h' }), 403, 'AUTHORIZATION_ERROR')
    const endorse = assertError(await post(a, '/v1/election/endorsements', { candidate: idB }), 422, 'VALIDATION_ERROR')
    assert.equal(endorse.details.field, 'candidate')
    assert.match(endorse.message, /is not a candidate: no candidacy for epoch \d+ or \d+/)
  })

  test('a price change: each record priced at its timestamp, both prices on the invoice, byte-identical on both nodes; the other prices stay', async () => {
    const user = 'priced'
    const before = Date.now() - 1_000
    const r1 = await post(a, '/v1/billing/usage', { id: 'price-1', user_id: user, resource_type: 'storage', amount: 2, unit: 'GB', timestamp: before })
    assert.equal(r1.status, 201, r1.text)
    const change = { type: 'param_change', params: { price_list: { storage: { unit: 'GB', unit_price: 0.01 } } } }
    const proposed = await post<{ id: string, activates_at: string, resulting_params: { price_list: NetworkParams['price_list'] } }>(a, '/v1/governance/proposals',
      { title: 'cheaper storage', change, voting_period: '1s' })
    assert.equal(proposed.status, 201, proposed.text)
    // Before anyone votes, the proposal shows the whole list as it would be.
    const expectedList = { ...DEVELOPMENT_PARAMS.price_list, storage: { unit: 'GB', unit_price: 0.01 } }
    assert.deepEqual(proposed.body.resulting_params, { price_list: expectedList })
    assert.equal((await post(a, `/v1/governance/proposals/${proposed.body.id}/vote`, { vote: 'yes' })).status, 201)
    await waitFor('the change in force on both nodes', async () => (await Promise.all([a, b].map(async n =>
      (await get<{ current: NetworkParams }>(n, '/v1/governance/params')).body.current.price_list.storage?.unit_price))).every(p => p === 0.01),
    { timeoutMs: 30_000, intervalMs: 100 })
    for (const n of [a, b]) assert.deepEqual((await get<{ current: NetworkParams }>(n, '/v1/governance/params')).body.current.price_list, expectedList)

    const activation = Date.parse(proposed.body.activates_at)
    const after = Math.max(Date.now(), activation)
    for (const [id, amount, timestamp] of [['price-2', 4, after], ['price-3', 1, before]] as const) {
      const r = await post(b, '/v1/billing/usage', { id, user_id: user, resource_type: 'storage', amount, unit: 'GB', timestamp })
      assert.equal(r.status, 201, r.text)
    }
    await waitFor('both nodes to hold the three records', async () =>
      (await Promise.all([a, b].map(async n => (await usageOf(n, user)).length))).every(len => len === 3) && await sameLogs(), { timeoutMs: 30_000, intervalMs: 100 })

    const periods = [...new Set([periodOf(before), periodOf(after)])]
    const invoices = await Promise.all([a, b].map(async n => await Promise.all(periods.map(async p => (await call(`${n.api.url}/v1/billing/invoices?tenant=${user}&period=${p}`)).text))))
    assert.deepEqual(invoices[1], invoices[0], 'byte-identical invoices')
    const lines = (invoices[0] ?? []).flatMap(text => (JSON.parse(text) as { invoices: Invoice[] }).invoices[0]?.line_items ?? [])
    assert.deepEqual(lines.map(l => [l.resource_type, l.quantity, l.unit_price, l.total, l.records]), [
      ['storage', 3, 0.02, 0.06, 2],
      ['storage', 4, 0.01, 0.04, 1]
    ])
    const [oa, ob] = await Promise.all([a, b].map(async n => (await call(`${n.api.url}/v1/billing/overview`)).body.revenue))
    assert.deepEqual(ob, oa)
  })
})
