import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { CounterRate } from '../../src/alerts/counter-rate.ts'
import { sampleOf } from '../../src/alerts/node-sample.ts'

describe('the alert figures of a node', () => {
  test('a peer that left counts neither as down, nor healthy, nor in peers_total: it is peers_left', () => {
    const sample = sampleOf({ peers: { healthy: 2, suspect: 1, down: 1, left: 3 } })
    assert.deepEqual(sample, { peers_healthy: 2, peers_suspect: 1, peers_down: 1, peers_left: 3, peers_total: 4 })
  })

  test('rate_limited_requests is the rate given, absent while the node does not measure it', () => {
    const peers = { healthy: 0, suspect: 0, down: 0, left: 0 }
    assert.equal(sampleOf({ peers, rateLimitedPerSecond: 2.5 }).rate_limited_requests, 2.5)
    assert.equal('rate_limited_requests' in sampleOf({ peers }), false)
  })
})

describe('CounterRate', () => {
  test('0 before a second read, then the increase per second since the newest read at or before the window\'s start', () => {
    const rate = new CounterRate(60_000)
    assert.equal(rate.observe(0, 0), 0)
    assert.equal(rate.observe(10_000, 50), 5, '50 in the first 10 s')
    for (let t = 11_000; t <= 60_000; t += 1_000) rate.observe(t, 50)
    assert.equal(rate.observe(61_000, 50), 50 / 61, 'the read at 0 is still the baseline at 61 s')
    // At 75 s the window starts at 15 s: the newest read at or before it is at 15 s (total 50), so the 50 of the first 10 s are out.
    for (let t = 62_000; t < 75_000; t += 1_000) rate.observe(t, 50)
    assert.equal(rate.observe(75_000, 110), 60 / 60)
  })

  test('reads closer together than a sixtieth of the window share a point: the memory stays bounded and the rate the same', () => {
    const dense = new CounterRate(60_000)
    const sparse = new CounterRate(60_000)
    let last = { dense: 0, sparse: 0 }
    for (let t = 0; t <= 180_000; t += 10) {
      last = { ...last, dense: dense.observe(t, t / 100) }
      if (t % 1_000 === 0) last = { ...last, sparse: sparse.observe(t, t / 100) }
    }
    assert.ok(Math.abs(last.dense - 10) < 1e-9, `${last.dense}`)
    assert.ok(Math.abs(last.sparse - 10) < 1e-9, `${last.sparse}`)
    assert.ok((dense as unknown as { points: unknown[] }).points.length <= 62)
  })
})
