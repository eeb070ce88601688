import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { AuthThrottle } from '../../src/security/auth-throttle.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'

const policy = { ...DEFAULT_TUNING.operations.authThrottle }

describe('the auth throttle', () => {
  test('free failures, then slowed by doubling delays, then refused for a while; other addresses untouched', () => {
    const t = new AuthThrottle(policy)
    const now = 1_000_000
    const delays = Array.from({ length: policy.refuseAfterFailures }, (_, i) => t.failure('10.0.0.1', now + i).delayMs)
    assert.deepEqual(delays, [0, 0, 0, 0, 0, 250, 500, 1000, 2000, 0])
    const verdict = t.check('10.0.0.1', now + 20)
    assert.ok(verdict.refused)
    assert.equal(verdict.retryAfterMs, policy.refuseForMs - 11)
    assert.equal(t.check('10.0.0.2', now + 20).refused, false)
    assert.deepEqual(t.throttled(now + 20).map(a => [a.address, a.state]), [['10.0.0.1', 'refused']])
    assert.equal(t.check('10.0.0.1', now + 9 + policy.refuseForMs).refused, false, 'the refusal ends')
    const stats = t.stats(now + 20)
    assert.equal(stats.failures['1m'], policy.refuseAfterFailures)
    assert.equal(stats.failuresTotal, policy.refuseAfterFailures)
    assert.equal(stats.refusedRequests, 1)
    const later = t.stats(now + 20 * 60_000)
    assert.deepEqual(later.failures, { '1m': 0, '15m': 0, '1h': policy.refuseAfterFailures })
    assert.equal(t.stats(now + 3_600_000 + 1_000).failures['1h'], 0)
  })

  test('failures older than the window do not count; a success clears the address', () => {
    const t = new AuthThrottle(policy)
    for (let i = 0; i < policy.freeFailures; i++) t.failure('a', i)
    assert.equal(t.failure('a', policy.windowMs + 10).delayMs, 0, 'the earlier failures left the window')
    for (let i = 0; i < policy.freeFailures; i++) t.failure('b', i)
    t.success('b')
    assert.equal(t.failure('b', 10).delayMs, 0)
    assert.equal(t.stats(policy.windowMs + 10).failures['1m'], 1)
  })

  test('tracks a bounded number of addresses', () => {
    const t = new AuthThrottle({ ...policy, maxAddresses: 3 })
    for (const a of ['a', 'b', 'c', 'd']) for (let i = 0; i < policy.freeFailures + 1; i++) t.failure(a, i)
    assert.deepEqual(t.throttled(10).map(x => x.address), ['b', 'c', 'd'])
  })
})
