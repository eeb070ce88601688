import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../src/clock.ts'
import { Metering } from '../../src/routing/metering.ts'
import { RequestBody } from '../../src/routing/request-body.ts'
import type { RouteRequest } from '../../src/routing/route-request.ts'
import type { UsageEvent } from '../../src/routing/usage.ts'

function meteringOf (): { metering: Metering, clock: ManualClock, usage: UsageEvent[] } {
  const clock = new ManualClock()
  const usage: UsageEvent[] = []
  return { metering: new Metering({ clock, onUsage: e => { usage.push(e) } }), clock, usage }
}

const request = (body: Uint8Array): RouteRequest => ({ service: 'echo', method: 'POST', path: '/echo', headers: [], body: RequestBody.of(body), user: 'u1', signal: new AbortController().signal })

function bodyOf (...chunks: string[]): ReadableStream<Uint8Array> {
  return ReadableStream.from(chunks.map(c => new TextEncoder().encode(c)))
}

test('a served request is metered once its body has been read, with the bytes sent both ways', async () => {
  const { metering, clock, usage } = meteringOf()
  const started = clock.now()
  const result = metering.served(request(new Uint8Array(5)), started, { status: 200, headers: [], body: bodyOf('abc', 'de'), servedBy: 'peer-b', attempts: 2 })
  assert.equal(result.attempts, 2)
  assert.equal(usage.length, 0, 'nothing before the body is sent')
  clock.advance(30)
  assert.equal(await new Response(result.body).text(), 'abcde')
  assert.deepEqual(usage, [{ user: 'u1', service: 'echo', peerId: 'peer-b', requestBytes: 5, responseBytes: 5, durationMs: 30, status: 200, at: clock.now() }])
})

test('a served request whose body the client cancels is metered once, with the bytes sent so far', async () => {
  const { metering, usage } = meteringOf()
  const result = metering.served(request(new Uint8Array(0)), 0, { status: 200, headers: [], body: bodyOf('abc', 'de'), servedBy: 'peer-b', attempts: 1 })
  const reader = result.body.getReader()
  await reader.read()
  await reader.cancel()
  assert.equal(usage.length, 1)
  assert.equal(usage[0]?.responseBytes, 3)
})

test('a failed request is metered with no peer, a refused one with no bytes and no duration', () => {
  const { metering, clock, usage } = meteringOf()
  const started = clock.now()
  clock.advance(12)
  metering.failed(request(new Uint8Array(0)), started, 502)
  metering.refused('u2', 'kv', 503)
  assert.deepEqual(usage, [
    { user: 'u1', service: 'echo', peerId: '', requestBytes: 0, responseBytes: 0, durationMs: 12, status: 502, at: clock.now() },
    { user: 'u2', service: 'kv', peerId: '', requestBytes: 0, responseBytes: 0, durationMs: 0, status: 503, at: clock.now() }
  ])
})

test("a tenant's request carries its key id in every event: served, failed and refused", async () => {
  const { metering, usage } = meteringOf()
  const keyed = { ...request(new Uint8Array(0)), user: 'ten_1', keyId: 'key_1' }
  const result = metering.served(keyed, 0, { status: 200, headers: [], body: bodyOf('x'), servedBy: 'peer-b', attempts: 1 })
  await new Response(result.body).text()
  metering.failed(keyed, 0, 502)
  metering.refused('ten_1', 'echo', 503, 'key_1')
  assert.deepEqual(usage.map(e => [e.user, e.keyId, e.status]), [['ten_1', 'key_1', 200], ['ten_1', 'key_1', 502], ['ten_1', 'key_1', 503]])
})

test("a tenant's request answered whole carries its key id too", () => {
  const { metering, usage } = meteringOf()
  const keyed = { ...request(new Uint8Array(0)), user: 'ten_1', keyId: 'key_1' }
  const whole = new TextEncoder().encode('x')
  metering.served(keyed, 0, { status: 200, headers: [], body: bodyOf('x'), whole, servedBy: 'peer-b', attempts: 1 })
  assert.deepEqual(usage.map(e => [e.user, e.keyId, e.responseBytes]), [['ten_1', 'key_1', 1]])
})
