import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MeshError } from '../../src/errors.ts'
import { LatencyEwma } from '../../src/routing/latency-ewma.ts'

const DECAY = 10_000

function close (actual: number | undefined, expected: number): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `expected ${expected}, got ${actual}`)
}

describe('LatencyEwma', () => {
  test('has no value before the first observation', () => {
    assert.equal(new LatencyEwma({ decayMs: DECAY }).value(0), undefined)
  })

  test('the first observation is the value', () => {
    const e = new LatencyEwma({ decayMs: DECAY })
    e.observe(42, 1000)
    assert.equal(e.value(1000), 42)
  })

  test('a sample above the value replaces it at once (peak sensitivity)', () => {
    const e = new LatencyEwma({ decayMs: DECAY })
    e.observe(10, 0)
    e.observe(500, 1)
    assert.equal(e.value(1), 500)
  })

  test('a lower sample blends in with weight 1 - exp(-elapsed / decayMs)', () => {
    const e = new LatencyEwma({ decayMs: DECAY })
    e.observe(100, 0)
    e.observe(10, DECAY)
    close(e.value(DECAY), 100 * Math.exp(-1) + 10 * (1 - Math.exp(-1)))
  })

  test('a lower sample counts more the longer since the last one', () => {
    const soon = new LatencyEwma({ decayMs: DECAY })
    const late = new LatencyEwma({ decayMs: DECAY })
    soon.observe(100, 0)
    late.observe(100, 0)
    soon.observe(10, 100)
    late.observe(10, 5_000)
    const w = (elapsed: number): number => Math.exp(-elapsed / DECAY)
    close(soon.value(100), 100 * w(100) + 10 * (1 - w(100)))
    close(late.value(5_000), 100 * w(5_000) + 10 * (1 - w(5_000)))
  })

  test('many equal samples converge to that latency', () => {
    const e = new LatencyEwma({ decayMs: DECAY })
    e.observe(200, 0)
    for (let t = 1000; t <= 100_000; t += 1000) e.observe(20, t)
    close(e.value(100_000), 20 + 180 * Math.exp(-10))
  })

  test('decays toward zero between samples, so a once-slow peer is tried again', () => {
    const e = new LatencyEwma({ decayMs: DECAY })
    e.observe(100, 0)
    close(e.value(DECAY), 100 * Math.exp(-1))
    close(e.value(3 * DECAY), 100 * Math.exp(-3))
    e.observe(100, 3 * DECAY)
    assert.equal(e.value(3 * DECAY), 100)
  })

  test('a clock stepping back counts as no time passed', () => {
    const e = new LatencyEwma({ decayMs: DECAY })
    e.observe(100, 5_000)
    assert.equal(e.value(1_000), 100)
    e.observe(10, 1_000)
    assert.equal(e.value(1_000), 100, 'a lower sample with no time passed has no weight')
  })

  test('rejects a decay that is not positive', () => {
    assert.throws(() => new LatencyEwma({ decayMs: 0 }), MeshError)
    assert.throws(() => new LatencyEwma({ decayMs: Number.NaN }), MeshError)
  })
})
