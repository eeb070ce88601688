import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { lagOf, replicationSummary } from '../../src/billing/replication-lag.ts'

describe('replication lag', () => {
  test('an author\'s lag is what it announced past what is held; nothing held counts from 0', () => {
    assert.equal(lagOf({ held: { seq: 7 }, announced: 10 }), 3)
    assert.equal(lagOf({ held: { seq: 10 }, announced: 10 }), 0)
    assert.equal(lagOf({ held: undefined, announced: 4 }), 4)
  })

  test('the summary counts authors, those lagging, and the largest lag', () => {
    assert.deepEqual(replicationSummary([
      { held: { seq: 10 }, announced: 10 },
      { held: { seq: 2 }, announced: 5 },
      { held: undefined, announced: 8 }
    ]), { authors: 3, laggingAuthors: 2, maxLagEntries: 8 })
    assert.deepEqual(replicationSummary([]), { authors: 0, laggingAuthors: 0, maxLagEntries: 0 })
  })
})
