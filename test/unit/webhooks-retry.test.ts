import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { nextAttemptAt } from '../../src/webhooks/retry.ts'

describe('webhook retries', () => {
  const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAgeMs: 3_600_000 }

  test('the delay doubles per attempt, with up to half of it random, and is capped', () => {
    assert.equal(nextAttemptAt(policy, 1, 0, 0, 0), 500)
    assert.equal(nextAttemptAt(policy, 1, 0, 0, 1), 1_000)
    assert.equal(nextAttemptAt(policy, 3, 0, 0, 1), 4_000)
    assert.equal(nextAttemptAt(policy, 20, 0, 0, 1), 60_000)
  })

  test('past the maximum age a delivery has failed for good', () => {
    assert.equal(nextAttemptAt(policy, 10, 3_590_000, 0, 1), undefined)
    assert.equal(nextAttemptAt(policy, 10, 3_500_000, 0, 0), 3_530_000)
  })
})
