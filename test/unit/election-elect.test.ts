import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { elect, type Candidacy, type ElectionInput, type Endorsement } from '../../src/election/elect.ts'

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')
const SEED = sha256('genesis')
const EPOCH = 7

function endorse (endorser: string, candidate: string, time: number, withdrawn = false, nonce = ''): Endorsement {
  return { endorser, candidate, time, withdrawn, id: sha256(`${endorser}|${candidate}|${time}|${String(withdrawn)}|${nonce}`) }
}

const stand = (...candidates: string[]): Candidacy[] => candidates.map(candidate => ({ candidate, epoch: EPOCH }))

function input (over: Partial<ElectionInput>): ElectionInput {
  return { epoch: EPOCH, candidacies: [], endorsements: [], weights: {}, seed: SEED, seats: 3, ...over }
}

const scores = (i: ElectionInput): Record<string, number> =>
  Object.fromEntries(elect(i).standings.map(s => [s.candidate, s.score]))

describe('election: who stands', () => {
  test('only a candidacy for exactly this epoch stands; one that did not renew is not elected', () => {
    const r = elect(input({
      candidacies: [{ candidate: 'old', epoch: EPOCH - 1 }, { candidate: 'next', epoch: EPOCH + 1 }, { candidate: 'now', epoch: EPOCH }],
      endorsements: [endorse('o1', 'old', 1), endorse('o1', 'next', 1)],
      weights: { o1: 100 },
      seats: 3
    }))
    assert.deepEqual(r.elected, ['now'])
    assert.deepEqual(r.standings.map(s => s.candidate), ['now'])
  })

  test('a candidacy filed twice stands once', () => {
    const r = elect(input({ candidacies: [...stand('a'), ...stand('a')], seats: 3 }))
    assert.deepEqual(r.elected, ['a'])
    assert.equal(r.standings.length, 1)
  })
})

describe('election: scores', () => {
  test('the sum of the weights of the operators endorsing the candidate', () => {
    const i = input({
      candidacies: stand('a', 'b'),
      endorsements: [endorse('o1', 'a', 1), endorse('o2', 'a', 1), endorse('o2', 'b', 1)],
      weights: { o1: 5, o2: 3 }
    })
    assert.deepEqual(scores(i), { a: 8, b: 3 })
  })

  test('endorsements by non-operators count 0, prototype names included', () => {
    const i = input({
      candidacies: stand('a'),
      endorsements: [endorse('x', 'a', 1), endorse('constructor', 'a', 1), endorse('__proto__', 'a', 1), endorse('o1', 'a', 1)],
      weights: { o1: 2 }
    })
    assert.deepEqual(scores(i), { a: 2 })
  })

  test('an operator endorsing twice counts once', () => {
    const i = input({ candidacies: stand('a'), endorsements: [endorse('o1', 'a', 1), endorse('o1', 'a', 2)], weights: { o1: 4 } })
    assert.deepEqual(scores(i), { a: 4 })
  })

  test('a withdrawn endorsement counts 0; a later endorsement counts again', () => {
    const w = { o1: 4, o2: 1 }
    const withdrawn = input({ candidacies: stand('a'), endorsements: [endorse('o1', 'a', 1), endorse('o1', 'a', 2, true), endorse('o2', 'a', 1)], weights: w })
    assert.deepEqual(scores(withdrawn), { a: 1 })
    const renewed = input({ ...withdrawn, endorsements: [...withdrawn.endorsements, endorse('o1', 'a', 3)] })
    assert.deepEqual(scores(renewed), { a: 5 })
    // a withdrawal only withdraws the endorsement of that candidate
    const other = input({ candidacies: stand('a', 'b'), endorsements: [endorse('o1', 'a', 1), endorse('o1', 'b', 1), endorse('o1', 'b', 2, true)], weights: w })
    assert.deepEqual(scores(other), { a: 4, b: 0 })
  })

  test('same time: the larger id is the latest, whatever the order', () => {
    const on: Endorsement = { endorser: 'o1', candidate: 'a', time: 5, withdrawn: false, id: 'bb' }
    const off: Endorsement = { endorser: 'o1', candidate: 'a', time: 5, withdrawn: true, id: 'aa' }
    for (const endorsements of [[on, off], [off, on]]) {
      assert.deepEqual(scores(input({ candidacies: stand('a'), endorsements, weights: { o1: 3 } })), { a: 3 })
      assert.deepEqual(scores(input({ candidacies: stand('a'), endorsements: endorsements.map(e => ({ ...e, withdrawn: !e.withdrawn })), weights: { o1: 3 } })), { a: 0 })
    }
  })
})

describe('election: ranking and result', () => {
  test('the top seats by score are elected, in rank order', () => {
    const r = elect(input({
      candidacies: stand('a', 'b', 'c', 'd'),
      endorsements: [endorse('o1', 'c', 1), endorse('o2', 'a', 1), endorse('o3', 'd', 1)],
      weights: { o1: 10, o2: 5, o3: 1 },
      seats: 2
    }))
    assert.deepEqual(r.elected, ['c', 'a'])
    assert.deepEqual(r.standings.map(s => [s.candidate, s.score]).slice(0, 3), [['c', 10], ['a', 5], ['d', 1]])
    assert.equal(r.standings.length, 4)
    assert.equal(r.epoch, EPOCH)
  })

  test('ties are broken by sha256(seed:candidate) ascending, which moves with the seed', () => {
    const candidates = ['a', 'b', 'c', 'd', 'e']
    const order = (seed: string): string[] => elect(input({ candidacies: stand(...candidates), seed, seats: 5 })).elected
    const byHash = (seed: string): string[] => [...candidates].sort((x, y) => sha256(`${seed}:${x}`) < sha256(`${seed}:${y}`) ? -1 : 1)
    assert.deepEqual(order(SEED), byHash(SEED))
    const r = elect(input({ candidacies: stand(...candidates), seats: 5 }))
    for (const s of r.standings) assert.equal(s.tieBreak, sha256(`${SEED}:${s.candidate}`))
    const other = sha256('another seed')
    assert.deepEqual(order(other), byHash(other))
    assert.notDeepEqual(order(other), order(SEED))
  })

  test('candidates with score 0 are elected while seats remain', () => {
    const r = elect(input({ candidacies: stand('a', 'b', 'c'), endorsements: [endorse('o1', 'b', 1)], weights: { o1: 1 }, seats: 2 }))
    assert.equal(r.elected[0], 'b')
    assert.equal(r.elected.length, 2)
    // a new network: nobody endorsed anyone yet
    assert.equal(elect(input({ candidacies: stand('a', 'b'), seats: 3 })).elected.length, 2)
  })

  test('seats 0, no candidates', () => {
    assert.deepEqual(elect(input({ candidacies: stand('a'), seats: 0 })).elected, [])
    const none = elect(input({ seats: 3 }))
    assert.deepEqual([none.elected, none.standings], [[], []])
    assert.equal(none.nextSeed, sha256(`${SEED}:${EPOCH}:`))
  })

  test('nextSeed = sha256(seed:epoch:elected joined by commas)', () => {
    const r = elect(input({ candidacies: stand('a', 'b', 'c'), endorsements: [endorse('o1', 'b', 1), endorse('o2', 'a', 1)], weights: { o1: 2, o2: 1 }, seats: 2 }))
    assert.deepEqual(r.elected, ['b', 'a'])
    assert.equal(r.nextSeed, sha256(`${SEED}:${EPOCH}:b,a`))
  })

  test('bad seats and weights throw RangeError', () => {
    for (const seats of [-1, 1.5, Number.NaN]) assert.throws(() => elect(input({ seats })), RangeError)
    assert.throws(() => elect(input({ weights: { o1: 0 } })), RangeError)
  })
})

// ---- property tests ----

const NAMES = ['a', 'b', 'c', 'd', 'e', 'o1', 'o2', 'o3', 'x', 'constructor']
const nameArb = fc.constantFrom(...NAMES)
const candidacyArb = fc.record({ candidate: nameArb, epoch: fc.integer({ min: EPOCH - 1, max: EPOCH + 1 }) })
const endorsementArb = fc.record({
  endorser: nameArb,
  candidate: nameArb,
  time: fc.integer({ min: 0, max: 6 }),
  withdrawn: fc.boolean(),
  nonce: fc.integer({ min: 0, max: 2 })
}).map(r => endorse(r.endorser, r.candidate, r.time, r.withdrawn, String(r.nonce)))
const weightsArb = fc.dictionary(fc.constantFrom('o1', 'o2', 'o3', 'a', 'b'), fc.integer({ min: 1, max: 5 }), { maxKeys: 5 })
const inputArb = fc.record({
  candidacies: fc.array(candidacyArb, { maxLength: 12 }),
  endorsements: fc.array(endorsementArb, { maxLength: 30 }),
  weights: weightsArb,
  seed: fc.constantFrom(SEED, sha256('x'), sha256('y')),
  seats: fc.integer({ min: 0, max: 6 })
}).map(r => ({ epoch: EPOCH, ...r }))

const permutation = <T>(xs: readonly T[]): fc.Arbitrary<T[]> => fc.shuffledSubarray([...xs], { minLength: xs.length, maxLength: xs.length })

/** A model of a score: replay the endorsements in (time, id) order, last writer wins. */
function modelScores (i: ElectionInput): Map<string, number> {
  const standing = new Set(i.candidacies.filter(c => c.epoch === i.epoch).map(c => c.candidate))
  const sorted = [...i.endorsements].sort((x, y) => x.time - y.time || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
  const on = new Map<string, boolean>()
  for (const e of sorted) on.set(JSON.stringify([e.endorser, e.candidate]), !e.withdrawn)
  const out = new Map([...standing].map(c => [c, 0]))
  for (const [key, active] of on) {
    const [endorser, candidate] = JSON.parse(key) as [string, string]
    if (active && out.has(candidate) && Object.hasOwn(i.weights, endorser)) out.set(candidate, (out.get(candidate) ?? 0) + (i.weights[endorser] ?? 0))
  }
  return out
}

describe('election: properties', () => {
  test('the result does not depend on the order of candidacies and endorsements', () => {
    fc.assert(fc.property(
      inputArb.chain(i => fc.tuple(fc.constant(i), permutation(i.candidacies), permutation(i.endorsements))),
      ([i, candidacies, endorsements]) => {
        assert.deepEqual(elect({ ...i, candidacies, endorsements }), elect(i))
      }), { numRuns: 300 })
  })

  test('scores agree with a last-writer-wins model; standings are ranked', () => {
    fc.assert(fc.property(inputArb, i => {
      const r = elect(i)
      assert.deepEqual(new Map(r.standings.map(s => [s.candidate, s.score])), modelScores(i))
      for (let k = 1; k < r.standings.length; k++) {
        const [p, q] = [r.standings[k - 1], r.standings[k]]
        assert.ok(p !== undefined && q !== undefined)
        assert.ok(p.score > q.score || (p.score === q.score && p.tieBreak <= q.tieBreak))
      }
    }), { numRuns: 300 })
  })

  test('only renewed candidates are elected, as many as seats allow', () => {
    fc.assert(fc.property(inputArb, i => {
      const r = elect(i)
      const renewed = new Set(i.candidacies.filter(c => c.epoch === i.epoch).map(c => c.candidate))
      for (const c of r.elected) assert.ok(renewed.has(c), `${c} did not renew for epoch ${i.epoch}`)
      assert.equal(r.elected.length, Math.min(i.seats, renewed.size))
      assert.deepEqual(r.elected, r.standings.slice(0, i.seats).map(s => s.candidate))
      assert.equal(r.nextSeed, sha256(`${i.seed}:${i.epoch}:${r.elected.join(',')}`))
    }), { numRuns: 300 })
  })

  test('withdrawing every endorsement leaves every score 0', () => {
    fc.assert(fc.property(inputArb, i => {
      const withdrawals = i.endorsements.map(e => endorse(e.endorser, e.candidate, 100, true))
      for (const s of elect({ ...i, endorsements: [...i.endorsements, ...withdrawals] }).standings) assert.equal(s.score, 0)
    }), { numRuns: 200 })
  })
})
