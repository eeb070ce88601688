import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { LoadHistory } from '../../src/telemetry/load-history.ts'
import { aggregate, MetricRing, metricPoint, PeerMetricHistory } from '../../src/telemetry/metric-history.ts'
import { NOW, validSnapshot } from '../helpers/snapshots.ts'

/** A sample with the given CPU and cumulative served/errors counts. */
function sample (cpu: number, served = 0, errors = 0): ReturnType<typeof validSnapshot> {
  return validSnapshot({ cpu, requests: { active: 1, served, errors, recent: { windowMs: 60_000, served: 60, errors: 6 } } })
}

describe('metricPoint', () => {
  test('the request rate is per second since the previous sample, from the cumulative counts', () => {
    const p = metricPoint(NOW + 2_000, sample(0.1, 1_100, 10), { at: NOW, served: 1_000, errors: 0 })
    assert.equal(p.values.request_rate, 50)
    assert.equal(p.values.error_rate, 0.1)
  })

  test('the first sample, and one after a restart (counts went down), take the recent window instead', () => {
    assert.equal(metricPoint(NOW, sample(0.1, 5), undefined).values.request_rate, 1)
    const restarted = metricPoint(NOW + 1_000, sample(0.1, 5, 0), { at: NOW, served: 1_000, errors: 0 })
    assert.equal(restarted.values.request_rate, 1)
    assert.equal(restarted.values.error_rate, 0.1)
  })
})

describe('MetricRing', () => {
  test('keeps the newest `capacity` samples in time order, growing past its first allocation', () => {
    const ring = new MetricRing(100)
    for (let i = 0; i < 250; i++) ring.add(NOW + i * 1_000, sample(i / 1000))
    assert.equal(ring.size, 100)
    const points = ring.points(0, Infinity)
    assert.equal(points.length, 100)
    assert.equal(points[0]?.at, NOW + 150_000)
    assert.equal(points[99]?.at, NOW + 249_000)
    assert.ok(points.every((p, i) => i === 0 || p.at > (points[i - 1]?.at ?? 0)))
    assert.equal(points[0]?.values.cpu, 0.15)
    assert.deepEqual(ring.span, { from: NOW + 150_000, to: NOW + 249_000 })
  })

  test('points(start, end) is the half-open span [start, end)', () => {
    const ring = new MetricRing(10)
    for (let i = 0; i < 10; i++) ring.add(NOW + i * 1_000, sample(0))
    assert.deepEqual(ring.points(NOW + 2_000, NOW + 5_000).map(p => p.at), [NOW + 2_000, NOW + 3_000, NOW + 4_000])
    assert.deepEqual(ring.points(NOW + 20_000, NOW + 30_000), [])
  })

  test('a sample older than the newest held is dropped; irregular arrival times are kept as they are', () => {
    const ring = new MetricRing(10)
    assert.ok(ring.add(NOW, sample(0.1)))
    assert.ok(ring.add(NOW + 7_300, sample(0.2)))
    assert.equal(ring.add(NOW + 5_000, sample(0.3)), false)
    assert.deepEqual(ring.points(0, Infinity).map(p => p.at), [NOW, NOW + 7_300])
  })
})

describe('aggregate', () => {
  test('buckets of the interval with mean, max and sample counts; empty buckets listed with samples 0', () => {
    const ring = new MetricRing(100)
    // Two samples in the first 10 s, none in the second, three in the third.
    for (const [dt, cpu] of [[1_000, 0.2], [4_000, 0.6], [21_000, 0.1], [22_000, 0.4], [29_999, 0.1]] as const) ring.add(NOW + dt, sample(cpu))
    const buckets = aggregate(ring.points(NOW, NOW + 30_000), NOW, NOW + 30_000, 10_000)
    assert.deepEqual(buckets.map(b => [b.start - NOW, b.end - NOW, b.samples]), [[0, 10_000, 2], [10_000, 20_000, 0], [20_000, 30_000, 3]])
    const cpu0 = buckets[0]?.values.cpu
    assert.ok(cpu0 !== null && cpu0 !== undefined)
    assert.ok(Math.abs(cpu0.mean - 0.4) < 1e-12)
    assert.equal(cpu0.max, 0.6)
    assert.equal(buckets[1]?.values.cpu, null)
    assert.ok(Math.abs((buckets[2]?.values.cpu?.mean ?? 0) - 0.2) < 1e-12)
    assert.equal(buckets[2]?.values.cpu?.max, 0.4)
  })

  test('the last bucket ends at the end of the span; sample counts add up to the points', () => {
    const ring = new MetricRing(100)
    for (let i = 0; i < 25; i++) ring.add(NOW + i * 1_000, sample(0.5))
    const buckets = aggregate(ring.points(NOW, NOW + 25_000), NOW, NOW + 25_000, 10_000)
    assert.deepEqual(buckets.map(b => b.end - b.start), [10_000, 10_000, 5_000])
    assert.equal(buckets.reduce((s, b) => s + b.samples, 0), 25)
  })
})

describe('PeerMetricHistory', () => {
  test('one ring per peer, bounded in peers; a forgotten peer frees its place', () => {
    const h = new PeerMetricHistory({ samplesPerPeer: 5, maxPeers: 2 })
    h.record('a', NOW, sample(0.1))
    h.record('b', NOW, sample(0.2))
    h.record('c', NOW, sample(0.3))
    assert.equal(h.of('c'), undefined)
    h.forget('a')
    h.record('c', NOW, sample(0.3))
    assert.equal(h.of('c')?.size, 1)
    assert.equal(h.of('a'), undefined)
  })
})

describe('LoadHistory', () => {
  test('summarises the samples of a trailing period from its ring', () => {
    const history = new LoadHistory(10)
    for (let i = 0; i < 5; i++) history.add(NOW + i * 1_000, sample(i / 10))
    const s = history.summary(2_500, NOW + 4_000)
    assert.equal(s?.samples, 3)
    assert.equal(s?.cpu.peak, 0.4)
    assert.equal(s?.cpu.current, 0.4)
    assert.ok(Math.abs((s?.cpu.average ?? 0) - 0.3) < 1e-12)
    assert.equal(history.summary(1_000, NOW + 100_000), undefined)
  })
})
