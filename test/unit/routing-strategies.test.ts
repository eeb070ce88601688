import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MAX_CAPACITY_FACTOR, STRATEGY_NAMES, Selector, capacityWeight, costOf, type PeerCandidate } from '../../src/routing/strategies.ts'
import { seededRandom as mulberry32 } from '../../src/random.ts'


/** A `random` that returns the given values in turn. */
function sequence (...values: number[]): () => number {
  let i = 0
  return () => values[i++ % values.length] ?? 0
}

function peer (peerId: string, over: Partial<PeerCandidate> = {}): PeerCandidate {
  return { peerId, capacity: 10, weight: 1, inFlight: 0, latencyMs: 10, load: { cpu: 0, activeRequests: 0 }, ...over }
}

function shuffle<T> (items: readonly T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const a = out[i]
    const b = out[j]
    if (a === undefined || b === undefined) throw new Error('index out of range')
    out[i] = b
    out[j] = a
  }
  return out
}

function picks (selector: Selector, candidates: PeerCandidate[], n: number, random: () => number): string[] {
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const s = selector.pick(candidates, random)
    assert.ok(s !== undefined)
    out.push(s.peerId)
  }
  return out
}

function counts (ids: string[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1)
  return m
}

const FIVE = ['p1', 'p2', 'p3', 'p4', 'p5'].map(id => peer(id))

describe('Selector', () => {
  test('names every strategy', () => {
    assert.deepEqual([...STRATEGY_NAMES].sort(), ['adaptive', 'least_connections', 'round_robin', 'weighted_round_robin'])
  })

  test('returns undefined when no peer offers the service, whatever the strategy', () => {
    for (const name of STRATEGY_NAMES) assert.equal(new Selector(name).pick([], Math.random), undefined)
  })

  test('setStrategy switches strategy and resets its state', () => {
    const s = new Selector('round_robin')
    assert.equal(s.strategy, 'round_robin')
    assert.deepEqual(picks(s, FIVE, 2, Math.random), ['p1', 'p2'])
    s.setStrategy('least_connections')
    assert.equal(s.strategy, 'least_connections')
    s.setStrategy('round_robin')
    assert.deepEqual(picks(s, FIVE, 1, Math.random), ['p1'])
  })

  test('a random() that returns 1 still yields a candidate', () => {
    for (const name of STRATEGY_NAMES) {
      const s = new Selector(name).pick(FIVE, () => 1)
      assert.ok(s !== undefined && FIVE.some(c => c.peerId === s.peerId), name)
    }
  })

  test('the result does not depend on the order of the candidates', () => {
    const varied = [
      peer('d', { weight: 3, inFlight: 1, latencyMs: 40, load: { cpu: 0.2, activeRequests: 3 } }),
      peer('a', { weight: 1, inFlight: 0, latencyMs: undefined }),
      peer('e', { weight: 2, inFlight: 2, latencyMs: 5, capacity: 0 }),
      peer('b', { weight: 5, inFlight: 0, latencyMs: 12, load: { cpu: 0.9, activeRequests: 0 } }),
      peer('c', { weight: 1, inFlight: 1, latencyMs: 12 })
    ]
    for (const name of STRATEGY_NAMES) {
      const sorted = [...varied].sort((x, y) => x.peerId < y.peerId ? -1 : 1)
      const expected = picks(new Selector(name), sorted, 500, mulberry32(7))
      const shuffler = mulberry32(99)
      const shuffled = new Selector(name)
      const random = mulberry32(7)
      const actual = expected.map(() => shuffled.pick(shuffle(varied, shuffler), random)?.peerId)
      assert.deepEqual(actual, expected, name)
    }
  })

  describe('round_robin', () => {
    test('cycles in peerId order and spreads evenly', () => {
      const s = new Selector('round_robin')
      assert.deepEqual(picks(s, [peer('c'), peer('a'), peer('b')], 4, Math.random), ['a', 'b', 'c', 'a'])
      const n = counts(picks(new Selector('round_robin'), FIVE, 1000, Math.random))
      for (const c of FIVE) assert.equal(n.get(c.peerId), 200)
    })

    test('keeps its place when peers come and go', () => {
      const s = new Selector('round_robin')
      const [a, b, c] = [peer('a'), peer('b'), peer('c')]
      assert.deepEqual(picks(s, [a, b, c], 2, Math.random), ['a', 'b'])
      assert.equal(s.pick([a, c], Math.random)?.peerId, 'c')
      assert.equal(s.pick([a, b, c], Math.random)?.peerId, 'a')
      assert.equal(s.pick([b, c, peer('aa')], Math.random)?.peerId, 'aa', 'the next peerId after the last pick')
      assert.equal(s.pick([a], Math.random)?.peerId, 'a')
    })

    test('reason is the strategy', () => {
      assert.equal(new Selector('round_robin').pick(FIVE, Math.random)?.reason, 'round_robin')
    })
  })

  describe('weighted_round_robin', () => {
    test('weights 5:1:1 give the nginx smooth sequence a a b a c a a', () => {
      const s = new Selector('weighted_round_robin')
      const candidates = [peer('c', { weight: 1 }), peer('a', { weight: 5 }), peer('b', { weight: 1 })]
      assert.deepEqual(picks(s, candidates, 7, Math.random), ['a', 'a', 'b', 'a', 'c', 'a', 'a'])
      assert.deepEqual(picks(s, candidates, 7, Math.random), ['a', 'a', 'b', 'a', 'c', 'a', 'a'])
    })

    test('picks in proportion to weight', () => {
      const candidates = [peer('a', { weight: 4 }), peer('b', { weight: 3 }), peer('c', { weight: 2 }), peer('d', { weight: 1 })]
      const n = counts(picks(new Selector('weighted_round_robin'), candidates, 1000, Math.random))
      assert.deepEqual([n.get('a'), n.get('b'), n.get('c'), n.get('d')], [400, 300, 200, 100])
    })

    test('forgets peers that left and lets new ones in at their weight', () => {
      const s = new Selector('weighted_round_robin')
      picks(s, [peer('a', { weight: 5 }), peer('b', { weight: 1 })], 3, Math.random)
      const n = counts(picks(s, [peer('b', { weight: 1 }), peer('c', { weight: 3 })], 400, Math.random))
      assert.equal(n.get('a'), undefined)
      // b carries its current weight over, so the split is off by a pick or two at most.
      assert.ok(Math.abs((n.get('c') ?? 0) - 300) <= 2, `c got ${n.get('c')}`)
    })

    test('reason names the weight', () => {
      assert.equal(new Selector('weighted_round_robin').pick([peer('a', { weight: 5 })], Math.random)?.reason, 'weighted_round_robin (weight 5)')
    })
  })

  describe('least_connections', () => {
    test('picks the peer with the fewest in-flight requests', () => {
      const candidates = [peer('a', { inFlight: 3 }), peer('b', { inFlight: 1 }), peer('c', { inFlight: 2 })]
      const s = new Selector('least_connections').pick(candidates, Math.random)
      assert.deepEqual(s, { peerId: 'b', reason: 'least in-flight (1)' })
    })

    test('breaks ties at random among the tied only', () => {
      const candidates = [peer('a', { inFlight: 0 }), peer('b', { inFlight: 5 }), peer('c', { inFlight: 0 })]
      const s = new Selector('least_connections')
      assert.equal(s.pick(candidates, () => 0)?.peerId, 'a')
      assert.equal(s.pick(candidates, () => 0.99)?.peerId, 'c')
      const n = counts(picks(s, candidates, 2000, mulberry32(3)))
      assert.equal(n.get('b'), undefined)
      assert.ok(Math.abs((n.get('a') ?? 0) - 1000) < 100, `a got ${n.get('a')}`)
    })
  })

  describe('adaptive', () => {
    test('with one candidate, picks it', () => {
      const s = new Selector('adaptive').pick([peer('only', { latencyMs: 7 })], Math.random)
      assert.deepEqual(s, { peerId: 'only', reason: 'only candidate', cost: 7 })
    })

    test('of the two sampled, takes the cheaper and says why', () => {
      const candidates = [peer('a', { latencyMs: 10 }), peer('b', { latencyMs: 30 }), peer('c', { latencyMs: 3 })]
      // Samples c (0.9 of [a, b, c]) then b (0.9 of [a, b]): a, the cheapest, is not in the pair.
      const s = new Selector('adaptive').pick(candidates, sequence(0.9, 0.9))
      assert.deepEqual(s, { peerId: 'c', reason: 'p2c: cost 3.0 < 30.0', cost: 3 })
    })

    test('on a tie, takes the first sampled, so that equal peers share', () => {
      const candidates = [peer('x'), peer('y')]
      assert.deepEqual(new Selector('adaptive').pick(candidates, sequence(0.9, 0)), { peerId: 'y', reason: 'p2c: cost 10.0 = 10.0', cost: 10 })
      assert.equal(new Selector('adaptive').pick(candidates, sequence(0, 0))?.peerId, 'x')
    })

    test('a peer never measured costs the median of the known latencies', () => {
      const candidates = [peer('a', { latencyMs: 10 }), peer('b', { latencyMs: 30 }), peer('c', { latencyMs: undefined })]
      const s = new Selector('adaptive').pick(candidates, sequence(0.9, 0.9))
      assert.deepEqual(s, { peerId: 'c', reason: 'p2c: cost 20.0 < 30.0', cost: 20 })
      const none = [peer('a', { latencyMs: undefined, inFlight: 1 }), peer('b', { latencyMs: undefined })]
      assert.deepEqual(new Selector('adaptive').pick(none, sequence(0, 0)), { peerId: 'b', reason: 'p2c: cost 1.0 < 2.0', cost: 1 })
    })

    test('sends a 10× slower peer clearly fewer requests, where round_robin gives it 1/N', () => {
      const candidates = FIVE.map(c => c.peerId === 'p3' ? { ...c, latencyMs: 100 } : c)
      const adaptive = counts(picks(new Selector('adaptive'), candidates, 10_000, mulberry32(42)))
      const rr = counts(picks(new Selector('round_robin'), candidates, 10_000, mulberry32(42)))
      assert.ok((adaptive.get('p3') ?? 0) < 1000, `slow peer got ${adaptive.get('p3')}`)
      assert.equal(rr.get('p3'), 2000)
    })

    test('spreads roughly evenly over equal peers', () => {
      const n = counts(picks(new Selector('adaptive'), FIVE, 10_000, mulberry32(1)))
      for (const c of FIVE) {
        const got = n.get(c.peerId) ?? 0
        assert.ok(got > 1800 && got < 2200, `${c.peerId} got ${got}`)
      }
    })

    test('stale gossip alone does not herd every pick onto the best-looking peer', () => {
      // p1 looks idle in gossip that never updates; the others look busy.
      const candidates = FIVE.map(c => c.peerId === 'p1' ? c : { ...c, load: { cpu: 0.9, activeRequests: 10 } })
      const n = counts(picks(new Selector('adaptive'), candidates, 10_000, mulberry32(5)))
      // p1 wins only the pairs it is sampled into: 2/N of the picks, not all of them.
      assert.ok((n.get('p1') ?? 0) < 4500, `p1 got ${n.get('p1')}`)
      for (const c of FIVE) assert.ok((n.get(c.peerId) ?? 0) > 1000, `${c.peerId} got ${n.get(c.peerId)}`)
    })

    test('moves load away from a peer as this node\'s in-flight requests to it grow', () => {
      const inFlight = new Map(FIVE.map(c => [c.peerId, 0]))
      const s = new Selector('adaptive')
      const random = mulberry32(11)
      // Each pick stays in flight for a while; p5 answers 10× slower, so its requests pile up.
      const pending: Array<{ peerId: string, doneAt: number }> = []
      const served = new Map<string, number>()
      for (let t = 0; t < 10_000; t++) {
        for (const p of pending.filter(p => p.doneAt <= t)) {
          inFlight.set(p.peerId, (inFlight.get(p.peerId) ?? 1) - 1)
          pending.splice(pending.indexOf(p), 1)
        }
        const candidates = FIVE.map(c => ({ ...c, inFlight: inFlight.get(c.peerId) ?? 0 }))
        const pick = s.pick(candidates, random)
        assert.ok(pick !== undefined)
        inFlight.set(pick.peerId, (inFlight.get(pick.peerId) ?? 0) + 1)
        served.set(pick.peerId, (served.get(pick.peerId) ?? 0) + 1)
        pending.push({ peerId: pick.peerId, doneAt: t + (pick.peerId === 'p5' ? 50 : 5) })
      }
      assert.ok((served.get('p5') ?? 0) < 1000, `slow p5 served ${served.get('p5')}`)
    })
  })
})

describe('costOf', () => {
  test('latency × (inFlight + 1) × (1 + cpu) × (1 + activeRequests / max(1, capacity))', () => {
    const c = peer('a', { latencyMs: 10, inFlight: 2, capacity: 8, load: { cpu: 0.5, activeRequests: 4 } })
    assert.equal(costOf(c, 99), 10 * 3 * 1.5 * 1.5)
  })

  test('uses the prior for a peer never measured, and capacity 0 as 1', () => {
    const c = peer('a', { latencyMs: undefined, capacity: 0, load: { cpu: 0, activeRequests: 3 } })
    assert.equal(costOf(c, 20), 20 * 1 * 1 * 4)
  })
})

describe('advertised capacity is bounded', () => {
  // A hostile peer claims capacity 1,000,000; an honest one, measured 5 times faster, reports
  // itself busy against its small capacity.
  const hostile = peer('a-hostile', { capacity: 1_000_000, latencyMs: 50, load: { cpu: 0, activeRequests: 0 } })
  const honest = peer('b-honest', { capacity: 50, latencyMs: 10, load: { cpu: 0, activeRequests: 1_000 } })

  test('adaptive: a huge capacity never wins over a peer with better measured latency', () => {
    assert.ok(costOf(honest, 10) < costOf(hostile, 10), `${costOf(honest, 10)} < ${costOf(hostile, 10)}`)
    const selector = new Selector('adaptive')
    for (let i = 0; i < 20; i++) assert.equal(selector.pick([hostile, honest], sequence(0, 0.99))?.peerId, 'b-honest')
  })

  test('the capacity and reported-load factor scales the cost by at most MAX_CAPACITY_FACTOR', () => {
    const idle = peer('x', { capacity: 1, load: { cpu: 0, activeRequests: 0 } })
    const swamped = peer('x', { capacity: 1, load: { cpu: 0, activeRequests: 1e9 } })
    assert.equal(costOf(swamped, 10) / costOf(idle, 10), MAX_CAPACITY_FACTOR)
    assert.equal(costOf(peer('x', { capacity: Number.MAX_SAFE_INTEGER, load: { cpu: 0, activeRequests: 5 } }), 10),
      costOf(peer('x', { capacity: 10_000, load: { cpu: 0, activeRequests: 5 } }), 10))
  })

  test('weighted round robin: a capacity-derived weight buys at most about 14 times the smallest share', () => {
    assert.equal(capacityWeight(1_000_000), capacityWeight(10_000))
    assert.ok(capacityWeight(10_000) / capacityWeight(0) < 15)
    const selector = new Selector('weighted_round_robin')
    const picks = new Map<string, number>()
    const candidates = [
      { ...hostile, weight: capacityWeight(hostile.capacity) },
      { ...honest, weight: capacityWeight(honest.capacity) }
    ]
    for (let i = 0; i < 1_000; i++) {
      const id = selector.pick(candidates, Math.random)?.peerId ?? ''
      picks.set(id, (picks.get(id) ?? 0) + 1)
    }
    assert.ok((picks.get('b-honest') ?? 0) > 250, JSON.stringify([...picks]))
  })
})
