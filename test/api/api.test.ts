import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { RunningNode } from '../../src/launch.ts'
import { assertError, assertValidation, call, isolatedCall, sample, type ErrorBody } from '../helpers/api.ts'
import { removeDir, spawnNode, startNode, stopChild, tempDir, type ChildNode } from '../helpers/nodes.ts'
import { drained } from '../../src/routing/upstream-client.ts'
import { waitFor } from '../helpers/wait.ts'

/** Every value of one label of one metric, over all its samples. */
function labelValues (text: string, name: string, label: string): Set<string> {
  const values = new Set<string>()
  const re = new RegExp(`${label}="([^"]*)"`)
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const v = re.exec(line)?.[1]
    if (v !== undefined) values.add(v)
  }
  return values
}

interface Series { average: number, peak: number, current: number }

interface SseEvent { event: string, id: string, data: string }

/** Parses complete SSE frames out of `buffer`; returns the events and what is left over. */
function parseSse (buffer: string): { events: SseEvent[], rest: string } {
  const events: SseEvent[] = []
  const frames = buffer.split('\n\n')
  const rest = frames.pop() ?? ''
  for (const frame of frames) {
    const e: SseEvent = { event: 'message', id: '', data: '' }
    let any = false
    for (const line of frame.split('\n')) {
      if (line.startsWith(':') || line === '') continue
      const i = line.indexOf(':')
      const field = i < 0 ? line : line.slice(0, i)
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '')
      if (field === 'event') e.event = value
      else if (field === 'id') e.id = value
      else if (field === 'data') e.data = e.data === '' ? value : `${e.data}\n${value}`
      else continue
      any = true
    }
    if (any) events.push(e)
  }
  return { events, rest }
}

describe('HTTP API of a lone node', { timeout: 120_000 }, () => {
  let node: RunningNode
  let dir: string
  let url: string
  let auth: Record<string, string>

  before(async () => {
    dir = await tempDir()
    node = await startNode(dir)
    url = node.api.url
    auth = { authorization: `Bearer ${node.token}` }
  })

  after(async () => {
    await node?.stop()
    if (dir !== undefined) await removeDir(dir)
  })

  describe('root probes', () => {
    test('GET /health is 200 ok', async () => {
      const r = await call(`${url}/health`)
      assert.equal(r.status, 200)
      assert.deepEqual(r.body, { status: 'ok' })
    })

    test('GET /ready is 200 with every check true once started', async () => {
      const r = await call<{ status: string, checks: Record<string, boolean> }>(`${url}/ready`)
      assert.equal(r.status, 200)
      assert.equal(r.body.status, 'ready')
      assert.deepEqual(r.body.checks, { libp2p: true, database: true, subscriptions: true, billing: true })
    })

    test('GET /metrics is Prometheus text with gossip, peer, request and process metrics', async () => {
      // The first snapshot is published at once; its counter is incremented when the publish settles.
      const text = await waitFor('a published telemetry message to be counted', async () => {
        const r = await call(`${url}/metrics`)
        return (sample(r.text, 'meshnode_gossip_messages_total', { outcome: 'published' }) ?? 0) >= 1 ? r.text : undefined
      }, { timeoutMs: 10_000 })
      const r = await call(`${url}/metrics`)
      assert.equal(r.status, 200)
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain/)
      assert.match(text, /^# HELP meshnode_gossip_messages_total /m)
      assert.match(text, /^# TYPE meshnode_gossip_messages_total counter$/m)
      assert.match(text, /^# TYPE meshnode_peers gauge$/m)
      for (const state of ['healthy', 'suspect', 'down']) assert.equal(sample(r.text, 'meshnode_peers', { state }), 0)
      assert.match(r.text, /^# TYPE meshnode_api_request_duration_seconds histogram$/m)
      const cpu = sample(r.text, 'process_cpu_user_seconds_total')
      assert.equal(typeof cpu, 'number')
      assert.ok(cpu !== undefined && cpu > 0)
    })

    test('request durations are labelled by route pattern, and unknown paths as "unmatched"', async () => {
      assert.equal((await call(`${url}/v1/system/status`)).status, 200)
      assert.equal((await call(`${url}/no/such/path`)).status, 404)
      assert.equal((await call(`${url}/v1/system/no-such-thing`)).status, 404)
      const text = (await call(`${url}/metrics`)).text
      const routes = labelValues(text, 'meshnode_api_request_duration_seconds', 'route')
      assert.ok(routes.has('/v1/system/status'), `routes: ${[...routes].join(', ')}`)
      assert.ok(routes.has('unmatched'), `routes: ${[...routes].join(', ')}`)
      assert.ok(!routes.has('/no/such/path'), 'a raw unknown path became a label value')
      assert.ok(!routes.has('/v1/system/no-such-thing'), 'a raw unknown path became a label value')
      const count = sample(text, 'meshnode_api_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })
      assert.ok(count !== undefined && count >= 2, `unmatched 404 count: ${count}`)
      assert.ok((sample(text, 'meshnode_api_request_duration_seconds_count', { method: 'GET', route: '/v1/system/status', status: '200' }) ?? 0) >= 1)
    })
  })

  describe('system', () => {
    test('GET /v1/system/status describes this node with measured load', async () => {
      const r = await waitFor('a status with a load snapshot', async () => {
        const reply = await call<Record<string, unknown> & { load: Record<string, unknown> | null }>(`${url}/v1/system/status`)
        return reply.body.load !== null ? reply : undefined
      }, { timeoutMs: 10_000 })
      assert.equal(r.status, 200)
      const b = r.body
      assert.equal(b.peer_id, node.mesh.peerId.toString())
      assert.equal(b.status, 'healthy')
      assert.equal(b.network_id, node.mesh.networkId)
      assert.equal(typeof b.version, 'string')
      assert.equal(typeof b.uptime_seconds, 'number')
      assert.ok((b.uptime_seconds as number) >= 0)
      assert.ok(!Number.isNaN(Date.parse(b.started_at as string)))
      const components = b.components as Record<string, Record<string, unknown>>
      assert.deepEqual(Object.keys(components).sort(), ['p2p', 'peers', 'storage', 'telemetry'])
      assert.equal(components.p2p?.status, 'active')
      assert.deepEqual(components.p2p?.listen_addresses, node.mesh.network.listenAddresses())
      assert.equal(components.telemetry?.status, 'active')
      assert.equal(components.storage?.status, 'open')
      assert.deepEqual(components.peers, { total: 0, healthy: 0, suspect: 0, down: 0, left: 0 })
      const load = b.load as Record<string, number>
      for (const key of ['cpu_usage', 'memory_usage']) {
        assert.equal(typeof load[key], 'number', key)
        assert.ok((load[key] as number) >= 0 && (load[key] as number) <= 1, `${key} = ${load[key]}`)
      }
      assert.ok((load.rss_bytes as number) > 0)
    })

    test('GET /v1/system/metrics?period=1m gives averages, peaks and current values', async () => {
      const r = await waitFor('a load summary', async () => {
        const reply = await call<{ period: string, samples: number, metrics: Record<string, Series> }>(`${url}/v1/system/metrics?period=1m`)
        return reply.status === 200 ? reply : undefined
      }, { timeoutMs: 10_000 })
      assert.equal(r.body.period, '1m')
      assert.ok(r.body.samples >= 1)
      for (const key of ['cpu', 'memory', 'rss_bytes', 'event_loop_delay_p99_ms']) {
        const s = r.body.metrics[key]
        assert.ok(s !== undefined, key)
        for (const k of ['average', 'peak', 'current'] as const) assert.equal(typeof s[k], 'number', `${key}.${k}`)
      }
      const cpu = r.body.metrics.cpu
      assert.ok(cpu !== undefined && cpu.average >= 0 && cpu.average <= 1 && cpu.peak >= cpu.average)
    })

    test('GET /v1/system/metrics?period=2d is a validation error naming "period"', async () => {
      assertValidation(await call(`${url}/v1/system/metrics?period=2d`), 'period')
    })
  })

  describe('network', () => {
    test('GET /v1/network/status of a lone node', async () => {
      const r = await call<Record<string, unknown>>(`${url}/v1/network/status`)
      assert.equal(r.status, 200)
      assert.equal(r.body.peer_id, node.mesh.peerId.toString())
      assert.equal(r.body.network_id, node.mesh.networkId)
      assert.equal(r.body.genesis_hash, node.mesh.genesisHash)
      assert.equal(r.body.total_peers, 0)
      assert.equal(r.body.connected_peers, 0)
      assert.deepEqual(r.body.peers_by_state, { healthy: 0, suspect: 0, down: 0, left: 0 })
      assert.equal(r.body.network_health, null)
      assert.equal(r.body.average_latency_ms, null)
      assert.deepEqual(r.body.listen_addresses, node.mesh.network.listenAddresses())
      assert.ok(Array.isArray(r.body.gossip))
      assert.equal(typeof r.body.refused_peers, 'number')
    })

    test('GET /v1/network/peers is an empty list for a lone node', async () => {
      const r = await call(`${url}/v1/network/peers`)
      assert.equal(r.status, 200)
      assert.deepEqual(r.body, { peers: [], total: 0 })
      const healthy = await call(`${url}/v1/network/peers?state=healthy`)
      assert.equal(healthy.status, 200)
      assert.deepEqual(healthy.body, { peers: [], total: 0 })
    })

    test('GET /v1/network/peers?state=bogus is a validation error naming "state"', async () => {
      assertValidation(await call(`${url}/v1/network/peers?state=bogus`), 'state')
    })
  })

  describe('POST /v1/network/diagnostics', () => {
    const json = { 'content-type': 'application/json' }

    test('without a token: 401 with a WWW-Authenticate challenge', async () => {
      const r = await call(`${url}/v1/network/diagnostics`, { method: 'POST', headers: json, body: '{"peer_id":"x"}' })
      assertError(r, 401, 'AUTHENTICATION_ERROR')
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/)
    })

    test('with a wrong token: 401', async () => {
      const r = await call(`${url}/v1/network/diagnostics`, {
        method: 'POST', headers: { ...json, authorization: 'Bearer not-the-token' }, body: '{"peer_id":"x"}'
      })
      assertError(r, 401, 'AUTHENTICATION_ERROR')
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/)
    })

    test('with a body that is not JSON: 400', async () => {
      const r = await call(`${url}/v1/network/diagnostics`, { method: 'POST', headers: { ...json, ...auth }, body: '{"peer_id": ' })
      assertError(r, 400, 'BAD_REQUEST')
    })

    test('without peer_id: 422 naming peer_id', async () => {
      const r = await call(`${url}/v1/network/diagnostics`, { method: 'POST', headers: { ...json, ...auth }, body: '{"count": 3}' })
      assertValidation(r, 'peer_id')
    })

    test('with a valid peer id this node does not know: 404', async () => {
      const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
      const r = await call(`${url}/v1/network/diagnostics`, {
        method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify({ peer_id: stranger, count: 1 })
      })
      const error = assertError(r, 404, 'NOT_FOUND')
      assert.ok(error.message.includes(stranger))
    })

    test('with peer_id "not-a-peer": 422 naming peer_id', async () => {
      const r = await call(`${url}/v1/network/diagnostics`, {
        method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify({ peer_id: 'not-a-peer' })
      })
      assertValidation(r, 'peer_id')
    })

    test('with an unknown extra field: 422 naming that field', async () => {
      const self = node.mesh.peerId.toString()
      const r = await call(`${url}/v1/network/diagnostics`, {
        method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify({ peer_id: self, count: 1, colour: 'blue' })
      })
      const error = assertError(r, 422, 'VALIDATION_ERROR')
      assert.ok(error.message.includes('colour'), error.message)
    })
  })

  describe('errors common to every route', () => {
    test('a body over 1 MiB is refused with 413', async () => {
      const big = JSON.stringify({ telemetry: { interval_ms: 1000 }, padding: 'x'.repeat(2 * 1024 * 1024) })
      const r = await isolatedCall(`${url}/v1/config/system`, 'PUT', { 'content-type': 'application/json', ...auth }, big)
      assertError(r, 413, 'PAYLOAD_TOO_LARGE')
      // Nothing changed.
      assert.equal(node.mesh.runtimeSettings().telemetryIntervalMs, 1000)
    })

    test('after a 413 the keep-alive connection serves the next request, or the 413 said Connection: close', async () => {
      const { hostname, port } = new URL(url)
      const socket = connect(Number(port), hostname)
      try {
        await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
        let received = ''
        let closed = false
        socket.on('data', (d: Buffer) => { received += d.toString('latin1') })
        socket.on('close', () => { closed = true })
        socket.on('error', () => { closed = true })
        const body = 'x'.repeat(2 * 1024 * 1024)
        socket.write(`PUT /v1/config/system HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${node.token}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`)
        socket.write(body)
        await waitFor('the 413 response', () => /^HTTP\/1\.1 413 [^]*?\r\n\r\n[^]*\}$/.test(received), { timeoutMs: 5_000, intervalMs: 20 })
        const head = received.slice(0, received.indexOf('\r\n\r\n')).toLowerCase()
        if (/^connection: *close$/m.test(head)) {
          await waitFor('the server to close the connection it said it would close', () => closed, { timeoutMs: 5_000 })
          return
        }
        received = ''
        socket.write(`GET /health HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`)
        const outcome = await waitFor('the next request on the same connection to be answered', () => {
          if (/^HTTP\/1\.1 200 /.test(received)) return 'answered'
          return closed ? 'closed' : undefined
        }, { timeoutMs: 3_000, intervalMs: 20 })
        assert.equal(outcome, 'answered', 'the server closed the keep-alive connection without answering the next request')
      } finally {
        socket.destroy()
      }
    })

    test('a chunked upload over 1 MiB gets its 413 whole, even from a client that sends everything before it reads', async () => {
      const { hostname, port } = new URL(url)
      for (let round = 0; round < 2; round++) {
        const socket = connect(Number(port), hostname)
        try {
          await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
          // Paused: nothing is read until the whole upload is written, as a naive client does.
          socket.pause()
          let failed: string | undefined
          socket.on('error', err => { failed = err.message })
          socket.write(`PUT /v1/config/system HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${node.token}\r\n` +
            'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n')
          const chunk = 'x'.repeat(64 * 1024)
          // Paced over about a second: a slow uploader, still sending when the 413 is out.
          for (let i = 0; i < 48 && failed === undefined; i++) {
            if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)) await drained(socket)
            await new Promise(resolve => setTimeout(resolve, 20))
          }
          socket.write('0\r\n\r\n')
          let received = ''
          socket.on('data', (d: Buffer) => { received += d.toString('latin1') })
          socket.resume()
          await waitFor('the 413 or the end of the connection', () => /^HTTP\/1\.1 413 [^]*?\r\n\r\n[^]*\}$/.test(received) || failed !== undefined || socket.readableEnded,
            { timeoutMs: 10_000, intervalMs: 20 })
          assert.match(received, /^HTTP\/1\.1 413 /, `round ${round}: no 413 before the connection ended (${failed ?? 'closed'})`)
          assert.equal(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4)).error.code, 'PAYLOAD_TOO_LARGE')
        } finally {
          socket.destroy()
        }
      }
    })

    test('JSON bodies need a JSON content type: text/plain and form-encoded get 415, charset and +json types pass', async () => {
      const body = '{"telemetry":{"interval_ms":5}}'
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx']) {
        const r = await call(`${url}/v1/config/system`, { method: 'PUT', headers: { ...auth, 'content-type': type }, body })
        const error = assertError(r, 415, 'UNSUPPORTED_MEDIA_TYPE')
        assert.ok(error.message.includes('application/json'), error.message)
      }
      const none = await call(`${url}/v1/config/system`, { method: 'PUT', headers: auth, body: new Blob([body]) })
      assertError(none, 415, 'UNSUPPORTED_MEDIA_TYPE')
      // Accepted as JSON: the body reaches validation (interval 5 ms is refused there, so nothing changes).
      for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/merge-patch+json']) {
        const r = await call(`${url}/v1/config/system`, { method: 'PUT', headers: { ...auth, 'content-type': type }, body })
        assertValidation(r, 'telemetry.interval_ms')
      }
    })

    test('a body nested deeper than 64 levels is 422 naming the limit, before it is parsed deep', async () => {
      for (const depth of [65, 8_000, 500_000]) {
        const body = `{"telemetry":${'['.repeat(depth)}${']'.repeat(depth)}}`
        const r = await call(`${url}/v1/config/system`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body })
        const error = assertError(r, 422, 'VALIDATION_ERROR')
        assert.ok(error.message.includes('64'), error.message)
        assert.equal(error.details.limit, 64)
      }
    })

    test('a malformed Authorization header is 401 with a WWW-Authenticate: Bearer challenge, like a missing one', async () => {
      for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', `Bearer ${node.token} extra`, `Token ${node.token}`, 'Bearer a,b']) {
        const r = await call(`${url}/v1/config/system`, { method: 'PUT', headers: { authorization, 'content-type': 'application/json' }, body: '{}' })
        assertError(r, 401, 'AUTHENTICATION_ERROR')
        assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/, authorization)
      }
      // The scheme is case-insensitive (RFC 9110, section 11.1).
      const r = await call(`${url}/v1/config/system`, { method: 'PUT', headers: { authorization: `bearer ${node.token}`, 'content-type': 'application/json' }, body: '{}' })
      assertError(r, 422, 'VALIDATION_ERROR')
    })

    test('an unknown route is a JSON 404 whose request id is also in X-Request-Id', async () => {
      const r = await call(`${url}/no/such/path`)
      const error = assertError(r, 404, 'NOT_FOUND')
      assert.ok(error.message.includes('/no/such/path'))
      const again = await call(`${url}/no/such/path`)
      assert.notEqual((again.body as unknown as ErrorBody).request_id, (r.body as unknown as ErrorBody).request_id)
    })
  })

  describe('config', () => {
    const json = { 'content-type': 'application/json' }

    test('GET /v1/config/system shows the telemetry interval and max peers', async () => {
      const r = await call<{ telemetry: { interval_ms: number }, network: { max_peers: number, network_id: string }, node: { peer_id: string }, mutable: string[] }>(`${url}/v1/config/system`)
      assert.equal(r.status, 200)
      assert.equal(r.body.telemetry.interval_ms, 1000)
      assert.equal(r.body.network.max_peers, 32)
      assert.equal(r.body.network.network_id, node.mesh.networkId)
      assert.equal(r.body.node.peer_id, node.mesh.peerId.toString())
      assert.deepEqual(r.body.mutable, ['telemetry.interval_ms', 'network.max_peers'])
    })

    test('PUT without a token: 401 and nothing changes', async () => {
      const r = await call(`${url}/v1/config/system`, { method: 'PUT', headers: json, body: '{"telemetry":{"interval_ms":500}}' })
      assertError(r, 401, 'AUTHENTICATION_ERROR')
      assert.equal(node.mesh.runtimeSettings().telemetryIntervalMs, 1000)
    })

    test('PUT telemetry.interval_ms 5: 422 naming telemetry.interval_ms', async () => {
      const r = await call(`${url}/v1/config/system`, { method: 'PUT', headers: { ...json, ...auth }, body: '{"telemetry":{"interval_ms":5}}' })
      assertValidation(r, 'telemetry.interval_ms')
      assert.equal(node.mesh.runtimeSettings().telemetryIntervalMs, 1000)
    })

    test('PUT {}: 422', async () => {
      const r = await call(`${url}/v1/config/system`, { method: 'PUT', headers: { ...json, ...auth }, body: '{}' })
      assertError(r, 422, 'VALIDATION_ERROR')
    })

    test('PUT {"unknown":1}: 422', async () => {
      const r = await call(`${url}/v1/config/system`, { method: 'PUT', headers: { ...json, ...auth }, body: '{"unknown":1}' })
      const error = assertError(r, 422, 'VALIDATION_ERROR')
      assert.ok(error.message.includes('unknown'), error.message)
    })

    test('PUT telemetry.interval_ms 500 takes effect at once and in the next snapshot', async () => {
      const r = await call<{ telemetry: { interval_ms: number } }>(`${url}/v1/config/system`, {
        method: 'PUT', headers: { ...json, ...auth }, body: '{"telemetry":{"interval_ms":500}}'
      })
      assert.equal(r.status, 200, r.text)
      assert.equal(r.body.telemetry.interval_ms, 500)
      const got = await call<{ telemetry: { interval_ms: number } }>(`${url}/v1/config/system`)
      assert.equal(got.body.telemetry.interval_ms, 500)
      const snapshot = await waitFor('a snapshot announcing 500 ms', () => {
        const s = node.mesh.built?.telemetry.published
        return s?.intervalMs === 500 ? s : undefined
      }, { timeoutMs: 5_000, intervalMs: 50 })
      assert.equal(snapshot.intervalMs, 500)
      const status = await call<{ components: { telemetry: { interval_ms: number } } }>(`${url}/v1/system/status`)
      assert.equal(status.body.components.telemetry.interval_ms, 500)
    })
  })

  // Last: it adds a peer to the node, which the lone-node tests above must not see.
  describe('GET /v1/events', () => {
    test('streams peer:joined when a second node joins by bootstrap', { timeout: 60_000 }, async () => {
      const controller = new AbortController()
      const res = await fetch(`${url}/v1/events`, { signal: controller.signal })
      assert.equal(res.status, 200)
      assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/)
      assert.ok(res.body !== null)
      const events: SseEvent[] = []
      const decoder = new TextDecoder()
      const reader = res.body.getReader()
      const reading = (async () => {
        let buffer = ''
        try {
          for (;;) {
            const { done, value } = await reader.read()
            if (done) return
            buffer += decoder.decode(value, { stream: true })
            const parsed = parseSse(buffer)
            buffer = parsed.rest
            events.push(...parsed.events)
          }
        } catch (err) {
          if (!controller.signal.aborted) throw err
        }
      })()

      const dir2 = await tempDir()
      let second: RunningNode | undefined
      try {
        second = await startNode(dir2, { bootstrap: node.mesh.network.listenAddresses() })
        const id = second.mesh.peerId.toString()
        const joined = await waitFor('a peer:joined event for the second node', () =>
          events.find(e => e.event === 'peer:joined' && (JSON.parse(e.data) as { peer_id: string }).peer_id === id),
        { timeoutMs: 15_000 })
        const data = JSON.parse(joined.data) as { peer_id: string, time: string }
        assert.equal(data.peer_id, id)
        assert.ok(!Number.isNaN(Date.parse(data.time)))
        assert.match(joined.id, /^\d+$/)
        // The mesh events that webhooks deliver come through the same feed.
        node.mesh.emitEvent('breaker.opened', { peer_id: id, service: 'echo' }, 'sse-event-id')
        const opened = await waitFor('a breaker.opened event', () => events.find(e => e.event === 'breaker.opened'), { timeoutMs: 15_000 })
        const { time, ...rest } = JSON.parse(opened.data) as { time: string }
        assert.deepEqual(rest, { id: 'sse-event-id', peer_id: id, service: 'echo' })
        assert.ok(!Number.isNaN(Date.parse(time)))
      } finally {
        await second?.stop()
        controller.abort()
        await reading
        await removeDir(dir2)
      }
    })
  })
})

describe('malformed HTTP and cut requests, as the node logs them', { timeout: 60_000 }, () => {
  let child: ChildNode | undefined
  let dir: string

  before(async () => {
    dir = await tempDir()
    child = await spawnNode(['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0'], { MESHNODE_LOG_LEVEL: 'debug' })
  })

  after(async () => {
    if (child !== undefined) await stopChild(child)
    await removeDir(dir)
  })

  /** Sends raw bytes on a connection of their own; resolves with what came back once the server closed it. */
  async function raw (bytes: string, endAfterWrite: boolean): Promise<string> {
    const { hostname, port } = new URL(child?.apiUrl ?? '')
    return await new Promise(resolve => {
      let got = ''
      const socket = connect(Number(port), hostname, () => {
        socket.write(bytes)
        if (endAfterWrite) socket.destroy()
      })
      socket.on('data', (d: Buffer) => { got += d.toString('latin1') })
      socket.on('close', () => { resolve(got) })
      socket.on('error', () => {})
    })
  }

  const lines = (): Array<{ level: number, msg: string }> => (child?.stderr() ?? '').split('\n').filter(l => l.startsWith('{'))
    .map(l => JSON.parse(l) as { level: number, msg: string })

  test('a bad chunk size is a 400 and one warning, never "unhandled API error"', async () => {
    const token = (await readFile(join(dir, 'api-token'), 'utf8')).trim()
    for (const path of ['/v1/config/system', '/v1/route/nobody/x']) {
      const reply = await raw(`PUT ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
        'Transfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\nzz\r\n', false)
      assert.match(reply, /^HTTP\/1\.1 (400|404) /, path)
    }
    await waitFor('the warnings', () => lines().filter(l => l.msg === 'malformed HTTP request' && l.level === 40).length >= 1, { timeoutMs: 5_000 })
    assert.deepEqual(lines().filter(l => l.level >= 50), [])
  })

  test('a client that goes away half-way through its body is logged at debug, not as an error', async () => {
    const token = (await readFile(join(dir, 'api-token'), 'utf8')).trim()
    const before = lines().length
    await raw(`PUT /v1/config/system HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"telemetry":`, true)
    await waitFor('the cut request to be logged', () => lines().slice(before).some(l => l.msg === 'request cut by its client' && l.level === 20), { timeoutMs: 5_000 })
    assert.deepEqual(lines().filter(l => l.level >= 50), [])
  })
})
