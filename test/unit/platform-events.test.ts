import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ManualClock } from '../../src/clock.ts'
import { GovernanceService } from '../../src/governance/governance-service.ts'
import { signObject, type Signed } from '../../src/governance/objects.ts'
import { silentLogger } from '../../src/logging.ts'
import { MeshMetrics } from '../../src/metrics.ts'
import { createGenesis, genesisHash } from '../../src/network/genesis.ts'
import { PRODUCTION_PARAMS } from '../../src/network/params.ts'
import { signerOf } from '../../src/network/signing.ts'
import { platformEvent } from '../../src/platform/events.ts'
import type { PlatformBody, SubscriptionBody } from '../../src/platform/records.ts'
import type { Sublevel } from '../../src/storage/database.ts'

const TEN = 'ten_' + 'a'.repeat(24)
const SUB = 'sub_' + 'b'.repeat(24)

describe('platform events', () => {
  test('each record is one event named for its kind and action, with what it names', () => {
    const sub = (action: SubscriptionBody['action'], tier: string | null): SubscriptionBody =>
      ({ kind: 'subscription', author: 'op', subscription_id: SUB, tenant_id: TEN, action, tier, billing_cycle: action === 'create' ? 'monthly' : null, time: 5 })
    assert.deepEqual(platformEvent('r1', { kind: 'tenant', author: 'op', tenant_id: TEN, action: 'suspend', name: null, metadata: null, time: 1 }),
      { type: 'tenant.suspended', tenantId: TEN, recordId: 'r1', author: 'op', at: 1 })
    assert.deepEqual(platformEvent('r2', { kind: 'key_revocation', author: 'op', key_id: 'key_1', tenant_id: TEN, time: 2 }),
      { type: 'key.revoked', tenantId: TEN, recordId: 'r2', author: 'op', at: 2, keyId: 'key_1' })
    assert.deepEqual(platformEvent('r3', sub('change_tier', 'pro')), { type: 'subscription.tier_changed', tenantId: TEN, recordId: 'r3', author: 'op', at: 5, subscriptionId: SUB, tier: 'pro' })
    assert.equal(platformEvent('r4', sub('cancel', null)).tier, undefined)
  })

  test('records loaded from the store at start are held, and are not events again', async () => {
    const key = await generateKeyPair('Ed25519')
    const self = peerIdFromPrivateKey(key).toString()
    const genesis = createGenesis({ networkId: 'events', operators: [{ peer_id: self, weight: 1, name: 'op' }], params: PRODUCTION_PARAMS, createdAt: new Date(1_000) })
    const body: PlatformBody = { kind: 'tenant', author: self, tenant_id: TEN, action: 'create', name: 'Acme', metadata: null, time: 2_000 }
    const stored: Signed[] = [signObject(body, signerOf(key))]
    const store = { values: async function * () { yield * stored } } as unknown as Sublevel<Signed>
    const events: string[] = []
    const governance = new GovernanceService({
      libp2p: undefined as never,
      clock: new ManualClock(3_000),
      log: silentLogger(),
      metrics: new MeshMetrics(() => ({ healthy: 0, suspect: 0, down: 0, left: 0 })),
      privateKey: key,
      selfId: self,
      store,
      genesis,
      genesisHash: genesisHash(genesis),
      onPlatform: (id, record) => { events.push(platformEvent(id, record).type) }
    }, { topic: 't', protocol: 'p', tickMs: 1_000, antiEntropyMs: 5_000 })
    await governance.open()
    assert.equal(governance.state.platform.tenant(TEN)?.name, 'Acme')
    assert.deepEqual(events, [])
  })
})
