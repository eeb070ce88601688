import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MeshError } from '../../src/errors.ts'
import type { LocalServices } from '../../src/routing/local-services.ts'
import { RequestBody } from '../../src/routing/request-body.ts'
import { NotReachedError, RouteClient } from '../../src/routing/route-client.ts'
import { RouteStream, type RouteReply } from '../../src/routing/route-protocol.ts'
import type { RouteRequest } from '../../src/routing/route-request.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'
import { streamPair, type MemoryStream } from '../helpers/memory-stream.ts'

// The route client alone, against peers scripted over in-memory streams and a scripted local upstream.

const SELF = 'self'
const PEER = 'peer-b'

/** A peer that reads each request and answers as `answer` says, on every stream the client opens. */
function scriptedPeer (answer: (route: RouteStream, signal: AbortSignal) => Promise<void>): { opened: MemoryStream[], openStream: () => Promise<MemoryStream> } {
  const opened: MemoryStream[] = []
  return {
    opened,
    openStream: async () => {
      const [client, server] = streamPair(opened.length)
      opened.push(client)
      const route = new RouteStream(server)
      const signal = AbortSignal.timeout(5_000)
      void (async () => {
        while (await route.readNextHead(signal) !== undefined) {
          for await (const chunk of route.readBody(1024 * 1024, signal)) void chunk
          await answer(route, signal)
        }
      })().catch(() => {})
      return client
    }
  }
}

const answering = (status: number, text: string) => async (route: RouteStream, signal: AbortSignal): Promise<void> => {
  await route.writeJson({ kind: 'accepted' }, signal)
  await route.writeResponse({ kind: 'response', status, headers: [['content-type', 'text/plain']] }, (async function * () { yield new TextEncoder().encode(text) })(), signal)
}

const refusing = (reply: Extract<RouteReply, { kind: 'error' }>) => async (route: RouteStream, signal: AbortSignal): Promise<void> => {
  await route.writeJson(reply, signal)
  route.stream.abort(new Error('refused'))
}

const noLocalServices: Pick<LocalServices, 'call'> = { call: async () => { throw new Error('no local services in this test') } }

function clientOf (openStream: () => Promise<MemoryStream>, services = noLocalServices): RouteClient {
  const t = DEFAULT_TUNING.routing
  return new RouteClient({ openStream, selfId: SELF, services }, {
    maxResponseBytes: 1024 * 1024,
    idleStreamsPerPeer: t.idleStreamsPerPeer,
    maxStreamsPerPeer: 2,
    callerIdleMs: t.callerIdleMs,
    closeTimeoutMs: t.closeTimeoutMs
  })
}

const request = (method = 'GET'): RouteRequest => ({ service: 'echo', method, path: '/echo', headers: [], body: RequestBody.of(new Uint8Array(0)), user: 'u', signal: new AbortController().signal })

test('a clean exchange returns the peer\'s answer and leaves its stream for the next request', async () => {
  const peer = scriptedPeer(answering(201, 'hello'))
  const client = clientOf(peer.openStream)
  for (let i = 0; i < 3; i++) {
    const res = await client.call(PEER, request(), AbortSignal.timeout(5_000))
    assert.equal(res.status, 201)
    assert.deepEqual(res.headers, [['content-type', 'text/plain']])
    assert.equal(await new Response(res.body).text(), 'hello')
  }
  assert.equal(peer.opened.length, 1, 'one stream serves the three requests')
})

test('a refusal before the upstream saw the request is a NotReachedError carrying the mapped code', async () => {
  const client = clientOf(scriptedPeer(refusing({ kind: 'error', code: 'BUSY', message: 'too many streams', reachedUpstream: false })).openStream)
  await assert.rejects(client.call(PEER, request(), AbortSignal.timeout(5_000)), (err: unknown) => {
    assert.ok(err instanceof NotReachedError, String(err))
    assert.ok(err.cause instanceof MeshError)
    assert.equal(err.cause.code, 'UNAVAILABLE')
    return true
  })
})

test('an error reply after the upstream may have seen the request is a MeshError, not a NotReachedError', async () => {
  for (const [code, expected] of [['TOO_LARGE', 'PAYLOAD_TOO_LARGE'], ['TIMEOUT', 'TIMEOUT'], ['UPSTREAM_ERROR', 'UPSTREAM_ERROR']] as const) {
    const client = clientOf(scriptedPeer(refusing({ kind: 'error', code, message: 'no', reachedUpstream: true })).openStream)
    await assert.rejects(client.call(PEER, request('POST'), AbortSignal.timeout(5_000)), (err: unknown) => {
      assert.ok(err instanceof MeshError && !(err instanceof NotReachedError), String(err))
      assert.equal(err.code, expected)
      assert.match(err.message, /^peer peer-b: no$/)
      return true
    })
  }
})

test('a stream that breaks before the peer accepted is a NotReachedError, and the broken stream is not reused', async () => {
  const peer = scriptedPeer(async route => { route.stream.abort(new Error('peer crashed')) })
  const client = clientOf(peer.openStream)
  for (let i = 0; i < 2; i++) {
    await assert.rejects(client.call(PEER, request('POST'), AbortSignal.timeout(5_000)), (err: unknown) => err instanceof NotReachedError)
  }
  assert.equal(peer.opened.length, 2)
})

test('this node\'s own service is called locally: a refused connection is a NotReachedError, an answer comes back with forwardable headers', async () => {
  const refused = clientOf(async () => { throw new Error('no streams to self') }, {
    call: async () => { throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }
  })
  await assert.rejects(refused.call(SELF, request(), AbortSignal.timeout(5_000)), (err: unknown) => err instanceof NotReachedError)

  const served = clientOf(async () => { throw new Error('no streams to self') }, {
    call: async (service, req) => {
      assert.equal(service, 'echo')
      assert.equal(req.path, '/echo')
      return { status: 200, headers: [['connection', 'close'], ['x-served', 'local']], body: (async function * () { yield new TextEncoder().encode('local') })() }
    }
  })
  const res = await served.call(SELF, request(), AbortSignal.timeout(5_000))
  assert.equal(res.status, 200)
  assert.deepEqual(res.headers, [['x-served', 'local']], 'hop-by-hop headers stay behind')
  assert.equal(await new Response(res.body).text(), 'local')
  assert.equal(served.atLimit(SELF), false, 'this node is never at the stream limit')
})

test('the client counts the streams open to a peer: at the limit while they are in use', async () => {
  const release: Array<() => void> = []
  const peer = scriptedPeer(async (route, signal) => {
    await new Promise<void>(resolve => { release.push(resolve) })
    await answering(200, 'ok')(route, signal)
  })
  const client = clientOf(peer.openStream)
  assert.equal(client.atLimit(PEER), false)
  const pending = [client.call(PEER, request(), AbortSignal.timeout(5_000)), client.call(PEER, request(), AbortSignal.timeout(5_000))]
  const deadline = Date.now() + 5_000
  while (release.length < 2 && Date.now() < deadline) await new Promise(resolve => setImmediate(resolve))
  assert.equal(client.atLimit(PEER), true, 'two streams in use, two allowed')
  for (const r of release) r()
  for (const res of await Promise.all(pending)) assert.equal(await new Response(res.body).text(), 'ok')
  assert.equal(client.atLimit(PEER), false)
})
