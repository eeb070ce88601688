import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  countedVotes, tally,
  type Outcome, type TallyRules, type TallyVote, type VoteOption
} from '../../src/governance/tally.ts'
import { totalWeight } from '../../src/network/weights.ts'

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

/** A vote whose id is the hash of its content, as a signed vote's id is. */
function vote (voter: string, option: VoteOption, time: number, nonce = ''): TallyVote {
  return { voter, option, time, id: sha256(`${voter}|${option}|${time}|${nonce}`) }
}

const OPEN: TallyRules = { quorum: 0, threshold: 0.5, veto: 1 }
const END = 100

function outcome (votes: TallyVote[], weights: Record<string, number>, rules: TallyRules): Outcome {
  return tally(votes, weights, END, rules).outcome
}

describe('governance tally: which votes count', () => {
  test('only operators of the snapshot count, prototype names included', () => {
    const weights = { a: 2, b: 3 }
    const votes = [vote('a', 'yes', 1), vote('x', 'no', 1), vote('constructor', 'no', 1), vote('__proto__', 'no', 1), vote('toString', 'veto', 1)]
    const t = tally(votes, weights, END, OPEN)
    assert.deepEqual([t.yes, t.no, t.abstain, t.veto, t.voters, t.votedWeight, t.totalWeight], [2, 0, 0, 0, 1, 2, 5])
    assert.deepEqual(countedVotes(votes, weights, END).map(v => v.voter), ['a'])
  })

  test('an operator named __proto__ in a parsed snapshot counts like any other', () => {
    const weights = JSON.parse('{"__proto__": 4, "a": 1}') as Record<string, number>
    const t = tally([vote('__proto__', 'no', 1), vote('a', 'yes', 1)], weights, END, OPEN)
    assert.deepEqual([t.yes, t.no, t.totalWeight, t.outcome], [1, 4, 5, 'rejected'])
  })

  test('a vote at endsAt counts, one after it does not', () => {
    const weights = { a: 1, b: 1 }
    const t = tally([vote('a', 'yes', END), vote('b', 'no', END + 1)], weights, END, OPEN)
    assert.deepEqual([t.yes, t.no, t.voters], [1, 0, 1])
  })

  test('a change after endsAt is ignored: the latest vote before the end counts', () => {
    const t = tally([vote('a', 'yes', 10), vote('a', 'no', END + 1)], { a: 1 }, END, OPEN)
    assert.deepEqual([t.yes, t.no, t.voters, t.outcome], [1, 0, 1, 'passed'])
  })

  test('a changed vote counts once, as its latest value', () => {
    const votes = [vote('a', 'yes', 1), vote('a', 'veto', 7), vote('a', 'no', 5), vote('b', 'yes', 2)]
    const t = tally(votes, { a: 3, b: 1 }, END, OPEN)
    assert.deepEqual([t.yes, t.no, t.veto, t.voters, t.votedWeight], [1, 0, 3, 2, 4])
    assert.deepEqual(countedVotes(votes, { a: 3, b: 1 }, END).map(v => [v.voter, v.option]), [['a', 'veto'], ['b', 'yes']])
  })

  test('two votes at the same time: the larger id counts, whatever the order', () => {
    const v1 = { voter: 'a', option: 'yes' as const, time: 5, id: 'aa' }
    const v2 = { voter: 'a', option: 'no' as const, time: 5, id: 'ab' }
    for (const votes of [[v1, v2], [v2, v1]]) {
      assert.deepEqual(countedVotes(votes, { a: 1 }, END), [v2])
      assert.equal(tally(votes, { a: 1 }, END, OPEN).outcome, 'rejected')
    }
  })

  test('countedVotes is sorted by voter', () => {
    const votes = [vote('c', 'yes', 1), vote('a', 'no', 1), vote('b', 'yes', 1)]
    assert.deepEqual(countedVotes(votes, { a: 1, b: 1, c: 1 }, END).map(v => v.voter), ['a', 'b', 'c'])
  })

  test('countedHash is the sha256 of the counted ids, sorted and joined by newlines', () => {
    const weights = { a: 1, b: 1, c: 1 }
    const old = vote('a', 'no', 1)
    const counted = [vote('a', 'yes', 2), vote('b', 'no', 1), vote('c', 'abstain', 3)]
    const late = vote('b', 'yes', END + 1)
    const t = tally([old, ...counted, late, vote('x', 'yes', 1)], weights, END, OPEN)
    assert.equal(t.countedHash, sha256(counted.map(v => v.id).sort().join('\n')))
    // Superseded, late and foreign votes do not change the set, so not the hash either.
    assert.equal(tally(counted, weights, END, OPEN).countedHash, t.countedHash)
    assert.notEqual(tally(counted.slice(1), weights, END, OPEN).countedHash, t.countedHash)
    assert.equal(tally([], weights, END, OPEN).countedHash, sha256(''))
  })
})

describe('governance tally: outcome (Cosmos SDK comparisons, exact)', () => {
  test('quorum: voted/total exactly at quorum is enough (LT fails)', () => {
    // total 5, voted 2: 2/5 = 0.4
    assert.equal(outcome([vote('a', 'yes', 1)], { a: 2, b: 3 }, { ...OPEN, quorum: 0.4 }), 'passed')
    // total 1000: 334/1000 = 0.334 meets, 333/1000 does not
    assert.equal(outcome([vote('a', 'yes', 1)], { a: 334, b: 666 }, { ...OPEN, quorum: 0.334 }), 'passed')
    assert.equal(outcome([vote('a', 'yes', 1)], { a: 333, b: 667 }, { ...OPEN, quorum: 0.334 }), 'failed_quorum')
    assert.equal(outcome([vote('a', 'yes', 1)], { a: 1, b: 1 }, { ...OPEN, quorum: 1 }), 'failed_quorum')
    assert.equal(outcome([vote('a', 'yes', 1), vote('b', 'yes', 1)], { a: 1, b: 1 }, { ...OPEN, quorum: 1 }), 'passed')
  })

  test('quorum 1/3 as a number is the decimal 0.3333333333333333, below 1/3: 1 of 3 meets it', () => {
    assert.equal(String(1 / 3), '0.3333333333333333')
    assert.equal(outcome([vote('a', 'yes', 1)], { a: 1, b: 1, c: 1 }, { ...OPEN, quorum: 1 / 3 }), 'passed')
    assert.equal(outcome([vote('a', 'yes', 1)], { a: 1_000_000_000, b: 1_000_000_001, c: 1_000_000_000 }, { ...OPEN, quorum: 1 / 3 }), 'failed_quorum')
  })

  test('a share written with an exponent is read exactly (1e-7)', () => {
    assert.equal(String(1e-7), '1e-7')
    assert.equal(outcome([vote('a', 'yes', 1)], { a: 1, b: 9_999_999 }, { ...OPEN, quorum: 1e-7 }), 'passed')
    assert.equal(outcome([vote('a', 'yes', 1)], { a: 1, b: 10_000_000 }, { ...OPEN, quorum: 1e-7 }), 'failed_quorum')
    // veto 3 of 20,000,000 is exactly 1.5e-7: no veto; of 19,999,999 it is above
    assert.equal(outcome([vote('a', 'veto', 1), vote('b', 'yes', 1)], { a: 3, b: 19_999_997 }, { ...OPEN, veto: 1.5e-7 }), 'passed')
    assert.equal(outcome([vote('a', 'veto', 1), vote('b', 'yes', 1)], { a: 3, b: 19_999_996 }, { ...OPEN, veto: 1.5e-7 }), 'rejected_veto')
  })

  test('threshold: yes/(yes+no+veto) exactly at threshold does not pass (GT passes)', () => {
    const w = { a: 1, b: 1, c: 1 }
    assert.equal(outcome([vote('a', 'yes', 1), vote('b', 'no', 1)], w, OPEN), 'rejected')
    assert.equal(outcome([vote('a', 'yes', 1), vote('b', 'yes', 1), vote('c', 'no', 1)], w, OPEN), 'passed')
    // threshold 0.667: yes 667 of 1000 is not above it, 668 is
    assert.equal(outcome([vote('a', 'yes', 1), vote('b', 'no', 1)], { a: 667, b: 333 }, { ...OPEN, threshold: 0.667 }), 'rejected')
    assert.equal(outcome([vote('a', 'yes', 1), vote('b', 'no', 1)], { a: 668, b: 332 }, { ...OPEN, threshold: 0.667 }), 'passed')
  })

  test('threshold leaves abstain out and counts veto in', () => {
    // yes 2, no 1, abstain 10: 2/3 > 0.5 although yes is a small share of all votes
    assert.equal(outcome([vote('a', 'yes', 1), vote('b', 'no', 1), vote('c', 'abstain', 1)], { a: 2, b: 1, c: 10 }, OPEN), 'passed')
    // yes 1, veto 1 (below the veto share): 1/2 is not > 0.5
    assert.equal(outcome([vote('a', 'yes', 1), vote('b', 'veto', 1)], { a: 1, b: 1 }, { ...OPEN, veto: 0.5 }), 'rejected')
  })

  test('veto: veto/voted exactly at the veto share does not veto (GT vetoes); abstain is in the denominator', () => {
    // voted 1000, veto 334: 0.334 is not > 0.334
    const w = { v: 334, y: 666 }
    assert.equal(outcome([vote('v', 'veto', 1), vote('y', 'yes', 1)], w, { ...OPEN, veto: 0.334 }), 'passed')
    assert.equal(outcome([vote('v', 'veto', 1), vote('y', 'yes', 1)], { v: 335, y: 665 }, { ...OPEN, veto: 0.334 }), 'rejected_veto')
    // veto 1 of voted 3 (abstain included) is below 0.334; of yes+no+veto it would be 1/2
    const three = { v: 1, ab: 1, y: 1 }
    assert.equal(outcome([vote('v', 'veto', 1), vote('ab', 'abstain', 1), vote('y', 'yes', 1)], three, { ...OPEN, veto: 0.334 }), 'rejected')
    assert.equal(outcome([vote('v', 'veto', 1), vote('y', 'yes', 1)], three, { ...OPEN, veto: 0.334 }), 'rejected_veto')
  })

  test('veto is checked before the threshold and after quorum', () => {
    const w = { a: 10, v: 4, z: 100 }
    // yes 10, veto 4 of 14 > 0.25: vetoed although 10/14 > 0.5
    assert.equal(outcome([vote('a', 'yes', 1), vote('v', 'veto', 1)], w, { quorum: 0, threshold: 0.5, veto: 0.25 }), 'rejected_veto')
    // the same votes below quorum: failed_quorum
    assert.equal(outcome([vote('a', 'yes', 1), vote('v', 'veto', 1)], w, { quorum: 0.5, threshold: 0.5, veto: 0.25 }), 'failed_quorum')
  })

  test('edge rules: all abstain, no votes, empty snapshot, threshold 0 and 1, veto 0', () => {
    const w = { a: 1, b: 1 }
    assert.equal(outcome([vote('a', 'abstain', 1), vote('b', 'abstain', 1)], w, { quorum: 1, threshold: 0, veto: 0 }), 'rejected')
    assert.equal(outcome([], w, { quorum: 0, threshold: 0, veto: 0 }), 'rejected')
    assert.equal(outcome([vote('a', 'yes', 1)], {}, { quorum: 0, threshold: 0, veto: 1 }), 'failed_quorum')
    assert.equal(outcome([vote('a', 'yes', 1)], w, { quorum: 0, threshold: 1, veto: 1 }), 'rejected')
    assert.equal(outcome([vote('a', 'yes', 1), vote('b', 'no', 1)], { a: 1, b: 1_000_000 }, { quorum: 0, threshold: 0, veto: 1 }), 'passed')
    assert.equal(outcome([vote('b', 'no', 1)], w, { quorum: 0, threshold: 0, veto: 1 }), 'rejected')
    assert.equal(outcome([vote('a', 'yes', 1), vote('b', 'veto', 1)], { a: 1_000_000, b: 1 }, { quorum: 0, threshold: 0, veto: 0 }), 'rejected_veto')
  })

  test('exact where floats are not: weights near 2^53', () => {
    // 2699999999999998 / 8999999999999993 is just above 0.3, but the double quotient is 0.3.
    const yes = 2_699_999_999_999_998
    const active = 8_999_999_999_999_993
    assert.equal(yes / active > 0.3, false)
    assert.equal(outcome([vote('y', 'yes', 1), vote('n', 'no', 1)], { y: yes, n: active - yes }, { ...OPEN, threshold: 0.3 }), 'passed')
  })

  test('the result fields', () => {
    const votes = [vote('a', 'yes', 1), vote('b', 'no', 1), vote('c', 'abstain', 1), vote('d', 'veto', 1)]
    const t = tally(votes, { a: 8, b: 4, c: 2, d: 1, e: 5 }, END, { quorum: 0.5, threshold: 0.5, veto: 0.334 })
    assert.deepEqual(t, {
      yes: 8, no: 4, abstain: 2, veto: 1, totalWeight: 20, votedWeight: 15, turnout: 0.75, voters: 4, outcome: 'passed',
      countedHash: sha256(votes.map(v => v.id).sort().join('\n'))
    })
  })

  test('bad rules and weights throw RangeError', () => {
    const v = [vote('a', 'yes', 1)]
    for (const rules of [{ ...OPEN, quorum: -0.1 }, { ...OPEN, threshold: 1.01 }, { ...OPEN, veto: Number.NaN }, { ...OPEN, quorum: Infinity }]) {
      assert.throws(() => tally(v, { a: 1 }, END, rules), RangeError)
    }
    const badWeights: Array<Record<string, number>> = [{ a: 0 }, { a: -1 }, { a: 1.5 }, { a: Number.NaN }, { a: 2 ** 53 }, { a: 2 ** 52, b: 2 ** 52 }]
    for (const weights of badWeights) {
      assert.throws(() => tally(v, weights, END, OPEN), RangeError)
    }
    assert.throws(() => tally([{ ...vote('a', 'yes', 1), option: 'maybe' as VoteOption }], { a: 1 }, END, OPEN), RangeError)
    assert.equal(totalWeight({ a: 2, b: 3 }), 5)
  })
})

// ---- property tests ----

const POOL = ['a', 'b', 'c', 'd', 'e', 'f', 'x', 'constructor']
const OPERATORS = ['a', 'b', 'c', 'd', 'e', 'f']

const weightsArb = fc.dictionary(fc.constantFrom(...OPERATORS), fc.integer({ min: 1, max: 10 }), { minKeys: 0, maxKeys: 6 })
const voteArb = fc.record({
  voter: fc.constantFrom(...POOL),
  option: fc.constantFrom<VoteOption>('yes', 'no', 'abstain', 'veto'),
  time: fc.integer({ min: 0, max: 12 }),
  nonce: fc.integer({ min: 0, max: 3 })
}).map(r => vote(r.voter, r.option, r.time, String(r.nonce)))
const votesArb = fc.array(voteArb, { maxLength: 40 })
/** Shares that are whole percents, so the model below can decide in small integers. */
const percentArb = fc.integer({ min: 0, max: 100 })
const ENDS = 8

/** A model: last-writer-wins in (time, id) order, then the Cosmos rules in integer percents. */
function modelOutcome (votes: TallyVote[], weights: Record<string, number>, q: number, t: number, v: number): Outcome {
  const sorted = votes.filter(x => x.time <= ENDS && Object.hasOwn(weights, x.voter))
    .sort((x, y) => x.time - y.time || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
  const last = new Map(sorted.map(x => [x.voter, x.option]))
  const sum = { yes: 0, no: 0, abstain: 0, veto: 0 }
  for (const [voter, option] of last) sum[option] += weights[voter] ?? 0
  const total = Object.values(weights).reduce((s, w) => s + w, 0)
  const voted = sum.yes + sum.no + sum.abstain + sum.veto
  const active = sum.yes + sum.no + sum.veto
  if (total === 0 || voted * 100 < q * total) return 'failed_quorum'
  if (active === 0) return 'rejected'
  if (sum.veto * 100 > v * voted) return 'rejected_veto'
  return sum.yes * 100 > t * active ? 'passed' : 'rejected'
}

describe('governance tally: properties', () => {
  test('the result does not depend on the order of the votes', () => {
    fc.assert(fc.property(
      votesArb.chain(vs => fc.tuple(fc.constant(vs), fc.shuffledSubarray(vs, { minLength: vs.length, maxLength: vs.length }))),
      weightsArb, percentArb, percentArb, percentArb,
      ([votes, shuffled], weights, q, t, v) => {
        const rules = { quorum: q / 100, threshold: t / 100, veto: v / 100 }
        assert.deepEqual(tally(shuffled, weights, ENDS, rules), tally(votes, weights, ENDS, rules))
        assert.deepEqual(countedVotes(shuffled, weights, ENDS), countedVotes(votes, weights, ENDS))
      }), { numRuns: 300 })
  })

  test('the outcome agrees with a last-writer-wins model of the Cosmos rules', () => {
    fc.assert(fc.property(votesArb, weightsArb, percentArb, percentArb, percentArb, (votes, weights, q, t, v) => {
      const rules = { quorum: q / 100, threshold: t / 100, veto: v / 100 }
      assert.equal(tally(votes, weights, ENDS, rules).outcome, modelOutcome(votes, weights, q, t, v))
    }), { numRuns: 500 })
  })

  test('each operator counts once, with its latest vote at or before the end', () => {
    fc.assert(fc.property(votesArb, weightsArb, (votes, weights) => {
      const counted = countedVotes(votes, weights, ENDS)
      assert.equal(new Set(counted.map(c => c.voter)).size, counted.length)
      for (const c of counted) {
        assert.ok(Object.hasOwn(weights, c.voter) && c.time <= ENDS)
        for (const o of votes) {
          if (o.voter === c.voter && o.time <= ENDS) assert.ok(o.time < c.time || (o.time === c.time && o.id <= c.id))
        }
      }
      const t = tally(votes, weights, ENDS, OPEN)
      assert.equal(t.voters, counted.length)
      assert.equal(t.votedWeight, counted.reduce((s, c) => s + (weights[c.voter] ?? 0), 0))
    }), { numRuns: 300 })
  })

  test('votes after the end and from non-operators change nothing', () => {
    fc.assert(fc.property(votesArb, votesArb, weightsArb, (votes, extra, weights) => {
      const ignored = extra.map(e => Object.hasOwn(weights, e.voter) ? { ...e, time: ENDS + 1 + e.time } : e)
      assert.deepEqual(tally([...votes, ...ignored], weights, ENDS, OPEN), tally(votes, weights, ENDS, OPEN))
    }), { numRuns: 300 })
  })
})
