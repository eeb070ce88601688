import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { WebSocket } from 'ws'
import type { ApiNode } from '../../api/context.ts'
import { WsHub } from '../../api/ws-hub.ts'
import { MeshMetrics } from '../../src/metrics.ts'
import type { RunningNode } from '../../src/launch.ts'
import { createLogger, silentLogger } from '../../src/logging.ts'
import { assertError, call, callAsOperator, metricsOf, sampleSum } from '../helpers/api.ts'
import { nodeForSuite, removeDir, spawnNode, startNode, stopChild, tempDir, type ChildNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

interface ServerMessage { type: string, channel?: string, event?: string, channels?: string[], code?: string, id?: string, data?: Record<string, unknown> }

/** A WebSocket client that keeps every message it received. */
async function open (url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket, received: ServerMessage[], next: (pred: (m: ServerMessage) => boolean) => Promise<ServerMessage> }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/ws`, { headers })
  const received: ServerMessage[] = []
  ws.on('message', data => { received.push(JSON.parse(String(data)) as ServerMessage) })
  await new Promise<void>((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
  let seen = 0
  const next = async (pred: (m: ServerMessage) => boolean): Promise<ServerMessage> => await waitFor('a WebSocket message', () => {
    const i = received.findIndex((m, j) => j >= seen && pred(m))
    if (i < 0) return undefined
    seen = i + 1
    return received[i]
  }, { timeoutMs: 15_000, intervalMs: 20 })
  return { ws, received, next }
}

describe('WebSocket channels', () => {
  const suite = nodeForSuite()

  test('a plain GET is told to upgrade', async () => {
    const plain = await call(`${suite.node.api.url}/v1/ws`)
    assertError(plain, 426, 'UPGRADE_REQUIRED')
    assert.equal(plain.headers.get('upgrade'), 'websocket')
  })

  test('a client receives events after subscribing and nothing from a channel it left', async () => {
    const c = await open(suite.node.api.url)
    await c.next(m => m.type === 'welcome')
    c.ws.send(JSON.stringify({ type: 'subscribe', channels: ['events', 'alerts'] }))
    assert.deepEqual((await c.next(m => m.type === 'subscribed')).channels, ['events', 'alerts'])
    const rule = await callAsOperator<{ id: string }>(suite.node, 'POST', '/v1/alerts/rules', { name: 'ws-always', condition: 'peers_total >= 0' })
    const triggered = await c.next(m => m.channel === 'events' && m.event === 'alert.triggered')
    assert.equal((triggered.data?.alert as { rule_id: string }).rule_id, rule.body.id)
    await c.next(m => m.channel === 'alerts' && m.event === 'alert.triggered')

    c.ws.send(JSON.stringify({ type: 'unsubscribe', channels: ['events'] }))
    assert.deepEqual((await c.next(m => m.type === 'unsubscribed')).channels, ['alerts'])
    const before = c.received.length
    // The deletion resolves the firing: one event, published to `events` before `alerts`.
    await callAsOperator(suite.node, 'DELETE', `/v1/alerts/rules/${rule.body.id}`)
    await c.next(m => m.channel === 'alerts' && m.event === 'alert.resolved')
    assert.deepEqual(c.received.slice(before).filter(m => m.channel === 'events'), [])
    c.ws.close()
  })

  test('messages are validated; ping is answered; logs and audit need the operator token', async () => {
    const c = await open(suite.node.api.url)
    c.ws.send('not json')
    assert.equal((await c.next(m => m.type === 'error')).code, 'VALIDATION_ERROR')
    c.ws.send(JSON.stringify({ type: 'subscribe', channels: ['weather'] }))
    assert.equal((await c.next(m => m.type === 'error')).code, 'VALIDATION_ERROR')
    c.ws.send(JSON.stringify({ type: 'ping', id: 'p1' }))
    assert.equal((await c.next(m => m.type === 'pong')).id, 'p1')
    c.ws.send(JSON.stringify({ type: 'subscribe', channels: ['audit'] }))
    assert.equal((await c.next(m => m.type === 'error')).code, 'AUTHENTICATION_ERROR')
    c.ws.send(JSON.stringify({ type: 'auth', token: suite.node.token }))
    await c.next(m => m.type === 'authenticated')
    c.ws.send(JSON.stringify({ type: 'subscribe', channels: ['audit'] }))
    await c.next(m => m.type === 'subscribed')
    const created = await callAsOperator(suite.node, 'POST', '/v1/alerts/rules', { name: 'ws-audited', condition: 'forks > 0' })
    const entry = await c.next(m => m.channel === 'audit')
    assert.equal(entry.event, 'create')
    assert.equal(entry.data?.request_id, created.headers.get('x-request-id'))
    c.ws.close()

    const op = await open(suite.node.api.url, { authorization: `Bearer ${suite.node.token}` })
    assert.equal((await op.next(m => m.type === 'welcome') as { authenticated?: boolean }).authenticated, true)
    op.ws.close()
    const refused = new WebSocket(`${suite.node.api.url.replace(/^http/, 'ws')}/v1/ws`, { headers: { authorization: 'Bearer wrong' } })
    const status = await new Promise<number | undefined>(resolve => {
      refused.once('unexpected-response', (_req, res) => { resolve(res.statusCode) })
      refused.once('error', () => { resolve(undefined) })
    })
    assert.equal(status, 401)
  })

  test('a browser page of another origin is refused; the API\'s own origin is not', async () => {
    const statusFor = async (origin: string): Promise<number | 'open'> => await new Promise(resolve => {
      const ws = new WebSocket(`${suite.node.api.url.replace(/^http/, 'ws')}/v1/ws`, { origin })
      ws.once('open', () => { ws.close(); resolve('open') })
      ws.once('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0) })
      ws.once('error', () => {})
    })
    assert.equal(await statusFor('https://evil.example'), 403)
    assert.equal(await statusFor(suite.node.api.url), 'open')
  })
})

describe('WebSocket logs and metrics channels', () => {
  // A real logger (warnings and up, on stderr): the logs channel carries what it writes.
  const suite = nodeForSuite({}, createLogger('warn'))

  test('the operator receives the node\'s log records and its load', async () => {
    const c = await open(suite.node.api.url, { authorization: `Bearer ${suite.node.token}` })
    c.ws.send(JSON.stringify({ type: 'subscribe', channels: ['logs', 'metrics'] }))
    await c.next(m => m.type === 'subscribed')
    const load = await c.next(m => m.channel === 'metrics' && m.event === 'load')
    assert.equal(typeof load.data?.cpu_usage, 'number')
    assert.equal(typeof (load.data?.peers as { healthy: number }).healthy, 'number')
    await callAsOperator(suite.node, 'POST', '/v1/alerts/rules', { name: 'logged', condition: 'peers_total >= 0', channels: ['log'] })
    const line = await c.next(m => m.channel === 'logs' && m.data?.msg === 'alert triggered')
    assert.equal(line.event, 'warn')
    assert.equal(line.data?.alert, 'logged')
    c.ws.close()
  })
})

describe('WebSocket heartbeat and stop', () => {
  let dir: string
  let node: RunningNode | undefined

  before(async () => {
    dir = await tempDir()
    node = await startNode(dir)
  })

  after(async () => {
    await node?.stop()
    await removeDir(dir)
  })

  test('a client that answers no ping is dropped at the next heartbeat', async () => {
    assert.ok(node !== undefined)
    const n = node
    // A hub of its own, beating fast, on a server of its own; its metrics in a registry of their own.
    const mesh = Object.assign(Object.create(n.mesh) as ApiNode, { metrics: new MeshMetrics(() => n.mesh.peerTable.countByState()) })
    const hub = new WsHub({ mesh, token: n.token, guard: { throttle: n.mesh.authThrottle, now: () => Date.now() }, log: silentLogger() }, { maxBufferedBytes: 1024 * 1024, heartbeatMs: 100, metricsIntervalMs: () => 60_000, allowedOrigins: () => [] })
    const server = createServer((_req, res) => { res.end() })
    server.on('upgrade', (req, socket, head) => { hub.upgrade(req, socket, head) })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const socket = connect(port, '127.0.0.1')
      await new Promise<void>(resolve => socket.once('connect', resolve))
      socket.write(`GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`)
      let closed = false
      socket.on('close', () => { closed = true })
      socket.on('error', () => { closed = true })
      // It reads (so that its socket is not what ends it) and never answers a ping.
      socket.on('data', () => {})
      await waitFor('the hub to hold the client', () => hub.size === 1, { timeoutMs: 10_000 })
      await waitFor('the silent client to be dropped', () => hub.size === 0 && closed, { timeoutMs: 10_000 })
      assert.equal(sampleSum(await mesh.metrics.registry.metrics(), 'meshnode_ws_dropped_clients_total', { reason: 'heartbeat' }), 1)
    } finally {
      hub.close()
      await new Promise<void>(resolve => { server.close(() => { resolve() }); server.closeAllConnections() })
    }
  })

  test('a node that stops closes its WebSocket clients with 1001 and stops', async () => {
    assert.ok(node !== undefined)
    const c = await open(node.api.url)
    await c.next(m => m.type === 'welcome')
    const code = new Promise<number>(resolve => { c.ws.once('close', resolved => { resolve(resolved) }) })
    await node.stop()
    node = undefined
    assert.equal(await code, 1001)
  })
})

/** The resident memory of a process, from /proc (Linux). */
async function rssBytes (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024
}

describe('WebSocket backpressure', () => {
  let dir: string
  let child: ChildNode | undefined

  before(async () => {
    dir = await tempDir()
    child = await spawnNode(['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0'])
  })

  after(async () => {
    if (child !== undefined) await stopChild(child)
    await removeDir(dir)
  })

  test('a client that never reads is dropped, and the node does not hold its backlog', async () => {
    assert.ok(child !== undefined)
    const pid = child.child.pid
    assert.ok(pid !== undefined)
    const url = new URL(child.apiUrl)
    const socket: Socket = connect(Number(url.port), url.hostname)
    await new Promise<void>(resolve => socket.once('connect', resolve))
    let closed = false
    socket.on('close', () => { closed = true })
    socket.on('error', () => { closed = true })
    socket.write(`GET /v1/ws HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`)
    // It never reads what the server sends.
    socket.pause()
    const rssBefore = await rssBytes(pid)
    // Each ping asks for a pong of about 1 KiB; 64 MiB of them if the node held every one.
    const id = 'x'.repeat(1000)
    const frame = maskedTextFrame(JSON.stringify({ type: 'ping', id }))
    const MAX_PINGS = 64 * 1024
    for (let i = 0; i < MAX_PINGS && !closed; i++) {
      if (!socket.write(frame)) await new Promise<void>(resolve => { socket.once('drain', resolve); socket.once('close', resolve) })
      if (i % 4096 === 0) {
        const dropped = sampleSum(await metricsOf(child.apiUrl), 'meshnode_ws_dropped_clients_total', { reason: 'slow' })
        if (dropped > 0) break
      }
    }
    const dropped = await waitFor('the slow client to be dropped', async () => sampleSum(await metricsOf(child!.apiUrl), 'meshnode_ws_dropped_clients_total', { reason: 'slow' }) >= 1, { timeoutMs: 30_000 })
    assert.ok(dropped)
    assert.equal(sampleSum(await metricsOf(child.apiUrl), 'meshnode_ws_clients'), 0)
    const growth = await rssBytes(pid) - rssBefore
    assert.ok(growth < 32 * 1024 * 1024, `the node grew by ${growth} bytes`)
    socket.destroy()
  })
})

/** One client-to-server text frame (clients must mask), for a client that speaks the protocol by hand. */
function maskedTextFrame (text: string): Buffer {
  const payload = Buffer.from(text)
  const mask = Buffer.from([1, 2, 3, 4])
  const len = payload.length
  const head = len < 126 ? Buffer.from([0x81, 0x80 | len]) : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff])
  const masked = Buffer.alloc(len)
  for (let i = 0; i < len; i++) masked[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0)
  return Buffer.concat([head, mask, masked])
}
