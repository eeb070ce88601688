import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../src/clock.ts'
import { PeerSelection } from '../../src/routing/peer-selection.ts'
import { capacityWeight } from '../../src/routing/strategies.ts'
import type { PeerSnapshot } from '../../src/telemetry/peer-table.ts'
import type { ServiceOffer } from '../../src/telemetry/snapshot.ts'

const SELF = 'self'

function peer (peerId: string, services: ServiceOffer[], state = 'healthy', cpu = 0.25, active = 3): PeerSnapshot {
  return { peerId, state, snapshot: { services, cpu, requests: { active, served: 0, errors: 0 } } } as unknown as PeerSnapshot
}

function selectionOf (opts: { peers?: PeerSnapshot[], local?: ServiceOffer[], refused?: Set<string>, weights?: Record<string, number> } = {}): { selection: PeerSelection, clock: ManualClock } {
  const clock = new ManualClock()
  const local = opts.local ?? []
  const selection = new PeerSelection({
    selfId: SELF,
    peers: () => opts.peers ?? [],
    ownLoad: () => ({ cpu: 0.5, activeRequests: 7 }),
    services: { offers: () => local, has: name => local.some(s => s.name === name) },
    admits: peerId => !(opts.refused ?? new Set()).has(peerId),
    clock,
    random: () => 0.5
  }, { strategy: 'round_robin', weights: opts.weights ?? {}, latencyDecayMs: 10_000 })
  return { selection, clock }
}

test('candidates are the healthy peers offering the service and this node, each with its own load and weight', () => {
  const { selection } = selectionOf({
    peers: [peer('a', [{ name: 'echo', capacity: 4 }]), peer('b', [{ name: 'echo', capacity: 2 }], 'suspect'), peer('c', [{ name: 'other', capacity: 1 }])],
    local: [{ name: 'echo', capacity: 8 }],
    weights: { a: 5 }
  })
  const candidates = selection.candidates('echo')
  assert.deepEqual(candidates.map(c => c.peerId), ['a', SELF])
  assert.deepEqual(candidates[0], { peerId: 'a', capacity: 4, weight: 5, inFlight: 0, latencyMs: undefined, load: { cpu: 0.25, activeRequests: 3 } })
  assert.deepEqual(candidates[1], { peerId: SELF, capacity: 8, weight: capacityWeight(8), inFlight: 0, latencyMs: undefined, load: { cpu: 0.5, activeRequests: 7 } })
})

test('a peer the failover state does not admit is no candidate', () => {
  const { selection } = selectionOf({ peers: [peer('a', [{ name: 'echo', capacity: 1 }]), peer('b', [{ name: 'echo', capacity: 1 }])], refused: new Set(['a']) })
  assert.deepEqual(selection.candidates('echo').map(c => c.peerId), ['b'])
})

test('peerServices lists what peers advertise; a service is known when a peer or this node offers it', () => {
  const { selection } = selectionOf({ peers: [peer('a', [{ name: 'echo', capacity: 1 }]), peer('b', [{ name: 'echo', capacity: 1 }, { name: 'kv', capacity: 1 }])], local: [{ name: 'mine', capacity: 1 }] })
  assert.deepEqual([...selection.peerServices()].map(([name, peers]) => [name, peers.map(p => p.peerId)]), [['echo', ['a', 'b']], ['kv', ['b']]])
  assert.equal(selection.isKnown('kv'), true)
  assert.equal(selection.isKnown('mine'), true)
  assert.equal(selection.isKnown('nothing'), false)
})

test('select picks among the candidates not excluded, round robin in peer order, and nothing when none is left', () => {
  const { selection } = selectionOf({ peers: ['c', 'a', 'b'].map(id => peer(id, [{ name: 'echo', capacity: 1 }])) })
  assert.deepEqual([1, 2, 3, 4].map(() => selection.select('echo')?.selection.peerId), ['a', 'b', 'c', 'a'])
  assert.equal(selection.select('echo', new Set(['b', 'c']))?.candidate.peerId, 'a')
  assert.equal(selection.select('echo', new Set(['a', 'b', 'c'])), undefined)
  assert.equal(selection.select('nothing'), undefined)
})

test('the statistics of a peer show in its candidate: in-flight and latency', () => {
  const { selection, clock } = selectionOf({ peers: [peer('a', [{ name: 'echo', capacity: 1 }])] })
  const stats = selection.statsOf('a')
  assert.equal(selection.statsOf('a'), stats, 'one record per peer')
  stats.inFlight = 2
  stats.latency.observe(40, clock.now())
  const [a] = selection.candidates('echo')
  assert.equal(a?.inFlight, 2)
  assert.equal(a?.latencyMs, 40)
  assert.deepEqual([...selection.peerStats().keys()], ['a'])
})

test('configure changes the strategy of every service and the weights; the weights given out are copies', () => {
  const { selection } = selectionOf({ peers: [peer('a', [{ name: 'echo', capacity: 1 }]), peer('b', [{ name: 'echo', capacity: 1 }])] })
  assert.equal(selection.select('echo')?.selection.peerId, 'a')
  selection.configure({ strategy: 'weighted_round_robin', weights: { b: 10 } })
  assert.equal(selection.strategy, 'weighted_round_robin')
  assert.equal(selection.select('echo')?.selection.peerId, 'b', 'the heavier peer goes first')
  const weights = selection.weights
  weights.b = 1
  assert.deepEqual(selection.weights, { b: 10 })
  assert.equal(selection.candidates('echo').find(c => c.peerId === 'b')?.weight, 10)
})
