import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { lpStream } from 'it-length-prefixed-stream'
import type { RunningNode } from '../../src/launch.ts'
import { GENESIS_PREV, sealEntry, type LogEntry } from '../../src/billing/log-entry.ts'
import { signerOf } from '../../src/network/signing.ts'
import { SyncRequestSchema } from '../../src/billing/sync-protocol.ts'
import { decodeJson, encodeJson } from '../../src/codec/json-bytes.ts'
import type { UsageRecord } from '../../src/billing/usage-record.ts'
import { createGenesis, genesisHash, type Genesis } from '../../src/network/genesis.ts'
import { signObject, type GovBody } from '../../src/governance/objects.ts'
import { PRODUCTION_PARAMS } from '../../src/network/params.ts'
import { silentLogger } from '../../src/logging.ts'
import { serveFrames } from '../../src/p2p/frames.ts'
import type { MeshLibp2p } from '../../src/p2p/libp2p.ts'
import { loadOrCreateIdentity } from '../../src/p2p/identity.ts'
import { GENESIS_EXCHANGE_PROTOCOL, networkProtocols } from '../../src/p2p/protocols.ts'
import { encodeSnapshot, type TelemetrySnapshot } from '../../src/telemetry/snapshot.ts'
import { call, callAsOperator, metricsOf, sampleSum } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { networkPeer } from '../helpers/network-peer.ts'
import { waitFor } from '../helpers/wait.ts'

/**
 * A closed network: operator A, member C (admitted by A) and a stranger H built in the test
 * with the project's own libp2p stack. H holds the genesis, signs its own billing chain
 * correctly, serves it over the sync protocol, announces its head and offers a service.
 */

function snapshot (seq: number): TelemetrySnapshot {
  return {
    incarnation: 1, seq, time: Date.now(), intervalMs: 300, cpu: 0,
    memory: { rssBytes: 1, heapUsedBytes: 1, limitBytes: 1_000_000, limitSource: 'host', share: 0 },
    eventLoopDelayMs: { p50: 0, p99: 0, max: 0 },
    requests: { active: 0, served: 0, errors: 0, recent: { windowMs: 60_000, served: 0, errors: 0 } },
    services: [{ name: 'echo', capacity: 10_000 }],
    apiUrl: '', version: '0.1.0', region: 'local', uptimeMs: 1
  }
}

/** The stranger: a libp2p node of the network's stack that speaks its protocols and serves its own chain. */
class Stranger {
  readonly entries: LogEntry[] = []
  routeStreams = 0
  private seq = 0
  private timer: NodeJS.Timeout | undefined
  readonly libp2p: MeshLibp2p
  readonly id: string
  private readonly sign: ReturnType<typeof signerOf>
  private readonly genesis: Genesis

  private constructor (libp2p: MeshLibp2p, id: string, sign: ReturnType<typeof signerOf>, genesis: Genesis) {
    this.libp2p = libp2p
    this.id = id
    this.sign = sign
    this.genesis = genesis
  }

  static async start (genesis: Genesis): Promise<Stranger> {
    const key = await generateKeyPair('Ed25519')
    const { libp2p, protocols } = await networkPeer(genesis, key)
    const s = new Stranger(libp2p, peerIdFromPrivateKey(key).toString(), signerOf(key), genesis)
    await libp2p.handle(protocols.route, ({ stream }) => {
      s.routeStreams++
      stream.abort(new Error('not serving'))
    })
    await serveFrames(libp2p, protocols.sync, req => {
      const ask = decodeJson(req, SyncRequestSchema)
      if (ask?.type === 'heads') {
        const head = s.entries.at(-1)
        return encodeJson({ heads: head === undefined ? [] : [{ author: s.id, seq: head.seq, hash: head.hash }] })
      }
      const from = ask?.type === 'range' ? ask.from : 1
      const limit = ask?.type === 'range' ? ask.limit : 0
      return encodeJson({ entries: s.entries.filter(e => e.seq >= from && e.seq < from + limit) })
    }, { maxRequestBytes: 64 * 1024, maxResponseBytes: 16 << 20, timeoutMs: 5_000 }, silentLogger())
    await libp2p.start()
    for (const t of Object.values(protocols.topics)) libp2p.services.pubsub.subscribe(t)
    return s
  }

  get topics (): ReturnType<typeof networkProtocols>['topics'] {
    return networkProtocols(this.genesis.network_id, genesisHash(this.genesis)).topics
  }

  /** Appends an entry to its own chain and announces its head, as a node does. */
  async author (records: UsageRecord[]): Promise<void> {
    const prev = this.entries.at(-1)
    const entry = sealEntry({ author: this.id, seq: ++this.seq, prev: prev?.hash ?? GENESIS_PREV, time: Date.now(), records }, this.sign)
    this.entries.push(entry)
    await this.libp2p.services.pubsub.publish(this.topics.billing, encodeJson({ author: this.id, seq: entry.seq, hash: entry.hash })).catch(() => undefined)
  }

  /** Signs and gossips a governance object of its own, as a node does. */
  async gossipObject (body: GovBody): Promise<string> {
    const o = signObject(body, this.sign)
    await this.libp2p.services.pubsub.publish(this.topics.governance, encodeJson(o))
    return o.id
  }

  /** Gossips valid snapshots offering `echo`, as a healthy node would. */
  advertise (): void {
    let seq = 0
    const publish = (): void => { void this.libp2p.services.pubsub.publish(this.topics.telemetry, encodeSnapshot(snapshot(++seq))).catch(() => undefined) }
    publish()
    this.timer = setInterval(publish, 300)
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    await this.libp2p.stop()
  }
}

const usage = (id: string, user: string, amount: number): UsageRecord =>
  ({ id, user_id: user, resource_type: 'storage', amount, unit: 'GB', timestamp: Date.now(), metadata: {} })

describe('membership is granted by operators, not assumed', { timeout: 180_000 }, () => {
  const dirs: string[] = []
  const nodes: RunningNode[] = []
  const strangers: Stranger[] = []
  after(async () => {
    await Promise.all(strangers.map(async s => { await s.stop() }))
    for (const n of nodes.reverse()) await n.stop()
    await Promise.all(dirs.map(removeDir))
  })

  async function closedNetwork (): Promise<{ a: RunningNode, genesis: Genesis }> {
    const dirA = await tempDir()
    dirs.push(dirA)
    const identity = await loadOrCreateIdentity(dirA)
    const genesis = createGenesis({
      networkId: 'closed-test',
      operators: [{ peer_id: identity.peerId.toString(), weight: 1, name: 'a' }],
      // A production genesis (closed), on loopback.
      params: { ...PRODUCTION_PARAMS, gossip_ip_colocation_threshold: 0 },
      createdAt: new Date()
    })
    const file = join(dirA, 'given-genesis.json')
    await writeFile(file, JSON.stringify(genesis))
    const a = await startNode(dirA, { genesis: file })
    nodes.push(a)
    return { a, genesis }
  }

  test('a stranger\'s entries, overwrite and offers are refused until admitted; after revocation its later entries are refused everywhere', async () => {
    const { a, genesis } = await closedNetwork()
    const dirC = await tempDir()
    dirs.push(dirC)
    const c = await startNode(dirC, { bootstrap: [a.mesh.network.listenAddresses()[0] ?? ''] })
    nodes.push(c)
    const idC = c.mesh.peerId.toString()
    assert.equal(c.genesisOrigin, 'fetched')

    // C fetched the genesis but is not a member: its own API refuses to write records that would count nowhere.
    assert.equal((await callAsOperator(c, 'POST', '/v1/billing/usage', { user_id: 'carol', resource_type: 'storage', amount: 1, unit: 'GB' })).status, 403)
    // Only an operator admits: C is refused, A admits C.
    assert.equal((await callAsOperator(c, 'POST', '/v1/network/members', { peer_id: idC })).status, 403)
    assert.equal((await callAsOperator(a, 'POST', '/v1/network/members', { peer_id: idC })).status, 201)
    await waitFor('C to learn it is a member', () => c.mesh.running().members.isMember(idC), { timeoutMs: 30_000 })

    // A client's record, acknowledged by A.
    const acked = await callAsOperator(a, 'POST', '/v1/billing/usage', { id: 'acked-1', user_id: 'alice', resource_type: 'storage', amount: 2, unit: 'GB' })
    assert.equal(acked.status, 201)

    const h = await Stranger.start(genesis)
    strangers.push(h)
    await h.author([usage('acked-1', 'alice', 1_000_000), usage('made-up-1', 'bob', 5)])
    const heldBackBefore = sampleSum(await metricsOf(a.api.url), 'meshnode_billing_held_back_batches_total')
    for (const n of [a, c]) await h.libp2p.dial(multiaddr(n.mesh.network.listenAddresses()[0] ?? ''))
    h.advertise()

    await waitFor('A and C to refuse the stranger\'s chain', async () =>
      sampleSum(await metricsOf(a.api.url), 'meshnode_billing_held_back_batches_total') > heldBackBefore &&
      sampleSum(await metricsOf(c.api.url), 'meshnode_billing_held_back_batches_total') > 0, { timeoutMs: 30_000 })
    await waitFor('A to list the stranger as a peer', () => a.mesh.peerTable.get(h.id, a.mesh.clock.now())?.state === 'healthy', { timeoutMs: 30_000 })
    await waitFor('A to list C as a peer', () => a.mesh.peerTable.get(idC, a.mesh.clock.now())?.state === 'healthy', { timeoutMs: 30_000 })
    for (const n of [a, c]) {
      assert.equal(n.mesh.running().billing.authors().find(x => x.author === h.id)?.held, undefined, 'nothing of the stranger is stored')
      assert.equal(n.mesh.running().billing.ledger.position('made-up-1'), undefined, 'its made-up record counts nowhere')
      assert.deepEqual(n.mesh.running().billing.ledger.position('acked-1'), { author: a.mesh.peerId.toString(), seq: 1 }, 'the acknowledged record is not overwritten')
    }
    const peers = (await call<{ peers: Array<{ peer_id: string, member: boolean }> }>(`${a.api.url}/v1/network/peers`)).body.peers
    assert.equal(peers.find(p => p.peer_id === h.id)?.member, false)
    assert.equal(peers.find(p => p.peer_id === idC)?.member, true)
    // Its offer is no routing candidate: the service is unknown to A's clients.
    assert.equal((await callAsOperator(a, 'POST', '/v1/load-balancer/select-node', { service: 'echo' })).status, 404)
    // A closed network routes only a tenant's key: a client with one is told the service is unknown.
    const tenant = await callAsOperator<{ id: string }>(a, 'POST', '/v1/tenants', { name: 'client', tier: 'free' })
    const key = await callAsOperator<{ key: string }>(a, 'POST', `/v1/tenants/${tenant.body.id}/keys`, {})
    assert.equal((await fetch(`${a.api.url}/v1/route/echo/x`, { headers: { authorization: `Bearer ${key.body.key}` } })).status, 404)
    assert.equal(h.routeStreams, 0)

    // It admits itself, and proposes to become an operator: both refused, held nowhere, counted.
    const gov = networkProtocols(genesis.network_id, genesisHash(genesis)).topics.governance
    const selfAdmission = await h.gossipObject({ kind: 'admission', author: h.id, peer_id: h.id, time: Date.now() })
    const proposal = await h.gossipObject({
      kind: 'proposal', author: h.id, title: 'me', description: '', change: { type: 'operator_add', peer_id: h.id, weight: 1, name: 'h' },
      created_at: Date.now(), voting_ends_at: Date.now() + 20_000, quorum: 0.334, threshold: 0.5, veto: 0.334
    })
    await waitFor('A to refuse the stranger\'s governance objects', async () =>
      sampleSum(await metricsOf(a.api.url), 'meshnode_gossip_messages_total', { topic: gov, outcome: 'rejected', reason: 'only_operators_admit_members' }) >= 1 &&
      sampleSum(await metricsOf(a.api.url), 'meshnode_gossip_messages_total', { topic: gov, outcome: 'rejected', reason: 'only_operators_propose' }) >= 1, { timeoutMs: 30_000 })
    for (const n of [a, c]) {
      assert.equal(n.mesh.running().governance.state.has(selfAdmission) || n.mesh.running().governance.state.has(proposal), false)
      assert.equal(n.mesh.running().members.isMember(h.id), false)
    }

    // Admitted by the operator: its entries are accepted on every node, and its offer is a candidate.
    assert.equal((await callAsOperator(a, 'POST', '/v1/network/members', { peer_id: h.id })).status, 201)
    for (const n of [a, c]) {
      await waitFor('the stranger\'s entry to be accepted', () => n.mesh.running().billing.authors().find(x => x.author === h.id)?.held?.seq === 1, { timeoutMs: 30_000 })
      assert.notEqual(n.mesh.running().billing.ledger.position('made-up-1'), undefined)
    }
    const selected = await callAsOperator(a, 'POST', '/v1/load-balancer/select-node', { service: 'echo' })
    assert.equal(selected.body.selected_node, h.id)
    const members = (await call<{ open_membership: boolean, members: Array<{ peer_id: string, via: string }> }>(`${c.api.url}/v1/network/members`)).body
    assert.equal(members.open_membership, false)
    assert.deepEqual(members.members.map(m => [m.peer_id, m.via]).sort(), [[a.mesh.peerId.toString(), 'operator'], [h.id, 'admission'], [idC, 'admission']].sort())

    // Revoked: entries through seq 1 stay counted, the next one is refused everywhere.
    const revoked = await callAsOperator(a, 'DELETE', `/v1/network/members/${h.id}`)
    assert.equal(revoked.status, 200)
    assert.equal(revoked.body.through_seq, 1)
    await waitFor('C to hold the revocation', () => !c.mesh.running().members.isMember(h.id), { timeoutMs: 30_000 })
    const notMember = async (n: RunningNode): Promise<number> => sampleSum(await metricsOf(n.api.url), 'meshnode_gossip_messages_total', { reason: 'not_member' }) +
      sampleSum(await metricsOf(n.api.url), 'meshnode_billing_held_back_batches_total')
    const refusedBefore = [await notMember(a), await notMember(c)]
    await h.author([usage('after-revocation', 'bob', 7)])
    await waitFor('A and C to refuse the entry after the revocation', async () =>
      await notMember(a) > (refusedBefore[0] ?? 0) && await notMember(c) > (refusedBefore[1] ?? 0), { timeoutMs: 30_000 })
    for (const n of [a, c]) {
      assert.equal(n.mesh.running().billing.authors().find(x => x.author === h.id)?.held?.seq, 1, 'the entry past the cut is not stored')
      assert.equal(n.mesh.running().billing.ledger.position('after-revocation'), undefined)
      assert.notEqual(n.mesh.running().billing.ledger.position('made-up-1'), undefined, 'entries through the cut stay counted')
    }
    assert.equal((await callAsOperator(a, 'POST', '/v1/network/members', { peer_id: h.id })).status, 409, 'a revocation is final')
  })

  test('a peer sending invalid gossip is disconnected and refused; every rejection and garbage on stream protocols is counted by reason', async () => {
    const { a, genesis } = await closedNetwork()
    const h = await Stranger.start(genesis)
    strangers.push(h)
    const addr = multiaddr(a.mesh.network.listenAddresses()[0] ?? '')
    await h.libp2p.dial(addr)
    const protocols = networkProtocols(genesis.network_id, genesisHash(genesis))
    // Garbage on the stream protocols: each refusal is counted.
    for (const [protocol, bytes] of [[protocols.sync, '{'], [protocols.governanceSync, '{"type":"nope"}'], [GENESIS_EXCHANGE_PROTOCOL, 'x'.repeat(1000)]] as const) {
      const stream = await h.libp2p.dialProtocol(addr, protocol)
      await lpStream(stream).write(new TextEncoder().encode(bytes)).catch(() => undefined)
      await stream.close().catch(() => undefined)
    }
    await waitFor('stream rejections to be counted', async () =>
      sampleSum(await metricsOf(a.api.url), 'meshnode_stream_rejections_total', { protocol: 'sync', reason: 'malformed' }) >= 1 &&
      sampleSum(await metricsOf(a.api.url), 'meshnode_stream_rejections_total', { protocol: 'gov-sync', reason: 'malformed' }) >= 1 &&
      sampleSum(await metricsOf(a.api.url), 'meshnode_stream_rejections_total', { protocol: 'genesis', reason: 'oversized' }) >= 1, { timeoutMs: 15_000 })

    await waitFor('A and the stranger to see each other\'s subscriptions', () => h.libp2p.services.pubsub.getSubscribers(h.topics.telemetry).length > 0, { timeoutMs: 15_000 })
    const refusedBefore = a.mesh.guard.refusedTotal
    // A spoofed author on the billing topic, an over-deep governance object (its id cannot even
    // be computed), then junk telemetry.
    await h.libp2p.services.pubsub.publish(h.topics.billing, encodeJson({ author: a.mesh.peerId.toString(), seq: 1, hash: 'ab'.repeat(32) }))
    const deep = '{"x":'.repeat(20_000) + '1' + '}'.repeat(20_000)
    const proposal = `{"body":{"kind":"proposal","author":"${h.id}","title":"t","description":"","change":{"type":"param_change","params":${deep}},` +
      `"created_at":${Date.now()},"voting_ends_at":${Date.now() + 20_000},"quorum":0.5,"threshold":0.5,"veto":0.334},"id":"${'0'.repeat(64)}","sig":"AAAA"}`
    await h.libp2p.services.pubsub.publish(h.topics.governance, new TextEncoder().encode(proposal))
    for (let i = 0; i < 20 && a.mesh.network.connectedPeers().includes(h.id); i++) {
      await h.libp2p.services.pubsub.publish(h.topics.telemetry, new TextEncoder().encode(`junk ${i}`)).catch(() => undefined)
    }
    await waitFor('A to disconnect the stranger', () => !a.mesh.network.connectedPeers().includes(h.id) && a.mesh.guard.refusedTotal > refusedBefore, { timeoutMs: 20_000 })
    // It comes back: A refuses the connection (for a while).
    await h.libp2p.dial(addr).catch(() => undefined)
    await waitFor('the stranger\'s new connection to be refused', () => h.libp2p.getConnections(a.mesh.peerId).length === 0, { timeoutMs: 10_000 })
    assert.equal(a.mesh.network.connectedPeers().includes(h.id), false)
    assert.ok(sampleSum(await metricsOf(a.api.url), 'meshnode_gossip_messages_total', { topic: h.topics.telemetry, outcome: 'rejected', reason: 'malformed' }) >= 1)
    assert.ok(sampleSum(await metricsOf(a.api.url), 'meshnode_gossip_messages_total', { topic: h.topics.billing, outcome: 'rejected', reason: 'spoofed_author' }) >= 1)
    // The validator threw (or, with a depth limit at decoding, refused it as malformed): a counted reject either way.
    assert.ok(sampleSum(await metricsOf(a.api.url), 'meshnode_gossip_messages_total', { topic: h.topics.governance, outcome: 'rejected' }) >= 1)
  })
})
