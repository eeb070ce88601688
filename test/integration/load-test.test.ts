import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { assertError, assertValidation, call, callAsOperator } from '../helpers/api.ts'
import { echoMeshForSuite } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

interface ResultBody {
  status: string
  scheduled: number
  sent: number
  skipped: number
  requests: number
  errors: number
  errors_by_status: Record<string, number>
  latency_ms: { p50: number, p95: number, p99: number } | null
  achieved_rate: number
  peers: Record<string, { requests: number, share: number }>
  unrouted: number
}

describe('a load test through a three-node mesh', { timeout: 180_000 }, () => {
  // The upstream does not count its /health checks, so its counts are the routed requests.
  const { nodes, upstreams } = echoMeshForSuite()
  let entry: RunningNode
  before(() => { entry = nodes[0] as RunningNode })

  test('the per-peer shares add up to the requests sent, and match what each upstream received', async () => {
    assert.equal((await callAsOperator(entry, 'PUT', '/v1/load-balancer/config', { strategy: 'round_robin' })).status, 200)
    const before = upstreams.map(u => u.counts.GET ?? 0)
    const r = await callAsOperator<{ test_id: string, scheduled: number, results_url: string }>(entry, 'POST', '/v1/testing/load', { service: 'echo', rate: 50, duration: '2s', concurrency: 16, path: '/echo' })
    assert.equal(r.status, 202, r.text)
    assert.equal(r.body.scheduled, 100)
    const result = await waitFor('the load test to end', async () => {
      const res = await call<ResultBody>(`${entry.api.url}${r.body.results_url}`)
      return res.body.status === 'done' ? res.body : undefined
    }, { timeoutMs: 60_000, intervalMs: 200 })
    assert.equal(result.sent + result.skipped, 100)
    assert.equal(result.requests, result.sent)
    assert.equal(result.unrouted, 0)
    assert.equal(result.errors, 0, JSON.stringify(result.errors_by_status))
    const shares = Object.values(result.peers)
    assert.equal(shares.reduce((s, p) => s + p.requests, 0), result.sent, 'per-peer counts add up to the requests sent')
    assert.ok(Math.abs(shares.reduce((s, p) => s + p.share, 0) - 1) < 1e-4)
    nodes.forEach((n, i) => {
      const received = (upstreams[i]?.counts.GET ?? 0) - (before[i] ?? 0)
      assert.equal(result.peers[n.mesh.peerId.toString()]?.requests ?? 0, received, `peer ${i}'s share is what its upstream received`)
      assert.ok(received > 0, `round_robin gives peer ${i} some of the load`)
    })
    assert.ok(result.latency_ms !== null && result.latency_ms.p50 <= result.latency_ms.p95 && result.latency_ms.p95 <= result.latency_ms.p99)
    assert.ok(result.achieved_rate > 0)
  })

  test('POST /v1/testing/load validation: token, bounds of the network, services of the mesh only, one at a time', async () => {
    const ok = { service: 'echo', rate: 10, duration_ms: 1_000 }
    assertError(await call(`${entry.api.url}/v1/testing/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ok) }), 401, 'AUTHENTICATION_ERROR')
    const over = assertValidation(await callAsOperator(entry, 'POST', '/v1/testing/load', { ...ok, rate: 201 }), 'rate')
    assert.equal(over.details.param, 'load_test.max_rate')
    assertValidation(await callAsOperator(entry, 'POST', '/v1/testing/load', { ...ok, duration_ms: 60_001 }), 'duration_ms')
    assertValidation(await callAsOperator(entry, 'POST', '/v1/testing/load', { ...ok, concurrency: 33 }), 'concurrency')
    assertValidation(await callAsOperator(entry, 'POST', '/v1/testing/load', { service: 'echo', rate: 10 }), 'duration_ms')
    assertValidation(await callAsOperator(entry, 'POST', '/v1/testing/load', { ...ok, path: 'echo' }), 'path')
    assertValidation(await callAsOperator(entry, 'POST', '/v1/testing/load', { ...ok, method: 'CONNECT' }), 'method')
    assertValidation(await callAsOperator(entry, 'POST', '/v1/testing/load', { ...ok, target: 'http://example.com' }), '', true)
    assertError(await callAsOperator(entry, 'POST', '/v1/testing/load', { ...ok, service: 'nobody-offers-this' }), 404, 'NOT_FOUND')
    assertError(await call(`${entry.api.url}/v1/testing/results/no-such-test`), 404, 'NOT_FOUND')
    const first = await callAsOperator<{ test_id: string }>(entry, 'POST', '/v1/testing/load', ok)
    assert.equal(first.status, 202)
    assertError(await callAsOperator(entry, 'POST', '/v1/testing/load', ok), 409, 'CONFLICT')
    await waitFor('the first test to end', async () => (await call<ResultBody>(`${entry.api.url}/v1/testing/results/${first.body.test_id}`)).body.status === 'done', { timeoutMs: 30_000, intervalMs: 200 })
  })

  test('GET /v1/network/peers/<id>/metrics gives a peer\'s gossiped load as a series', async () => {
    const peer = nodes[1]?.mesh.peerId.toString() ?? ''
    const r = await call<{ source: string, samples: number, buckets: Array<{ samples: number, values: Record<string, { mean: number, max: number } | null> }> }>(`${entry.api.url}/v1/network/peers/${peer}/metrics?start=${Date.now() - 60_000}&interval=10s`)
    assert.equal(r.status, 200, r.text)
    assert.equal(r.body.source, 'gossip')
    assert.ok(r.body.samples >= 1)
    assert.equal(r.body.buckets.reduce((s, b) => s + b.samples, 0), r.body.samples)
    const filled = r.body.buckets.find(b => b.samples > 0)
    assert.ok(filled?.values.cpu !== null && filled?.values.cpu !== undefined)
  })
})
