import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MeshError } from '../../src/errors.ts'
import { RetryBudget } from '../../src/routing/retry-budget.ts'

const T0 = 1_700_000_000_000
const OPTS = { ratio: 0.2, minConcurrent: 3, windowMs: 10_000 }

function requests (b: RetryBudget, n: number, now: number): void {
  for (let i = 0; i < n; i++) b.recordRequest(now)
}

/** Acquires retries until refused, none released; returns how many were allowed. */
function drain (b: RetryBudget, now: number): number {
  let n = 0
  while (b.tryAcquire(now)) n++
  return n
}

describe('RetryBudget', () => {
  test('with 100 requests in the window, allows 20 retries, then refuses', () => {
    const b = new RetryBudget(OPTS)
    requests(b, 100, T0)
    assert.equal(drain(b, T0), 20)
    assert.deepEqual(b.stats(T0), { requests: 100, retries: 20, inFlight: 20, ratio: 0.2 })
  })

  test('allows minConcurrent retries in flight with no traffic at all', () => {
    const b = new RetryBudget(OPTS)
    assert.equal(drain(b, T0), 3)
    b.release()
    assert.equal(b.tryAcquire(T0), true)
    assert.equal(b.tryAcquire(T0), false)
  })

  test('over the ratio, retries go on only while fewer than minConcurrent are in flight', () => {
    const b = new RetryBudget(OPTS)
    requests(b, 10, T0)
    assert.equal(drain(b, T0), 3)
    for (let i = 0; i < 3; i++) b.release()
    assert.equal(b.stats(T0).retries, 3, 'retries stay counted in the window once released')
    assert.equal(drain(b, T0), 3)
  })

  test('old requests leave the window', () => {
    const b = new RetryBudget(OPTS)
    requests(b, 100, T0)
    assert.equal(b.stats(T0 + 9_000).requests, 100)
    const later = T0 + OPTS.windowMs
    assert.equal(b.stats(later).requests, 0)
    assert.equal(drain(b, later), 3, 'only the minimum is left')
  })

  test('old retries leave the window too, and the budget slides', () => {
    const b = new RetryBudget(OPTS)
    requests(b, 50, T0)
    requests(b, 50, T0 + 5_000)
    assert.equal(drain(b, T0 + 5_000), 20)
    for (let i = 0; i < 20; i++) b.release()
    const later = T0 + OPTS.windowMs
    assert.deepEqual(b.stats(later), { requests: 50, retries: 20, inFlight: 0, ratio: 0.2 })
    const muchLater = T0 + 5_000 + OPTS.windowMs
    requests(b, 50, muchLater)
    assert.equal(drain(b, muchLater), 10)
  })

  test('release() never drives the in-flight count below zero', () => {
    const b = new RetryBudget(OPTS)
    b.release()
    assert.equal(b.stats(T0).inFlight, 0)
    assert.equal(drain(b, T0), 3)
  })

  test('rejects options it cannot run', () => {
    assert.throws(() => new RetryBudget({ ...OPTS, windowMs: 0 }), MeshError)
    assert.throws(() => new RetryBudget({ ...OPTS, ratio: -1 }), MeshError)
  })
})
