import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ManualClock } from '../../src/clock.ts'
import { MeshError } from '../../src/errors.ts'
import { silentLogger } from '../../src/logging.ts'
import { LocalServices } from '../../src/routing/local-services.ts'
import { RequestBody } from '../../src/routing/request-body.ts'
import { Router } from '../../src/routing/router.ts'
import type { UsageEvent } from '../../src/routing/usage.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'
import { startUpstream, type Upstream } from '../../simulations/live/upstream.ts'
import { waitFor } from '../helpers/wait.ts'

// A router whose only candidate is its own upstream, with time in the test's hands.
const SELF = 'self'
let upstream: Upstream
let services: LocalServices
const clock = new ManualClock()
const usage: UsageEvent[] = []
let router: Router

before(async () => {
  upstream = await startUpstream('u')
  services = new LocalServices([{ name: 'echo', url: upstream.url, capacity: 10 }],
    { path: '/health', intervalMs: 60_000, timeoutMs: 1_000, rise: 1, fall: 1 }, silentLogger())
  await services.start()
  await waitFor('the upstream to pass its health check', () => services.isHealthy('echo'), { timeoutMs: 5_000 })
  await services.stop()
  router = new Router({
    openStream: async () => { throw new Error('no remote peers in this test') },
    selfId: SELF,
    peers: () => [],
    ownLoad: () => ({ cpu: 0, activeRequests: 0 }),
    services,
    clock,
    random: () => 0.5,
    log: silentLogger(),
    onUsage: e => { usage.push(e) }
  }, {
    ...DEFAULT_TUNING.routing,
    requestTimeoutMs: 5_000,
    maxResponseBytes: 1024 * 1024,
    maxAttempts: 3,
    strategy: 'adaptive',
    weights: {}
  })
})

after(async () => { await upstream.close() })

async function get (): Promise<{ status: number } | MeshError> {
  try {
    const r = await router.forward({ service: 'echo', method: 'GET', path: '/echo', headers: [], body: RequestBody.of(new Uint8Array(0)), user: 'u1', signal: new AbortController().signal })
    await new Response(r.body).arrayBuffer()
    return { status: r.status }
  } catch (err) {
    if (err instanceof MeshError) return err
    throw err
  }
}

const breakerState = (): string | undefined => router.breakerStates().find(b => b.peerId === SELF)?.breaker.state(clock.now())

test('a failing upstream opens its breaker, probes in half-open after the open time, closes when probes pass', async () => {
  assert.deepEqual(await get(), { status: 200 })
  upstream.mode.failRate = 1
  for (let i = 0; i < DEFAULT_TUNING.routing.breaker.consecutiveFailures; i++) {
    const r = await get()
    assert.ok(r instanceof MeshError && r.code === 'UPSTREAM_ERROR', `failure ${i} gives 502`)
  }
  assert.equal(breakerState(), 'open')
  const calls = upstream.counts.GET ?? 0
  const refused = await get()
  assert.ok(refused instanceof MeshError && refused.code === 'UNAVAILABLE' && refused.status === 503)
  assert.equal(upstream.counts.GET ?? 0, calls, 'an open breaker sends nothing upstream')

  clock.advance(DEFAULT_TUNING.routing.breaker.openBaseMs - 1)
  assert.equal(breakerState(), 'open')
  clock.advance(1)
  assert.equal(breakerState(), 'half_open')

  upstream.mode.failRate = 0
  for (let i = 0; i < DEFAULT_TUNING.routing.breaker.halfOpenProbes; i++) {
    assert.deepEqual(await get(), { status: 200 })
  }
  assert.equal(breakerState(), 'closed')
})

test('clients that go away mid-request do not count against the peer', async () => {
  assert.equal(breakerState(), 'closed')
  upstream.mode.delayMs = 200
  try {
    for (let i = 0; i < DEFAULT_TUNING.routing.breaker.consecutiveFailures + 2; i++) {
      const client = new AbortController()
      const pending = router.forward({ service: 'echo', method: 'GET', path: '/echo', headers: [], body: RequestBody.of(new Uint8Array(0)), user: 'u1', signal: client.signal })
      setTimeout(() => client.abort(new Error('client went away')), 20)
      await assert.rejects(async () => { await new Response((await pending).body).arrayBuffer() })
    }
  } finally {
    upstream.mode.delayMs = 0
  }
  assert.equal(breakerState(), 'closed')
  const stats = router.breakerStates().find(b => b.peerId === SELF)?.breaker.stats(clock.now())
  assert.equal(stats?.consecutiveFailures, 0)
  assert.deepEqual(await get(), { status: 200 })
})

test('every routed request yields one usage event, failed ones included', () => {
  assert.ok(usage.length > 0)
  for (const e of usage) assert.equal(e.user, 'u1')
  assert.ok(usage.some(e => e.status === 200 && e.peerId === SELF && e.responseBytes > 0))
  assert.ok(usage.some(e => e.status === 502))
  assert.ok(usage.some(e => e.status === 503))
})
