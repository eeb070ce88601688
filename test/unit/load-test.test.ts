import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { systemClock } from '../../src/clock.ts'
import { MeshError } from '../../src/errors.ts'
import { checkLimits, dueArrivals, LoadTestTally, scheduledArrivals, type LoadTestSpec } from '../../src/load-test/load-test.ts'
import { LoadTests } from '../../src/load-test/load-tests.ts'
import { silentLogger } from '../../src/logging.ts'
import type { RouteRequest, RouteResult } from '../../src/routing/route-request.ts'
import { waitFor } from '../helpers/wait.ts'

const LIMITS = { max_rate: 200, max_duration_ms: 60_000, max_concurrency: 32 }
const spec = (over: Partial<LoadTestSpec> = {}): LoadTestSpec => ({ service: 'echo', rate: 100, durationMs: 300, concurrency: 8, method: 'GET', path: '/', ...over })

function answer (peerId: string, status = 200): RouteResult {
  return { status, headers: [], body: new ReadableStream({ start (c) { c.enqueue(new Uint8Array([1, 2, 3])); c.close() } }), servedBy: peerId, attempts: 1 }
}

describe('load test arithmetic', () => {
  test('arrivals: rate x duration, arrival i due at i / rate seconds', () => {
    assert.equal(scheduledArrivals({ rate: 100, durationMs: 300 }), 30)
    assert.equal(scheduledArrivals({ rate: 0.5, durationMs: 1_000 }), 1)
    assert.equal(dueArrivals({ rate: 100, durationMs: 300 }, 0), 1)
    assert.equal(dueArrivals({ rate: 100, durationMs: 300 }, 95), 10)
    assert.equal(dueArrivals({ rate: 100, durationMs: 300 }, 10_000), 30)
  })

  test('the network\'s bounds: the first field past them is named, with the parameter', () => {
    assert.doesNotThrow(() => { checkLimits(spec({ rate: 200, durationMs: 60_000, concurrency: 32 }), LIMITS) })
    for (const [over, field] of [[{ rate: 201 }, 'rate'], [{ durationMs: 60_001 }, 'duration_ms'], [{ concurrency: 33 }, 'concurrency']] as const) {
      assert.throws(() => { checkLimits(spec(over), LIMITS) }, (err: unknown) => err instanceof MeshError && err.code === 'VALIDATION_ERROR' && err.details?.field === field)
    }
  })

  test('the tally: per-peer counts add up to the answered requests, shares to 1, errors by status', () => {
    const t = new LoadTestTally()
    const peers = ['a', 'b', 'c', 'a', 'b', 'a']
    peers.forEach((p, i) => { t.record({ status: i === 5 ? 503 : 200, peerId: p, latencyMs: i + 1 }) })
    t.record({ status: undefined, code: 'UNAVAILABLE', peerId: undefined, latencyMs: 1 })
    const s = t.summary(7)
    assert.equal(s.completed, 7)
    assert.equal(s.unrouted, 1)
    assert.deepEqual(Object.fromEntries(Object.entries(s.byPeer).map(([k, v]) => [k, v.requests])), { a: 3, b: 2, c: 1 })
    assert.ok(Math.abs(Object.values(s.byPeer).reduce((x, v) => x + v.share, 0) - 1) < 1e-12)
    assert.deepEqual(s.errorsByStatus, { 503: 1, UNAVAILABLE: 1 })
    assert.equal(s.errors, 2)
    assert.equal(s.latencyMs?.max, 6)
  })
})

describe('LoadTests', () => {
  function service (forward: (req: RouteRequest) => Promise<RouteResult>): LoadTests {
    let n = 0
    return new LoadTests({ forward, isKnown: s => s === 'echo', limits: () => LIMITS, clock: systemClock, newId: () => `t${++n}`, log: silentLogger() })
  }

  test('sends every scheduled request through the forward, and counts which peer answered each', async () => {
    const peers = ['a', 'b', 'c']
    let i = 0
    const seen: RouteRequest[] = []
    const tests = service(async req => {
      seen.push(req)
      return answer(peers[i++ % 3] as string)
    })
    const started = tests.begin(spec())
    assert.equal(started.status, 'running')
    const done = await waitFor('the test to end', () => {
      const v = tests.get(started.id)
      return v?.status === 'done' ? v : undefined
    }, { timeoutMs: 10_000, intervalMs: 20 })
    const s = done.summary
    assert.equal(s.scheduled, 30)
    assert.equal(s.sent + s.skipped, 30)
    assert.equal(s.completed, s.sent)
    assert.equal(Object.values(s.byPeer).reduce((x, v) => x + v.requests, 0), s.sent)
    assert.equal(seen.length, s.sent)
    assert.ok(seen.every(r => r.service === 'echo' && r.method === 'GET' && r.path === '/' && r.user === 'operator'))
  })

  test('open loop: arrivals due while `concurrency` requests are in flight are skipped, not queued', async () => {
    const release: Array<() => void> = []
    const tests = service(async () => await new Promise<RouteResult>(resolve => { release.push(() => { resolve(answer('a')) }) }))
    const started = tests.begin(spec({ concurrency: 2, rate: 100, durationMs: 200 }))
    await waitFor('every arrival', () => (tests.get(started.id)?.summary.skipped ?? 0) >= 18, { timeoutMs: 10_000, intervalMs: 20 })
    assert.equal(tests.get(started.id)?.status, 'running', 'it waits for the requests in flight')
    for (const r of release) r()
    const done = await waitFor('the end', () => tests.get(started.id)?.status === 'done' ? tests.get(started.id) : undefined, { timeoutMs: 5_000, intervalMs: 20 })
    assert.deepEqual([done.summary.sent, done.summary.skipped, done.summary.completed], [2, 18, 2])
  })

  test('one test at a time (409), services of the mesh only (404); a stop cancels the running test', async () => {
    const tests = service(async () => await new Promise<RouteResult>(() => {}))
    assert.throws(() => tests.begin(spec({ service: 'elsewhere' })), (err: unknown) => err instanceof MeshError && err.code === 'NOT_FOUND')
    const first = tests.begin(spec({ durationMs: 5_000, rate: 1 }))
    assert.throws(() => tests.begin(spec()), (err: unknown) => err instanceof MeshError && err.code === 'CONFLICT')
    await tests.stop()
    assert.equal(tests.get(first.id)?.status, 'cancelled')
    assert.doesNotThrow(() => tests.begin(spec({ durationMs: 100, rate: 10 })))
    await tests.stop()
  })
})
