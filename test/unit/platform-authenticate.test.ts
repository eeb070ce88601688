import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ManualClock } from '../../src/clock.ts'
import { MeshError } from '../../src/errors.ts'
import { signObject, type GovBody } from '../../src/governance/objects.ts'
import { GovernanceState } from '../../src/governance/state.ts'
import { createGenesis, genesisHash } from '../../src/network/genesis.ts'
import { DEVELOPMENT_PARAMS, PRODUCTION_PARAMS, type NetworkParams } from '../../src/network/params.ts'
import { signerOf, type Sign } from '../../src/network/signing.ts'
import { anonymousPrincipal, billedUser } from '../../src/platform/principal.ts'
import { Platform } from '../../src/platform/platform.ts'
import { meshError, meshErrorAsync } from '../helpers/errors.ts'

/**
 * Platform on one node: the operator's mutations publish records into a real GovernanceState,
 * and the data plane's authenticate reads them back. The clock is manual.
 */
const T0 = Date.parse('2026-03-01T00:00:00.000Z')
let op: { id: string, sign: Sign }
let other: string
/** Every refusal the key check counted, in order. */
let refusals: string[] = []

before(async () => {
  const k = await generateKeyPair('Ed25519')
  op = { id: peerIdFromPrivateKey(k).toString(), sign: signerOf(k) }
  other = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
})

function platformOf (params: NetworkParams, selfId = op.id): { platform: Platform, clock: ManualClock, state: GovernanceState } {
  const genesis = createGenesis({ networkId: 'platform-auth', operators: [{ peer_id: op.id, weight: 1, name: 'op' }], params, createdAt: new Date(T0) })
  const state = new GovernanceState(genesis, genesisHash(genesis))
  const clock = new ManualClock(T0 + 1000)
  const platform = new Platform({
    state,
    publish: async (body: GovBody) => {
      const verdict = state.add(signObject(body, op.sign), clock.now(), 30_000)
      if (!verdict.ok) throw new MeshError('VALIDATION_ERROR', verdict.reason)
    },
    clock,
    selfId,
    random: randomBytes,
    onRefused: reason => { refusals.push(reason) }
  })
  return { platform, clock, state }
}

const anon = (bearer: string | undefined): ReturnType<typeof anonymousPrincipal> => anonymousPrincipal(bearer === undefined ? 'anonymous' : `user-${bearer}`)
const reasonOf = (fn: () => unknown): unknown => meshError('AUTHENTICATION_ERROR', fn).details?.reason

describe('Platform.authenticate', () => {
  test('a valid key, as a bearer token or X-API-Key, is its tenant with the tier in force', async () => {
    const { platform } = platformOf(PRODUCTION_PARAMS)
    const { tenant } = await platform.createTenant({ name: 'Acme', tier: 'pro', billingCycle: 'monthly', metadata: {} })
    const { key, secret } = await platform.createKey(tenant.id, { label: 'ci', expiresAt: null })
    assert.match(secret, /^mn_live_[0-9a-f]{64}$/)
    const expected = { tenantId: tenant.id, keyId: key.id, tier: 'pro' }
    assert.deepEqual(platform.authenticate({ apiKey: undefined, bearer: secret }, anon), expected)
    assert.deepEqual(platform.authenticate({ apiKey: secret, bearer: undefined }, anon), expected)
    assert.equal(billedUser(expected), tenant.id)
  })

  test('closed to anonymous callers: no key, an unknown key, any other token are 401, each counted', async () => {
    const { platform } = platformOf(PRODUCTION_PARAMS)
    refusals = []
    assert.equal(reasonOf(() => platform.authenticate({ apiKey: undefined, bearer: undefined }, anon)), 'missing_key')
    assert.equal(reasonOf(() => platform.authenticate({ apiKey: undefined, bearer: 'some-token' }, anon)), 'invalid_key')
    assert.equal(reasonOf(() => platform.authenticate({ apiKey: 'mn_live_' + '0'.repeat(64), bearer: undefined }, anon)), 'invalid_key')
    assert.deepEqual(refusals, ['missing_key', 'invalid_key', 'invalid_key'])
  })

  test('anonymous routing: no key or a token that is no key is served anonymously as before; a bad key is still refused', async () => {
    const { platform } = platformOf(DEVELOPMENT_PARAMS)
    assert.deepEqual(platform.authenticate({ apiKey: undefined, bearer: undefined }, anon), { tenantId: 'anon:anonymous', keyId: null, tier: 'free' })
    const p = platform.authenticate({ apiKey: undefined, bearer: 'tok' }, anon)
    assert.deepEqual(p, { tenantId: 'anon:user-tok', keyId: null, tier: 'free' })
    assert.equal(billedUser(p), 'user-tok', "today's billing id for an anonymous token")
    assert.equal(reasonOf(() => platform.authenticate({ apiKey: undefined, bearer: 'mn_live_' + 'f'.repeat(64) }, anon)), 'invalid_key')
    assert.equal(reasonOf(() => platform.authenticate({ apiKey: 'whatever', bearer: undefined }, anon)), 'invalid_key')
  })

  test('revoked, expired, tenant suspended or deleted, subscription suspended: refused; a cancelled subscription falls back to free', async () => {
    const { platform, clock } = platformOf(PRODUCTION_PARAMS)
    const { tenant, subscription } = await platform.createTenant({ name: 'Acme', tier: 'basic', billingCycle: 'monthly', metadata: {} })
    const a = await platform.createKey(tenant.id, { label: null, expiresAt: null })
    const b = await platform.createKey(tenant.id, { label: null, expiresAt: clock.now() + 60_000 })
    const auth = (secret: string): unknown => platform.authenticate({ apiKey: secret, bearer: undefined }, anon)
    await platform.revokeKey(tenant.id, a.key.id)
    assert.equal(reasonOf(() => auth(a.secret)), 'revoked_key')
    assert.deepEqual(auth(b.secret), { tenantId: tenant.id, keyId: b.key.id, tier: 'basic' })
    await platform.suspendSubscription(subscription.id)
    assert.equal(reasonOf(() => auth(b.secret)), 'subscription_suspended')
    await platform.resumeSubscription(subscription.id)
    await platform.suspendTenant(tenant.id)
    assert.equal(reasonOf(() => auth(b.secret)), 'tenant_suspended')
    await platform.resumeTenant(tenant.id)
    await platform.cancelSubscription(subscription.id)
    assert.deepEqual(auth(b.secret), { tenantId: tenant.id, keyId: b.key.id, tier: 'free' })
    clock.advance(60_000)
    assert.equal(reasonOf(() => auth(b.secret)), 'expired_key')
    const c = await platform.createKey(tenant.id, { label: null, expiresAt: null })
    await platform.deleteTenant(tenant.id)
    assert.equal(reasonOf(() => auth(c.secret)), 'unknown_tenant')
  })
})

describe('Platform mutations', () => {
  test('a node that is not an operator may not change anything (403)', async () => {
    const { platform } = platformOf(PRODUCTION_PARAMS, other)
    await meshErrorAsync('AUTHORIZATION_ERROR', async () => await platform.createTenant({ name: 'x', tier: 'free', billingCycle: 'monthly', metadata: {} }))
  })

  test('conflicts and unknowns: a tier that does not exist, a second subscription, a tier unchanged, a cancelled subscription', async () => {
    const { platform } = platformOf(PRODUCTION_PARAMS)
    await meshErrorAsync('VALIDATION_ERROR', async () => await platform.createTenant({ name: 'x', tier: 'gold', billingCycle: 'monthly', metadata: {} }))
    assert.deepEqual(platform.state.tenants(), [], 'nothing published for a refused tenant')
    const { tenant, subscription } = await platform.createTenant({ name: 'x', tier: 'free', billingCycle: 'monthly', metadata: {} })
    await meshErrorAsync('CONFLICT', async () => await platform.createSubscription(tenant.id, 'pro', 'monthly'))
    await meshErrorAsync('CONFLICT', async () => await platform.changeTier(subscription.id, 'free'))
    await meshErrorAsync('NOT_FOUND', async () => await platform.changeTier('sub_' + '0'.repeat(24), 'pro'))
    const changed = await platform.changeTier(subscription.id, 'pro')
    assert.deepEqual(changed.periods.map(p => [p.tier, p.status]), [['free', 'active'], ['pro', 'active']])
    await platform.cancelSubscription(subscription.id)
    await meshErrorAsync('CONFLICT', async () => await platform.cancelSubscription(subscription.id))
    const next = await platform.createSubscription(tenant.id, 'enterprise', 'yearly')
    assert.equal(platform.state.subscription(tenant.id)?.id, next.id)
    await meshErrorAsync('NOT_FOUND', async () => await platform.createKey('ten_' + '0'.repeat(24), { label: null, expiresAt: null }))
    await meshErrorAsync('NOT_FOUND', async () => await platform.revokeKey(tenant.id, 'key_' + '0'.repeat(24)))
  })

  test("one node's successive records apply in the order it made them, even within one millisecond", async () => {
    const { platform } = platformOf(PRODUCTION_PARAMS)
    const { tenant } = await platform.createTenant({ name: 'x', tier: 'free', billingCycle: 'monthly', metadata: {} })
    for (let i = 0; i < 5; i++) {
      await platform.suspendTenant(tenant.id)
      await platform.resumeTenant(tenant.id)
    }
    assert.equal(platform.state.tenant(tenant.id)?.status, 'active')
  })
})
