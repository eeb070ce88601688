import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { createGenesis, genesisHash, type Genesis } from '../../src/network/genesis.ts'
import { signerOf, type Sign } from '../../src/network/signing.ts'
import { DEVELOPMENT_PARAMS } from '../../src/network/params.ts'
import { signObject, type Signed } from '../../src/governance/objects.ts'
import { GovernanceState } from '../../src/governance/state.ts'
import type { ApiKeyBody, KeyRevocationBody, PlatformBody, SubscriptionBody, TenantBody } from '../../src/platform/records.ts'
import { PlatformState, keyStatus, type PlatformRecord } from '../../src/platform/state.ts'

/**
 * PlatformState as a pure function of the records held, and GovernanceState's judgement of
 * platform records (only operators, well-formed, known tiers). Times are offsets from T0.
 */
const T0 = Date.parse('2026-01-01T00:00:00.000Z')
const at = (s: number): number => T0 + s * 1000
const LATE = at(1_000_000)
const TEN = 'ten_' + 'a'.repeat(24)
const TEN2 = 'ten_' + 'b'.repeat(24)
const KEY = 'key_' + 'c'.repeat(24)
const KEY2 = 'key_' + 'd'.repeat(24)
const SUB = 'sub_' + 'e'.repeat(24)
const SUB2 = 'sub_' + 'f'.repeat(24)
const hashOf = (secret: string): string => createHash('sha256').update(secret).digest('hex')

let op: { id: string, sign: Sign }
let outsider: { id: string, sign: Sign }
let genesis: Genesis

before(async () => {
  const a = await generateKeyPair('Ed25519')
  const x = await generateKeyPair('Ed25519')
  op = { id: peerIdFromPrivateKey(a).toString(), sign: signerOf(a) }
  outsider = { id: peerIdFromPrivateKey(x).toString(), sign: signerOf(x) }
  genesis = createGenesis({ networkId: 'platform-test', operators: [{ peer_id: op.id, weight: 1, name: 'op' }], params: DEVELOPMENT_PARAMS, createdAt: new Date(T0) })
})

const tenant = (action: TenantBody['action'], time: number, fields: Partial<TenantBody> = {}, tenantId = TEN): TenantBody =>
  ({ kind: 'tenant', author: op.id, tenant_id: tenantId, action, name: action === 'create' ? 'Acme' : null, metadata: null, time, ...fields })
const apiKey = (keyId: string, time: number, secret = keyId, tenantId = TEN): ApiKeyBody =>
  ({ kind: 'api_key', author: op.id, key_id: keyId, tenant_id: tenantId, key_hash: hashOf(secret), label: null, expires_at: null, time })
const revoke = (keyId: string, time: number): KeyRevocationBody => ({ kind: 'key_revocation', author: op.id, key_id: keyId, tenant_id: TEN, time })
const sub = (action: SubscriptionBody['action'], time: number, tier: string | null = null, subId = SUB): SubscriptionBody =>
  ({ kind: 'subscription', author: op.id, subscription_id: subId, tenant_id: TEN, action, tier, billing_cycle: action === 'create' ? 'monthly' : null, time })

const signed = (b: PlatformBody): Signed => signObject(b, op.sign)
function stateOf (bodies: PlatformBody[]): PlatformState {
  const s = new PlatformState()
  for (const b of bodies) s.add(signed(b) as PlatformRecord)
  return s
}

/** Everything a node would show of the state: what must be equal on every node. */
function view (s: PlatformState): unknown {
  return {
    tenants: s.tenants(),
    tenant: [s.tenant(TEN), s.tenant(TEN2)],
    keys: s.keys(TEN).map(k => ({ ...k, status: keyStatus(k, LATE) })),
    byHash: [s.keyOfHash(hashOf(KEY))?.id, s.keyOfHash(hashOf('shared'))?.id],
    periods: s.periods(TEN),
    subscriptions: s.subscriptions(),
    tiers: [at(0), at(5), at(15), at(25), at(35), at(45)].map(t => s.tierAt(TEN, t))
  }
}

describe('PlatformState', () => {
  test('a tenant: created, renamed, suspended, resumed, deleted for good', () => {
    const s = stateOf([tenant('create', at(1), { metadata: { plan: 'x' } }), tenant('update', at(2), { name: 'Acme Inc' }), tenant('suspend', at(3))])
    assert.deepEqual(s.tenant(TEN), { id: TEN, name: 'Acme Inc', metadata: { plan: 'x' }, status: 'suspended', createdAt: at(1), updatedAt: at(3), createdBy: op.id })
    s.add(signed(tenant('resume', at(4))) as PlatformRecord)
    assert.equal(s.tenant(TEN)?.status, 'active')
    s.add(signed(tenant('delete', at(5))) as PlatformRecord)
    s.add(signed(tenant('resume', at(6))) as PlatformRecord)
    s.add(signed(tenant('update', at(7), { name: 'Back' })) as PlatformRecord)
    assert.equal(s.tenant(TEN)?.status, 'deleted', 'nothing applies after a delete')
    assert.equal(s.tenant(TEN)?.name, 'Acme Inc')
    assert.deepEqual(s.tenants(), [], 'a deleted tenant is not listed')
  })

  test('records before the create are ignored, and a second create does not reset the tenant', () => {
    const s = stateOf([tenant('update', at(0), { name: 'early' }), tenant('create', at(1)), tenant('create', at(2), { name: 'Other' })])
    assert.equal(s.tenant(TEN)?.name, 'Acme')
    assert.equal(s.tenant(TEN)?.createdAt, at(1))
  })

  test('keys: looked up by hash, a revocation is final whatever its time, expiry by time', () => {
    const s = stateOf([apiKey(KEY, at(10)), revoke(KEY, at(5))])
    assert.equal(s.keyOfHash(hashOf(KEY))?.id, KEY)
    assert.equal(keyStatus(s.key(KEY) as never, LATE), 'revoked', 'a revocation older than its key still revokes it')
    assert.equal(s.keyOfHash(hashOf('nope')), undefined)
    const e = stateOf([{ ...apiKey(KEY2, at(1)), expires_at: at(10) }])
    const k = e.key(KEY2)
    assert.ok(k !== undefined)
    assert.equal(keyStatus(k, at(9)), 'active')
    assert.equal(keyStatus(k, at(10)), 'expired')
  })

  test('a key whose tenant is not held yet is kept, and listed once the tenant arrives', () => {
    const s = stateOf([apiKey(KEY, at(2))])
    assert.equal(s.tenant(TEN), undefined)
    assert.equal(s.keys(TEN).length, 1)
    s.add(signed(tenant('create', at(1))) as PlatformRecord)
    assert.equal(s.tenant(TEN)?.status, 'active')
  })

  test('subscription periods in time order, with the tier in force at each time', () => {
    const s = stateOf([sub('create', at(0), 'basic'), sub('change_tier', at(10), 'pro'), sub('suspend', at(20)), sub('resume', at(30)), sub('cancel', at(40))])
    assert.deepEqual(s.periods(TEN), [
      { tier: 'basic', from: at(0), to: at(10), status: 'active' },
      { tier: 'pro', from: at(10), to: at(20), status: 'active' },
      { tier: 'pro', from: at(20), to: at(30), status: 'suspended' },
      { tier: 'pro', from: at(30), to: at(40), status: 'active' },
      { tier: 'pro', from: at(40), to: null, status: 'cancelled' }
    ])
    assert.deepEqual([at(-1), at(5), at(15), at(25), at(35), at(45)].map(t => s.tierAt(TEN, t)), [undefined, 'basic', 'pro', undefined, 'pro', undefined])
    assert.equal(s.subscription(TEN)?.status, 'cancelled')
    assert.equal(s.subscription(TEN)?.cancelledAt, at(40))
  })

  test('a second create while one is active is ignored; after a cancel it starts a new subscription', () => {
    const s = stateOf([sub('create', at(0), 'basic'), sub('create', at(5), 'pro', SUB2), sub('change_tier', at(6), 'enterprise', SUB2)])
    assert.deepEqual(s.subscriptions().map(x => [x.id, x.tier]), [[SUB, 'basic']])
    s.add(signed(sub('cancel', at(10))) as PlatformRecord)
    s.add(signed(sub('create', at(20), 'pro', SUB2)) as PlatformRecord)
    assert.deepEqual(s.subscriptions().map(x => [x.id, x.status, x.tier]), [[SUB, 'cancelled', 'basic'], [SUB2, 'active', 'pro']])
    assert.deepEqual(s.subscriptionById(SUB)?.periods.map(p => p.status), ['active', 'cancelled'])
    assert.deepEqual(s.periods(TEN).map(p => [p.tier, p.status, p.to]), [['basic', 'active', at(10)], ['basic', 'cancelled', at(20)], ['pro', 'active', null]])
  })

  test('a change at the very time of the previous one replaces it: no empty period', () => {
    const s = stateOf([sub('create', at(0), 'basic'), sub('change_tier', at(0), 'pro')])
    assert.equal(s.periods(TEN).length, 1)
  })

  test('every arrival order gives the same state', () => {
    const records = [
      tenant('create', at(1)), tenant('update', at(2), { name: 'B' }), tenant('update', at(2), { name: 'C' }), tenant('suspend', at(3)), tenant('resume', at(3)),
      tenant('create', at(0), { name: 'Two' }, TEN2), tenant('delete', at(4), {}, TEN2),
      apiKey(KEY, at(5)), apiKey(KEY, at(4), 'other secret'), revoke(KEY, at(6)), apiKey(KEY2, at(5), 'shared'), apiKey('key_' + '9'.repeat(24), at(5), 'shared'),
      sub('create', at(0), 'basic'), sub('create', at(0), 'pro', SUB2), sub('change_tier', at(10), 'pro'), sub('change_tier', at(10), 'enterprise'),
      sub('suspend', at(20)), sub('resume', at(30)), sub('cancel', at(40)), sub('create', at(40), 'free', SUB2)
    ].map(signed)
    const reference = view(stateOf(records.map(r => r.body as PlatformBody)))
    fc.assert(fc.property(fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }), order => {
      const s = new PlatformState()
      for (const r of order) s.add(r as PlatformRecord)
      assert.deepEqual(view(s), reference)
    }), { numRuns: 200 })
  })
})

describe('GovernanceState judges platform records', () => {
  const stateWith = (): GovernanceState => new GovernanceState(genesis, genesisHash(genesis))

  test("an operator's records are held and read through state.platform", () => {
    const s = stateWith()
    assert.deepEqual(s.add(signed(tenant('create', at(1))), LATE, 30_000), { ok: true })
    assert.deepEqual(s.add(signed(sub('create', at(1), 'pro')), LATE, 30_000), { ok: true })
    assert.equal(s.platform.tenant(TEN)?.name, 'Acme')
    assert.equal(s.platform.tierAt(TEN, at(2)), 'pro')
  })

  test("a non-operator's record is refused by a rule of its kind and held nowhere", () => {
    const s = stateWith()
    const bodies: Array<[PlatformBody, string]> = [
      [tenant('create', at(1)), 'only_operators_manage_tenants'],
      [apiKey(KEY, at(1)), 'only_operators_issue_keys'],
      [revoke(KEY, at(1)), 'only_operators_revoke_keys'],
      [sub('create', at(1), 'pro'), 'only_operators_manage_subscriptions']
    ]
    for (const [b, rule] of bodies) {
      const forged = signObject({ ...b, author: outsider.id }, outsider.sign)
      const verdict = s.add(forged, LATE, 30_000)
      assert.equal(verdict.ok, false)
      assert.equal(!verdict.ok && verdict.rule, rule)
      assert.equal(s.has(forged.id), false)
    }
    assert.equal(s.platform.tenant(TEN), undefined)
    assert.equal(s.platform.keyOfHash(hashOf(KEY)), undefined)
  })

  test('malformed for its action, an unknown tier, or from the future: refused', () => {
    const s = stateWith()
    const rule = (b: PlatformBody, now = LATE): string | undefined => { const v = s.add(signed(b), now, 30_000); return v.ok ? undefined : v.rule }
    assert.equal(rule(tenant('create', at(1), { name: null })), 'platform_record_shape')
    assert.equal(rule(tenant('suspend', at(1), { name: 'x' })), 'platform_record_shape')
    assert.equal(rule(sub('create', at(1), null)), 'platform_record_shape')
    assert.equal(rule(sub('cancel', at(1), 'pro')), 'platform_record_shape')
    assert.equal(rule(sub('create', at(1), 'platinum')), 'unknown_tier')
    assert.equal(rule({ ...apiKey(KEY, at(5)), expires_at: at(5) }), 'platform_record_shape')
    assert.equal(rule(tenant('create', at(100)), at(0)), 'future')
  })
})
