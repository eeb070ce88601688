import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { assertError, assertValidation, call, isolatedCall, sample, type Reply } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { startUpstream, type Upstream } from '../../simulations/live/upstream.ts'
import { waitFor } from '../helpers/wait.ts'

interface Echo { served_by: string, method: string, path: string, body: string }

interface ServiceRow {
  name: string
  local: { url: string, capacity: number, healthy: boolean, last_error: string | null } | null
  peers: Array<{
    peer_id: string
    status: string
    capacity: number
    load: { cpu_usage: number, active_requests: number }
    api_url: string | null
  }>
}

interface LbPeer { peer_id: string, in_flight: number, latency_ewma_ms: number | null, selections: number, errors: number, drained: boolean }

interface LbStatus {
  strategy: string
  weights: Record<string, number>
  total_in_flight: number
  retry_budget: { requests: number, retries: number, in_flight: number, ratio: number }
  services: Array<{ name: string, available_peers: number }>
  peers: LbPeer[]
}

interface LbConfig { strategy: string, weights: Record<string, number>, strategies: string[] }

interface FailoverStatus {
  strategy: string
  total_nodes: number
  healthy_nodes: number
  suspect_nodes: number
  down_nodes: number
  failed_nodes: number
  circuit_breakers: { closed: number, open: number, half_open: number }
  drained_nodes: Array<{ peer_id: string, node_id: string, reason: string, force: boolean, since: string }>
  recent_failures: Array<{ peer_id: string, node_id: string, service: string, failure_time: string, error: string }>
}

interface FailoverNodes {
  nodes: Array<{
    peer_id: string
    node_id: string
    status: string
    response_time_ms: number | null
    rtt_ms: number | null
    uptime_seconds: number
    circuit_breakers: Array<{ service: string, state: string, failure_rate: number, trips: number }>
  }>
}

interface Selected {
  service: string
  strategy: string
  peer_id: string
  selected_node: string
  node_info: { cpu_usage: number, active_requests: number, in_flight: number, capacity: number, latency_ewma_ms: number | null, cost: number }
  selection_reason: string
}

describe('routing API of two nodes, each offering service "echo"', { timeout: 240_000 }, () => {
  const dirs: string[] = []
  const upstreams: Upstream[] = []
  let a: RunningNode | undefined
  let b: RunningNode | undefined
  let upA: Upstream
  let upB: Upstream
  let url: string
  let idA: string
  let idB: string
  let auth: Record<string, string>
  const json = { 'content-type': 'application/json' }

  /** Which upstream sits behind each peer. */
  const upstreamOf = (peer: string): Upstream => peer === idA ? upA : peer === idB ? upB : assert.fail(`unknown peer ${peer}`)

  async function post<T = Record<string, unknown>> (path: string, body: unknown, headers: Record<string, string> = auth): Promise<Reply<T>> {
    return await call<T>(`${url}${path}`, { method: 'POST', headers: { ...json, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  }

  async function put<T = Record<string, unknown>> (path: string, body: unknown, headers: Record<string, string> = auth): Promise<Reply<T>> {
    return await call<T>(`${url}${path}`, { method: 'PUT', headers: { ...json, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  }

  async function drain (peer: string, reason: string): Promise<void> {
    const r = await post('/v1/failover/trigger', { node_id: peer, reason })
    assert.equal(r.status, 200, r.text)
  }

  async function undrain (peer: string): Promise<Reply> {
    return await call(`${url}/v1/failover/trigger/${peer}`, { method: 'DELETE', headers: auth })
  }

  /** Every drain of node A lifted, whatever a failed test left behind. */
  async function undrainAll (): Promise<void> {
    const { body } = await call<FailoverStatus>(`${url}/v1/failover/status`)
    for (const d of body.drained_nodes ?? []) await undrain(d.node_id)
  }

  /** Node A's load-balancer view of one peer. */
  async function lbPeer (peer: string): Promise<LbPeer | undefined> {
    const { body } = await call<LbStatus>(`${url}/v1/load-balancer/status`)
    return body.peers.find(p => p.peer_id === peer)
  }

  /** How many requests each upstream has seen, by method. */
  const counts = (): string => JSON.stringify([upA.counts, upB.counts])

  before(async () => {
    upA = await startUpstream('upstream-a')
    upstreams.push(upA)
    upB = await startUpstream('upstream-b')
    upstreams.push(upB)
    dirs.push(await tempDir(), await tempDir())
    a = await startNode(dirs[0] ?? '', { services: [{ name: 'echo', url: upA.url, capacity: 100 }] })
    b = await startNode(dirs[1] ?? '', {
      services: [{ name: 'echo', url: upB.url, capacity: 50 }],
      bootstrap: [a.mesh.network.listenAddresses()[0] ?? '']
    })
    url = a.api.url
    idA = a.mesh.peerId.toString()
    idB = b.mesh.peerId.toString()
    auth = { authorization: `Bearer ${a.token}` }
    await waitFor('node A to list echo as healthy locally and on node B', async () => {
      const { body } = await call<{ services: ServiceRow[] }>(`${url}/v1/services`)
      const echo = body.services.find(s => s.name === 'echo')
      return echo?.local?.healthy === true && echo.peers.some(p => p.peer_id === idB && p.status === 'healthy')
    }, { timeoutMs: 15_000, intervalMs: 200 })
  })

  after(async () => {
    // Everything is stopped and removed even when one step fails; the first failure is reported.
    const failures: unknown[] = []
    const step = async (f: () => Promise<void>): Promise<void> => { try { await f() } catch (err) { failures.push(err) } }
    for (const n of [b, a]) await step(async () => { await n?.stop() })
    for (const u of upstreams) await step(async () => { await u.close() })
    for (const d of dirs) await step(async () => { await removeDir(d) })
    if (failures.length > 0) throw failures[0]
  })

  test('GET /v1/services lists echo with its local upstream and node B as a healthy peer', async () => {
    const r = await call<{ services: ServiceRow[] }>(`${url}/v1/services`)
    assert.equal(r.status, 200)
    const echo = r.body.services.find(s => s.name === 'echo')
    assert.ok(echo !== undefined, r.text)
    assert.deepEqual(echo.local, { url: upA.url, capacity: 100, healthy: true, last_error: null })
    assert.deepEqual(echo.peers.map(p => p.peer_id), [idB], 'the peers of echo are node B only, not node A itself')
    const peer = echo.peers[0]
    assert.ok(peer !== undefined)
    assert.equal(peer.status, 'healthy')
    assert.equal(peer.capacity, 50)
    assert.equal(typeof peer.load.cpu_usage, 'number')
    assert.ok(peer.load.cpu_usage >= 0 && peer.load.cpu_usage <= 1, `cpu_usage ${peer.load.cpu_usage}`)
    assert.ok(Number.isInteger(peer.load.active_requests) && peer.load.active_requests >= 0)
    assert.equal(peer.api_url, b?.api.url)
  })

  describe('ANY /v1/route/<service>/<path>', () => {
    for (const via of ['A (its local upstream)', 'B (over the route protocol)']) {
      test(`GET, POST, PUT and DELETE served by node ${via} arrive intact: method, path with query, body`, async () => {
        const target = via.startsWith('A') ? idA : idB
        const other = target === idA ? idB : idA
        await drain(other, 'pin the test to one peer')
        try {
          for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
            const testId = `methods-${target}-${method}`
            const body = method === 'GET' ? undefined : JSON.stringify({ method, text: 'héllo wörld', n: [1, 2, 3] })
            const r = await call<Echo>(`${url}/v1/route/echo/echo?q=a%20b&n=1&empty=`, {
              method,
              headers: { 'content-type': 'application/json', 'x-test-id': testId },
              ...(body === undefined ? {} : { body })
            })
            assert.equal(r.status, 200, `${method}: ${r.text}`)
            assert.equal(r.headers.get('x-mesh-peer'), target, method)
            assert.equal(r.headers.get('x-mesh-attempts'), '1', method)
            assert.ok((r.headers.get('x-request-id') ?? '') !== '', `${method}: no X-Request-Id`)
            assert.equal(r.headers.get('x-served-by'), upstreamOf(target).name, `${method}: the upstream's headers pass through`)
            assert.deepEqual(r.body, { served_by: upstreamOf(target).name, method, path: '/echo?q=a%20b&n=1&empty=', body: body ?? '' })
            assert.ok(upstreamOf(target).ids.includes(testId), `${method}: the x-test-id header did not reach the upstream`)
          }
        } finally {
          const r = await undrain(other)
          assert.equal(r.status, 200, r.text)
        }
      })
    }

    test('status codes pass through with the upstream\'s body, not the error shape: 418 and 404', async () => {
      for (const code of [418, 404]) {
        const r = await call(`${url}/v1/route/echo/status/${code}`)
        assert.equal(r.status, code, r.text)
        assert.equal(r.text, `status ${code}`)
        assert.doesNotMatch(r.headers.get('content-type') ?? '', /application\/json/)
        const peer = r.headers.get('x-mesh-peer') ?? ''
        assert.ok([idA, idB].includes(peer), `X-Mesh-Peer ${peer}`)
        assert.equal(r.headers.get('x-served-by'), upstreamOf(peer).name)
        assert.equal(r.headers.get('x-mesh-attempts'), '1')
      }
    })

    test('a streamed body (/stream?chunks=5) arrives whole, from either peer', async () => {
      const seen = new Set<string>()
      for (let i = 0; i < 20 && seen.size < 2; i++) {
        const r = await call(`${url}/v1/route/echo/stream?chunks=5`)
        assert.equal(r.status, 200, r.text)
        const peer = r.headers.get('x-mesh-peer') ?? ''
        const name = upstreamOf(peer).name
        seen.add(peer)
        assert.match(r.headers.get('content-type') ?? '', /^text\/plain/)
        assert.equal(r.text, [0, 1, 2, 3, 4].map(n => `chunk ${n} from ${name}\n`).join(''))
      }
      // Drain one peer at a time if the strategy never picked the other.
      for (const peer of [idA, idB].filter(p => !seen.has(p))) {
        const other = peer === idA ? idB : idA
        await drain(other, 'stream through the other peer')
        try {
          const r = await call(`${url}/v1/route/echo/stream?chunks=5`)
          assert.equal(r.status, 200, r.text)
          assert.equal(r.headers.get('x-mesh-peer'), peer)
          assert.equal(r.text, [0, 1, 2, 3, 4].map(n => `chunk ${n} from ${upstreamOf(peer).name}\n`).join(''))
        } finally {
          await undrain(other)
        }
      }
    })

    test('HEAD is forwarded as HEAD and answers without a body, via either peer', async () => {
      for (const peer of [idA, idB]) {
        const other = peer === idA ? idB : idA
        await drain(other, 'pin HEAD to one peer')
        try {
          const before = upstreamOf(peer).counts.HEAD ?? 0
          const r = await call(`${url}/v1/route/echo/echo?x=1`, { method: 'HEAD' }, { allowEmptyBody: true })
          assert.equal(r.status, 200)
          assert.equal(r.text, '')
          assert.equal(r.headers.get('x-mesh-peer'), peer)
          assert.equal(r.headers.get('x-mesh-attempts'), '1')
          assert.equal(r.headers.get('x-served-by'), upstreamOf(peer).name)
          assert.equal(upstreamOf(peer).counts.HEAD ?? 0, before + 1)
        } finally {
          await undrain(other)
        }
      }
    })

    test('routed requests need no token, even POST; a token that is not the operator\'s is not refused either', async () => {
      const r = await call<Echo>(`${url}/v1/route/echo/echo`, { method: 'POST', headers: json, body: '{"anonymous":true}' })
      assert.equal(r.status, 200, r.text)
      assert.equal(r.body.method, 'POST')
      assert.equal(r.body.body, '{"anonymous":true}')
      const u = await call<Echo>(`${url}/v1/route/echo/echo`, { method: 'POST', headers: { ...json, authorization: 'Bearer some-client' }, body: '{}' })
      assert.equal(u.status, 200, u.text)
    })

    test('an unknown service is 404 NOT_FOUND', async () => {
      const before = counts()
      const r = await call(`${url}/v1/route/no-such-service/echo`)
      const error = assertError(r, 404, 'NOT_FOUND')
      assert.ok(error.message.includes('no-such-service'), error.message)
      assert.equal(counts(), before)
    })

    test('/v1/route/echo with no path is 404 NOT_FOUND', async () => {
      for (const method of ['GET', 'POST']) {
        const r = await call(`${url}/v1/route/echo`, { method })
        assertError(r, 404, 'NOT_FOUND')
      }
    })

    for (const chunked of [false, true]) {
      // A declared length is refused before anything is sent; a chunked body streams, so the upstream sees it cut at the limit, never complete.
      test(`a body over 10 MiB (${chunked ? 'chunked' : 'with Content-Length'}) is 413 PAYLOAD_TOO_LARGE and is not forwarded ${chunked ? 'whole' : 'at all'}`, async () => {
        const testId = `too-large-${chunked ? 'chunked' : 'length'}`
        const abortedBefore = upA.aborted + upB.aborted
        const big = Buffer.alloc(10 * 1024 * 1024 + 1, 'x')
        const r = await isolatedCall(`${url}/v1/route/echo/echo`, 'POST', { 'content-type': 'text/plain', 'x-test-id': testId }, big, { chunked })
        assertError(r, 413, 'PAYLOAD_TOO_LARGE')
        const seen = upA.ids.includes(testId) || upB.ids.includes(testId)
        if (chunked && seen) await waitFor('the upstream to see the request cut', () => upA.aborted + upB.aborted > abortedBefore, { timeoutMs: 5_000 })
        else assert.ok(!seen, 'the oversized body was forwarded')
        // The node still routes afterwards.
        const ok = await call(`${url}/v1/route/echo/echo`)
        assert.equal(ok.status, 200, ok.text)
      })
    }
  })

  describe('failover', () => {
    test('with both peers drained a routed GET is 503 UNAVAILABLE; DELETE /v1/failover/trigger/<peer> restores it', async () => {
      try {
        for (const peer of [idA, idB]) {
          const r = await post<{ node_id: string, drained: boolean, reason: string, force: boolean, since: string }>('/v1/failover/trigger', { node_id: peer, reason: 'maintenance' })
          assert.equal(r.status, 200, r.text)
          assert.equal(r.body.node_id, peer)
          assert.equal(r.body.drained, true)
          assert.equal(r.body.reason, 'maintenance')
          assert.equal(r.body.force, false)
          assert.ok(!Number.isNaN(Date.parse(r.body.since)))
        }
        const status = await call<FailoverStatus>(`${url}/v1/failover/status`)
        assert.deepEqual(status.body.drained_nodes.map(d => d.node_id).sort(), [idA, idB].sort())
        assert.ok(status.body.drained_nodes.every(d => d.reason === 'maintenance' && d.force === false))

        const before = counts()
        const r = await call(`${url}/v1/route/echo/echo`)
        const error = assertError(r, 503, 'UNAVAILABLE')
        assert.equal(error.details.service, 'echo')
        assert.equal(counts(), before, 'a drained peer was called')

        const lb = await call<LbStatus>(`${url}/v1/load-balancer/status`)
        assert.deepEqual(lb.body.services.find(s => s.name === 'echo'), { name: 'echo', available_peers: 0 })
        assert.ok(lb.body.peers.filter(p => p.peer_id === idA || p.peer_id === idB).every(p => p.drained))

        const undrainedB = await undrain(idB)
        assert.equal(undrainedB.status, 200, undrainedB.text)
        assert.deepEqual(undrainedB.body, { peer_id: idB, node_id: idB, drained: false })
        const viaB = await call<Echo>(`${url}/v1/route/echo/echo`)
        assert.equal(viaB.status, 200, viaB.text)
        assert.equal(viaB.headers.get('x-mesh-peer'), idB)

        const undrainedA = await undrain(idA)
        assert.equal(undrainedA.status, 200, undrainedA.text)
        assert.deepEqual(undrainedA.body, { peer_id: idA, node_id: idA, drained: false })
        const after = await call(`${url}/v1/failover/status`)
        assert.deepEqual((after.body as unknown as FailoverStatus).drained_nodes, [])
      } finally {
        await undrainAll()
      }
    })

    test('a drain names its peer by peer_id or by node_id, its DataMesh alias; every failover body gives both', async () => {
      try {
        const byPeerId = await post<{ peer_id: string, node_id: string, drained: boolean }>('/v1/failover/trigger', { peer_id: idA, reason: 'by peer_id' })
        assert.equal(byPeerId.status, 200, byPeerId.text)
        assert.equal(byPeerId.body.peer_id, idA)
        assert.equal(byPeerId.body.node_id, idA)
        const both = await post<{ peer_id: string, node_id: string }>('/v1/failover/trigger', { peer_id: idB, node_id: idB, reason: 'by both' })
        assert.equal(both.status, 200, both.text)
        assert.equal(both.body.peer_id, idB)
        const status = await call<FailoverStatus>(`${url}/v1/failover/status`)
        assert.deepEqual(status.body.drained_nodes.map(d => [d.peer_id, d.node_id, d.reason]).sort(), [[idA, idA, 'by peer_id'], [idB, idB, 'by both']].sort())
        const nodes = await call<FailoverNodes>(`${url}/v1/failover/nodes`)
        assert.ok(nodes.body.nodes.every(n => n.peer_id === n.node_id), JSON.stringify(nodes.body.nodes))
      } finally {
        await undrainAll()
      }
    })

    test('DELETE /v1/failover/trigger/<peer> for a peer that is not drained is 404', async () => {
      const r = await undrain(idB)
      const error = assertError(r, 404, 'NOT_FOUND')
      assert.equal(error.details.node_id, idB)
      assert.equal(error.details.peer_id, idB)
      const unknown = await undrain('no-such-node')
      assertError(unknown, 404, 'NOT_FOUND')
    })

    test('DELETE /v1/failover/trigger/<peer> without a token is 401 and the drain stays', async () => {
      await drain(idB, 'stays')
      try {
        const r = await call(`${url}/v1/failover/trigger/${idB}`, { method: 'DELETE' })
        assertError(r, 401, 'AUTHENTICATION_ERROR')
        const { body } = await call<FailoverStatus>(`${url}/v1/failover/status`)
        assert.deepEqual(body.drained_nodes.map(d => d.node_id), [idB])
      } finally {
        await undrainAll()
      }
    })

    describe('POST /v1/failover/trigger errors', () => {
      test('without a token: 401 with a WWW-Authenticate challenge, and nothing is drained', async () => {
        const r = await post('/v1/failover/trigger', { node_id: idB, reason: 'x' }, {})
        assertError(r, 401, 'AUTHENTICATION_ERROR')
        assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/)
        const wrong = await post('/v1/failover/trigger', { node_id: idB, reason: 'x' }, { authorization: 'Bearer not-the-token' })
        assertError(wrong, 401, 'AUTHENTICATION_ERROR')
        const { body } = await call<FailoverStatus>(`${url}/v1/failover/status`)
        assert.deepEqual(body.drained_nodes, [])
      })

      test('missing node_id: 422 naming node_id', async () => {
        assertValidation(await post('/v1/failover/trigger', { reason: 'x' }), 'node_id')
      })

      test('peer_id and node_id naming two peers: 422 naming node_id, and nothing is drained', async () => {
        assertValidation(await post('/v1/failover/trigger', { peer_id: idA, node_id: idB, reason: 'x' }), 'node_id')
        const { body } = await call<FailoverStatus>(`${url}/v1/failover/status`)
        assert.deepEqual(body.drained_nodes, [])
      })

      test('missing reason: 422 naming reason', async () => {
        assertValidation(await post('/v1/failover/trigger', { node_id: idB }), 'reason')
      })

      test('an unknown extra field: 422 naming it, and nothing is drained', async () => {
        const r = await post('/v1/failover/trigger', { node_id: idB, reason: 'x', colour: 'blue' })
        const error = assertError(r, 422, 'VALIDATION_ERROR')
        assert.ok(error.message.includes('colour'), error.message)
        const { body } = await call<FailoverStatus>(`${url}/v1/failover/status`)
        assert.deepEqual(body.drained_nodes, [])
      })

      test('invalid JSON: 400 BAD_REQUEST', async () => {
        assertError(await post('/v1/failover/trigger', '{"node_id": '), 400, 'BAD_REQUEST')
      })
    })

    test('GET /v1/failover/status: node counts, circuit breaker counts, drained nodes, recent failures', async () => {
      // A gateway error from the upstream is a failed attempt on each peer (GET is retried once elsewhere).
      const failed = await call(`${url}/v1/route/echo/status/502`)
      assertError(failed, 502, 'UPSTREAM_ERROR')
      const r = await call<FailoverStatus>(`${url}/v1/failover/status`)
      assert.equal(r.status, 200)
      assert.deepEqual(Object.keys(r.body).sort(),
        ['circuit_breakers', 'down_nodes', 'drained_nodes', 'failed_nodes', 'healthy_nodes', 'left_nodes', 'recent_failures', 'strategy', 'suspect_nodes', 'total_nodes'])
      assert.equal(r.body.strategy, 'circuit_breaker')
      assert.equal(r.body.total_nodes, 1)
      assert.equal(r.body.healthy_nodes, 1)
      assert.equal(r.body.suspect_nodes, 0)
      assert.equal(r.body.failed_nodes, 0)
      assert.equal(r.body.down_nodes, 0)
      assert.deepEqual(Object.keys(r.body.circuit_breakers).sort(), ['closed', 'half_open', 'open'])
      // One breaker per peer and service: echo on A and on B, both closed after a single failure.
      assert.deepEqual(r.body.circuit_breakers, { closed: 2, open: 0, half_open: 0 })
      assert.deepEqual(r.body.drained_nodes, [])
      assert.ok(Array.isArray(r.body.recent_failures))
      const mine = r.body.recent_failures.filter(f => f.error.includes('502'))
      assert.deepEqual(mine.map(f => f.node_id).sort(), [idA, idB].sort(), JSON.stringify(r.body.recent_failures))
      for (const f of r.body.recent_failures) {
        assert.deepEqual(Object.keys(f).sort(), ['error', 'failure_time', 'node_id', 'peer_id', 'service'])
        assert.equal(f.peer_id, f.node_id)
        assert.equal(f.service, 'echo')
        assert.ok(!Number.isNaN(Date.parse(f.failure_time)), f.failure_time)
        assert.equal(typeof f.error, 'string')
      }
    })

    test('GET /v1/failover/nodes lists node B with its circuit breaker after routed traffic', async () => {
      for (let i = 0; i < 4; i++) assert.equal((await call(`${url}/v1/route/echo/echo`)).status, 200)
      const r = await call<FailoverNodes>(`${url}/v1/failover/nodes`)
      assert.equal(r.status, 200)
      assert.deepEqual(r.body.nodes.map(n => n.node_id), [idB])
      const node = r.body.nodes[0]
      assert.ok(node !== undefined)
      assert.equal(node.status, 'healthy')
      assert.ok(node.rtt_ms === null || node.rtt_ms >= 0)
      assert.ok(node.response_time_ms === null || node.response_time_ms >= 0)
      assert.ok(Number.isInteger(node.uptime_seconds) && node.uptime_seconds >= 0)
      assert.equal(node.circuit_breakers.length, 1, JSON.stringify(node.circuit_breakers))
      const breaker = node.circuit_breakers[0]
      assert.ok(breaker !== undefined)
      assert.equal(breaker.service, 'echo')
      assert.equal(breaker.state, 'closed')
      assert.ok(breaker.failure_rate >= 0 && breaker.failure_rate <= 1, String(breaker.failure_rate))
      assert.equal(breaker.trips, 0)

      await drain(idB, 'shown as drained')
      try {
        const drained = await call<FailoverNodes>(`${url}/v1/failover/nodes`)
        assert.equal(drained.body.nodes.find(n => n.node_id === idB)?.status, 'drained')
      } finally {
        await undrainAll()
      }
    })
  })

  describe('load balancer', () => {
    test('POST /v1/load-balancer/select-node picks one of the two peers and forwards nothing', async () => {
      const seen = new Set<string>()
      // Health checks of the upstreams (GET /) also count: retry until a window without one.
      let quiet = false
      for (let i = 0; i < 10; i++) {
        const before = counts()
        const r = await post<Selected>('/v1/load-balancer/select-node', { service: 'echo' }, { ...auth, 'x-test-id': `select-${i}` })
        const afterCounts = counts()
        assert.equal(r.status, 200, r.text)
        assert.deepEqual(Object.keys(r.body).sort(), ['node_info', 'peer_id', 'selected_node', 'selection_reason', 'service', 'strategy'])
        assert.equal(r.body.peer_id, r.body.selected_node)
        assert.equal(r.body.service, 'echo')
        assert.equal(r.body.strategy, 'adaptive')
        assert.ok([idA, idB].includes(r.body.selected_node), r.body.selected_node)
        seen.add(r.body.selected_node)
        assert.equal(typeof r.body.selection_reason, 'string')
        assert.ok(r.body.selection_reason.length > 0)
        const info = r.body.node_info
        assert.deepEqual(Object.keys(info).sort(), ['active_requests', 'capacity', 'cost', 'cpu_usage', 'in_flight', 'latency_ewma_ms'])
        assert.equal(info.capacity, r.body.selected_node === idA ? 100 : 50)
        assert.equal(info.in_flight, 0)
        assert.ok(info.cpu_usage >= 0 && info.cpu_usage <= 1)
        assert.ok(info.cost > 0)
        if (before === afterCounts) quiet = true
        assert.ok(!upA.ids.includes(`select-${i}`) && !upB.ids.includes(`select-${i}`), 'select-node forwarded the request')
      }
      assert.ok(quiet, 'the upstreams\' request counts changed during every select-node call')
    })

    test('select-node errors: unknown service 404, missing service 422, no token 401', async () => {
      const unknown = await post('/v1/load-balancer/select-node', { service: 'no-such-service' })
      const error = assertError(unknown, 404, 'NOT_FOUND')
      assert.equal(error.details.service, 'no-such-service')
      assertValidation(await post('/v1/load-balancer/select-node', {}), 'service')
      assertError(await post('/v1/load-balancer/select-node', { service: 'echo' }, {}), 401, 'AUTHENTICATION_ERROR')
    })

    test('select-node with every peer drained is 503 UNAVAILABLE', async () => {
      await drain(idA, 'all drained')
      await drain(idB, 'all drained')
      try {
        const r = await post('/v1/load-balancer/select-node', { service: 'echo' })
        assertError(r, 503, 'UNAVAILABLE')
      } finally {
        await undrainAll()
      }
    })

    test('PUT /v1/load-balancer/config round_robin: shown by config and status, 6 routed GETs alternate 3 and 3', async () => {
      try {
        const r = await put<LbConfig>('/v1/load-balancer/config', { strategy: 'round_robin' })
        assert.equal(r.status, 200, r.text)
        assert.equal(r.body.strategy, 'round_robin')
        assert.ok(r.body.strategies.includes('round_robin') && r.body.strategies.includes('adaptive'))
        const config = await call<LbConfig>(`${url}/v1/load-balancer/config`)
        assert.equal(config.status, 200)
        assert.equal(config.body.strategy, 'round_robin')
        assert.deepEqual(config.body.weights, {})
        assert.deepEqual([...config.body.strategies].sort(), ['adaptive', 'least_connections', 'round_robin', 'weighted_round_robin'])
        const status = await call<LbStatus>(`${url}/v1/load-balancer/status`)
        assert.equal(status.body.strategy, 'round_robin')

        const peers: string[] = []
        for (let i = 0; i < 6; i++) {
          const g = await call<Echo>(`${url}/v1/route/echo/echo?i=${i}`)
          assert.equal(g.status, 200, g.text)
          const peer = g.headers.get('x-mesh-peer') ?? ''
          assert.equal(g.body.served_by, upstreamOf(peer).name)
          peers.push(peer)
        }
        assert.equal(peers.filter(p => p === idA).length, 3, peers.join(' '))
        assert.equal(peers.filter(p => p === idB).length, 3, peers.join(' '))
        for (let i = 1; i < peers.length; i++) assert.notEqual(peers[i], peers[i - 1], `not alternating: ${peers.join(' ')}`)
      } finally {
        const restored = await put<LbConfig>('/v1/load-balancer/config', { strategy: 'adaptive' })
        assert.equal(restored.status, 200, restored.text)
        assert.equal(restored.body.strategy, 'adaptive')
      }
      assert.equal((await call<LbConfig>(`${url}/v1/load-balancer/config`)).body.strategy, 'adaptive')
    })

    test('PUT /v1/load-balancer/config errors: unknown strategy, nothing to change, weight 0, no token; nothing changes', async () => {
      assertValidation(await put('/v1/load-balancer/config', { strategy: 'fastest' }), 'strategy')
      assertError(await put('/v1/load-balancer/config', {}), 422, 'VALIDATION_ERROR')
      const weight = assertError(await put('/v1/load-balancer/config', { weights: { x: 0 } }), 422, 'VALIDATION_ERROR')
      assert.match(String(weight.details.field), /^weights/)
      assert.ok(weight.message.includes('weights'), weight.message)
      assertError(await put('/v1/load-balancer/config', { strategy: 'round_robin' }, {}), 401, 'AUTHENTICATION_ERROR')
      assertError(await put('/v1/load-balancer/config', '{"strategy":'), 400, 'BAD_REQUEST')
      const config = await call<LbConfig>(`${url}/v1/load-balancer/config`)
      assert.equal(config.body.strategy, 'adaptive')
      assert.deepEqual(config.body.weights, {})
    })

    test('GET /v1/load-balancer/status: per-peer selections grow with routed traffic', async () => {
      const before = await call<LbStatus>(`${url}/v1/load-balancer/status`)
      assert.equal(before.status, 200)
      assert.equal(before.body.strategy, 'adaptive')
      assert.deepEqual(before.body.services, [{ name: 'echo', available_peers: 2 }])
      assert.equal(typeof before.body.retry_budget.requests, 'number')
      const selectionsOf = (s: LbStatus, peer: string): number => s.peers.find(p => p.peer_id === peer)?.selections ?? 0
      const served = new Map<string, number>([[idA, 0], [idB, 0]])
      for (let i = 0; i < 8; i++) {
        const r = await call(`${url}/v1/route/echo/echo`)
        assert.equal(r.status, 200, r.text)
        const peer = r.headers.get('x-mesh-peer') ?? ''
        served.set(peer, (served.get(peer) ?? 0) + 1)
      }
      const afterStatus = await call<LbStatus>(`${url}/v1/load-balancer/status`)
      for (const peer of [idA, idB]) {
        assert.equal(selectionsOf(afterStatus.body, peer) - selectionsOf(before.body, peer), served.get(peer), `selections of ${peer}`)
      }
      assert.ok(afterStatus.body.retry_budget.requests >= 8)
      for (const p of afterStatus.body.peers) {
        assert.deepEqual(Object.keys(p).sort(), ['drained', 'errors', 'in_flight', 'latency_ewma_ms', 'peer_id', 'selections'])
        assert.equal(p.drained, false)
      }
    })

    test('GET /v1/load-balancer/status: in_flight is 0 on every peer once routed requests (GET, POST, HEAD, streams) are done', async () => {
      for (const peer of [idA, idB]) {
        const other = peer === idA ? idB : idA
        await drain(other, 'pin to one peer')
        try {
          assert.equal((await call(`${url}/v1/route/echo/echo`)).status, 200)
          assert.equal((await call(`${url}/v1/route/echo/echo`, { method: 'POST', body: 'x' })).status, 200)
          assert.equal((await call(`${url}/v1/route/echo/stream?chunks=2`)).status, 200)
          assert.equal((await call(`${url}/v1/route/echo/echo`, { method: 'HEAD' }, { allowEmptyBody: true })).status, 200)
          assert.equal((await call(`${url}/v1/route/echo/status/404`)).status, 404)
        } finally {
          await undrainAll()
        }
      }
      const idle = await waitFor('in_flight to fall to 0 on every peer', async () => {
        const { body } = await call<LbStatus>(`${url}/v1/load-balancer/status`)
        return body.total_in_flight === 0 && body.peers.every(p => p.in_flight === 0) ? body : undefined
      }, { timeoutMs: 5_000 }).catch(async (err: unknown) => {
        const { body } = await call<LbStatus>(`${url}/v1/load-balancer/status`)
        assert.fail(`${String(err)}: ${JSON.stringify(body.peers)}`)
      })
      assert.equal(idle.retry_budget.in_flight, 0)
      assert.equal((await lbPeer(idA))?.in_flight, 0)
      assert.equal((await lbPeer(idB))?.in_flight, 0)
    })
  })

  test('/metrics: meshnode_routed_requests_total{status_class="2xx"} grows with routed requests', async () => {
    const read = async (): Promise<number> => sample((await call(`${url}/metrics`)).text, 'meshnode_routed_requests_total', { status_class: '2xx' }) ?? 0
    const before = await read()
    assert.ok(before > 0, 'earlier routed requests were not counted')
    for (let i = 0; i < 5; i++) assert.equal((await call(`${url}/v1/route/echo/echo`)).status, 200)
    const grown = await waitFor('the 2xx counter to count five more requests', async () => {
      const v = await read()
      return v >= before + 5 ? v : undefined
    }, { timeoutMs: 5_000 })
    assert.ok(grown >= before + 5)
    const text = (await call(`${url}/metrics`)).text
    assert.match(text, /^# TYPE meshnode_routed_requests_total counter$/m)
    assert.ok((sample(text, 'meshnode_routed_requests_total', { status_class: '4xx' }) ?? 0) >= 1, 'the routed 404 and 418 were not counted as 4xx')
  })
})
