import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MeshRateLimiter, allowanceAt, windowLimit, type WindowLimit } from '../../src/platform/rate-limiter.ts'

const OPTS = { exchangeMs: 250, staleAfterMs: 1_000, maxReportSubjects: 1_000 }
const HOUR = 3_600_000
/** A time well inside a window, so that a test's few seconds never cross a boundary. */
const T0 = 1_700_000_000 * 1_000 - (1_700_000_000 * 1_000) % HOUR + 60_000

interface Tally { admitted: number, refused: number }

/** Limiters that exchange their reports every exchange interval, delivered at once; `route(i)` names the node of request i. */
function runRouted (nodes: number, requests: number, l: WindowLimit, gapMs: number, route: (i: number) => number): Tally & { byNode: number[] } {
  const limiters = Array.from({ length: nodes }, () => new MeshRateLimiter(OPTS))
  const tally = { admitted: 0, refused: 0, byNode: limiters.map(() => 0) }
  let now = T0
  let nextExchange = T0 + OPTS.exchangeMs
  for (let i = 0; i < requests; i++) {
    now += gapMs
    while (nextExchange <= now) {
      for (const [from, limiter] of limiters.entries()) {
        limiter.refresh(nextExchange, nodes)
        for (const report of limiter.reports(nextExchange)) {
          for (const [to, other] of limiters.entries()) if (to !== from) other.receive(`n${from}`, report, nextExchange)
        }
      }
      nextExchange += OPTS.exchangeMs
    }
    const node = route(i)
    if ((limiters[node] as MeshRateLimiter).admit('t', l, now, nodes).admitted) {
      tally.admitted++
      tally.byNode[node] = (tally.byNode[node] ?? 0) + 1
    } else tally.refused++
  }
  return tally
}

describe('mesh rate limiter', () => {
  test('one node admits exactly the limit, counting the remaining requests down, then refuses until the window ends', () => {
    const limiter = new MeshRateLimiter(OPTS)
    const l = windowLimit({ monthly_price: 0, included_units: 0, requests_per_hour: 5, burst: 5 }, HOUR)
    const remaining: number[] = []
    for (let i = 0; i < 5; i++) {
      const v = limiter.admit('t', l, T0 + i, 1)
      assert.equal(v.admitted, true)
      assert.equal(v.quota.limit, 5)
      remaining.push(v.quota.remaining)
    }
    assert.deepEqual(remaining, [4, 3, 2, 1, 0])
    const refused = limiter.admit('t', l, T0 + 10, 1)
    assert.equal(refused.admitted, false)
    assert.ok(!refused.admitted && refused.reason === 'limit')
    const windowEnd = T0 - T0 % HOUR + HOUR
    assert.equal(refused.quota.resetAt, windowEnd)
    assert.ok(!refused.admitted && refused.retryAfterMs === windowEnd - (T0 + 10))
    // Another tenant has its own count, and the next window starts afresh.
    assert.equal(limiter.admit('other', l, T0 + 11, 1).admitted, true)
    assert.equal(limiter.admit('t', l, windowEnd, 1).admitted, true)
  })

  test('the burst is admitted at once and the rest at the tier pace', () => {
    const limiter = new MeshRateLimiter(OPTS)
    const l: WindowLimit = { limit: 60, burst: 10, windowMs: 60_000 }
    const start = T0 - T0 % 60_000
    for (let i = 0; i < 10; i++) assert.equal(limiter.admit('t', l, start, 1).admitted, true)
    const early = limiter.admit('t', l, start, 1)
    assert.ok(!early.admitted && early.reason === 'limit' && early.retryAfterMs === 1_000)
    assert.equal(allowanceAt(l, start + 1_000), 11)
    assert.equal(limiter.admit('t', l, start + 1_000, 1).admitted, true)
    assert.equal(limiter.admit('t', l, start + 1_000, 1).admitted, false)
  })

  test('limit spread over three nodes: admitted within a few percent of it, at 1.5x and 3x', () => {
    const l = windowLimit({ monthly_price: 0, included_units: 0, requests_per_hour: 300, burst: 300 }, HOUR)
    for (const factor of [1.5, 3]) {
      for (const gapMs of [1, 20]) {
        const { admitted } = runRouted(3, l.limit * factor, l, gapMs, i => i % 3)
        assert.ok(admitted <= l.limit * 1.02 && admitted >= l.limit * 0.97, `${admitted} admitted of ${l.limit} at ${factor}x, a request every ${gapMs} ms`)
      }
    }
  })

  test('traffic on one node of five gets the whole limit once the node knows nobody else serves the tenant', () => {
    const l = windowLimit({ monthly_price: 0, included_units: 0, requests_per_hour: 300, burst: 300 }, HOUR)
    const { admitted } = runRouted(5, 3 * l.limit, l, 5, () => 0)
    assert.equal(admitted, l.limit)
  })

  test('a tenant that moves from one node to another gets the rest of its limit there', () => {
    const l = windowLimit({ monthly_price: 0, included_units: 0, requests_per_hour: 300, burst: 300 }, HOUR)
    // 100 requests on node 0 (alone, it takes the whole remaining as its share), then the rest on node 1.
    const { admitted, byNode } = runRouted(2, 1_000, l, 5, i => i < 100 ? 0 : 1)
    assert.equal(byNode[0], 100)
    assert.ok(admitted <= l.limit * 1.02 && admitted >= l.limit * 0.97, `${admitted} admitted: ${byNode.join(', ')}`)
  })

  test('nodes that begin serving a tenant at once admit no more than the limit together before they hear from each other', () => {
    const l: WindowLimit = { limit: 90, burst: 90, windowMs: HOUR }
    const limiters = Array.from({ length: 3 }, () => new MeshRateLimiter(OPTS))
    let admitted = 0
    // Two exchange intervals without a report: each new subject keeps its first share.
    for (let i = 0; i < 499; i++) {
      if ((limiters[i % 3] as MeshRateLimiter).admit('t', l, T0 + i, 3).admitted) admitted++
    }
    assert.ok(admitted <= l.limit, `${admitted}`)
  })

  test('a restored window goes on where it was, and a replayed older report lowers nothing', () => {
    const l: WindowLimit = { limit: 10, burst: 10, windowMs: HOUR }
    const a = new MeshRateLimiter(OPTS)
    for (let i = 0; i < 6; i++) assert.equal(a.admit('t', l, T0, 1).admitted, true)
    a.receive('peer', { windowMs: HOUR, window: Math.floor(T0 / HOUR), sentAt: T0, counts: { t: [3, 4] } }, T0)
    a.receive('peer', { windowMs: HOUR, window: Math.floor(T0 / HOUR), sentAt: T0 - 250, counts: { t: [1, 1] } }, T0)
    const saved = a.counts(T0)
    assert.deepEqual(saved[0]?.own, { t: 6 })
    assert.deepEqual(saved[0]?.peers, { peer: { t: [3, 4] } })

    const restarted = new MeshRateLimiter(OPTS)
    for (const w of saved) restarted.restore(w, T0 + 5_000)
    const verdict = restarted.admit('t', l, T0 + 5_000, 1)
    assert.ok(verdict.admitted && verdict.quota.remaining === 0)
    assert.equal(restarted.admit('t', l, T0 + 5_001, 1).admitted, false)
  })

  test('a later report\'s ceiling replaces an earlier one\'s (a share shrinks), and the count only grows', () => {
    const l: WindowLimit = { limit: 10, burst: 10, windowMs: HOUR }
    const a = new MeshRateLimiter(OPTS)
    const window = Math.floor(T0 / HOUR)
    a.receive('peer', { windowMs: HOUR, window, sentAt: T0, counts: { t: [2, 10] } }, T0)
    // The peer's share holds the whole remaining: nothing for this node.
    assert.equal(a.admit('t', l, T0 + 600, 2).admitted, false)
    a.receive('peer', { windowMs: HOUR, window, sentAt: T0 + 700, counts: { t: [2, 2] } }, T0 + 700)
    a.receive('peer', { windowMs: HOUR, window, sentAt: T0 + 600, counts: { t: [1, 10] } }, T0 + 710)
    const v = a.admit('t', l, T0 + 720, 2)
    assert.ok(v.admitted && v.quota.remaining === 7)
  })

  test('a report of another window is ignored', () => {
    const l: WindowLimit = { limit: 2, burst: 2, windowMs: HOUR }
    const a = new MeshRateLimiter(OPTS)
    a.receive('peer', { windowMs: HOUR, window: Math.floor(T0 / HOUR) - 1, sentAt: T0, counts: { t: [2, 2] } }, T0)
    assert.equal(a.admit('t', l, T0, 1).admitted, true)
  })
})
