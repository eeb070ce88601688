import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MeshError } from '../../src/errors.ts'
import { CircuitBreaker, type BreakerConfig } from '../../src/routing/circuit-breaker.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'

const T0 = 1_700_000_000_000
const CONFIG = DEFAULT_TUNING.routing.breaker
/** Trips on the failure rate only. */
const RATE_ONLY: BreakerConfig = { ...CONFIG, consecutiveFailures: 1000 }

function fail (b: CircuitBreaker, times: number, now: number): void {
  for (let i = 0; i < times; i++) b.onFailure(now)
}

function succeed (b: CircuitBreaker, times: number, now: number): void {
  for (let i = 0; i < times; i++) b.onSuccess(now)
}

/** A breaker tripped at T0 by consecutive failures. */
function tripped (config: BreakerConfig = CONFIG): CircuitBreaker {
  const b = new CircuitBreaker(config)
  fail(b, config.consecutiveFailures, T0)
  assert.equal(b.state(T0), 'open')
  return b
}

/** Moves an open breaker to half_open and fails a probe there; returns the time it re-opened. */
function failProbe (b: CircuitBreaker): number {
  const until = b.stats(0).openUntil
  assert.ok(until !== undefined)
  assert.equal(b.tryAcquire(until), true)
  b.onFailure(until)
  return until
}

describe('CircuitBreaker', () => {
  test('starts closed and lets requests through', () => {
    const b = new CircuitBreaker(CONFIG)
    assert.equal(b.state(T0), 'closed')
    assert.equal(b.tryAcquire(T0), true)
    assert.deepEqual(b.stats(T0), {
      state: 'closed', failures: 0, requests: 0, failureRate: 0, consecutiveFailures: 0, trips: 0, openUntil: undefined
    })
  })

  test('trips when consecutive failures reach the limit', () => {
    const b = new CircuitBreaker(CONFIG)
    fail(b, CONFIG.consecutiveFailures - 1, T0)
    assert.equal(b.state(T0), 'closed')
    b.onFailure(T0)
    assert.equal(b.state(T0), 'open')
    assert.equal(b.tryAcquire(T0), false)
    const s = b.stats(T0)
    assert.equal(s.trips, 1)
    assert.equal(s.consecutiveFailures, CONFIG.consecutiveFailures)
    assert.equal(s.openUntil, T0 + CONFIG.openBaseMs)
  })

  test('a success breaks a run of failures', () => {
    const b = new CircuitBreaker(CONFIG)
    fail(b, CONFIG.consecutiveFailures - 1, T0)
    b.onSuccess(T0)
    fail(b, CONFIG.consecutiveFailures - 1, T0)
    assert.equal(b.state(T0), 'closed')
    assert.equal(b.stats(T0).consecutiveFailures, CONFIG.consecutiveFailures - 1)
  })

  test('the failure rate trips only once the window holds minRequests', () => {
    const b = new CircuitBreaker(RATE_ONLY)
    succeed(b, 3, T0)
    fail(b, 6, T0)
    assert.equal(b.stats(T0).requests, 9)
    assert.equal(b.state(T0), 'closed', '67 % failures, but only 9 requests')
    b.onFailure(T0)
    assert.equal(b.state(T0), 'open', '70 % of 10 requests')
  })

  test('a failure rate below the threshold does not trip', () => {
    const b = new CircuitBreaker(RATE_ONLY)
    for (let i = 0; i < 50; i++) {
      b.onSuccess(T0 + i)
      b.onSuccess(T0 + i)
      b.onFailure(T0 + i)
    }
    assert.equal(b.state(T0 + 50), 'closed')
    const s = b.stats(T0 + 50)
    assert.equal(s.requests, 150)
    assert.ok(Math.abs(s.failureRate - 1 / 3) < 1e-9)
  })

  test('the threshold itself trips', () => {
    const b = new CircuitBreaker(RATE_ONLY)
    succeed(b, 5, T0)
    fail(b, 5, T0)
    assert.equal(b.state(T0), 'open')
  })

  test('outcomes leave the window as time passes', () => {
    const b = new CircuitBreaker(RATE_ONLY)
    fail(b, 9, T0)
    assert.equal(b.stats(T0 + CONFIG.windowMs - 1000).requests, 9)
    assert.equal(b.stats(T0 + CONFIG.windowMs).requests, 0)
    b.onFailure(T0 + CONFIG.windowMs)
    assert.equal(b.state(T0 + CONFIG.windowMs), 'closed', 'one failure in the window')
  })

  test('open turns half_open once the open time has passed', () => {
    const b = tripped()
    assert.equal(b.state(T0 + CONFIG.openBaseMs - 1), 'open')
    assert.equal(b.tryAcquire(T0 + CONFIG.openBaseMs - 1), false)
    assert.equal(b.state(T0 + CONFIG.openBaseMs), 'half_open')
    assert.equal(b.stats(T0 + CONFIG.openBaseMs).openUntil, undefined)
  })

  test('half_open lets at most halfOpenProbes probes through at once', () => {
    const b = tripped()
    const t = T0 + CONFIG.openBaseMs
    for (let i = 0; i < CONFIG.halfOpenProbes; i++) assert.equal(b.tryAcquire(t), true)
    assert.equal(b.tryAcquire(t), false)
  })

  test('release() frees a probe slot', () => {
    const b = tripped()
    const t = T0 + CONFIG.openBaseMs
    for (let i = 0; i < CONFIG.halfOpenProbes; i++) b.tryAcquire(t)
    b.release()
    assert.equal(b.tryAcquire(t), true)
    assert.equal(b.tryAcquire(t), false)
    assert.equal(b.state(t), 'half_open', 'a release is no verdict')
  })

  test('halfOpenProbes successes close it, with a clean window', () => {
    const b = tripped()
    const t = T0 + CONFIG.openBaseMs
    for (let i = 0; i < CONFIG.halfOpenProbes; i++) assert.equal(b.tryAcquire(t), true)
    succeed(b, CONFIG.halfOpenProbes - 1, t)
    assert.equal(b.state(t), 'half_open')
    b.onSuccess(t)
    assert.equal(b.state(t), 'closed')
    assert.deepEqual(b.stats(t), {
      state: 'closed', failures: 0, requests: 0, failureRate: 0, consecutiveFailures: 0, trips: 1, openUntil: undefined
    })
  })

  test('a probe failure re-opens it for twice as long, up to openMaxMs', () => {
    const b = tripped()
    const expected = [10_000, 20_000, 40_000, 60_000, 60_000]
    for (const [i, openMs] of expected.entries()) {
      const at = failProbe(b)
      assert.equal(b.state(at), 'open')
      const s = b.stats(at)
      assert.equal(s.openUntil, at + openMs)
      assert.equal(s.trips, i + 2)
    }
  })

  test('the open time goes back to the base once it has closed', () => {
    const b = tripped()
    const at = failProbe(b)
    const t = at + 2 * CONFIG.openBaseMs
    for (let i = 0; i < CONFIG.halfOpenProbes; i++) b.tryAcquire(t)
    succeed(b, CONFIG.halfOpenProbes, t)
    assert.equal(b.state(t), 'closed')
    fail(b, CONFIG.consecutiveFailures, t)
    assert.equal(b.stats(t).openUntil, t + CONFIG.openBaseMs)
    assert.equal(b.stats(t).trips, 3)
  })

  test('late verdicts while open change nothing', () => {
    const b = tripped()
    const before = b.stats(T0 + 1)
    b.onFailure(T0 + 1)
    b.onSuccess(T0 + 1)
    assert.deepEqual(b.stats(T0 + 1), before)
  })

  test('rejects a config it cannot run', () => {
    assert.throws(() => new CircuitBreaker({ ...CONFIG, windowMs: 0 }), MeshError)
    assert.throws(() => new CircuitBreaker({ ...CONFIG, halfOpenProbes: 0 }), MeshError)
  })
})
