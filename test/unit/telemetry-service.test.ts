import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Message, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { ManualClock } from '../../src/clock.ts'
import { decodeJson, encodeJson } from '../../src/codec/json-bytes.ts'
import { silentLogger } from '../../src/logging.ts'
import type { MeshLibp2p } from '../../src/p2p/libp2p.ts'
import { requestFrame } from '../../src/p2p/frames.ts'
import type { TopicValidator } from '../../src/p2p/gossip-validation.ts'
import { seededRandom } from '../../src/random.ts'
import { LoadHistory } from '../../src/telemetry/load-history.ts'
import { LoadSampler, RequestCounters } from '../../src/telemetry/load-sampler.ts'
import { MembershipEventSchema, encodeMembershipEvent, type MembershipEvent } from '../../src/telemetry/membership-event.ts'
import { PeerTable } from '../../src/telemetry/peer-table.ts'
import { encodeSnapshot } from '../../src/telemetry/snapshot.ts'
import { ProbeResponseSchema, TelemetryService } from '../../src/telemetry/telemetry-service.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'
import { streamPair } from '../helpers/memory-stream.ts'
import { validSnapshot } from '../helpers/snapshots.ts'
import { waitFor } from '../helpers/wait.ts'

const TOPIC = '/meshnode/test/telemetry/1'
const PROBE = '/meshnode/test/probe/1.0.0'
const decoder = new TextDecoder()

type StreamHandler = (data: { stream: Stream, connection: { remotePeer: PeerId } }) => void
let streams = 0

/**
 * The libp2p node the service sees, reduced to what it calls: gossip records what it publishes
 * and hands the test the topic validator; no peer is reachable (probes fail at once) but the
 * linked ones, whose streams reach the handlers of another fake (or nobody, when silent).
 */
class FakeLibp2p {
  readonly published: Array<Record<string, unknown>> = []
  readonly validators = new Map<string, TopicValidator>()
  readonly services = {
    pubsub: {
      topicValidators: this.validators,
      subscribe: () => {},
      publish: async (_topic: string, data: Uint8Array) => { this.published.push(JSON.parse(decoder.decode(data)) as Record<string, unknown>) }
    },
    ping: { ping: async () => { throw new Error('unreachable') } }
  }

  /** Streams the service opened, by peer and protocol; none connects. */
  readonly dials: Array<[string, string]> = []
  /** Whether every peer counts as connected (then dials go to the peer id, and are recorded). */
  connected = false

  /** This node's id, as its linked peers see it. */
  self: PeerId | undefined
  /** Connected peers that answer streams, by id: another fake, or 'silent' (reads nothing, never answers). */
  readonly links = new Map<string, FakeLibp2p | 'silent'>()
  private readonly handlers = new Map<string, StreamHandler>()
  private readonly listeners = new Map<string, (evt: CustomEvent<PeerId>) => void>()

  addEventListener (type: string, listener: (evt: CustomEvent<PeerId>) => void): void { this.listeners.set(type, listener) }
  removeEventListener (type: string): void { this.listeners.delete(type) }
  /** Links `peer` and tells the service that it connected. */
  connect (peer: FakeLibp2p): void {
    if (peer.self === undefined) return
    this.links.set(peer.self.toString(), peer)
    this.listeners.get('peer:connect')?.(new CustomEvent('peer:connect', { detail: peer.self }))
  }
  getConnections (peer?: PeerId): unknown[] { return this.connected || (peer !== undefined && this.links.has(peer.toString())) ? [{}] : [] }
  getPeers (): PeerId[] { return [...this.links.keys()].map(id => peerIdFromString(id)) }
  async handle (protocol: string, handler: StreamHandler): Promise<void> { this.handlers.set(protocol, handler) }
  async unhandle (protocol: string): Promise<void> { this.handlers.delete(protocol) }
  async dialProtocol (peer: PeerId, protocol: string): Promise<Stream> {
    this.dials.push([peer.toString(), protocol])
    const link = this.links.get(peer.toString())
    if (link === undefined || this.self === undefined) throw new Error('unreachable')
    const [mine, theirs] = streamPair(++streams)
    if (link !== 'silent') link.handlers.get(protocol)?.({ stream: theirs, connection: { remotePeer: this.self } })
    return mine
  }

  events (): MembershipEvent[] {
    return this.published.filter(m => 'event' in m).map(m => MembershipEventSchema.parse(m))
  }
}

const ids: PeerId[] = []
before(async () => {
  for (let i = 0; i < 9; i++) ids.push(peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
})

const running: TelemetryService[] = []
after(async () => { await Promise.all(running.map(async s => { await s.stop() })) })

function service (budget = 4, opts: { self?: number, leaveTimeoutMs?: number } = {}): { s: TelemetryService, libp2p: FakeLibp2p, clock: ManualClock, table: PeerTable, self: string } {
  const clock = new ManualClock(Date.now())
  const libp2p = new FakeLibp2p()
  const { telemetry } = DEFAULT_TUNING
  const table = new PeerTable({ detector: telemetry.detector, tickIntervalMs: telemetry.tickMs, forgetAfterMs: telemetry.forgetAfterMs })
  libp2p.self = ids[opts.self ?? 0] as PeerId
  const self = libp2p.self.toString()
  const s = new TelemetryService({
    libp2p: libp2p as unknown as MeshLibp2p,
    clock,
    random: seededRandom(1),
    selfId: self,
    peerTable: table,
    sampler: new LoadSampler(new RequestCounters(() => clock.now(), 60_000)),
    history: new LoadHistory(10),
    metrics: { gossip: () => {} },
    log: silentLogger()
  }, {
    ...telemetry,
    leaveTimeoutMs: opts.leaveTimeoutMs ?? telemetry.leaveTimeoutMs,
    topic: TOPIC,
    probeProtocol: PROBE,
    intervalMs: 1_000,
    probeIntervalMs: 60_000,
    receiveBudget: () => budget,
    maxSkewMs: () => 30_000,
    describeSelf: () => ({ services: [], apiUrl: '', region: 'local', version: '0.1.0' })
  })
  running.push(s)
  return { s, libp2p, clock, table, self }
}

function deliver (libp2p: FakeLibp2p, from: PeerId, data: Uint8Array): void {
  const validate = libp2p.validators.get(TOPIC)
  assert.ok(validate !== undefined)
  validate(from, { type: 'signed', from, topic: TOPIC, data, sequenceNumber: 1n, signature: new Uint8Array(), key: from.publicKey } as unknown as Message)
}

describe('TelemetryService', () => {
  test('accused while alive, it refutes at once with a higher incarnation; an accusation of an older incarnation is ignored', async () => {
    const { s, libp2p, clock, self } = service()
    await s.start()
    const accuser = ids[1] as PeerId
    const before = s.incarnation
    deliver(libp2p, accuser, encodeMembershipEvent({ event: 'suspect', peerId: self, incarnation: before, time: clock.now() }))
    await waitFor('the refutation', () => libp2p.events().some(e => e.event === 'alive'), { timeoutMs: 5_000 })
    assert.deepEqual(libp2p.events().filter(e => e.event === 'alive').map(e => [e.peerId, e.incarnation]), [[self, before + 1]])
    assert.equal(s.incarnation, before + 1)
    deliver(libp2p, accuser, encodeMembershipEvent({ event: 'down', peerId: self, incarnation: before, time: clock.now() }))
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(libp2p.events().filter(e => e.event === 'alive').length, 1, 'the old incarnation was refuted already')
    assert.ok(s.localHealth > 0, 'a refutation raises the local health score (Lifeguard)')
  })

  test('leave announces left with its incarnation once, then neither publishes nor refutes', async () => {
    const { s, libp2p, clock, self } = service()
    await s.start()
    const result = await s.leave()
    assert.equal(result.incarnation, s.incarnation)
    assert.equal(s.left, true)
    await s.leave()
    assert.deepEqual(libp2p.events().filter(e => e.event === 'left').map(e => [e.peerId, e.incarnation]), [[self, result.incarnation]])
    deliver(libp2p, ids[2] as PeerId, encodeMembershipEvent({ event: 'suspect', peerId: self, incarnation: s.incarnation, time: clock.now() }))
    const count = libp2p.published.length
    await new Promise(resolve => setTimeout(resolve, 50))
    assert.equal(libp2p.published.length, count)
    assert.ok(!libp2p.events().some(e => e.event === 'alive'))
  })

  test('the publication interval follows the peers it knows and the budget: max(base, peers / budget)', async () => {
    const { s, libp2p, clock } = service(2)
    await s.start()
    assert.equal(s.publicationInterval(), 1_000)
    for (const id of ids.slice(1)) deliver(libp2p, id, encodeSnapshot(validSnapshot({ time: clock.now(), incarnation: 1, seq: 1 })))
    assert.equal(s.publicationInterval(), 4_000, '8 peers at 2 a second')
    await waitFor('a snapshot announcing the interval', () => libp2p.published.some(m => m.intervalMs === 4_000), { timeoutMs: 10_000 })
  })

  test('a newcomer, or a peer back with a higher incarnation, is handed this node\'s snapshot directly (a hello), once', async () => {
    const { s, libp2p, clock } = service()
    libp2p.connected = true
    await s.start()
    const peer = ids[4] as PeerId
    const hellos = (): number => libp2p.dials.filter(([id, protocol]) => id === peer.toString() && protocol === PROBE).length
    deliver(libp2p, peer, encodeSnapshot(validSnapshot({ time: clock.now(), incarnation: 5, seq: 1 })))
    await waitFor('a hello to the newcomer', () => hellos() === 1, { timeoutMs: 5_000 })
    deliver(libp2p, peer, encodeSnapshot(validSnapshot({ time: clock.now(), incarnation: 5, seq: 2 })))
    await new Promise(resolve => setTimeout(resolve, 100))
    assert.equal(hellos(), 1, 'a peer already known is not greeted again')
    deliver(libp2p, peer, encodeSnapshot(validSnapshot({ time: clock.now(), incarnation: 6, seq: 1 })))
    await waitFor('a hello to the restarted peer', () => hellos() === 2, { timeoutMs: 5_000 })
  })

  test('events about others reach the peer table: a goodbye makes the peer left', async () => {
    const { s, libp2p, clock, table } = service()
    await s.start()
    const peer = ids[3] as PeerId
    deliver(libp2p, peer, encodeSnapshot(validSnapshot({ time: clock.now(), incarnation: 5, seq: 1 })))
    deliver(libp2p, peer, encodeMembershipEvent({ event: 'left', peerId: peer.toString(), incarnation: 5, time: clock.now() }))
    assert.equal(table.get(peer.toString(), clock.now())?.state, 'left')
  })
})

describe('TelemetryService: the goodbye handed over directly', () => {
  /** A started service as peer `ids[self]`. */
  async function member (self: number, opts: { leaveTimeoutMs?: number } = {}): Promise<ReturnType<typeof service>> {
    const node = service(4, { self, ...opts })
    await node.s.start()
    return node
  }

  function know (observer: ReturnType<typeof service>, peer: PeerId, incarnation: number): void {
    deliver(observer.libp2p, peer, encodeSnapshot(validSnapshot({ time: observer.clock.now(), incarnation, seq: 1 })))
  }

  /** Connects the leaver to `peers` (they answer its streams), and each side knows the other from a fresh snapshot. */
  function link (leaver: ReturnType<typeof service>, ...peers: Array<ReturnType<typeof service>>): void {
    for (const p of peers) {
      leaver.libp2p.links.set(p.self, p.libp2p)
      know(leaver, peerIdFromString(p.self), p.s.incarnation)
      know(p, peerIdFromString(leaver.self), leaver.s.incarnation)
    }
  }

  test('leave returns once every connected member acknowledged the goodbye: each has the leaver left before any connection closes', async () => {
    const leaver = await member(0)
    const a = await member(1)
    const b = await member(2)
    link(leaver, a, b)
    assert.equal(a.table.get(leaver.self, a.clock.now())?.state, 'healthy')
    await leaver.s.leave()
    // The fake gossip reaches nobody: only the direct goodbye can have told them.
    assert.equal(a.table.get(leaver.self, a.clock.now())?.state, 'left')
    assert.equal(b.table.get(leaver.self, b.clock.now())?.state, 'left')
    assert.deepEqual(leaver.libp2p.events().filter(e => e.event === 'left').map(e => e.peerId), [leaver.self], 'it is gossiped too, once')
  })

  test('a member that never acknowledges holds the leave no longer than leaveTimeoutMs; the others are told all the same', async () => {
    const leaver = await member(0, { leaveTimeoutMs: 300 })
    const a = await member(1)
    link(leaver, a)
    const silent = ids[3] as PeerId
    leaver.libp2p.links.set(silent.toString(), 'silent')
    know(leaver, silent, 1)
    let bound: NodeJS.Timeout | undefined
    const held = new Promise<'held'>(resolve => { bound = setTimeout(() => { resolve('held') }, 20_000) })
    const outcome = await Promise.race([leaver.s.leave().then(() => 'returned' as const), held])
    clearTimeout(bound)
    assert.equal(outcome, 'returned', 'the silent member held the leave past its bound')
    assert.ok(leaver.libp2p.dials.some(([id, protocol]) => id === silent.toString() && protocol === PROBE), 'the silent member was asked')
    assert.equal(a.table.get(leaver.self, a.clock.now())?.state, 'left')
  })

  test('once it left, a peer that connects is handed the goodbye too', async () => {
    const leaver = await member(0)
    const late = await member(4)
    know(leaver, peerIdFromString(late.self), late.s.incarnation)
    know(late, peerIdFromString(leaver.self), leaver.s.incarnation)
    await leaver.s.leave()
    assert.equal(late.table.get(leaver.self, late.clock.now())?.state, 'healthy', 'not connected: not told directly')
    leaver.libp2p.connect(late.libp2p)
    await waitFor('the late member to have the leaver left', () => late.table.get(leaver.self, late.clock.now())?.state === 'left', { timeoutMs: 5_000 })
  })

  test('a probe of a peer that left and closed, before its goodbye arrived, accuses it not when a helper holds it left', async () => {
    const requester = await member(5)
    const helper = await member(6)
    requester.libp2p.connect(helper.libp2p)
    know(requester, peerIdFromString(helper.self), helper.s.incarnation)
    const [gone, failed] = [ids[7] as PeerId, ids[8] as PeerId]
    for (const target of [gone, failed]) {
      know(requester, target, 3)
      know(helper, target, 3)
    }
    deliver(helper.libp2p, gone, encodeMembershipEvent({ event: 'left', peerId: gone.toString(), incarnation: 3, time: helper.clock.now() }))
    // No ping reaches either (the fake's pings fail): the helper pings the one it does not hold left, and fails too.
    await requester.s.probeMember(gone.toString())
    await requester.s.probeMember(failed.toString())
    assert.deepEqual(requester.libp2p.events().filter(e => e.event === 'suspect').map(e => e.peerId), [failed.toString()])
    assert.equal(requester.table.get(gone.toString(), requester.clock.now())?.state, 'healthy', 'it waits for the goodbye')
    assert.equal(requester.table.get(failed.toString(), requester.clock.now())?.state, 'suspect')
  })

  test('a goodbye handed over directly is judged as a gossiped one: only its author\'s own, of its incarnation, is applied', async () => {
    const a = await member(1)
    const leaverId = ids[0] as PeerId
    const incarnation = 7
    know(a, leaverId, incarnation)
    /** Sends a goodbye to `a` over the probe protocol as peer `from`: its answer, or 'refused' for a malformed request. */
    async function handOver (from: PeerId, event: Record<string, unknown>): Promise<boolean | 'refused'> {
      const sender = new FakeLibp2p()
      sender.self = from
      sender.links.set(a.self, a.libp2p)
      try {
        const bytes = await requestFrame(sender as unknown as MeshLibp2p, peerIdFromString(a.self), PROBE, encodeJson({ left: event }), { maxRequestBytes: 1024, maxResponseBytes: 64, timeoutMs: 5_000 })
        return decodeJson(bytes, ProbeResponseSchema)?.ok ?? 'refused'
      } catch {
        return 'refused'
      }
    }
    const state = (): string | undefined => a.table.get(leaverId.toString(), a.clock.now())?.state
    const goodbye = { event: 'left', peerId: leaverId.toString(), incarnation, time: a.clock.now() }
    assert.equal(await handOver(ids[5] as PeerId, goodbye), false, 'another peer\'s goodbye is forged')
    assert.equal(state(), 'healthy')
    assert.equal(await handOver(leaverId, { ...goodbye, event: 'suspect' }), 'refused', 'only a goodbye goes this way')
    assert.equal(await handOver(leaverId, { ...goodbye, time: a.clock.now() - 60_000 }), false, 'a stale one is refused')
    assert.equal(await handOver(leaverId, { ...goodbye, incarnation: incarnation - 1 }), true, 'an old incarnation passes the checks')
    assert.equal(state(), 'healthy', '...but is void: the peer came back since')
    assert.equal(await handOver(leaverId, goodbye), true)
    assert.equal(state(), 'left')
  })
})
