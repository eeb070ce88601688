import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { findings, figuresOf, THRESHOLDS } from '../../src/performance/findings.ts'
import { METRICS, type MetricName, type MetricPoint } from '../../src/telemetry/metric-history.ts'

function point (at: number, values: Partial<Record<MetricName, number>>): MetricPoint {
  const all = Object.fromEntries(METRICS.map(m => [m, 0])) as Record<MetricName, number>
  return { at, values: { ...all, ...values } }
}

const quiet = { peers: { healthy: 2, suspect: 0, down: 0, left: 0 }, breakersOpen: 0 }

describe('figuresOf', () => {
  test('current, mean and max of each figure over the window, with its sample count', () => {
    const f = figuresOf([point(1, { cpu: 0.2 }), point(2, { cpu: 0.6 }), point(3, { cpu: 0.4 })], METRICS, 60_000)
    assert.ok(f !== undefined)
    assert.equal(f.cpu.current, 0.4)
    assert.equal(f.cpu.max, 0.6)
    assert.ok(Math.abs(f.cpu.mean - 0.4) < 1e-12)
    assert.equal(f.cpu.samples, 3)
    assert.equal(f.cpu.windowMs, 60_000)
    assert.equal(figuresOf([], METRICS, 60_000), undefined)
  })
})

describe('findings', () => {
  test('a quiet node has none', () => {
    const figures = figuresOf([point(1, { cpu: 0.1, memory: 0.3 })], METRICS, 300_000)
    assert.ok(figures !== undefined)
    assert.deepEqual(findings({ figures, ...quiet }), [])
  })

  test('each rule names the measurement behind it, its threshold and window', () => {
    const figures = figuresOf([
      point(1, { cpu: 0.9, memory: 0.97, event_loop_delay_p99_ms: 350, error_rate: 0.2 }),
      point(2, { cpu: 0.95, memory: 0.97, event_loop_delay_p99_ms: 5, error_rate: 0.1 })
    ], METRICS, 300_000)
    assert.ok(figures !== undefined)
    const list = findings({ figures, peers: { healthy: 1, suspect: 1, down: 1, left: 0 }, breakersOpen: 2 })
    const byId = new Map(list.map(f => [f.id, f]))
    assert.deepEqual([...byId.keys()].sort(), ['breakers_open', 'cpu_busy', 'error_rate_high', 'event_loop_stalled', 'memory_high', 'peers_unhealthy'])
    assert.deepEqual(byId.get('cpu_busy')?.measurement, { name: 'cpu', value: 0.925, threshold: THRESHOLDS.cpuMean, windowMs: 300_000, samples: 2 })
    assert.equal(byId.get('memory_high')?.severity, 'critical')
    assert.equal(byId.get('event_loop_stalled')?.measurement.value, 350)
    assert.equal(byId.get('peers_unhealthy')?.measurement.value, 2)
  })

  test('peers that left are neither unhealthy nor healthy: no finding for them, and a down peer beside them is critical only without a healthy one', () => {
    const figures = figuresOf([point(1, { cpu: 0.1, memory: 0.3 })], METRICS, 300_000)
    assert.ok(figures !== undefined)
    assert.deepEqual(findings({ figures, peers: { healthy: 0, suspect: 0, down: 0, left: 3 }, breakersOpen: 0 }), [])
    const withDown = findings({ figures, peers: { healthy: 1, suspect: 0, down: 1, left: 3 }, breakersOpen: 0 })
    assert.deepEqual(withDown.map(f => [f.id, f.severity, f.measurement.value]), [['peers_unhealthy', 'warning', 1]])
  })

  test('a memory forecast past its threshold is a finding only while memory itself is not high yet', () => {
    const figures = figuresOf([point(1, { memory: 0.5 })], METRICS, 300_000)
    assert.ok(figures !== undefined)
    const list = findings({ figures, ...quiet, memoryForecast: { high: 0.93, horizonMs: 3_600_000, confidence: 0.8 } })
    assert.deepEqual(list.map(f => [f.id, f.measurement.name, f.measurement.value]), [['memory_trend', 'memory_forecast_high', 0.93]])
  })
})
