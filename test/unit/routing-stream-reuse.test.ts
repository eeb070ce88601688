import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import type { Logger as StreamLogger, StreamHandler } from '@libp2p/interface'
import { AbstractStream } from '@libp2p/utils/abstract-stream'
import { systemClock } from '../../src/clock.ts'
import { silentLogger } from '../../src/logging.ts'
import type { MeshLibp2p } from '../../src/p2p/libp2p.ts'
import { LocalServices } from '../../src/routing/local-services.ts'
import { RouteStream } from '../../src/routing/route-protocol.ts'
import { serveRoutes, type RouteRejection } from '../../src/routing/route-server.ts'
import { RequestBody } from '../../src/routing/request-body.ts'
import { Router } from '../../src/routing/router.ts'
import type { UsageEvent } from '../../src/routing/usage.ts'
import type { PeerSnapshot } from '../../src/telemetry/peer-table.ts'
import { startUpstream, type Upstream } from '../../simulations/live/upstream.ts'
import { waitFor } from '../helpers/wait.ts'

// A router on node A whose one candidate is peer B, reached over in-memory streams served by
// B's real route server: what goes over the wire, and how often a stream is opened, is visible.

/** One end of an in-memory stream pair: what one end sends, the other receives. */
class MemoryStream extends AbstractStream {
  other: MemoryStream | undefined
  sendNewStream (): void {}
  sendData (data: Parameters<AbstractStream['sendData']>[0]): void { this.other?.sourcePush(data) }
  sendReset (): void { this.other?.reset() }
  sendCloseWrite (): void { this.other?.remoteCloseWrite() }
  sendCloseRead (): void { this.other?.remoteCloseRead() }
}

const quietLog = Object.assign(() => {}, { enabled: false, trace: () => {}, error: () => {} })
const streamLog = Object.assign(quietLog, { newScope: () => streamLog }) as unknown as StreamLogger

function streamPair (id: number): [MemoryStream, MemoryStream] {
  const a = new MemoryStream({ id: `${id}`, direction: 'outbound', log: streamLog })
  const b = new MemoryStream({ id: `${id}`, direction: 'inbound', log: streamLog })
  a.other = b
  b.other = a
  return [a, b]
}

const B = 'peer-b'
let upstream: Upstream
let router: Router
let serverStreams: MemoryStream[] = []
const usage: UsageEvent[] = []
const rejections: RouteRejection[] = []
let serve: StreamHandler | undefined

/** Opens a stream to B: B's route server handles the other end. */
function connect (): MemoryStream {
  const [client, server] = streamPair(serverStreams.length)
  serverStreams.push(server)
  void serve?.({ stream: server, connection: { remotePeer: { toString: () => 'peer-a' } } as never })
  return client
}

before(async () => {
  upstream = await startUpstream('b')
  const services = new LocalServices([{ name: 'echo', url: upstream.url, capacity: 10 }],
    { path: '/health', intervalMs: 60_000, timeoutMs: 1_000, rise: 1, fall: 1 }, silentLogger())
  services.start()
  await waitFor('the upstream to pass its health check', () => services.isHealthy('echo'), { timeoutMs: 5_000 })
  services.stop()
  const libp2p = { handle: async (_protocol: string, handler: StreamHandler) => { serve = handler } } as unknown as MeshLibp2p
  await serveRoutes(libp2p, '/route', { services, log: silentLogger(), onRejected: reason => { rejections.push(reason) } }, { maxRequestBytes: 1024 * 1024, maxResponseBytes: 1024 * 1024, timeoutMs: 5_000 })
  const peerB = {
    peerId: B,
    state: 'healthy',
    snapshot: { services: [{ name: 'echo', capacity: 10 }], cpu: 0, requests: { active: 0, served: 0, errors: 0 } }
  } as unknown as PeerSnapshot
  router = new Router({
    openStream: async () => connect(),
    selfId: 'peer-a',
    peers: () => [peerB],
    ownLoad: () => ({ cpu: 0, activeRequests: 0 }),
    services: new LocalServices([], { path: '/health', intervalMs: 60_000, timeoutMs: 1_000, rise: 1, fall: 1 }, silentLogger()),
    clock: systemClock,
    random: () => 0.5,
    log: silentLogger(),
    onUsage: e => { usage.push(e) }
  }, { requestTimeoutMs: 5_000, maxRequestBytes: 1024 * 1024, maxResponseBytes: 1024 * 1024, maxAttempts: 1, strategy: 'round_robin', weights: {} })
})

after(async () => {
  for (const s of serverStreams) s.abort(new Error('test over'))
  await upstream.close()
})

beforeEach(() => {
  // Each test starts without idle streams: reset every stream the earlier tests left open.
  for (const s of serverStreams) s.abort(new Error('next test'))
  serverStreams = []
  usage.length = 0
})

async function call (method: string, path: string, body = '', signal = new AbortController().signal): Promise<{ status: number, text: string }> {
  const r = await router.forward({ service: 'echo', method, path, headers: [], body: RequestBody.of(new TextEncoder().encode(body)), user: 'u', signal })
  return { status: r.status, text: await new Response(r.body).text() }
}

test('requests one after another share one stream, and each arrives intact', async () => {
  for (let i = 0; i < 20; i++) {
    const method = i % 2 === 0 ? 'GET' : 'POST'
    const body = method === 'POST' ? `body ${i} ${'x'.repeat(i * 1000)}` : ''
    const r = await call(method, `/echo?i=${i}`, body)
    assert.equal(r.status, 200)
    assert.deepEqual(JSON.parse(r.text), { served_by: 'b', method, path: `/echo?i=${i}`, body })
  }
  assert.equal(serverStreams.length, 1)
  assert.equal(usage.length, 20, 'one usage event per request')
})

test('concurrent requests each take a stream of their own, which later requests reuse', async () => {
  const burst = async (): Promise<void> => {
    const results = await Promise.all(Array.from({ length: 8 }, async (_, i) => await call('GET', `/echo?c=${i}`)))
    for (const [i, r] of results.entries()) assert.equal(JSON.parse(r.text).path, `/echo?c=${i}`)
  }
  await burst()
  assert.equal(serverStreams.length, 8)
  await burst()
  assert.equal(serverStreams.length, 8)
})

test('a streamed response arrives whole, and its stream carries the next request', async () => {
  const r = await call('GET', '/stream?chunks=5')
  assert.equal(r.text, Array.from({ length: 5 }, (_, k) => `chunk ${k} from b\n`).join(''))
  assert.equal((await call('GET', '/echo')).status, 200)
  assert.equal(serverStreams.length, 1)
})

test('a response the client gives up half-way resets its stream, which is not reused', async () => {
  const r = await router.forward({ service: 'echo', method: 'GET', path: '/stream?chunks=50', headers: [], body: RequestBody.of(new Uint8Array(0)), user: 'u', signal: new AbortController().signal })
  const reader = r.body.getReader()
  await reader.read()
  await reader.cancel()
  await waitFor('the server side to see the reset', () => serverStreams[0]?.status === 'reset', { timeoutMs: 2_000 })
  assert.equal((await call('GET', '/echo')).status, 200)
  assert.equal(serverStreams.length, 2)
  await waitFor('the usage of the cut request', () => usage.length === 2, { timeoutMs: 2_000 })
})

test('a request cancelled while the upstream holds it cancels the upstream call and its stream', async () => {
  upstream.mode.hold = true
  const abortedBefore = upstream.aborted
  const ctl = new AbortController()
  const pending = call('GET', '/echo', '', ctl.signal).catch((err: unknown) => err)
  await waitFor('the upstream to hold the request', () => upstream.held() > 0, { timeoutMs: 2_000 })
  ctl.abort()
  assert.ok(await pending instanceof Error)
  await waitFor('the upstream request to be cancelled', () => upstream.aborted > abortedBefore, { timeoutMs: 2_000 })
  upstream.mode.hold = false
  upstream.release()
  assert.equal((await call('GET', '/echo')).status, 200)
  assert.equal(serverStreams.length, 2)
})

test('the server serves a caller that sends one request per stream and closes it', async () => {
  const stream = connect()
  const route = new RouteStream(stream)
  const signal = AbortSignal.timeout(5_000)
  await route.writeJson({ service: 'echo', method: 'GET', path: '/echo?one', headers: [], bodyBytes: 0 }, signal)
  await route.writeBody([], signal)
  assert.deepEqual(await route.readReply(signal), { kind: 'accepted' })
  assert.equal((await route.readReply(signal)).kind, 'response')
  const chunks: Uint8Array[] = []
  for await (const chunk of route.readBody(1024 * 1024, signal)) chunks.push(chunk)
  assert.equal(JSON.parse(Buffer.concat(chunks).toString()).path, '/echo?one')
  await stream.close({ signal })
  assert.equal(serverStreams[0]?.status, 'closed', 'the server closed its end once the caller closed')
})
