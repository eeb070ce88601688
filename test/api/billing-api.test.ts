import assert from 'node:assert/strict'
import type { Invoice } from '../../src/billing/invoice.ts'
import { AnalyticsBusinessResponse, AnalyticsUsageResponse } from '../../api/routes/analytics.ts'
import { InvoiceListResponse, InvoiceResponse, PaymentListResponse } from '../../api/routes/billing.ts'
import { after, before, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { assertError, assertValidation, call, type Reply } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

interface Accepted { id: string, author: string, seq: number, duplicate: boolean }
interface PostReply { records: Accepted[] }

interface RecordView {
  id: string
  user_id: string
  resource_type: string
  amount: number
  unit: string
  timestamp: string
  metadata: Record<string, unknown>
}
interface UsagePage { records: RecordView[], next_cursor: string | null }

interface Overview {
  records: number
  users: number
  totals_by_resource: Array<{ resource_type: string, amount: number, unit: string, records: number }>
  revenue: { currency: string, total: number }
  replication: { authors: number, lagging_authors: number, max_lag_entries: number, forks: number }
}


interface LogAuthor { author: string, held_seq: number, held_hash: string | null, announced_seq: number, lag: number, forks: unknown[] }
interface LogView { authors: LogAuthor[], forks: number, corrupt: unknown[], conflicts: number, conflicting_keys: unknown[], uncounted_records: unknown[] }

/** A record as the test sent it, with its timestamp in ms: what the node must count. */
interface Sent { id: string, user_id: string, resource_type: string, amount: number, unit: string, timestamp: number }

const DAY = 24 * 3600_000
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const money = (x: number): number => Math.round(x * 1e6) / 1e6
const periodOf = (t: number): string => new Date(t).toISOString().slice(0, 7)
const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** The default price list of a development network (src/network/params.ts), written out here on purpose. */
const PRICES: Record<string, { unit: string, unit_price: number }> = {
  request: { unit: 'request', unit_price: 0.0001 },
  storage: { unit: 'GB', unit_price: 0.02 },
  bandwidth: { unit: 'GB', unit_price: 0.01 }
}

/** Revenue over every user and month, computed from the records the test sent. */
function expectedRevenue (records: Sent[]): number {
  const invoices = new Map<string, Sent[]>()
  for (const r of records) {
    const key = `${r.user_id}\n${periodOf(r.timestamp)}`
    invoices.set(key, [...invoices.get(key) ?? [], r])
  }
  let revenue = 0
  for (const rs of invoices.values()) {
    const byResource = new Map<string, { amount: number, unit: string }>()
    for (const r of [...rs].sort(byId)) {
      const t = byResource.get(r.resource_type) ?? { amount: 0, unit: r.unit }
      t.amount += r.amount
      byResource.set(r.resource_type, t)
    }
    let total = 0
    for (const [resource, t] of byResource) {
      const price = PRICES[resource]
      if (price !== undefined && price.unit === t.unit) total += money(t.amount * price.unit_price)
    }
    revenue += money(total)
  }
  return money(revenue)
}

describe('billing API', { timeout: 180_000 }, () => {
  let node: RunningNode
  let dir: string
  let url: string
  let auth: Record<string, string>
  let self: string
  let now: number
  /** Every record the node accepted as new, by id. */
  const accepted = new Map<string, Sent>()
  /** The seqs of this node's own entries that the test caused. */
  const ownSeqs = new Set<number>()
  const extraDirs: string[] = []
  const extraNodes: RunningNode[] = []

  before(async () => {
    dir = await tempDir()
    node = await startNode(dir)
    url = node.api.url
    auth = { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' }
    self = node.mesh.peerId.toString()
    now = Date.now()
  })

  after(async () => {
    for (const n of extraNodes.reverse()) await n.stop()
    await node?.stop()
    await Promise.all([dir, ...extraDirs].filter(d => d !== undefined).map(removeDir))
  })

  async function post (body: unknown, target = url, headers: Record<string, string> = auth): Promise<Reply<PostReply>> {
    return await call<PostReply>(`${target}/v1/billing/usage`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body)
    })
  }

  /** Posts records that must all be accepted as new; remembers them. */
  async function postNew (records: Array<Omit<Sent, 'id'> & { id?: string }>): Promise<Accepted[]> {
    const r = await post(records.length === 1 ? records[0] : { records })
    assert.equal(r.status, 201, r.text)
    assert.equal(r.body.records.length, records.length)
    r.body.records.forEach((a, i) => {
      assert.equal(a.duplicate, false, a.id)
      assert.equal(a.author, self)
      const sent = records[i] as Omit<Sent, 'id'>
      accepted.set(a.id, { ...sent, id: a.id })
      ownSeqs.add(a.seq)
    })
    return r.body.records
  }

  async function usage (q: string, target = url): Promise<Reply<UsagePage>> {
    return await call<UsagePage>(`${target}/v1/billing/usage${q === '' ? '' : `?${q}`}`)
  }

  /** Every record of a query, walking its pages. */
  async function usageAll (q: string, limit = 1000, target = url): Promise<RecordView[]> {
    const out: RecordView[] = []
    let cursor: string | null = null
    for (let page = 0; page < 10_000; page++) {
      const r: Reply<UsagePage> = await usage(`${q}&limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`, target)
      assert.equal(r.status, 200, r.text)
      assert.ok(r.body.records.length <= limit)
      out.push(...r.body.records)
      cursor = r.body.next_cursor
      if (cursor === null) return out
      assert.equal(r.body.records.length, limit, 'a page before the last is full')
    }
    throw new Error('too many pages')
  }

  const base = (user: string, extra: Partial<Sent> = {}): Omit<Sent, 'id'> & { id?: string } =>
    ({ user_id: user, resource_type: 'request', amount: 1, unit: 'request', timestamp: now - 60_000, ...extra })

  describe('POST /v1/billing/usage', () => {
    test('one record: 201 with its id, this node as author, a seq, duplicate false; stored as sent', async () => {
      const ts = now - 5 * 60_000
      const r = await post({ id: 'single-1', user_id: 'single', resource_type: 'storage', amount: 2.5, unit: 'GB', timestamp: ts, metadata: { bucket: 'b1', size_class: 3, hot: true, note: null } })
      assert.equal(r.status, 201, r.text)
      assert.deepEqual(Object.keys(r.body), ['records'])
      assert.equal(r.body.records.length, 1)
      const [a] = r.body.records
      assert.deepEqual(a, { id: 'single-1', author: self, seq: a?.seq, duplicate: false })
      assert.ok(Number.isInteger(a?.seq) && (a?.seq ?? 0) >= 1)
      accepted.set('single-1', { id: 'single-1', user_id: 'single', resource_type: 'storage', amount: 2.5, unit: 'GB', timestamp: ts })
      ownSeqs.add(a?.seq ?? 0)
      const listed = await usage('user_id=single')
      assert.equal(listed.status, 200)
      assert.deepEqual(listed.body, {
        records: [{ id: 'single-1', user_id: 'single', resource_type: 'storage', amount: 2.5, unit: 'GB', timestamp: new Date(ts).toISOString(), metadata: { bucket: 'b1', size_class: 3, hot: true, note: null } }],
        next_cursor: null
      })
    })

    test('an id is generated when absent (a UUID), and the timestamp defaults to now', async () => {
      const before = Date.now()
      const r = await post({ user_id: 'noid', resource_type: 'request', amount: 3, unit: 'request' })
      assert.equal(r.status, 201, r.text)
      const a = r.body.records[0] as Accepted
      assert.match(a.id, UUID)
      assert.equal(a.duplicate, false)
      assert.equal(a.author, self)
      ownSeqs.add(a.seq)
      const second = await post({ user_id: 'noid', resource_type: 'request', amount: 3, unit: 'request' })
      const b = second.body.records[0] as Accepted
      assert.match(b.id, UUID)
      assert.notEqual(b.id, a.id)
      assert.equal(b.duplicate, false)
      ownSeqs.add(b.seq)
      const listed = await usageAll('user_id=noid')
      assert.deepEqual(listed.map(x => x.id).sort(), [a.id, b.id].sort())
      for (const x of listed) {
        const t = Date.parse(x.timestamp)
        assert.ok(t >= before - 1000 && t <= Date.now() + 1000, `timestamp ${x.timestamp} not about now`)
        assert.deepEqual(x.metadata, {})
        accepted.set(x.id, { id: x.id, user_id: 'noid', resource_type: 'request', amount: 3, unit: 'request', timestamp: t })
      }
    })

    test('a timestamp may be an ISO string with an offset', async () => {
      const ts = Math.floor((now - 2 * 3600_000) / 1000) * 1000
      const iso = new Date(ts).toISOString().replace('Z', '+00:00')
      const r = await post({ id: 'iso-ts', user_id: 'iso', resource_type: 'request', amount: 1, unit: 'request', timestamp: iso })
      assert.equal(r.status, 201, r.text)
      accepted.set('iso-ts', { id: 'iso-ts', user_id: 'iso', resource_type: 'request', amount: 1, unit: 'request', timestamp: ts })
      ownSeqs.add(r.body.records[0]?.seq ?? 0)
      assert.equal((await usage('user_id=iso')).body.records[0]?.timestamp, new Date(ts).toISOString())
    })

    test('a batch of 3 is 201 with 3 positions in order, all in one entry (group commit)', async () => {
      const positions = await postNew([
        base('batch3', { id: 'b3-c', amount: 1 }),
        base('batch3', { id: 'b3-a', amount: 2 }),
        base('batch3', { id: 'b3-b', amount: 4 })
      ])
      assert.deepEqual(positions.map(p => p.id), ['b3-c', 'b3-a', 'b3-b'])
      const seqs = new Set(positions.map(p => p.seq))
      assert.equal(seqs.size, 1, 'one entry for the batch')
      assert.ok(Math.max(...ownSeqs) === positions[0]?.seq, 'the batch went into a new entry')
      assert.equal((await usageAll('user_id=batch3')).length, 3)
    })

    test('a batch of 1000 is accepted in one entry; 1001 is 422', async () => {
      const records = Array.from({ length: 1000 }, (_, i) => base('bulk', { id: `bulk-${String(i).padStart(4, '0')}`, timestamp: now - 3600_000 + i }))
      const positions = await postNew(records)
      assert.equal(positions.length, 1000)
      assert.equal(new Set(positions.map(p => p.seq)).size, 1)
      const tooMany = Array.from({ length: 1001 }, (_, i) => base('bulk-over', { id: `over-${i}` }))
      const r = await post({ records: tooMany })
      assertError(r, 422, 'VALIDATION_ERROR')
      assert.deepEqual((await usage('user_id=bulk-over')).body.records, [])
      assert.equal((await usageAll('user_id=bulk')).length, 1000)
    })

    test('a batch with one invalid record is refused whole: 422 naming records.2.amount, nothing stored', async () => {
      const records = [
        base('atomic', { id: 'atomic-0' }),
        base('atomic', { id: 'atomic-1' }),
        base('atomic', { id: 'atomic-2', amount: 0 }),
        base('atomic', { id: 'atomic-3' })
      ]
      const r = await post({ records })
      assertValidation(r, 'records.2.amount')
      const listed = await usage('user_id=atomic')
      assert.equal(listed.status, 200)
      assert.deepEqual(listed.body.records, [])
      // Sent again without the bad record, the valid ones are new: nothing of the refused batch was kept.
      const ok = await post({ records: [records[0], records[1], records[3]] })
      assert.equal(ok.status, 201, ok.text)
      assert.ok(ok.body.records.every(a => !a.duplicate))
      for (const [i, a] of ok.body.records.entries()) {
        accepted.set(a.id, { ...(records[[0, 1, 3][i] ?? 0] as Omit<Sent, 'id'>), id: a.id })
        ownSeqs.add(a.seq)
      }
    })

    test('a batch with a timestamp out of range at index 2 is refused whole, naming records.2.timestamp', async () => {
      const skew = node.mesh.genesis.params.max_clock_skew_ms
      const records = [
        base('atomic-ts', { id: 'ats-0' }),
        base('atomic-ts', { id: 'ats-1' }),
        base('atomic-ts', { id: 'ats-2', timestamp: Date.now() + skew + 60_000 })
      ]
      assertValidation(await post({ records }), 'records.2.timestamp')
      assert.deepEqual((await usage('user_id=atomic-ts')).body.records, [])
    })

    test('validation: each bad field is 422 naming the field, and nothing is stored', async () => {
      const skew = node.mesh.genesis.params.max_clock_skew_ms
      const good = { id: 'v-good', user_id: 'valid', resource_type: 'request', amount: 1, unit: 'request', timestamp: now - 1000 }
      const cases: Array<[string, unknown, string]> = [
        ['amount 0', { ...good, amount: 0 }, 'amount'],
        ['amount negative', { ...good, amount: -1 }, 'amount'],
        ['unknown field', { ...good, colour: 'blue' }, 'colour'],
        ['metadata with 17 keys', { ...good, metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])) }, 'metadata'],
        ['timestamp in the future beyond the skew', { ...good, timestamp: Date.now() + skew + 60_000 }, 'timestamp'],
        ['timestamp older than 31 days', { ...good, timestamp: Date.now() - 31 * DAY - 60_000 }, 'timestamp'],
        ['id too long', { ...good, id: 'x'.repeat(129) }, 'id'],
        ['empty id', { ...good, id: '' }, 'id'],
        ['user_id too long', { ...good, user_id: 'u'.repeat(129) }, 'user_id'],
        ['metadata value too long', { ...good, metadata: { note: 'n'.repeat(257) } }, 'metadata.note']
      ]
      for (const [name, body, field] of cases) {
        const r = await post(body)
        const error = assertError(r, 422, 'VALIDATION_ERROR')
        if (field === 'colour') {
          // An unknown key is reported at the object; the message names it.
          assert.ok(error.message.includes(field), `${name}: message does not name ${field}: ${error.message}`)
        } else {
          assert.equal(error.details.field, field, `${name}: ${r.text}`)
          assert.ok(error.message.includes(field), `${name}: message does not name ${field}: ${error.message}`)
        }
      }
      assert.deepEqual((await usage('user_id=valid')).body.records, [])
    })

    test('validation: a timestamp within the clock skew ahead, or 30 days old, is accepted', async () => {
      const skew = node.mesh.genesis.params.max_clock_skew_ms
      await postNew([
        base('edges', { id: 'edge-future', timestamp: Date.now() + Math.floor(skew / 2) }),
        base('edges', { id: 'edge-old', timestamp: Date.now() - 30 * DAY })
      ])
    })

    test('validation: amount given as a string is 422 naming amount', async () => {
      for (const amount of ['NaN', '1', null, true]) {
        const r = await post({ id: 'v-str', user_id: 'valid', resource_type: 'request', amount, unit: 'request', timestamp: now - 1000 })
        assertValidation(r, 'amount')
      }
      const batch = await post({ records: [base('valid', { id: 'v-s0' }), base('valid', { id: 'v-s1' }), { ...base('valid', { id: 'v-s2' }), amount: 'NaN' }] })
      assertValidation(batch, 'records.2.amount')
      assert.deepEqual((await usage('user_id=valid')).body.records, [])
    })

    test('validation: a timestamp that is neither integer ms nor an ISO time is 422 naming timestamp', async () => {
      for (const timestamp of [now - 1000.5, 'yesterday', '2026-01-01']) {
        assertValidation(await post({ id: 'v-ts', user_id: 'valid', resource_type: 'request', amount: 1, unit: 'request', timestamp }), 'timestamp')
      }
      assertValidation(await post({ records: [base('valid', { id: 'v-ts0' }), { ...base('valid', { id: 'v-ts1' }), timestamp: 'soon' }] }), 'records.1.timestamp')
    })

    test('validation: a missing user_id is 422 naming user_id', async () => {
      const r = await post({ id: 'v-nouser', resource_type: 'request', amount: 1, unit: 'request', timestamp: now - 1000 })
      assertValidation(r, 'user_id')
      const batch = await post({ records: [base('valid', { id: 'v-b0' }), { id: 'v-b1', resource_type: 'request', amount: 1, unit: 'request' }] })
      assertValidation(batch, 'records.1.user_id')
    })

    test('invalid JSON is 400, an empty body too', async () => {
      assertError(await post('{"user_id": "x",'), 400, 'BAD_REQUEST')
      assertError(await post(''), 400, 'BAD_REQUEST')
    })

    test('no token is 401, a wrong token is 401, and nothing is stored', async () => {
      const body = base('noauth', { id: 'noauth-1' })
      const none = await post(body, url, { 'content-type': 'application/json' })
      assertError(none, 401, 'AUTHENTICATION_ERROR')
      assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/)
      assertError(await post(body, url, { 'content-type': 'application/json', authorization: 'Bearer wrong' }), 401, 'AUTHENTICATION_ERROR')
      assert.deepEqual((await usage('user_id=noauth')).body.records, [])
    })

    test('the same id sent twice: the second answer is duplicate with the first position, counted once', async () => {
      const [first] = await postNew([base('dup', { id: 'dup-1', amount: 5 })])
      assert.ok(first !== undefined)
      // Something else is written in between, so that the first position is not simply the head.
      await postNew([base('dup', { id: 'dup-other', amount: 1 })])
      const again = await post(base('dup', { id: 'dup-1', amount: 5 }))
      assert.equal(again.status, 201, again.text)
      assert.deepEqual(again.body.records, [{ id: 'dup-1', author: self, seq: first.seq, duplicate: true }])
      // A retry without a timestamp is the record held under its id, not a new one dated now.
      const undated: Partial<Sent> = base('dup', { id: 'dup-1', amount: 5 })
      delete undated.timestamp
      const retried = await post(undated)
      assert.equal(retried.status, 201, retried.text)
      assert.deepEqual(retried.body.records, [{ id: 'dup-1', author: self, seq: first.seq, duplicate: true }])
      // A batch of a known id and a new one: only the new one is written.
      const mixed = await post({ records: [base('dup', { id: 'dup-1', amount: 5 }), base('dup', { id: 'dup-2', amount: 2 })] })
      assert.equal(mixed.status, 201)
      assert.deepEqual(mixed.body.records[0], { id: 'dup-1', author: self, seq: first.seq, duplicate: true })
      assert.equal(mixed.body.records[1]?.duplicate, false)
      accepted.set('dup-2', { ...(base('dup', { id: 'dup-2', amount: 2 }) as Sent) })
      ownSeqs.add(mixed.body.records[1]?.seq ?? 0)
      // One id twice in one batch: the second copy is a duplicate of the first, in the same entry.
      const twice = await post({ records: [base('dup', { id: 'dup-3', amount: 3 }), base('dup', { id: 'dup-3', amount: 3 })] })
      assert.equal(twice.status, 201)
      const [x, y] = twice.body.records
      assert.equal(x?.duplicate, false)
      assert.deepEqual(y, { ...x, duplicate: true })
      accepted.set('dup-3', { ...(base('dup', { id: 'dup-3', amount: 3 }) as Sent) })
      ownSeqs.add(x?.seq ?? 0)

      const listed = await usageAll('user_id=dup')
      assert.deepEqual(listed.map(r => r.id).sort(), ['dup-1', 'dup-2', 'dup-3', 'dup-other'])
      assert.equal(listed.find(r => r.id === 'dup-1')?.timestamp, new Date(now - 60_000).toISOString())
      assert.equal(listed.find(r => r.id === 'dup-1')?.amount, 5, 'the first copy is the one counted')
      const inv = await call<{ invoices: Invoice[] }>(`${url}/v1/billing/invoices?tenant=dup&period=${periodOf(now - 60_000)}`)
      assert.deepEqual(inv.body.invoices[0]?.line_items.map(l => [l.resource_type, l.quantity, l.records]), [['request', 11, 4]])
    })

    test('the same id with other content is 409 naming the key and where it is held; the request is refused whole, the record unchanged', async () => {
      const [first] = await postNew([base('conflict', { id: 'conflict-1', amount: 5 })])
      assert.ok(first !== undefined)
      const other = await post(base('conflict', { id: 'conflict-1', amount: 7 }))
      const e = assertError(other, 409, 'CONFLICT')
      assert.match(e.message, /idempotency key conflict-1 is already recorded with other content/)
      assert.deepEqual(e.details, { index: 0, id: 'conflict-1', author: self, seq: first.seq })
      const batch = await post({ records: [base('conflict', { id: 'conflict-new' }), base('conflict', { id: 'conflict-1', user_id: 'someone-else', amount: 5 })] })
      assert.equal(assertError(batch, 409, 'CONFLICT').details?.index, 1)
      // The same id twice in one request with different content is a conflict too.
      assertError(await post({ records: [base('conflict', { id: 'conflict-twice', amount: 1 }), base('conflict', { id: 'conflict-twice', amount: 2 })] }), 409, 'CONFLICT')
      const listed = await usageAll('user_id=conflict')
      assert.deepEqual(listed.map(r => [r.id, r.amount]), [['conflict-1', 5]])
      assert.deepEqual((await usage('user_id=someone-else')).body.records, [])
    })

    test('amounts are exact: more than 6 decimals, more than 1e9 or 1.7976931348623157e308 is 422 naming the field; nothing stored', async () => {
      for (const amount of [1.7976931348623157e308, 0.30000000000000004, 0.0000001, 1_000_000_000.5, 2e9]) {
        const r = await post(base('exact', { id: 'exact-bad', amount }))
        assertValidation(r, 'amount')
      }
      assertValidation(await post({ records: [base('exact', { id: 'exact-b0' }), base('exact', { id: 'exact-b1', amount: 1.7976931348623157e308 })] }), 'records.1.amount')
      assert.deepEqual((await usage('user_id=exact')).body.records, [])
      // The bound itself, and six decimals, are accepted; two of them sum exactly.
      await postNew([base('exact', { id: 'exact-max', amount: 1_000_000_000 }), base('exact', { id: 'exact-six', amount: 0.000001 })])
      const inv = await call<{ invoices: Invoice[] }>(`${url}/v1/billing/invoices?tenant=exact&period=${periodOf(now - 60_000)}`)
      assert.deepEqual(inv.body.invoices[0]?.line_items.map(l => [l.quantity, l.total]), [[1_000_000_000.000001, 100000]])
      assert.equal(inv.body.invoices[0]?.total, 100000)
    })

    test('a resource type the price list does not know, or another unit than its price\'s, is 422 naming the field; nothing stored', async () => {
      const gpu = await post(base('pricing', { id: 'gpu-1', resource_type: 'gpu', unit: 'gpu-hour' }))
      assertValidation(gpu, 'resource_type')
      assert.match(assertError(gpu, 422, 'VALIDATION_ERROR').message, /"gpu" is not in the price list/)
      const tb = await post(base('pricing', { id: 'tb-1', resource_type: 'storage', unit: 'TB' }))
      assertValidation(tb, 'unit')
      assert.match(assertError(tb, 422, 'VALIDATION_ERROR').message, /storage is priced in GB/)
      assertValidation(await post({ records: [base('pricing', { id: 'p-0' }), base('pricing', { id: 'p-1', resource_type: 'bandwidth', unit: 'MB' })] }), 'records.1.unit')
      // Not a price list entry either: a name of Object.prototype.
      assertValidation(await post(base('pricing', { id: 'proto-1', resource_type: 'constructor' })), 'resource_type')
      assert.deepEqual((await usage('user_id=pricing')).body.records, [])
    })
  })

  describe('GET /v1/billing/usage', () => {
    const user = 'pager'
    let sent: Sent[]

    before(async () => {
      const t = now - 10 * 60_000
      // Timestamps repeat, so that ids break ties; ids are not in timestamp order.
      const spec: Array<[string, number, string, number, string]> = [
        ['p-k', t + 3000, 'request', 1, 'request'],
        ['p-a', t + 3000, 'storage', 0.5, 'GB'],
        ['p-z', t + 1000, 'request', 2, 'request'],
        ['p-m', t + 3000, 'bandwidth', 1.25, 'GB'],
        ['p-b', t + 2000, 'request', 3, 'request'],
        ['p-y', t + 5000, 'storage', 0.75, 'GB'],
        ['p-c', t + 4000, 'request', 4, 'request']
      ]
      sent = spec.map(([id, timestamp, resource_type, amount, unit]) => ({ id, user_id: user, resource_type, amount, unit, timestamp }))
      await postNew(sent.slice(0, 4))
      await postNew(sent.slice(4))
      await postNew([base('pager-other', { id: 'p-other', timestamp: t + 3000 })])
    })

    const ordered = (): Sent[] => [...sent].sort((a, b) => a.timestamp - b.timestamp || byId(a, b))

    test('records are listed in (timestamp, id) order, with ISO timestamps', async () => {
      const r = await usage(`user_id=${user}`)
      assert.equal(r.status, 200)
      assert.equal(r.body.next_cursor, null)
      assert.deepEqual(r.body.records.map(x => x.id), ordered().map(x => x.id))
      for (const x of r.body.records) assert.equal(x.timestamp, new Date(sent.find(s => s.id === x.id)?.timestamp ?? 0).toISOString())
    })

    test('walking pages with limit=2 returns every record exactly once, in order', async () => {
      const pages: string[][] = []
      let cursor: string | null = null
      do {
        const r: Reply<UsagePage> = await usage(`user_id=${user}&limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`)
        assert.equal(r.status, 200, r.text)
        pages.push(r.body.records.map(x => x.id))
        cursor = r.body.next_cursor
        assert.ok(pages.length <= 10, 'pagination does not end')
      } while (cursor !== null)
      assert.deepEqual(pages.map(p => p.length), [2, 2, 2, 1])
      assert.deepEqual(pages.flat(), ordered().map(x => x.id))
    })

    test('a page that ends exactly at the last record has no next cursor', async () => {
      const r = await usage(`user_id=${user}&limit=7`)
      assert.equal(r.body.records.length, 7)
      assert.equal(r.body.next_cursor, null)
      const all = await usageAll(`user_id=${user}`, 1)
      assert.deepEqual(all.map(x => x.id), ordered().map(x => x.id))
    })

    test('the whole log, walked with limit=2, is every accepted record once', async () => {
      // Without a filter the pages cross users; the 1000-record batch makes this a long walk.
      const all = await usageAll('resource_type=request', 2)
      const ids = all.map(x => x.id)
      assert.equal(new Set(ids).size, ids.length, 'a record appeared twice')
      const expected = [...accepted.values()].filter(r => r.resource_type === 'request')
      assert.deepEqual([...ids].sort(), expected.map(r => r.id).sort())
      const key = (x: RecordView): [number, string] => [Date.parse(x.timestamp), x.id]
      for (let i = 1; i < all.length; i++) {
        const [ta, ia] = key(all[i - 1] as RecordView)
        const [tb, ib] = key(all[i] as RecordView)
        assert.ok(ta < tb || (ta === tb && ia < ib), `out of order at ${i}: ${ia} then ${ib}`)
      }
    })

    test('filters: user_id and resource_type', async () => {
      const requests = await usageAll(`user_id=${user}&resource_type=request`)
      assert.deepEqual(requests.map(x => x.id), ordered().filter(s => s.resource_type === 'request').map(s => s.id))
      const storage = await usageAll(`user_id=${user}&resource_type=storage`)
      assert.deepEqual(storage.map(x => x.id), ['p-a', 'p-y'])
      assert.deepEqual(await usageAll(`user_id=${user}&resource_type=gpu`), [])
      assert.deepEqual(await usageAll('user_id=nobody-at-all'), [])
      const other = await usageAll('user_id=pager-other')
      assert.deepEqual(other.map(x => x.id), ['p-other'])
    })

    test('filters: from (inclusive) and to (exclusive) as ISO times', async () => {
      const t = now - 10 * 60_000
      const iso = (ms: number): string => encodeURIComponent(new Date(ms).toISOString())
      const window = await usageAll(`user_id=${user}&from=${iso(t + 2000)}&to=${iso(t + 4000)}`)
      assert.deepEqual(window.map(x => x.id), ['p-b', 'p-a', 'p-k', 'p-m'])
      const fromOnly = await usageAll(`user_id=${user}&from=${iso(t + 4000)}`)
      assert.deepEqual(fromOnly.map(x => x.id), ['p-c', 'p-y'])
      const toOnly = await usageAll(`user_id=${user}&to=${iso(t + 2000)}`)
      assert.deepEqual(toOnly.map(x => x.id), ['p-z'])
      const offset = encodeURIComponent(new Date(t + 2000).toISOString().replace('Z', '+00:00'))
      assert.deepEqual((await usageAll(`user_id=${user}&from=${offset}&to=${iso(t + 2001)}`)).map(x => x.id), ['p-b'])
      // Paging inside a window keeps to the window.
      const paged = await usageAll(`user_id=${user}&from=${iso(t + 2000)}&to=${iso(t + 4000)}`, 1)
      assert.deepEqual(paged.map(x => x.id), ['p-b', 'p-a', 'p-k', 'p-m'])
    })

    test('filters: from and to as milliseconds since the epoch', async () => {
      const t = now - 10 * 60_000
      const r = await usage(`user_id=${user}&from=${t + 2000}&to=${t + 4000}`)
      assert.equal(r.status, 200, r.text)
      assert.deepEqual(r.body.records.map(x => x.id), ['p-b', 'p-a', 'p-k', 'p-m'])
    })

    test('bad query values are 422 naming the field: a bad cursor, limit out of range, a bad from, an unknown parameter', async () => {
      for (const cursor of ['garbage!!', Buffer.from('{"t":1}').toString('base64url'), Buffer.from('[1]').toString('base64url'), 'x'.repeat(600)]) {
        assertValidation(await usage(`user_id=${user}&cursor=${encodeURIComponent(cursor)}`), 'cursor')
      }
      assertValidation(await usage('limit=0'), 'limit')
      assertValidation(await usage('limit=1001'), 'limit')
      assertValidation(await usage('limit=abc'), 'limit')
      assertValidation(await usage('from=yesterday'), 'from')
      const unknown = assertError(await usage('colour=blue'), 422, 'VALIDATION_ERROR')
      assert.ok(unknown.message.includes('colour'), unknown.message)
    })
  })

  describe('GET /v1/billing/invoices', () => {
    test('line items priced with the price list, for the user and month', async () => {
      const ts = now - 30 * 60_000
      const period = periodOf(ts)
      await postNew([
        base('inv', { id: 'inv-1', resource_type: 'request', amount: 2500, unit: 'request', timestamp: ts }),
        base('inv', { id: 'inv-2', resource_type: 'storage', amount: 0.1, unit: 'GB', timestamp: ts }),
        base('inv', { id: 'inv-3', resource_type: 'storage', amount: 0.2, unit: 'GB', timestamp: ts + 1 }),
        base('inv', { id: 'inv-4', resource_type: 'bandwidth', amount: 12, unit: 'GB', timestamp: ts }),
        base('inv', { id: 'inv-6', resource_type: 'bandwidth', amount: 100, unit: 'GB', timestamp: ts - 40 * DAY + 10 * DAY })
      ])
      const r = await call<{ invoices: Invoice[] }>(`${url}/v1/billing/invoices?tenant=inv&period=${period}`)
      assert.equal(r.status, 200, r.text)
      const otherMonth = periodOf(ts - 30 * DAY) !== period
      const inv = r.body.invoices[0]
      assert.equal(r.body.invoices.length, 1)
      assert.ok(inv !== undefined)
      assert.match(inv.id, /^inv_[0-9a-f]{32}$/)
      assert.deepEqual({ tenant_id: inv.tenant_id, period: inv.period, currency: inv.currency, line_items: inv.line_items, total: inv.total, records: inv.records, unpriced_records: inv.unpriced_records }, {
        tenant_id: 'inv',
        period,
        currency: 'USD',
        line_items: [
          { resource_type: 'bandwidth', quantity: otherMonth ? 12 : 112, included: 0, unit: 'GB', unit_price: 0.01, total: otherMonth ? 0.12 : 1.12, records: otherMonth ? 1 : 2, priced: true },
          { resource_type: 'request', quantity: 2500, included: 0, unit: 'request', unit_price: 0.0001, total: 0.25, records: 1, priced: true },
          { resource_type: 'storage', quantity: 0.3, included: 0, unit: 'GB', unit_price: 0.02, total: 0.006, records: 2, priced: true }
        ],
        total: otherMonth ? 0.376 : 1.376,
        records: otherMonth ? 4 : 5,
        unpriced_records: 0
      })
      // No subscription, no tax (the development network's rate is 0), the month still open: a draft.
      assert.deepEqual([inv.subscription_items, inv.subtotal, inv.tax, inv.status, inv.amount_paid, inv.balance, inv.issued_at], [[], inv.total, 0, 'draft', 0, inv.total, null])
      // The same invoice by its id.
      const one = await call<{ invoice: Invoice }>(`${url}/v1/billing/invoices/${inv.id}`)
      assert.equal(one.status, 200, one.text)
      assert.deepEqual(one.body.invoice, inv)
      // A month or a tenant without usage has no invoice.
      const empty = await call<{ invoices: Invoice[], total: number }>(`${url}/v1/billing/invoices?tenant=inv&period=2020-01`)
      assert.deepEqual([empty.body.invoices, empty.body.total], [[], 0])
      const nobody = await call<{ invoices: Invoice[] }>(`${url}/v1/billing/invoices?tenant=nobody&period=${period}`)
      assert.deepEqual(nobody.body.invoices, [])
      assertError(await call(`${url}/v1/billing/invoices/inv_${'0'.repeat(32)}`), 404, 'NOT_FOUND')
    })

    test('filters: tenant, status, period, date_from/date_to; every invoice listed once, by period then tenant', async () => {
      const all = await call<{ invoices: Invoice[], total: number }>(`${url}/v1/billing/invoices?limit=1000`)
      assert.equal(all.status, 200, all.text)
      // The response schema (for the OpenAPI document) describes what the route answers.
      InvoiceListResponse.parse(all.body)
      InvoiceResponse.parse((await call(`${url}/v1/billing/invoices/${all.body.invoices[0]?.id ?? ''}`)).body)
      assert.equal(all.body.total, all.body.invoices.length)
      const keys = all.body.invoices.map(i => `${i.period} ${i.tenant_id}`)
      assert.deepEqual(keys, [...keys].sort())
      assert.equal(new Set(all.body.invoices.map(i => i.id)).size, keys.length)
      const current = periodOf(Date.now())
      const drafts = await call<{ invoices: Invoice[] }>(`${url}/v1/billing/invoices?status=draft&limit=1000`)
      assert.deepEqual(drafts.body.invoices.map(i => i.id), all.body.invoices.filter(i => i.period === current).map(i => i.id))
      const from = `${current}-01`
      const ranged = await call<{ invoices: Invoice[] }>(`${url}/v1/billing/invoices?date_from=${from}&limit=1000`)
      assert.deepEqual(ranged.body.invoices.map(i => i.id), all.body.invoices.filter(i => i.period >= current).map(i => i.id))
      const before = await call<{ invoices: Invoice[] }>(`${url}/v1/billing/invoices?date_to=${from}&limit=1000`)
      assert.deepEqual(before.body.invoices.map(i => i.id), all.body.invoices.filter(i => i.period < current).map(i => i.id))
      const paged = await call<{ invoices: Invoice[], total: number }>(`${url}/v1/billing/invoices?limit=1&offset=1`)
      assert.deepEqual([paged.body.invoices.map(i => i.id), paged.body.total], [all.body.invoices.slice(1, 2).map(i => i.id), all.body.total])
    })

    test('a bad status, period, date or id is 422 naming the field', async () => {
      assertValidation(await call(`${url}/v1/billing/invoices?status=late`), 'status')
      assertValidation(await call(`${url}/v1/billing/invoices?date_from=yesterday`), 'date_from')
      assertValidation(await call(`${url}/v1/billing/invoices?user_id=u`), 'user_id', true)
      for (const period of ['2026-13', '2026-00', '2026-1', '26-01', '2026-01-01']) {
        assertValidation(await call(`${url}/v1/billing/invoices?tenant=u&period=${period}`), 'period')
      }
      assertError(await call(`${url}/v1/billing/invoices/inv_123`), 422, 'VALIDATION_ERROR')
    })
  })

  describe('POST and GET /v1/billing/payments', () => {
    const pay = async (body: unknown, headers: Record<string, string> = auth): Promise<Reply<unknown>> =>
      await call(`${url}/v1/billing/payments`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })
    const valid = { invoice_id: `inv_${'0'.repeat(32)}`, amount: 1, payment_method: { type: 'bank_transfer', reference: 'SEPA-1' } }

    test('the operator token is required', async () => {
      assertError(await pay(valid, { 'content-type': 'application/json' }), 401, 'AUTHENTICATION_ERROR')
      assertError(await pay(valid, { ...auth, authorization: 'Bearer nope' }), 401, 'AUTHENTICATION_ERROR')
    })

    test('a bad body is 422 naming the field; an unknown invoice 404; a draft 422; nothing recorded', async () => {
      assertValidation(await pay({ ...valid, invoice_id: 'inv_1' }), 'invoice_id')
      assertValidation(await pay({ ...valid, amount: 0 }), 'amount')
      assertValidation(await pay({ ...valid, amount: 0.1234567 }), 'amount')
      assertValidation(await pay({ ...valid, payment_method: { type: 'Bank Transfer', reference: 'x' } }), 'payment_method.type')
      assertValidation(await pay({ ...valid, payment_method: { type: 'cash', reference: '' } }), 'payment_method.reference')
      assertValidation(await pay({ ...valid, payment_id: 'has space' }), 'payment_id')
      assertValidation(await pay({ ...valid, extra: 1 }), 'extra', true)
      assertError(await pay(valid), 404, 'NOT_FOUND')
      const draft = (await call<{ invoices: Invoice[] }>(`${url}/v1/billing/invoices?status=draft&limit=1`)).body.invoices[0]
      assert.ok(draft !== undefined)
      assert.equal(assertError(await pay({ ...valid, invoice_id: draft.id }), 422, 'VALIDATION_ERROR').details.reason, 'draft')
      const listed = await call<{ payments: unknown[], conflicts: unknown[] }>(`${url}/v1/billing/payments`)
      assert.deepEqual(listed.body, { payments: [], conflicts: [] })
      PaymentListResponse.parse(listed.body)
      assertValidation(await call(`${url}/v1/billing/payments?invoice_id=x`), 'invoice_id')
    })

    test('a card number anywhere in the body is 422 naming the field, before any other check, and never echoed', async () => {
      for (const [body, field] of [
        [{ ...valid, payment_method: { type: 'card', reference: '4111111111111111' } }, 'payment_method.reference'],
        [{ ...valid, note: 'card 5500 0000 0000 0004' }, 'note'],
        [{ ...valid, amount: 4111111111111111 }, 'amount'],
        [{ ...valid, payment_id: '378282246310005' }, 'payment_id']
      ] as const) {
        const r = await pay(body)
        assert.equal(assertError(r, 422, 'VALIDATION_ERROR').details.field, field)
        assert.ok(!/4111111111111111|5500 0000 0000 0004|378282246310005/.test(r.text), r.text)
      }
    })

    test('a well-formed invoice id is a hash, not typed data: hex digits that line up into a Luhn-valid run are no card', async () => {
      assertError(await pay({ ...valid, invoice_id: 'inv_a4111111111111111' + 'b'.repeat(15) }), 404, 'NOT_FOUND')
    })
  })

  describe('GET /v1/analytics/usage and /v1/analytics/business', () => {
    test('a series covers every bucket of the span; the totals agree with the usage listed', async () => {
      const r = await call<{ metric: string, unit: string, period: string, granularity: string, from: string, to: string, data: Array<{ timestamp: string, value: number, records: number }>, total: { value: number, records: number } }>(
        `${url}/v1/analytics/usage?metric=storage&period=48h&granularity=hour`)
      assert.equal(r.status, 200, r.text)
      AnalyticsUsageResponse.parse(r.body)
      assert.deepEqual([r.body.metric, r.body.unit, r.body.period, r.body.granularity, r.body.data.length], ['storage', 'GB', '48h', 'hour', 48])
      assert.equal(Date.parse(r.body.to) - Date.parse(r.body.from), 48 * 3600_000)
      const from = Date.parse(r.body.from)
      const expected = [...accepted.values()].filter(x => x.resource_type === 'storage' && x.timestamp >= from)
      assert.equal(r.body.total.records, expected.length)
      assert.equal(r.body.total.value, money(expected.reduce((a, x) => a + x.amount, 0)))
      const tenant = await call<{ total: { records: number } }>(`${url}/v1/analytics/usage?metric=storage&period=48h&tenant=single`)
      assert.equal(tenant.body.total.records, expected.filter(x => x.user_id === 'single').length)
    })

    test('business: the month\'s invoices summed, against the month before', async () => {
      const r = await call<{ period: { period: string }, revenue: { invoiced: number }, tenants: { active: number }, history: Array<{ period: string }> }>(`${url}/v1/analytics/business?months=3`)
      assert.equal(r.status, 200, r.text)
      AnalyticsBusinessResponse.parse(r.body)
      const current = periodOf(Date.now())
      const invoices = (await call<{ invoices: Invoice[] }>(`${url}/v1/billing/invoices?period=${current}&limit=1000`)).body.invoices
      assert.equal(r.body.period.period, current)
      assert.equal(r.body.revenue.invoiced, money(invoices.reduce((a, i) => a + i.total, 0)))
      assert.equal(r.body.tenants.active, invoices.length)
      assert.equal(r.body.history.length, 3)
    })

    test('bad queries are 422 naming the field', async () => {
      assertValidation(await call(`${url}/v1/analytics/usage?granularity=minute`), 'granularity')
      assertValidation(await call(`${url}/v1/analytics/usage?period=400d`), 'period')
      assertValidation(await call(`${url}/v1/analytics/usage?period=7`), 'period')
      assertValidation(await call(`${url}/v1/analytics/usage?metric=gpu`), 'unit')
      assertValidation(await call(`${url}/v1/analytics/business?period=2026-13`), 'period')
      assertValidation(await call(`${url}/v1/analytics/business?months=1`), 'months')
    })
  })

  describe('GET /v1/billing/overview and /v1/billing/log', () => {
    test('overview: totals by resource, users, records and revenue agree with the records sent', async () => {
      const r = await call<Overview>(`${url}/v1/billing/overview`)
      assert.equal(r.status, 200, r.text)
      const records = [...accepted.values()]
      assert.equal(r.body.records, records.length)
      assert.equal(r.body.users, new Set(records.map(x => x.user_id)).size)
      const totals = new Map<string, { amount: number, unit: string, records: number }>()
      for (const x of [...records].sort(byId)) {
        const t = totals.get(x.resource_type) ?? { amount: 0, unit: x.unit, records: 0 }
        t.amount += x.amount
        t.records++
        totals.set(x.resource_type, t)
      }
      assert.deepEqual(r.body.totals_by_resource, [...totals].sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([resource_type, t]) => ({ resource_type, amount: money(t.amount), unit: t.unit, records: t.records })))
      assert.equal(r.body.revenue.currency, 'USD')
      const expected = expectedRevenue(records)
      assert.ok(expected > 0.1, `expected revenue ${expected}`)
      assert.ok(Math.abs(r.body.revenue.total - expected) < 1e-9, `revenue ${r.body.revenue.total}, expected ${expected}`)
      assert.deepEqual(r.body.replication, { authors: 1, lagging_authors: 0, max_lag_entries: 0, forks: 0 })
    })

    test('log: this node is the one author, with held_seq the number of entries written, lag 0, no forks', async () => {
      const r = await call<LogView>(`${url}/v1/billing/log`)
      assert.equal(r.status, 200, r.text)
      assert.equal(r.body.forks, 0)
      assert.deepEqual(r.body.corrupt, [])
      assert.equal(r.body.conflicts, 0)
      assert.deepEqual(r.body.conflicting_keys, [])
      assert.deepEqual(r.body.uncounted_records, [])
      assert.equal(r.body.authors.length, 1)
      const me = r.body.authors[0] as LogAuthor
      assert.equal(me.author, self)
      assert.deepEqual([...ownSeqs].sort((a, b) => a - b), Array.from({ length: ownSeqs.size }, (_, i) => i + 1), 'seqs are 1..n without gaps')
      assert.equal(me.held_seq, ownSeqs.size)
      assert.equal(me.announced_seq, ownSeqs.size)
      assert.equal(me.lag, 0)
      assert.deepEqual(me.forks, [])
      assert.match(me.held_hash ?? '', /^[0-9a-f]{64}$/)
    })
  })

  describe('one idempotency key sent to two nodes', () => {
    test('is counted once on both nodes, which agree on usage and overview', async t => {
      const dirB = await tempDir()
      extraDirs.push(dirB)
      const b = await startNode(dirB, { bootstrap: node.mesh.network.listenAddresses() })
      extraNodes.push(b)
      const idB = b.mesh.peerId.toString()
      // Joined: each node lists the other as a healthy peer, so each accepts the other as a log author.
      await waitFor('A and B to see each other healthy', async () => {
        const [onA, onB] = await Promise.all([
          call<{ peers: Array<{ peer_id: string, status: string }> }>(`${url}/v1/network/peers`),
          call<{ peers: Array<{ peer_id: string, status: string }> }>(`${b.api.url}/v1/network/peers`)
        ])
        return onA.body.peers.some(p => p.peer_id === idB && p.status === 'healthy') &&
          onB.body.peers.some(p => p.peer_id === self && p.status === 'healthy')
      }, { timeoutMs: 30_000, intervalMs: 200 })

      const ts = now - 90_000
      const keys = ['idem-1', 'idem-2', 'idem-3']
      const batch = keys.map((id, i) => ({ id, user_id: 'idem', resource_type: 'storage', amount: [0.1, 0.2, 0.3][i] ?? 0, unit: 'GB', timestamp: ts + i }))
      const authB = { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' }
      // Sent to both at once, as a client that retries on another node would.
      const [ra, rb] = await Promise.all([post({ records: batch }, url, auth), post({ records: batch }, b.api.url, authB)])
      assert.equal(ra.status, 201, ra.text)
      assert.equal(rb.status, 201, rb.text)
      for (const a of ra.body.records) if (!a.duplicate) ownSeqs.add(a.seq)
      for (const [i, r] of [ra, rb].entries()) {
        for (const a of r.body.records) {
          if (a.duplicate) assert.notEqual(a.author, [self, idB][i], 'a duplicate points at the other node\'s entry')
          else assert.equal(a.author, [self, idB][i])
        }
      }
      for (const x of batch) accepted.set(x.id, x)

      // Replicated: both logs hold the same heads for every author, with no lag.
      await waitFor('each node to hold both logs', async () => {
        const [la, lb] = await Promise.all([call<LogView>(`${url}/v1/billing/log`), call<LogView>(`${b.api.url}/v1/billing/log`)])
        const heads = (l: LogView): string => JSON.stringify(l.authors.map(x => [x.author, x.held_seq, x.held_hash, x.lag]))
        const ids = await Promise.all([url, b.api.url].map(async u => (await usage('user_id=idem', u)).body.records.length))
        return heads(la.body) === heads(lb.body) && la.body.authors.every(x => x.lag === 0) && ids.every(n => n === keys.length)
      }, { timeoutMs: 30_000, intervalMs: 200 })

      const [ua, ub] = await Promise.all([url, b.api.url].map(async u => await usageAll('user_id=idem', 1000, u)))
      assert.deepEqual(ua?.map(x => x.id), keys, 'each key once on A')
      assert.deepEqual(ub, ua, 'B lists the same records as A')
      const [oa, ob] = await Promise.all([url, b.api.url].map(async u => await call<Overview>(`${u}/v1/billing/overview`)))
      assert.equal(oa?.body.records, accepted.size)
      assert.deepEqual(ob?.body.totals_by_resource, oa?.body.totals_by_resource)
      assert.deepEqual(ob?.body.revenue, oa?.body.revenue)
      assert.equal(ob?.body.records, oa?.body.records)
      assert.equal(ob?.body.users, oa?.body.users)
      assert.ok(Math.abs((oa?.body.revenue.total ?? 0) - expectedRevenue([...accepted.values()])) < 1e-9)
      const [ia, ib] = await Promise.all([url, b.api.url].map(async u => (await call(`${u}/v1/billing/invoices?tenant=idem&period=${periodOf(ts)}`)).text))
      assert.equal(ib, ia, 'byte-identical invoices')
      assert.deepEqual((JSON.parse(ia ?? '{}') as { invoices: Invoice[] }).invoices[0]?.line_items,
        [{ resource_type: 'storage', quantity: 0.6, included: 0, unit: 'GB', unit_price: 0.02, total: 0.012, records: 3, priced: true }])
      // Retried again on either node now, the key is a duplicate at the position both nodes count.
      const againB = await post({ records: batch }, b.api.url, authB)
      assert.ok(againB.body.records.every(a => a.duplicate))
      const againA = await post({ records: batch }, url, auth)
      assert.deepEqual(againA.body.records, againB.body.records)
      // The position both count is the smallest (author, seq) of the copies written.
      const written = [...ra.body.records, ...rb.body.records].filter(a => !a.duplicate)
      for (const a of againA.body.records) {
        const copies = written.filter(w => w.id === a.id).sort((x, y) => (x.author < y.author ? -1 : x.author > y.author ? 1 : x.seq - y.seq))
        assert.ok(copies.length >= 1)
        assert.deepEqual({ author: a.author, seq: a.seq }, { author: copies[0]?.author, seq: copies[0]?.seq }, a.id)
      }
      t.diagnostic(`keys written in both logs: ${keys.filter(k => written.filter(w => w.id === k).length === 2).length} of ${keys.length}`)
    })
  })
})
