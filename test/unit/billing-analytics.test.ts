import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { bucketStart, churnOf, growth, seriesWindow, usageSeries } from '../../src/billing/analytics.ts'
import { Ledger, sum } from '../../src/billing/ledger.ts'
import { GENESIS_PREV, type LogEntry } from '../../src/billing/log-entry.ts'
import { HOUR_MS, hourOf, type UsageIndex } from '../../src/billing/usage-index.ts'
import type { UsageRecord } from '../../src/billing/usage-record.ts'

const T0 = Date.UTC(2026, 2, 2, 0, 0, 0) // a Monday
const HASH = 'f'.repeat(64)

function rec (id: string, user: string, amount: number, timestamp: number, resource = 'request'): UsageRecord {
  return { id, user_id: user, resource_type: resource, amount, unit: resource === 'request' ? 'request' : 'GB', timestamp, metadata: {} }
}

function entry (author: string, seq: number, records: UsageRecord[]): LogEntry {
  return { author, seq, prev: seq === 1 ? GENESIS_PREV : HASH, time: T0, records, hash: HASH, sig: 'AAAA' }
}

/** What the index says, against the same figures computed from the ledger's counted records. */
function assertIndexMatches (l: Ledger): void {
  const records = l.records()
  assert.deepEqual(l.index.totals().map(t => [t.resourceType, t.unit, t.quantity, t.records]), sum(records).map(t => [t.resourceType, t.unit, t.amount, t.records]))
  for (const hour of new Set(records.map(r => hourOf(r.timestamp)))) {
    const inHour = records.filter(r => hourOf(r.timestamp) === hour)
    const got = [...l.index.hourTotals(hour)?.values() ?? []].map(t => [t.resourceType, t.quantity, t.records]).sort()
    assert.deepEqual(got, sum(inHour).map(t => [t.resourceType, t.amount, t.records]).sort())
  }
  assert.deepEqual(l.index.usersHeld(), [...new Set(records.map(r => r.user_id))].sort())
  assert.deepEqual([...l.ordered()], records)
  for (const user of l.index.usersHeld()) assert.deepEqual([...l.ordered(-Infinity, Infinity, user)], records.filter(r => r.user_id === user))
}

describe('usage index', () => {
  test('follows the ledger through retries, conflicts, a fork and membership cuts', () => {
    const l = new Ledger()
    l.apply(entry('A', 1, [rec('1', 'alice', 1, T0), rec('2', 'bob', 2, T0 + HOUR_MS + 5)]))
    l.apply(entry('B', 1, [rec('1', 'alice', 1, T0), rec('3', 'alice', 0.5, T0 + 10, 'storage')]))
    assertIndexMatches(l)
    // The same key with other content, from another author: both count.
    l.apply(entry('C', 1, [rec('2', 'bob', 7, T0 + 3 * HOUR_MS)]))
    assertIndexMatches(l)
    l.apply(entry('C', 2, [rec('4', 'carol', 3, T0 + 2 * HOUR_MS)]))
    // A fork in C's log from seq 2 on; then C is cut entirely; then admitted again.
    l.exclude('C', 2)
    assertIndexMatches(l)
    assert.deepEqual(l.index.usersHeld(), ['alice', 'bob'])
    l.setMembershipCut('C', 1)
    assertIndexMatches(l)
    assert.equal(l.index.hourTotals(T0 + 3 * HOUR_MS), undefined)
    l.setMembershipCut('C', undefined)
    assertIndexMatches(l)
    // B's copy of key 1 goes: A's stays, counted once.
    l.setMembershipCut('B', 1)
    assertIndexMatches(l)
    assert.equal(l.index.hourTotals(T0)?.get('request\nrequest')?.records, 1)
  })

  test('ordered reads a time range in (timestamp, id) order', () => {
    const l = new Ledger()
    l.apply(entry('A', 1, [rec('b', 'u', 1, T0 + 2 * HOUR_MS), rec('a', 'u', 1, T0 + 2 * HOUR_MS), rec('c', 'u', 1, T0), rec('d', 'u', 1, T0 + 5 * HOUR_MS)]))
    assert.deepEqual([...l.ordered(T0 + 1, T0 + 5 * HOUR_MS)].map(r => r.id), ['a', 'b'])
    assert.deepEqual([...l.ordered()].map(r => r.id), ['c', 'a', 'b', 'd'])
    assert.deepEqual([...l.ordered(T0 + 1, T0 + 5 * HOUR_MS + 1, 'u')].map(r => r.id), ['a', 'b', 'd'])
    assert.deepEqual([...l.ordered(-Infinity, Infinity, 'nobody')], [])
  })
})

describe('analytics', () => {
  test('buckets: hours, UTC days, ISO weeks from Monday', () => {
    const wed = T0 + 2 * 24 * HOUR_MS + 5 * HOUR_MS + 7
    assert.equal(bucketStart(wed, 'hour'), T0 + 2 * 24 * HOUR_MS + 5 * HOUR_MS)
    assert.equal(bucketStart(wed, 'day'), T0 + 2 * 24 * HOUR_MS)
    assert.equal(bucketStart(wed, 'week'), T0)
    assert.equal(bucketStart(T0, 'week'), T0)
    assert.equal(bucketStart(T0 - 1, 'week'), T0 - 7 * 24 * HOUR_MS)
    // 7 days of days, the last the day of now.
    assert.deepEqual(seriesWindow(wed, 7 * 24 * HOUR_MS, 'day'), { from: T0 - 4 * 24 * HOUR_MS, to: T0 + 3 * 24 * HOUR_MS })
  })

  test('a series lists every bucket with exact sums, everyone\'s or one tenant\'s', () => {
    const l = new Ledger()
    l.apply(entry('A', 1, [
      rec('1', 'alice', 0.1, T0 + 10), rec('2', 'alice', 0.2, T0 + HOUR_MS), rec('3', 'bob', 5, T0 + 25 * HOUR_MS),
      rec('4', 'alice', 1, T0 + 26 * HOUR_MS, 'storage')
    ]))
    const index: UsageIndex = l.index
    const q = { resourceType: 'request', unit: 'request', from: T0, to: T0 + 3 * 24 * HOUR_MS, granularity: 'day' as const }
    assert.deepEqual(usageSeries(index, { ...q, tenant: undefined }).map(p => [p.start, p.value, p.records]), [
      [T0, 300_000n, 2], [T0 + 24 * HOUR_MS, 5_000_000n, 1], [T0 + 48 * HOUR_MS, 0n, 0]
    ])
    assert.deepEqual(usageSeries(index, { ...q, tenant: 'alice' }).map(p => [p.value, p.records]), [[300_000n, 2], [0n, 0], [0n, 0]])
    assert.deepEqual(usageSeries(index, { ...q, tenant: 'alice', granularity: 'hour', to: T0 + 2 * HOUR_MS }).map(p => p.value), [100_000n, 200_000n])
  })

  test('growth and churn', () => {
    assert.equal(growth(150n, 100n), 0.5)
    assert.equal(growth(50n, 100n), -0.5)
    assert.equal(growth(1n, 3n), -0.666667)
    assert.equal(growth(5n, 0n), null)
    const subs = new Map([
      ['a', [{ tier: 'pro', from: T0 - 100, to: T0 + 50, status: 'active' as const }, { tier: 'pro', from: T0 + 50, to: null, status: 'cancelled' as const }]],
      ['b', [{ tier: 'basic', from: T0 - 100, to: null, status: 'active' as const }]],
      ['c', [{ tier: 'basic', from: T0 + 10, to: null, status: 'active' as const }]]
    ])
    assert.deepEqual(churnOf(subs, T0, T0 + 1000), { cancelled: 1, activeAtStart: 2, rate: 0.5 })
    assert.deepEqual(churnOf(new Map(), T0, T0 + 1000), { cancelled: 0, activeAtStart: 0, rate: null })
  })
})
