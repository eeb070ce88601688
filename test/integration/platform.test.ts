import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { RunningNode } from '../../src/launch.ts'
import { encodeJson } from '../../src/codec/json-bytes.ts'
import { signObject, type Signed } from '../../src/governance/objects.ts'
import { createGenesis, genesisHash, type Genesis } from '../../src/network/genesis.ts'
import { PRODUCTION_PARAMS } from '../../src/network/params.ts'
import { signerOf } from '../../src/network/signing.ts'
import { KEY_FILE } from '../../src/p2p/identity.ts'
import type { MeshLibp2p } from '../../src/p2p/libp2p.ts'
import { networkProtocols } from '../../src/p2p/protocols.ts'
import type { PlatformState } from '../../src/platform/state.ts'
import { summarize } from '../../src/stats.ts'
import { startUpstream, type Upstream } from '../../simulations/live/upstream.ts'
import { call, callAsOperator, metricsOf, sampleSum } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { networkPeer } from '../helpers/network-peer.ts'
import { waitFor } from '../helpers/wait.ts'

/**
 * Five operators on a closed network (anonymous routing off), each offering "echo": a tenant
 * and key made on one node work through every node, a revocation made on another is refused
 * everywhere, and a stranger's records (its own, or forged in an operator's name) are held by
 * none. Propagation times are measured and reported, never asserted (the machine is shared).
 */
const ROUNDS = 10
const DEADLINE_MS = 15_000

interface Probe { status: number, reason: unknown }

describe('tenants and keys across five operators', { timeout: 240_000 }, () => {
  const dirs: string[] = []
  const nodes: RunningNode[] = []
  let upstream: Upstream
  let genesis: Genesis
  let stranger: MeshLibp2p
  let strangerKey: PrivateKey

  before(async () => {
    upstream = await startUpstream('echo')
    const keys = await Promise.all(Array.from({ length: 5 }, async () => await generateKeyPair('Ed25519')))
    genesis = createGenesis({
      networkId: 'platform-five',
      operators: keys.map((k, i) => ({ peer_id: peerIdFromPrivateKey(k).toString(), weight: 1, name: `op-${i}` })),
      params: { ...PRODUCTION_PARAMS, gossip_ip_colocation_threshold: 0, open_membership: true },
      createdAt: new Date()
    })
    for (const [i, key] of keys.entries()) {
      const dir = await tempDir()
      dirs.push(dir)
      await writeFile(join(dir, KEY_FILE), privateKeyToProtobuf(key), { mode: 0o600 })
      await writeFile(join(dir, 'given-genesis.json'), JSON.stringify(genesis))
      nodes.push(await startNode(dir, {
        genesis: join(dir, 'given-genesis.json'),
        services: [{ name: 'echo', url: upstream.url, capacity: 100 }],
        bootstrap: i === 0 ? [] : [nodes[0]?.mesh.network.listenAddresses()[0] ?? '']
      }))
    }
    await waitFor('every node to see the four others', () => nodes.every(n => n.mesh.peerTable.list(n.mesh.clock.now()).filter(p => p.state === 'healthy').length >= 4), { timeoutMs: 30_000 })
    await waitFor('echo routable on every node', async () =>
      (await Promise.all(nodes.map(async n => (await call(`${n.api.url}/v1/route/echo/x`)).status))).every(s => s === 401), { timeoutMs: 15_000 })

    strangerKey = await generateKeyPair('Ed25519')
    stranger = (await networkPeer(genesis, strangerKey)).libp2p
    await stranger.start()
  })

  after(async () => {
    await stranger?.stop()
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await upstream?.close()
    await Promise.all(dirs.map(removeDir))
  })

  const probe = async (n: RunningNode, secret: string): Promise<Probe> => {
    const r = await call(`${n.api.url}/v1/route/echo/hello`, { headers: { authorization: `Bearer ${secret}` } })
    return { status: r.status, reason: (r.body as { error?: { details?: { reason?: unknown } } }).error?.details?.reason }
  }

  /** Milliseconds from `start` until `ok` holds for a probe on `n`, polling every 10 ms. */
  const until = async (n: RunningNode, secret: string, start: number, ok: (p: Probe) => boolean): Promise<number> => {
    await waitFor('the probe to pass', async () => ok(await probe(n, secret)), { timeoutMs: DEADLINE_MS, intervalMs: 10 })
    return performance.now() - start
  }

  /** Milliseconds from `start` until `held` is true of `n`'s replicated state, polled every 2 ms in this process. */
  const heldAfter = async (n: RunningNode, start: number, held: (state: PlatformState) => boolean): Promise<number> => {
    await waitFor('the record to be held', () => held(n.mesh.running().platform.state), { timeoutMs: DEADLINE_MS, intervalMs: 2 })
    return performance.now() - start
  }

  test('a key made on one node routes through every other; revoked on a third, it is refused everywhere', async t => {
    const times = { held: [] as number[], usable: [] as number[], revocationHeld: [] as number[], refused: [] as number[] }
    for (let round = 0; round < ROUNDS; round++) {
      const maker = nodes[round % nodes.length] as RunningNode
      const revoker = nodes[(round + 2) % nodes.length] as RunningNode
      const tenant = await callAsOperator<{ id: string }>(maker, 'POST', '/v1/tenants', { name: `t${round}`, tier: 'pro' })
      assert.equal(tenant.status, 201, tenant.text)
      const others = nodes.filter(n => n !== maker)
      const start = performance.now()
      const held = Promise.all(others.map(async n => await heldAfter(n, start, s => s.keys(tenant.body.id).length > 0)))
      const key = await callAsOperator<{ id: string, key: string }>(maker, 'POST', `/v1/tenants/${tenant.body.id}/keys`, {})
      assert.equal(key.status, 201, key.text)
      times.usable.push(...await Promise.all(others.map(async n => await until(n, key.body.key, start, p => p.status === 200))))
      times.held.push(...await held)

      await waitFor('the key on the revoker', () => revoker.mesh.running().platform.state.key(key.body.id) !== undefined, { timeoutMs: DEADLINE_MS })
      const notRevoker = nodes.filter(n => n !== revoker)
      const revokedAt = performance.now()
      const revocationHeld = Promise.all(notRevoker.map(async n => await heldAfter(n, revokedAt, s => s.key(key.body.id)?.revoked !== null)))
      const r = await callAsOperator(revoker, 'DELETE', `/v1/tenants/${tenant.body.id}/keys/${key.body.id}`)
      assert.equal(r.status, 200, r.text)
      times.refused.push(...await Promise.all(notRevoker.map(async n => await until(n, key.body.key, revokedAt, p => p.status === 401 && p.reason === 'revoked_key'))))
      times.revocationHeld.push(...await revocationHeld)
      for (const n of nodes) assert.deepEqual(await probe(n, key.body.key), { status: 401, reason: 'revoked_key' })
    }
    const figure = (xs: number[]): string => {
      const s = summarize(xs)
      return `p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms, max ${s.max.toFixed(0)} ms over ${s.count}`
    }
    // From just before the request that makes the record; five nodes share this process and the machine.
    t.diagnostic(`key held by another node after: ${figure(times.held)}`)
    t.diagnostic(`key routed through another node after: ${figure(times.usable)}`)
    t.diagnostic(`revocation held by another node after: ${figure(times.revocationHeld)}`)
    t.diagnostic(`revoked key refused by another node after: ${figure(times.refused)}`)
  })

  test('a suspended tenant is refused everywhere, and a tier change shows on every node', async () => {
    const [a, b, c] = nodes as [RunningNode, RunningNode, RunningNode]
    const tenant = await callAsOperator<{ id: string, subscription: { id: string } }>(a, 'POST', '/v1/tenants', { name: 'suspend-me', tier: 'basic' })
    const key = await callAsOperator<{ key: string }>(a, 'POST', `/v1/tenants/${tenant.body.id}/keys`, {})
    await Promise.all(nodes.map(async n => await until(n, key.body.key, 0, p => p.status === 200)))
    await waitFor('the tenant on B', async () => (await callAsOperator(b, 'GET', `/v1/tenants/${tenant.body.id}`)).status === 200, { timeoutMs: DEADLINE_MS })
    assert.equal((await callAsOperator(b, 'POST', `/v1/tenants/${tenant.body.id}/suspend`)).status, 200)
    await Promise.all(nodes.map(async n => await until(n, key.body.key, 0, p => p.status === 401 && p.reason === 'tenant_suspended')))
    assert.equal((await callAsOperator(c, 'PATCH', `/v1/billing/subscriptions/${tenant.body.subscription.id}`, { tier: 'enterprise' })).status, 200)
    await waitFor('the new tier everywhere', async () => (await Promise.all(nodes.map(async n =>
      (await callAsOperator<{ tier: string | null }>(n, 'GET', `/v1/tenants/${tenant.body.id}`)).body.tier))).every(tier => tier === 'enterprise'), { timeoutMs: DEADLINE_MS })
  })

  test('every node\'s event feed carries the records it accepts, its own and its peers\'', async () => {
    const [a, b] = nodes as [RunningNode, RunningNode]
    const controller = new AbortController()
    const feed = await fetch(`${b.api.url}/v1/events`, { signal: controller.signal })
    const reader = (feed.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    try {
      const tenant = await callAsOperator<{ id: string, subscription: { id: string } }>(a, 'POST', '/v1/tenants', { name: 'evented', tier: 'basic' })
      const key = await callAsOperator<{ id: string }>(a, 'POST', `/v1/tenants/${tenant.body.id}/keys`, {})
      await waitFor('the key on B', async () => (await callAsOperator(b, 'GET', `/v1/tenants/${tenant.body.id}`)).status === 200, { timeoutMs: DEADLINE_MS })
      await callAsOperator(b, 'DELETE', `/v1/tenants/${tenant.body.id}/keys/${key.body.id}`)
      const expected = ['tenant.created', 'subscription.created', 'key.created', 'key.revoked']
      const deadline = Date.now() + DEADLINE_MS
      while (!expected.every(type => new RegExp(`event: ${type}\ndata: [^\n]*"tenant_id":"${tenant.body.id}"`).test(text))) {
        assert.ok(Date.now() < deadline, `events on B so far: ${text}`)
        const { value, done } = await reader.read()
        if (done) break
        text += value
      }
      assert.match(text, new RegExp(`event: key.created\ndata: [^\n]*"key_id":"${key.body.id}"`))
      assert.match(text, new RegExp(`event: subscription.created\ndata: [^\n]*"subscription_id":"${tenant.body.subscription.id}"[^\n]*"tier":"basic"`))
    } finally {
      controller.abort()
      await reader.cancel().catch(() => {})
    }
  })

  test("a stranger's tenant record, its own or forged in an operator's name, is stored nowhere and counted", async () => {
    const [a] = nodes as [RunningNode]
    const topic = networkProtocols(genesis.network_id, genesisHash(genesis)).topics.governance
    await stranger.dial(multiaddr(a.mesh.network.listenAddresses()[0] ?? ''))
    stranger.services.pubsub.subscribe(topic)
    await waitFor('A to be a governance subscriber the stranger knows', () => stranger.services.pubsub.getSubscribers(topic).length > 0, { timeoutMs: DEADLINE_MS })
    const self = peerIdFromPrivateKey(strangerKey).toString()
    const sign = signerOf(strangerKey)
    const operator = genesis.operators[0]?.peer_id ?? ''
    const sent: Signed[] = []
    const rejected = async (): Promise<{ own: number, forged: number }> => {
      const text = await metricsOf(a.api.url)
      return {
        own: sampleSum(text, 'meshnode_gossip_messages_total', { topic, reason: 'only_operators_manage_tenants' }),
        forged: sampleSum(text, 'meshnode_gossip_messages_total', { topic, reason: 'forged' })
      }
    }
    const before = await rejected()
    // Published until A has counted both: the gossip mesh may take a heartbeat to form.
    await waitFor('A to count both records refused', async () => {
      const i = sent.length
      const own = signObject({ kind: 'tenant', author: self, tenant_id: `ten_${String(i).padStart(24, '0')}`, action: 'create', name: 'evil', metadata: null, time: Date.now() }, sign)
      const good = signObject({ kind: 'tenant', author: operator, tenant_id: `ten_${String(i + 1).padStart(24, '0')}`, action: 'create', name: 'evil', metadata: null, time: Date.now() }, sign)
      sent.push(own, good)
      for (const o of [own, good]) await stranger.services.pubsub.publish(topic, encodeJson(o)).catch(() => {})
      const now = await rejected()
      return now.own > before.own && now.forged > before.forged
    }, { timeoutMs: DEADLINE_MS, intervalMs: 500 })
    for (const n of nodes) {
      for (const o of sent) {
        assert.equal(n.mesh.running().governance.state.has(o.id), false)
        assert.equal((await callAsOperator(n, 'GET', `/v1/tenants/${(o.body as { tenant_id: string }).tenant_id}`)).status, 404)
      }
    }
  })
})
