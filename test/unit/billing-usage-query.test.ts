import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { usagePage, type UsageCursor } from '../../src/billing/usage-query.ts'
import type { UsageRecord } from '../../src/billing/usage-record.ts'

const T = Date.UTC(2026, 0, 10)

function rec (id: string, timestamp: number, user = 'alice', resource = 'request'): UsageRecord {
  return { id, user_id: user, resource_type: resource, amount: 1, unit: resource, timestamp, metadata: {} }
}

/** Every page of a listing, following the cursors to the end (bounded, so that a cursor that never ends fails). */
function allPages (records: UsageRecord[], limit: number): UsageRecord[][] {
  const pages: UsageRecord[][] = []
  let after: UsageCursor | undefined
  for (let i = 0; i < 100; i++) {
    const page = usagePage(records, {}, limit, after)
    pages.push(page.records)
    if (page.next === undefined) return pages
    after = page.next
  }
  throw new Error('the cursor never ended')
}

describe('usagePage', () => {
  // In the ledger's (timestamp, id) order.
  const records = [
    rec('a', T, 'alice', 'request'),
    rec('b', T, 'bob', 'storage'),
    rec('c', T + 10, 'alice', 'storage'),
    rec('d', T + 20, 'bob', 'request'),
    rec('e', T + 30, 'alice', 'request')
  ]

  test('filters by user, resource type and a time range whose end is exclusive', () => {
    const ids = (f: Parameters<typeof usagePage>[1]): string[] => usagePage(records, f, 100).records.map(r => r.id)
    assert.deepEqual(ids({ userId: 'alice' }), ['a', 'c', 'e'])
    assert.deepEqual(ids({ resourceType: 'storage' }), ['b', 'c'])
    assert.deepEqual(ids({ from: T + 10, to: T + 30 }), ['c', 'd'])
    assert.deepEqual(ids({ userId: 'alice', resourceType: 'request', from: T + 1 }), ['e'])
    assert.deepEqual(ids({ userId: 'carol' }), [])
  })

  test('pages follow one another without gaps or repeats, and the last page has no cursor', () => {
    const pages = allPages(records, 2)
    assert.deepEqual(pages.map(p => p.map(r => r.id)), [['a', 'b'], ['c', 'd'], ['e']])
    assert.equal(usagePage(records, {}, 5).next, undefined, 'a page holding the rest has no cursor')
    assert.deepEqual(usagePage(records, {}, 2).next, { t: T, id: 'b', seen: 1 })
  })

  test('conflicting copies of one record (one timestamp and id) split across pages are each listed once', () => {
    const copies = [rec('a', T), rec('x', T + 5, 'alice'), rec('x', T + 5, 'bob'), rec('x', T + 5, 'carol'), rec('z', T + 9)]
    for (const limit of [1, 2, 3, 4]) {
      const listed = allPages(copies, limit).flat()
      assert.deepEqual(listed, copies, `limit ${limit}`)
    }
    assert.deepEqual(usagePage(copies, {}, 3).next, { t: T + 5, id: 'x', seen: 2 })
  })

  test('a cursor whose record is gone resumes after its place', () => {
    const after = { t: T + 10, id: 'c', seen: 1 }
    assert.deepEqual(usagePage(records.filter(r => r.id !== 'c'), {}, 10, after).records.map(r => r.id), ['d', 'e'])
  })
})
