import assert from 'node:assert/strict'
import { afterEach, describe, mock, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Message, PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ManualClock } from '../../src/clock.ts'
import { MeshError } from '../../src/errors.ts'
import { silentLogger } from '../../src/logging.ts'
import { DEVELOPMENT_PARAMS } from '../../src/network/params.ts'
import type { TopicValidator } from '../../src/p2p/gossip-validation.ts'
import type { MeshLibp2p } from '../../src/p2p/libp2p.ts'
import type { Principal } from '../../src/platform/principal.ts'
import { RateLimitService, validateRateLimitReport, type RateLimitComponents } from '../../src/platform/rate-limit-service.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'

const HOUR = 3_600_000
const T0 = 1_700_000_000 * 1_000 - (1_700_000_000 * 1_000) % HOUR + 60_000

describe('rate-limit gossip validation', () => {
  const now = T0
  const ctx = { signer: 'peer-a', now, windowMs: HOUR, isMember: (p: string) => p === 'peer-a' }
  const bytes = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v))
  const report = { node: 'peer-a', window_ms: HOUR, window: Math.floor(now / HOUR), sent_at: now, counts: { t: [3, 5] }, heard: { 'peer-b': now - 250 } }

  test('a member\'s own counts of the current window are accepted', () => {
    assert.deepEqual(validateRateLimitReport(bytes(report), ctx), { action: 'accept', value: { windowMs: HOUR, window: report.window, sentAt: now, counts: { t: [3, 5] }, heard: { 'peer-b': now - 250 } } })
  })

  test('malformed or spoofed reports are rejected; a non-member\'s or another window\'s are ignored', () => {
    assert.deepEqual(validateRateLimitReport(bytes({ ...report, counts: { t: [-1, 0] } }), ctx), { action: 'reject', reason: 'malformed' })
    assert.deepEqual(validateRateLimitReport(bytes({ ...report, extra: 1 }), ctx), { action: 'reject', reason: 'malformed' })
    assert.deepEqual(validateRateLimitReport(bytes({ ...report, node: 'peer-b' }), ctx), { action: 'reject', reason: 'spoofed_author' })
    assert.deepEqual(validateRateLimitReport(bytes({ ...report, node: 'peer-b' }), { ...ctx, signer: 'peer-b' }), { action: 'ignore', reason: 'not_member' })
    assert.deepEqual(validateRateLimitReport(bytes({ ...report, window: report.window - 1 }), ctx), { action: 'ignore', reason: 'other_window' })
    assert.deepEqual(validateRateLimitReport(bytes({ ...report, window_ms: 60_000 }), ctx), { action: 'ignore', reason: 'other_window' })
  })
})

const TOPIC = '/meshnode/test/ratelimit/1'
const LIMIT = 60

/**
 * Three services in one process, as in the integration test, on one manual clock; their
 * exchange timers are node:test's mocked setInterval, so a stall of the process is the clock
 * moving while no timer runs. Gossip is delivered at once to the other two validators.
 */
async function threeServices (): Promise<{ services: RateLimitService[], clock: ManualClock, step: (ms: number) => void }> {
  const clock = new ManualClock(T0)
  const ids: PeerId[] = []
  for (let i = 0; i < 3; i++) ids.push(peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
  const validators: Array<TopicValidator | undefined> = []
  const params = { ...DEVELOPMENT_PARAMS, tiers: { ...DEVELOPMENT_PARAMS.tiers, free: { monthly_price: 0, included_units: 0, requests_per_hour: LIMIT, burst: LIMIT } } }
  const services = ids.map((id, i) => {
    const topicValidators = new Map<string, TopicValidator>()
    const libp2p = {
      services: {
        pubsub: {
          topicValidators,
          subscribe: () => { validators[i] = topicValidators.get(TOPIC) },
          unsubscribe: () => { validators[i] = undefined },
          publish: async (_topic: string, data: Uint8Array) => {
            for (const [to, validate] of validators.entries()) {
              if (to !== i) validate?.(id, { type: 'signed', from: id, topic: TOPIC, data, sequenceNumber: 1n, signature: new Uint8Array(), key: id.publicKey } as unknown as Message)
            }
          }
        }
      }
    }
    // The counts are saved nowhere: no node restarts here.
    const store = { iterator: async function * () {}, del: async () => {}, batch: async () => {} }
    return new RateLimitService({
      libp2p: libp2p as unknown as MeshLibp2p,
      clock,
      log: silentLogger(),
      metrics: { gossip: () => {}, rateLimitRefused: () => {} } as unknown as RateLimitComponents['metrics'],
      selfId: id.toString(),
      store: store as unknown as RateLimitComponents['store'],
      params: () => params,
      isMember: () => true,
      liveNodes: () => 3
    }, { ...DEFAULT_TUNING.rateLimit, topic: TOPIC })
  })
  for (const s of services) await s.start()
  const step = (ms: number): void => {
    clock.advance(ms)
    mock.timers.tick(ms)
  }
  return { services, clock, step }
}

describe('RateLimitService', () => {
  afterEach(() => { mock.timers.reset() })

  test('a stall of the whole process for twice staleAfterMs in the middle of a spread tenant\'s requests keeps the mesh within limit + k - 1', async () => {
    mock.timers.enable({ apis: ['setInterval'] })
    const { services, clock, step } = await threeServices()
    const { staleAfterMs } = DEFAULT_TUNING.rateLimit
    const tenant: Principal = { tenantId: 'spread-tenant', keyId: 'key-1', tier: 'free' }
    let admitted = 0
    const request = (s: RateLimitService): void => {
      try {
        assert.ok(s.admit(tenant) !== null)
        admitted++
      } catch (err) {
        assert.ok(err instanceof MeshError && err.code === 'RATE_LIMIT_ERROR', String(err))
      }
    }
    try {
      // A second and a half of a request every 50 ms, round robin, the exchanges on time: each node holds a share.
      for (let i = 0; i < 30; i++) {
        step(50)
        request(services[i % 3] as RateLimitService)
      }
      assert.ok(admitted < LIMIT, `${admitted} admitted before the stall`)
      // The process stalls: the clock moves on, no timer runs and no report is read. Then the
      // requests that waited are served before the exchange timers run: each node is asked for all it would admit.
      clock.advance(2 * staleAfterMs)
      for (const s of services) for (let i = 0; i < LIMIT; i++) request(s)
      // Before the fix, every peer looked silent and each node took all that remained.
      assert.ok(admitted <= LIMIT + services.length - 1, `${admitted} admitted of ${LIMIT} right after the stall`)
      // The timers run again, and the tenant goes on asking, round robin.
      for (let i = 0; i < 150; i++) {
        step(20)
        request(services[i % 3] as RateLimitService)
      }
      assert.ok(admitted >= LIMIT && admitted <= LIMIT + services.length - 1, `${admitted} admitted of ${LIMIT}`)
    } finally {
      for (const s of services) await s.stop()
    }
  })
})
