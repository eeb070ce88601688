import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { assertError, assertValidation, call } from '../helpers/api.ts'
import { nodeForSuite } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

interface Bucket { start: string, end: string, samples: number, values: Record<string, { mean: number, max: number } | null> }
interface SeriesBody { peer_id: string, source: string, interval_ms: number, samples: number, buckets: Bucket[], held: { samples: number, capacity: number } }

describe('metric history and performance API of a lone node', { timeout: 60_000 }, () => {
  const suite = nodeForSuite({ telemetryIntervalMs: 200 })
  let node: RunningNode
  let url: string

  before(async () => {
    node = suite.node
    url = node.api.url
    // A few samples of its own load.
    await waitFor('three own samples', () => node.mesh.history.ring.size >= 3, { timeoutMs: 10_000 })
  })

  test('GET /v1/system/metrics?start=&interval= is the node\'s own series, bucketed with counts, means and maxima', async () => {
    const start = Date.now() - 10_000
    const r = await call<SeriesBody>(`${url}/v1/system/metrics?start=${start}&interval=2s`)
    assert.equal(r.status, 200, r.text)
    assert.equal(r.body.source, 'self')
    assert.equal(r.body.interval_ms, 2_000)
    assert.ok(r.body.buckets.length >= 5 && r.body.buckets.length <= 6, `${r.body.buckets.length} buckets`)
    assert.equal(r.body.buckets.reduce((s, b) => s + b.samples, 0), r.body.samples)
    assert.ok(r.body.samples >= 3)
    const filled = r.body.buckets.filter(b => b.samples > 0)
    for (const b of filled) {
      const cpu = b.values.cpu
      assert.ok(cpu !== null && cpu !== undefined && cpu.mean <= cpu.max && cpu.max <= 1)
      assert.ok((b.values.rss_bytes?.mean ?? 0) > 0)
    }
    for (const b of r.body.buckets.filter(b => b.samples === 0)) assert.equal(b.values.cpu, null)
  })

  test('GET /v1/network/peers/<own id>/metrics is the same series; an ISO start is accepted', async () => {
    const start = new Date(Date.now() - 5_000).toISOString()
    const r = await call<SeriesBody>(`${url}/v1/network/peers/${node.mesh.peerId.toString()}/metrics?start=${start}&interval=1s`)
    assert.equal(r.status, 200, r.text)
    assert.equal(r.body.peer_id, node.mesh.peerId.toString())
    assert.equal(r.body.held.capacity, 3_600)
  })

  test('metric history validation: bad interval, start after end, too many buckets, unknown key, unknown peer', async () => {
    assertValidation(await call(`${url}/v1/system/metrics?interval=soon`), 'interval')
    assertValidation(await call(`${url}/v1/system/metrics?start=2000&end=1000`), 'start')
    assertValidation(await call(`${url}/v1/network/peers/x/metrics?start=0&interval=1s`), 'interval')
    assertValidation(await call(`${url}/v1/network/peers/x/metrics?start=yesterday`), 'start')
    assertError(await call(`${url}/v1/system/metrics?interval=1s&period=5m`), 422, 'VALIDATION_ERROR')
    assertError(await call(`${url}/v1/network/peers/12D3KooWnobody/metrics`), 404, 'NOT_FOUND')
  })

  test('GET /v1/performance/status reports each figure with its window and sample count', async () => {
    interface FigureBody { current: number, mean: number, max: number, samples: number, window_seconds: number }
    const r = await call<{ window: string, figures: Record<string, FigureBody> | null }>(`${url}/v1/performance/status?window=1m`)
    assert.equal(r.status, 200, r.text)
    assert.equal(r.body.window, '1m')
    const figures = r.body.figures
    assert.ok(figures !== null)
    for (const m of ['cpu', 'memory', 'rss_bytes', 'event_loop_delay_p99_ms', 'active_requests', 'request_rate', 'error_rate']) {
      const f: FigureBody | undefined = figures[m]
      assert.ok(f !== undefined, m)
      assert.equal(f.window_seconds, 60)
      assert.ok(f.samples >= 3)
      assert.ok(f.mean <= f.max + 1e-9, m)
    }
    assertValidation(await call(`${url}/v1/performance/status?window=2d`), 'window')
  })

  test('GET /v1/performance/predictions: no forecast, and why, with a history of seconds', async () => {
    const r = await call<{ method: string, horizon_ms: number, predictions: Array<{ metric: string, forecast: unknown, reason?: string, history: { points: number } }> }>(`${url}/v1/performance/predictions?horizon=1h`)
    assert.equal(r.status, 200, r.text)
    assert.equal(r.body.method, 'holt_linear_trend')
    assert.equal(r.body.horizon_ms, 3_600_000)
    assert.deepEqual(r.body.predictions.map(p => p.metric), ['cpu', 'memory', 'request_rate'])
    for (const p of r.body.predictions) {
      assert.equal(p.forecast, null)
      assert.match(p.reason ?? '', /needs at least \d+/)
    }
    assertValidation(await call(`${url}/v1/performance/predictions?horizon=1s`), 'horizon')
    assertValidation(await call(`${url}/v1/performance/predictions?horizon=later`), 'horizon')
  })

  test('GET /v1/performance/recommendations lists findings, each with the measurement behind it', async () => {
    const r = await call<{ window_seconds: number, recommendations: Array<{ id: string, measurement: { name: string, value: number, threshold: number } }> }>(`${url}/v1/performance/recommendations`)
    assert.equal(r.status, 200, r.text)
    assert.equal(r.body.window_seconds, 300)
    for (const f of r.body.recommendations) {
      assert.equal(typeof f.measurement.name, 'string')
      assert.equal(typeof f.measurement.value, 'number')
      assert.equal(typeof f.measurement.threshold, 'number')
    }
  })
})
