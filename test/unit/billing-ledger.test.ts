import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { toNumber } from '../../src/network/amount.ts'
import { Ledger, sum, type Position, type Total } from '../../src/billing/ledger.ts'
import { GENESIS_PREV, type LogEntry } from '../../src/billing/log-entry.ts'
import type { UsageRecord } from '../../src/billing/usage-record.ts'

const T0 = Date.UTC(2026, 2, 1, 0, 0, 0)
const HASH = 'f'.repeat(64)

function rec (id: string, user: string, resource: string, amount: number, extra: Partial<UsageRecord> = {}): UsageRecord {
  const unit = resource === 'request' ? 'request' : 'GB'
  return { id, user_id: user, resource_type: resource, amount, unit, timestamp: T0, metadata: {}, ...extra }
}

/** The ledger does not verify: a bare entry with the fields it reads is enough. */
function entry (author: string, seq: number, records: UsageRecord[]): LogEntry {
  return { author, seq, prev: seq === 1 ? GENESIS_PREV : HASH, time: T0, records, hash: HASH, sig: 'AAAA' }
}

function permutations<T> (items: T[]): T[][] {
  if (items.length <= 1) return [items]
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map(rest => [x, ...rest]))
}

/** Everything a reader of the ledger can see, for deep comparison. */
function view (l: Ledger, ids: string[]): unknown {
  return {
    users: l.users(),
    totals: Object.fromEntries(l.users().map(u => [u, [...l.totalsOf(u)]])),
    records: l.records(),
    positions: Object.fromEntries(ids.map(id => [id, l.position(id)])),
    size: l.size
  }
}

const ledgerOf = (entries: LogEntry[]): Ledger => {
  const l = new Ledger()
  for (const e of entries) l.apply(e)
  return l
}

/** A total with its exact amount as the JSON number the API shows. */
type Sum = Omit<Total, 'resourceType' | 'amount'> & { amount: number }
const byResource = (list: Total[]): Record<string, Sum> =>
  Object.fromEntries(list.map(({ resourceType, amount, ...t }) => [resourceType, { amount: toNumber(amount), ...t }]))
const totals = (l: Ledger, user: string): Record<string, Sum> => byResource(l.totalsOf(user))

describe('billing ledger', () => {
  test('totals per user and resource, with units and record counts', () => {
    const l = ledgerOf([
      entry('A', 1, [rec('1', 'alice', 'request', 1), rec('2', 'alice', 'request', 2), rec('3', 'alice', 'storage', 1.5)]),
      entry('A', 2, [rec('4', 'bob', 'bandwidth', 3), rec('5', 'alice', 'storage', 0.5)]),
      entry('B', 1, [rec('6', 'bob', 'bandwidth', 4), rec('7', 'carol', 'request', 10)])
    ])
    assert.deepEqual(totals(l, 'alice'), {
      request: { amount: 3, unit: 'request', records: 2 },
      storage: { amount: 2, unit: 'GB', records: 2 }
    })
    assert.deepEqual(totals(l, 'bob'), { bandwidth: { amount: 7, unit: 'GB', records: 2 } })
    assert.deepEqual(totals(l, 'carol'), { request: { amount: 10, unit: 'request', records: 1 } })
    assert.deepEqual(totals(l, 'nobody'), {})
    assert.deepEqual(l.users(), ['alice', 'bob', 'carol'])
    assert.equal(l.size, 7)
    assert.deepEqual(l.position('4'), { author: 'A', seq: 2 })
    assert.deepEqual(l.position('6'), { author: 'B', seq: 1 })
    assert.equal(l.position('nope'), undefined)
  })

  test('apply returns the ids new to the ledger; a key seen before is not new', () => {
    const l = new Ledger()
    assert.deepEqual(l.apply(entry('B', 1, [rec('x', 'u', 'request', 1), rec('y', 'u', 'request', 1)])), ['x', 'y'])
    assert.deepEqual(l.apply(entry('A', 1, [rec('y', 'u', 'request', 1), rec('z', 'u', 'request', 1)])), ['z'])
    assert.equal(l.size, 3)
  })

  test('records() lists every counted record once, in (timestamp, id) order', () => {
    const l = ledgerOf([
      entry('B', 1, [rec('b', 'u', 'request', 1, { timestamp: T0 + 5 }), rec('a', 'u', 'request', 1, { timestamp: T0 + 5 })]),
      entry('A', 1, [rec('z', 'v', 'request', 1, { timestamp: T0 + 1 }), rec('b', 'u', 'request', 1, { timestamp: T0 + 5 })]),
      entry('A', 2, [rec('c', 'v', 'request', 1, { timestamp: T0 + 9 }), rec('10', 'v', 'request', 1, { timestamp: T0 + 5 })])
    ])
    assert.deepEqual(l.records().map(r => r.id), ['z', '10', 'a', 'b', 'c'])
  })

  test('a key in two logs with identical content counts once, at the smallest (author, seq)', () => {
    const copy = rec('k', 'alice', 'request', 5, { metadata: { via: 'client' } })
    const l = ledgerOf([entry('B', 1, [copy]), entry('A', 3, [{ ...copy }]), entry('A', 2, [{ ...copy, metadata: { via: 'client' } }])])
    assert.deepEqual(l.position('k'), { author: 'A', seq: 2 })
    assert.deepEqual(totals(l, 'alice'), { request: { amount: 5, unit: 'request', records: 1 } })
    assert.deepEqual(l.records(), [copy])
    assert.equal(l.size, 1)
    assert.deepEqual(l.conflicts(), [])
    assert.deepEqual(l.copies('k').map(c => c.positions), [[{ author: 'A', seq: 2 }, { author: 'A', seq: 3 }, { author: 'B', seq: 1 }]])
  })

  test('another author\'s copy of a key with other content does not replace the first: both count, and the conflict is reported', () => {
    // The attack of issue 11: a stranger whose peer id sorts first signs the acknowledged key with amount 1,000,000.
    const honest = rec('acked', 'alice', 'request', 2)
    const forged = rec('acked', 'alice', 'request', 1_000_000)
    for (const order of [[entry('12D3KooWZ', 4, [honest]), entry('12D3KooWA', 1, [forged])], [entry('12D3KooWA', 1, [forged]), entry('12D3KooWZ', 4, [honest])]]) {
      const l = ledgerOf(order)
      const copies = l.copies('acked')
      assert.deepEqual(copies.map(c => [c.record.amount, c.positions]), [
        [1_000_000, [{ author: '12D3KooWA', seq: 1 }]],
        [2, [{ author: '12D3KooWZ', seq: 4 }]]
      ])
      assert.ok(l.records().includes(honest), 'the acknowledged record is still counted, unchanged')
      assert.deepEqual(totals(l, 'alice'), { request: { amount: 1_000_002, unit: 'request', records: 2 } })
      assert.deepEqual(l.conflicts().map(c => c.id), ['acked'])
      assert.equal(l.conflictCount, 1)
      assert.equal(l.size, 2)
    }
    // A copy with another user moves nothing off the first user's bill either.
    const l = ledgerOf([entry('B', 1, [honest]), entry('A', 1, [{ ...honest, user_id: 'mallory' }])])
    assert.deepEqual(totals(l, 'alice'), { request: { amount: 2, unit: 'request', records: 1 } })
    assert.deepEqual(totals(l, 'mallory'), { request: { amount: 2, unit: 'request', records: 1 } })
    assert.deepEqual(l.users(), ['alice', 'mallory'])
    // Content is every field: metadata alone (a key more, or another value) makes another copy.
    for (const metadata of [{ via: 'x' }, { via: 'client', more: 1 }, {}] as Array<UsageRecord['metadata']>) {
      const m = ledgerOf([entry('B', 1, [rec('k', 'u', 'request', 1, { metadata: { via: 'client' } })]), entry('A', 1, [rec('k', 'u', 'request', 1, { metadata })])])
      assert.equal(m.copies('k').length, 2, JSON.stringify(metadata))
    }
    // Excluding the forger (a fork) ends the conflict.
    l.exclude('A', 1)
    assert.deepEqual(l.conflicts(), [])
    assert.equal(l.conflictCount, 0)
    assert.deepEqual(l.users(), ['alice'])
  })

  test('same result whatever order 4 entries that share ids are applied in (all 24 orders)', () => {
    // Ids overlap across authors and entries; some copies are identical, others differ in user
    // and amount, so that any order-dependent choice would show in the totals.
    const entries = [
      entry('12D3KooWB', 1, [rec('k1', 'alice', 'request', 1), rec('k2', 'bob', 'storage', 0.25), rec('k3', 'alice', 'bandwidth', 0.1)]),
      entry('12D3KooWA', 1, [rec('k2', 'bob', 'storage', 0.75), rec('k4', 'alice', 'request', 3)]),
      entry('12D3KooWA', 2, [rec('k1', 'carol', 'request', 2), rec('k5', 'bob', 'storage', 0.1)]),
      entry('12D3KooWC', 7, [rec('k3', 'alice', 'bandwidth', 0.1), rec('k4', 'bob', 'request', 9), rec('k5', 'bob', 'storage', 0.1), rec('k6', 'dave', 'request', 1)])
    ]
    const ids = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'absent']
    const orders = permutations(entries)
    assert.equal(orders.length, 24)
    const reference = view(ledgerOf(orders[0] ?? []), ids)
    for (const order of orders) {
      const l = ledgerOf(order)
      assert.deepEqual(view(l, ids), reference, order.map(e => `${e.author}/${e.seq}`).join(' '))
      assert.deepEqual(l.conflicts().map(c => [c.id, c.copies.map(x => x.positions)]), [
        ['k1', [[{ author: '12D3KooWA', seq: 2 }], [{ author: '12D3KooWB', seq: 1 }]]],
        ['k2', [[{ author: '12D3KooWA', seq: 1 }], [{ author: '12D3KooWB', seq: 1 }]]],
        ['k4', [[{ author: '12D3KooWA', seq: 1 }], [{ author: '12D3KooWC', seq: 7 }]]]
      ])
    }
    const l = ledgerOf(entries)
    const expected: Record<string, Position> = {
      k1: { author: '12D3KooWA', seq: 2 },
      k2: { author: '12D3KooWA', seq: 1 },
      k3: { author: '12D3KooWB', seq: 1 },
      k4: { author: '12D3KooWA', seq: 1 },
      k5: { author: '12D3KooWA', seq: 2 },
      k6: { author: '12D3KooWC', seq: 7 }
    }
    for (const [id, at] of Object.entries(expected)) assert.deepEqual(l.position(id), at, id)
    assert.deepEqual(l.users(), ['alice', 'bob', 'carol', 'dave'])
    // Identical copies (k3, k5) count once; each content of a conflicting key counts once.
    assert.deepEqual(totals(l, 'alice'), {
      request: { amount: 4, unit: 'request', records: 2 },
      bandwidth: { amount: 0.1, unit: 'GB', records: 1 }
    })
    assert.deepEqual(totals(l, 'bob'), {
      request: { amount: 9, unit: 'request', records: 1 },
      storage: { amount: 1.1, unit: 'GB', records: 3 }
    })
    assert.deepEqual(totals(l, 'carol'), { request: { amount: 2, unit: 'request', records: 1 } })
    assert.equal(l.size, 9)
  })

  test('exclude(author, seq) drops that author\'s records from seq on', () => {
    const l = ledgerOf([
      entry('A', 1, [rec('a1', 'alice', 'request', 1)]),
      entry('A', 2, [rec('a2', 'alice', 'request', 2)]),
      entry('A', 3, [rec('a3', 'alice', 'request', 4)]),
      entry('B', 2, [rec('b2', 'alice', 'request', 8)])
    ])
    l.exclude('A', 2)
    assert.deepEqual(l.records().map(r => r.id), ['a1', 'b2'])
    assert.deepEqual(totals(l, 'alice'), { request: { amount: 9, unit: 'request', records: 2 } })
    assert.equal(l.position('a2'), undefined)
    assert.equal(l.position('a3'), undefined)
    assert.deepEqual(l.position('a1'), { author: 'A', seq: 1 })
    // A later exclusion from a higher seq changes nothing; one from a lower seq cuts more.
    l.exclude('A', 3)
    assert.deepEqual(l.records().map(r => r.id), ['a1', 'b2'])
    l.exclude('A', 1)
    assert.deepEqual(l.records().map(r => r.id), ['b2'])
    assert.deepEqual(l.users(), ['alice'])
    // Entries of an excluded range that arrive afterwards are not counted either.
    l.apply(entry('A', 4, [rec('a4', 'zed', 'request', 1)]))
    assert.equal(l.position('a4'), undefined)
    assert.deepEqual(l.users(), ['alice'])
    assert.deepEqual(totals(l, 'zed'), {})
  })

  test('exclude promotes another occurrence of the same id, and drops a user left with nothing', () => {
    const l = ledgerOf([
      entry('A', 1, [rec('k', 'alice', 'request', 1), rec('only', 'bob', 'request', 1)]),
      entry('B', 1, [rec('k', 'alice', 'request', 1)]),
      entry('C', 5, [rec('k', 'alice', 'request', 1)])
    ])
    assert.deepEqual(l.position('k'), { author: 'A', seq: 1 })
    l.exclude('A', 1)
    assert.deepEqual(l.position('k'), { author: 'B', seq: 1 })
    assert.deepEqual(totals(l, 'alice'), { request: { amount: 1, unit: 'request', records: 1 } })
    assert.deepEqual(l.users(), ['alice'])
    assert.deepEqual(totals(l, 'bob'), {})
    l.exclude('B', 1)
    assert.deepEqual(l.position('k'), { author: 'C', seq: 5 })
    l.exclude('C', 6)
    assert.deepEqual(l.position('k'), { author: 'C', seq: 5 })
    l.exclude('C', 5)
    assert.equal(l.position('k'), undefined)
    assert.equal(l.size, 0)
    assert.deepEqual(l.users(), [])
    assert.deepEqual(l.records(), [])
  })

  test('exclusion gives the same ledger whether it comes before or after the entries, in any order', () => {
    const entries = [
      entry('A', 1, [rec('k', 'alice', 'request', 1)]),
      entry('A', 2, [rec('m', 'alice', 'storage', 0.1)]),
      entry('B', 1, [rec('m', 'alice', 'storage', 0.1), rec('k', 'bob', 'request', 1)]),
      entry('B', 2, [rec('n', 'bob', 'storage', 0.2)])
    ]
    const ids = ['k', 'm', 'n']
    let reference: unknown
    for (const order of permutations(entries)) {
      for (let cut = 0; cut <= order.length; cut++) {
        const l = new Ledger()
        order.slice(0, cut).forEach(e => l.apply(e))
        l.exclude('A', 2)
        order.slice(cut).forEach(e => l.apply(e))
        const v = view(l, ids)
        reference ??= v
        assert.deepEqual(v, reference, `${order.map(e => `${e.author}/${e.seq}`).join(' ')} cut ${cut}`)
      }
    }
    const l = ledgerOf(entries)
    l.exclude('A', 2)
    assert.deepEqual(l.position('m'), { author: 'B', seq: 1 })
    assert.deepEqual(l.position('k'), { author: 'A', seq: 1 })
  })

  test('totals are exact: no rounding error and no dependence on the order of addition', () => {
    // 0.1, 0.2, 0.3 summed as doubles in different orders give different results: the ledger must not.
    const amounts = [0.1, 0.2, 0.3, 0.7, 0.000001, 0.1, 1234.56789, 0.3, 0.2, 999_999_999.999999]
    assert.notEqual(0.1 + 0.2 + 0.3, 0.3 + 0.2 + 0.1, 'the premise: addition order matters for doubles')
    const entries: LogEntry[] = []
    let n = 0
    let expected = 0n
    for (const author of ['A', 'B', 'C', 'D']) {
      for (let seq = 1; seq <= 3; seq++) {
        const records: UsageRecord[] = []
        for (let i = 0; i < 15; i++) {
          const amount = amounts[n % amounts.length] ?? 0.1
          records.push(rec(`id-${String((n * 7919) % 1000).padStart(3, '0')}-${n}`, 'alice', 'storage', amount, { timestamp: T0 + (n % 5) }))
          expected += BigInt(Math.round(amount * 1e6))
          n++
        }
        entries.push(entry(author, seq, records))
      }
    }
    const amountOf = (l: Ledger): bigint | undefined => l.totalsOf('alice')[0]?.amount
    const orders = [[...entries].reverse(), entries.filter((_, i) => i % 2 === 1).concat(entries.filter((_, i) => i % 2 === 0)), [...entries.slice(5), ...entries.slice(0, 5)]]
    for (const order of [entries, ...orders]) assert.equal(amountOf(ledgerOf(order)), expected)
    // 180 records, 18 of them at 999,999,999.999999: above 2^53 millionths, where doubles are no longer exact.
    assert.ok(expected > 2n ** 53n)
  })

  test('a record with an amount that has no exact value (only in logs from before the bound) is not counted, and is listed', () => {
    const l = ledgerOf([entry('A', 1, [rec('huge', 'u', 'storage', 1.7976931348623157e308), rec('fine', 'u', 'storage', 1), rec('tiny', 'u', 'storage', 1e-9)])])
    assert.deepEqual(totals(l, 'u'), { storage: { amount: 1, unit: 'GB', records: 1 } })
    assert.deepEqual(l.uncounted(), [{ id: 'huge', at: { author: 'A', seq: 1 } }, { id: 'tiny', at: { author: 'A', seq: 1 } }])
  })

  test('sum() totals by resource and unit in the order given; amounts in different units are never added', () => {
    const s = sum([rec('1', 'u', 'request', 1), rec('2', 'u', 'storage', 0.5), rec('3', 'u', 'request', 2)])
    assert.deepEqual(byResource(s), {
      request: { amount: 3, unit: 'request', records: 2 },
      storage: { amount: 0.5, unit: 'GB', records: 1 }
    })
    const mixed = sum([rec('1', 'u', 'storage', 1), { ...rec('2', 'u', 'storage', 500), unit: 'MB' }])
    assert.deepEqual(mixed.map(t => [t.resourceType, t.unit, t.amount]), [['storage', 'GB', 1_000_000n], ['storage', 'MB', 500_000_000n]])
    assert.equal(sum([]).length, 0)
  })
})
