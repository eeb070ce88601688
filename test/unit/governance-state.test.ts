import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { Verifier, signerOf, type Sign } from '../../src/network/signing.ts'
import { createGenesis, genesisHash, type Genesis } from '../../src/network/genesis.ts'
import {
  ProposalBodySchema, authentic, signObject,
  type CandidacyBody, type CertificateBody, type EndorsementBody, type GovBody, type ProposalBody, type Signed, type VoteBody
} from '../../src/governance/objects.ts'
import { DEVELOPMENT_PARAMS, type NetworkParams } from '../../src/network/params.ts'
import { GOVERNANCE_RULES, GovernanceState, type Verdict } from '../../src/governance/state.ts'

/**
 * GovernanceState with real Ed25519 keys: a genesis of three operators A (weight 1), B (2) and
 * C (3), an outsider X, objects signed with signObject, and every time passed explicitly as an
 * offset from the genesis time T0.
 */

interface Actor { key: PrivateKey, id: string, sign: Sign }

const T0 = Date.parse('2025-01-01T00:00:00.000Z')
const at = (offset: number): number => T0 + offset
/** The receiver's clock in most tests: far after every object, so no time is "in the future". */
const LATE = at(1_000_000)
const SKEW = 30_000

const EPOCH_MS = 10_000
/** Activation after the end of voting is max(delay, grace) = 4 s; the grace period is 3 s. */
const BASE: Partial<NetworkParams> = {
  min_voting_period_ms: 1_000,
  max_voting_period_ms: 100_000,
  activation_delay_ms: 4_000,
  certification_grace_ms: 3_000,
  epoch_ms: EPOCH_MS,
  bootstrap_operator_count: 2
}

let A: Actor, B: Actor, C: Actor, X: Actor
let WEIGHTS: Record<string, number>

async function actor (): Promise<Actor> {
  const key = await generateKeyPair('Ed25519')
  return { key, id: peerIdFromPrivateKey(key).toString(), sign: signerOf(key) }
}

function genesisWith (params: Partial<NetworkParams> = {}): Genesis {
  return createGenesis({
    networkId: 'gov-state-test',
    operators: [{ peer_id: A.id, weight: 1, name: 'a' }, { peer_id: B.id, weight: 2, name: 'b' }, { peer_id: C.id, weight: 3, name: 'c' }],
    params: { ...DEVELOPMENT_PARAMS, ...BASE, ...params },
    createdAt: new Date(T0)
  })
}

function stateOf (genesis: Genesis = genesisWith()): GovernanceState {
  return new GovernanceState(genesis, genesisHash(genesis))
}

type Change = ProposalBody['change']

function proposal (by: Actor, change: Change, created: number, ends: number, over: Partial<ProposalBody> = {}): Signed<ProposalBody> {
  return signObject<ProposalBody>({
    kind: 'proposal',
    author: by.id,
    title: `${change.type} by ${by.id.slice(-6)} at ${created}`,
    description: '',
    change,
    created_at: at(created),
    voting_ends_at: at(ends),
    quorum: 0.334,
    threshold: 0.5,
    veto: 0.334,
    ...over
  }, by.sign)
}

function vote (by: Actor, p: Signed<ProposalBody>, option: VoteBody['option'], time: number, reason = ''): Signed<VoteBody> {
  return signObject<VoteBody>({ kind: 'vote', author: by.id, proposal_id: p.id, option, reason, time: at(time) }, by.sign)
}

function candidacy (by: Actor, epoch: number, time: number): Signed<CandidacyBody> {
  return signObject<CandidacyBody>({ kind: 'candidacy', author: by.id, epoch, time: at(time) }, by.sign)
}

function endorsement (by: Actor, candidate: Actor, time: number, withdrawn = false): Signed<EndorsementBody> {
  return signObject<EndorsementBody>({ kind: 'endorsement', author: by.id, candidate: candidate.id, withdrawn, time: at(time) }, by.sign)
}

function certificate (by: Actor, p: Signed<ProposalBody>, outcome: CertificateBody['outcome'], voteIds: string[], time: number, countedHash?: string): Signed<CertificateBody> {
  const ids = [...voteIds].sort()
  return signObject<CertificateBody>({
    kind: 'certificate',
    author: by.id,
    proposal_id: p.id,
    outcome,
    counted_hash: countedHash ?? createHash('sha256').update(ids.join('\n')).digest('hex'),
    vote_ids: ids,
    time: at(time)
  }, by.sign)
}

function addAll (s: GovernanceState, objects: Signed[], now = LATE): void {
  for (const o of objects) {
    const v = s.add(o, now, SKEW)
    assert.deepEqual(v, { ok: true }, `${o.body.kind} ${o.id.slice(0, 8)} was refused: ${v.ok ? '' : v.reason}`)
  }
}

function assertRefused (v: Verdict, reason: string | RegExp): void {
  assert.equal(v.ok, false, 'expected a refusal')
  if (v.ok) return
  // The metric label of a dropped object: one fixed word, whatever figures the reason carries.
  assert.ok(GOVERNANCE_RULES.includes(v.rule), `${v.rule} is not a governance rule`)
  if (typeof reason === 'string') assert.equal(v.reason, reason)
  else assert.match(v.reason, reason)
}

before(async () => {
  [A, B, C, X] = await Promise.all([actor(), actor(), actor(), actor()])
  WEIGHTS = { [A.id]: 1, [B.id]: 2, [C.id]: 3 }
})

describe('governance objects: authentic()', () => {
  const verifier = new Verifier()

  test('a signed object is authentic', () => {
    const p = proposal(A, { type: 'text' }, 1000, 5000)
    assert.equal(authentic(p, verifier), true)
    assert.equal(authentic(vote(B, p, 'yes', 2000), verifier), true)
  })

  test('a changed body is not authentic', () => {
    const p = proposal(A, { type: 'text' }, 1000, 5000)
    assert.equal(authentic({ ...p, body: { ...p.body, title: 'something else' } }, verifier), false)
    assert.equal(authentic({ ...p, body: { ...p.body, voting_ends_at: p.body.voting_ends_at + 1 } }, verifier), false)
  })

  test('a signature by another key than the author is not authentic', () => {
    const body = proposal(A, { type: 'text' }, 1000, 5000).body
    const byB = signObject(body, B.sign)
    assert.equal(authentic(byB, verifier), false)
    // B's own signature is fine once B is the author.
    assert.equal(authentic(signObject({ ...body, author: B.id }, B.sign), verifier), true)
  })

  test('a wrong id is not authentic, whoever signed it', () => {
    const p = proposal(A, { type: 'text' }, 1000, 5000)
    const other = proposal(A, { type: 'text' }, 1001, 5000)
    assert.equal(authentic({ ...p, id: other.id }, verifier), false)
    assert.equal(authentic({ ...p, id: '0'.repeat(64) }, verifier), false)
    // A valid signature over a wrong id is still forged: the id must be the body's hash.
    const wrongId = '1'.repeat(64)
    assert.equal(authentic({ ...p, id: wrongId, sig: Buffer.from(A.sign(Buffer.from(wrongId, 'hex'))).toString('base64') }, verifier), false)
  })

  test('a garbled signature or an author that is not a peer id is not authentic', () => {
    const p = proposal(A, { type: 'text' }, 1000, 5000)
    assert.equal(authentic({ ...p, sig: Buffer.alloc(64).toString('base64') }, verifier), false)
    assert.equal(authentic({ ...p, body: { ...p.body, author: 'not-a-peer-id' } }, verifier), false)
  })
})

describe('GovernanceState.add: each rejection and its reason', () => {
  test('judge gives add\'s verdict and holds nothing', () => {
    const s = stateOf()
    const p = proposal(A, { type: 'text' }, 1000, 5000)
    assert.deepEqual(s.judge(p, LATE, SKEW), { ok: true })
    assert.equal(s.has(p.id), false)
    assert.deepEqual(s.judge(vote(A, p, 'yes', 2000), LATE, SKEW), { ok: false, rule: 'unknown_proposal', reason: 'unknown proposal', refusal: 'unknown' })
    addAll(s, [p])
    assert.deepEqual(s.judge(p, LATE, SKEW), { ok: false, rule: 'duplicate', reason: 'duplicate' })
    assert.deepEqual(s.judge(vote(A, p, 'yes', 2000), LATE, SKEW), { ok: true })
  })

  test('a proposal by a non-operator', () => {
    const s = stateOf()
    const p = proposal(X, { type: 'text' }, 1000, 5000)
    assertRefused(s.add(p, LATE, SKEW), 'only operators propose')
    assert.equal(s.has(p.id), false)
  })

  test('a voting period outside min..max; both ends are allowed', () => {
    const s = stateOf()
    assertRefused(s.add(proposal(A, { type: 'text' }, 1000, 1999), LATE, SKEW), 'voting period must be within 1000..100000 ms')
    assertRefused(s.add(proposal(A, { type: 'text' }, 1000, 101_001), LATE, SKEW), 'voting period must be within 1000..100000 ms')
    assertRefused(s.add(proposal(A, { type: 'text' }, 1000, 500), LATE, SKEW), /voting period must be within/)
    addAll(s, [proposal(A, { type: 'text' }, 1000, 2000), proposal(A, { type: 'text' }, 1000, 101_000)])
  })

  test('quorum, threshold or veto weaker than the network parameters', () => {
    const s = stateOf()
    const reason = 'quorum, threshold and veto may only be stricter than the network parameters'
    assertRefused(s.add(proposal(A, { type: 'text' }, 1000, 5000, { quorum: 0.2 }), LATE, SKEW), reason)
    assertRefused(s.add(proposal(A, { type: 'text' }, 1000, 5000, { threshold: 0.4 }), LATE, SKEW), reason)
    assertRefused(s.add(proposal(A, { type: 'text' }, 1000, 5000, { veto: 0.5 }), LATE, SKEW), reason)
    addAll(s, [proposal(A, { type: 'text' }, 1000, 5000, { quorum: 0.9, threshold: 0.9, veto: 0.1 })])
  })

  test('quorum weaker than a network parameter changed by governance, once the change is in force', () => {
    const s = stateOf()
    const p = proposal(A, { type: 'param_change', params: { quorum: 0.6 } }, 1000, 5000)
    addAll(s, [p, vote(A, p, 'yes', 2000), vote(B, p, 'yes', 2000), vote(C, p, 'yes', 2000)])
    // In force at 9000: a proposal at 8999 may still use 0.5, one at 9000 may not.
    addAll(s, [proposal(A, { type: 'text' }, 8999, 12_000, { quorum: 0.5 })])
    assertRefused(s.add(proposal(A, { type: 'text' }, 9000, 12_000, { quorum: 0.5 }), LATE, SKEW), /may only be stricter/)
    addAll(s, [proposal(A, { type: 'text' }, 9000, 12_000, { quorum: 0.6 })])
  })

  test('a param_change with an invalid value, an unknown parameter or no parameter', () => {
    const s = stateOf()
    assertRefused(s.add(proposal(A, { type: 'param_change', params: { quorum: 7 } }, 1000, 5000), LATE, SKEW), /^invalid parameter quorum: /)
    assertRefused(s.add(proposal(A, { type: 'param_change', params: { bootstrap_operator_count: 0 } }, 1000, 5000), LATE, SKEW), /^invalid parameter bootstrap_operator_count: /)
    assertRefused(s.add(proposal(A, { type: 'param_change', params: { currency: 'usd' } }, 1000, 5000), LATE, SKEW), /^invalid parameter currency: /)
    assertRefused(s.add(proposal(A, { type: 'param_change', params: { colour: 'blue' } }, 1000, 5000), LATE, SKEW), /^invalid parameter /)
    assertRefused(s.add(proposal(A, { type: 'param_change', params: {} }, 1000, 5000), LATE, SKEW), 'no parameter to change')
    addAll(s, [proposal(A, { type: 'param_change', params: { bootstrap_operator_count: 5 } }, 1000, 5000)])
  })

  test('a param_change of epoch_ms, activation_delay_ms or certification_grace_ms', () => {
    const s = stateOf()
    for (const name of ['epoch_ms', 'activation_delay_ms', 'certification_grace_ms']) {
      assertRefused(s.add(proposal(A, { type: 'param_change', params: { [name]: 20_000 } }, 1000, 5000), LATE, SKEW), `${name} cannot be changed by governance`)
      // Also alongside a valid change.
      assertRefused(s.add(proposal(A, { type: 'param_change', params: { quorum: 0.5, [name]: 20_000 } }, 1000, 5000), LATE, SKEW), `${name} cannot be changed by governance`)
    }
    assert.deepEqual(s.proposalIds(), [])
  })

  test('operator_remove or operator_weight of a non-operator; operator_add of an operator', () => {
    const s = stateOf()
    assertRefused(s.add(proposal(A, { type: 'operator_remove', peer_id: X.id }, 1000, 5000), LATE, SKEW), `${X.id} is not an operator`)
    assertRefused(s.add(proposal(A, { type: 'operator_weight', peer_id: X.id, weight: 3 }, 1000, 5000), LATE, SKEW), `${X.id} is not an operator`)
    assertRefused(s.add(proposal(A, { type: 'operator_add', peer_id: B.id, weight: 3, name: 'b again' }, 1000, 5000), LATE, SKEW), `${B.id} is an operator already`)
    addAll(s, [
      proposal(A, { type: 'operator_remove', peer_id: C.id }, 1000, 5000),
      proposal(A, { type: 'operator_weight', peer_id: B.id, weight: 9 }, 1000, 5000),
      proposal(A, { type: 'operator_add', peer_id: X.id, weight: 4, name: 'x' }, 1000, 5000)
    ])
  })

  test('a vote for an unknown proposal, by a non-operator, after the end, or before the proposal', () => {
    const s = stateOf()
    const p = proposal(A, { type: 'text' }, 1000, 5000)
    assertRefused(s.add(vote(B, p, 'yes', 2000), LATE, SKEW), 'unknown proposal')
    addAll(s, [p])
    assertRefused(s.add(vote(X, p, 'yes', 2000), LATE, SKEW), 'only operators vote')
    assertRefused(s.add(vote(B, p, 'yes', 5001), LATE, SKEW), 'voting has ended')
    assertRefused(s.add(vote(B, p, 'yes', 999), LATE, SKEW), 'vote older than the proposal')
    // At the creation time and at the end are both in time.
    addAll(s, [vote(B, p, 'yes', 1000), vote(C, p, 'no', 5000)])
    assert.equal(s.view(p.id, LATE)?.tally.voters, 2)
  })

  test('a vote counts against the proposal\'s weights snapshot, not the operators of the moment', () => {
    const s = stateOf()
    const add = proposal(A, { type: 'operator_add', peer_id: X.id, weight: 4, name: 'x' }, 1000, 5000)
    addAll(s, [add, vote(A, add, 'yes', 2000), vote(B, add, 'yes', 2000), vote(C, add, 'yes', 2000)])
    const later = proposal(A, { type: 'text' }, 8000, 12_000)
    addAll(s, [later])
    // X is an operator from 9000 on, but not in the snapshot of a proposal made at 8000.
    assert.equal(s.isOperator(X.id, at(9000)), true)
    assertRefused(s.add(vote(X, later, 'yes', 10_000), LATE, SKEW), 'only operators vote')
  })

  test('a candidacy by a non-operator or for a wrong epoch', () => {
    const s = stateOf()
    assertRefused(s.add(candidacy(X, 1, 1000), LATE, SKEW), 'only operators stand for election')
    assertRefused(s.add(candidacy(A, 0, 1000), LATE, SKEW), 'a candidacy stands for the next epoch')
    assertRefused(s.add(candidacy(A, 2, 1000), LATE, SKEW), 'a candidacy stands for the next epoch')
    assertRefused(s.add(candidacy(A, 1, EPOCH_MS), LATE, SKEW), 'a candidacy stands for the next epoch')
    addAll(s, [candidacy(A, 1, 1000), candidacy(A, 1, EPOCH_MS - 1), candidacy(A, 2, EPOCH_MS)])
  })

  test('an endorsement by a non-operator', () => {
    const s = stateOf()
    assertRefused(s.add(endorsement(X, A, 1000), LATE, SKEW), 'only operators endorse')
    // Endorsing a non-operator is allowed: it only counts if that one stands.
    addAll(s, [endorsement(A, X, 1000), endorsement(A, B, 1000, true)])
  })

  test('a certificate for an unknown proposal or by a non-operator', () => {
    const s = stateOf()
    const p = proposal(A, { type: 'text' }, 1000, 5000)
    assertRefused(s.add(certificate(A, p, 'rejected', [], 8000), LATE, SKEW), 'unknown proposal')
    addAll(s, [p])
    assertRefused(s.add(certificate(X, p, 'rejected', [], 8000), LATE, SKEW), 'only operators certify')
  })

  test('a duplicate object', () => {
    const s = stateOf()
    const p = proposal(A, { type: 'text' }, 1000, 5000)
    const v = vote(B, p, 'yes', 2000)
    addAll(s, [p, v])
    assertRefused(s.add(p, LATE, SKEW), 'duplicate')
    assertRefused(s.add(v, LATE, SKEW), 'duplicate')
    assert.equal(s.view(p.id, LATE)?.tally.voters, 1)
  })

  test('a time in the future beyond maxSkewMs; exactly at the skew is accepted', () => {
    const s = stateOf()
    const now = at(2000)
    const tooLate = proposal(A, { type: 'text' }, 2000 + SKEW + 1, 2000 + SKEW + 5000)
    assertRefused(s.add(tooLate, now, SKEW), 'time is in the future')
    const p = proposal(A, { type: 'text' }, 2000 + SKEW, 2000 + SKEW + 5000)
    addAll(s, [p], now)
    assertRefused(s.add(vote(B, p, 'yes', 2000 + SKEW + 1), at(2000), SKEW), 'time is in the future')
    assertRefused(s.add(candidacy(A, 4, 2000 + SKEW + 1), at(2000), SKEW), 'time is in the future')
    assertRefused(s.add(endorsement(A, B, 2000 + SKEW + 1), at(2000), SKEW), 'time is in the future')
    // The same vote is fine once the clock has moved on.
    addAll(s, [vote(B, p, 'yes', 2000 + SKEW + 1)], at(3000))
  })

  test('a refused object is not held', () => {
    const s = stateOf()
    const p = proposal(X, { type: 'text' }, 1000, 5000)
    s.add(p, LATE, SKEW)
    assert.deepEqual(s.ids(), [])
    assert.equal(s.get(p.id), undefined)
    assert.equal(s.view(p.id, LATE), undefined)
  })

  test('a proposal is tallied with the operators\' weights at its creation, from the state: a proposer cannot claim weights', () => {
    const s = stateOf()
    const p = proposal(A, { type: 'text' }, 1000, 5000)
    assert.equal(s.add(p, LATE, SKEW).ok, true)
    assert.deepEqual(s.view(p.id, LATE)?.weights, WEIGHTS)
    // A body that carries its own weights is not a proposal at all (the schema is strict).
    assert.equal(ProposalBodySchema.safeParse({ ...p.body, weights: { [A.id]: 1_000_000 } }).success, false)
  })

})

describe('GovernanceState: tallies, results in force, status', () => {
  test('a changed vote counts once, as its latest value, in whatever order the votes arrive', () => {
    const p = proposal(A, { type: 'text' }, 1000, 5000)
    const [c1, c2, c3, b1] = [vote(C, p, 'no', 1500), vote(C, p, 'veto', 2500), vote(C, p, 'yes', 3500), vote(B, p, 'no', 2000)]
    for (const order of [[c1, c2, c3, b1], [b1, c3, c2, c1], [c3, c1, b1, c2], [c2, b1, c3, c1]]) {
      const s = stateOf()
      addAll(s, [p, ...order])
      const t = s.view(p.id, LATE)?.tally
      assert.deepEqual([t?.yes, t?.no, t?.veto, t?.abstain, t?.voters, t?.votedWeight, t?.totalWeight], [3, 2, 0, 0, 2, 5, 6])
      assert.equal(t?.outcome, 'passed')
      assert.deepEqual(s.countedVoteIds(p.id), [c3.id, b1.id].sort())
    }
  })

  test('params(at): a passed param_change takes effect exactly at voting_ends_at + max(activation_delay_ms, certification_grace_ms)', () => {
    for (const [delay, grace] of [[4_000, 3_000], [1_000, 3_000], [2_500, 2_500]] as const) {
      const s = stateOf(genesisWith({ activation_delay_ms: delay, certification_grace_ms: grace }))
      const p = proposal(A, { type: 'param_change', params: { quorum: 0.5, bootstrap_operator_count: 5 } }, 1000, 5000)
      addAll(s, [p, vote(A, p, 'yes', 2000), vote(B, p, 'no', 2000), vote(C, p, 'yes', 2000)])
      const activation = at(5000 + Math.max(delay, grace))
      const view = s.view(p.id, LATE)
      assert.equal(view?.activatesAt, activation)
      assert.equal(view?.status, 'passed')
      for (const t of [at(0), at(5000), at(5000 + Math.min(delay, grace)), activation - 1].filter(t => t < activation)) {
        assert.equal(s.params(t).quorum, 0.334, `delay ${delay}, grace ${grace}: in force early at ${t - T0}`)
        assert.equal(s.params(t).bootstrap_operator_count, 2)
      }
      assert.equal(s.params(activation).quorum, 0.5, `delay ${delay}, grace ${grace}: not in force at activation`)
      assert.equal(s.params(activation).bootstrap_operator_count, 5)
      assert.equal(s.params(LATE).quorum, 0.5)
      // Pending until then, not after.
      assert.deepEqual(s.pending(activation - 1).map(x => x.id), [p.id])
      assert.deepEqual(s.pending(activation).map(x => x.id), [])
    }
  })

  test('params(at): a rejected, vetoed or failed param_change never takes effect', () => {
    const s = stateOf()
    const rejected = proposal(A, { type: 'param_change', params: { quorum: 0.5 } }, 1000, 5000)
    const vetoed = proposal(B, { type: 'param_change', params: { threshold: 0.6 } }, 1000, 5000)
    const failed = proposal(C, { type: 'param_change', params: { veto: 0.2 } }, 1000, 5000)
    addAll(s, [rejected, vetoed, failed,
      vote(A, rejected, 'yes', 2000), vote(B, rejected, 'no', 2000), vote(C, rejected, 'no', 2000),
      vote(A, vetoed, 'yes', 2000), vote(B, vetoed, 'yes', 2000), vote(C, vetoed, 'veto', 2000),
      vote(A, failed, 'yes', 2000)])
    assert.deepEqual([rejected, vetoed, failed].map(p => s.view(p.id, LATE)?.status), ['rejected', 'rejected_veto', 'failed_quorum'])
    for (const t of [at(8999), at(9000), LATE]) assert.deepEqual(s.params(t), genesisWith().params)
    assert.deepEqual(s.pending(at(9000)), [])
  })

  test('operators(at) after passed operator_add, operator_remove and operator_weight; a rejected one changes nothing', () => {
    const s = stateOf()
    const add = proposal(A, { type: 'operator_add', peer_id: X.id, weight: 4, name: 'x' }, 1000, 5000)
    const remove = proposal(B, { type: 'operator_remove', peer_id: C.id }, 1000, 6000)
    const weight = proposal(C, { type: 'operator_weight', peer_id: B.id, weight: 7 }, 1000, 7000)
    const rejectedWeight = proposal(C, { type: 'operator_weight', peer_id: A.id, weight: 50 }, 1000, 5000)
    addAll(s, [add, remove, weight, rejectedWeight])
    for (const p of [add, remove, weight]) addAll(s, [A, B, C].map(who => vote(who, p, 'yes', 2000)))
    addAll(s, [A, B, C].map(who => vote(who, rejectedWeight, 'no', 2000)))

    const ops = (t: number): Array<[string, number]> => s.operators(at(t)).map(o => [o.peer_id, o.weight])
    const sorted = (list: Array<[string, number]>): Array<[string, number]> => list.sort((a, b) => (a[0] < b[0] ? -1 : 1))
    assert.deepEqual(ops(8999), sorted([[A.id, 1], [B.id, 2], [C.id, 3]]))
    assert.deepEqual(ops(9000), sorted([[A.id, 1], [B.id, 2], [C.id, 3], [X.id, 4]]))
    assert.deepEqual(ops(10_000), sorted([[A.id, 1], [B.id, 2], [X.id, 4]]))
    assert.deepEqual(ops(11_000), sorted([[A.id, 1], [B.id, 7], [X.id, 4]]))
    assert.equal(s.operators(at(9000)).find(o => o.peer_id === X.id)?.name, 'x')
    assert.deepEqual(s.weights(LATE), { [A.id]: 1, [B.id]: 7, [X.id]: 4 })

    // Who may act follows: X proposes from 9000 on, C no longer from 10000 on.
    assertRefused(s.add(proposal(X, { type: 'text' }, 8999, 12_000), LATE, SKEW), 'only operators propose')
    addAll(s, [proposal(X, { type: 'text' }, 9000, 12_000)])
    addAll(s, [proposal(C, { type: 'text' }, 9999, 12_000)])
    assertRefused(s.add(proposal(C, { type: 'text' }, 10_000, 12_000), LATE, SKEW), 'only operators propose')
    assertRefused(s.add(candidacy(C, 2, 10_000), LATE, SKEW), 'only operators stand for election')
    addAll(s, [candidacy(X, 2, 10_000)])
  })

  test('view().status: voting until the end, tallying until the grace period ends without a certificate, then the outcome', () => {
    const s = stateOf()
    const p = proposal(A, { type: 'text' }, 1000, 5000)
    addAll(s, [p, vote(C, p, 'yes', 2000)])
    assert.equal(s.view(p.id, at(1000))?.status, 'voting')
    assert.equal(s.view(p.id, at(5000))?.status, 'voting')
    assert.equal(s.view(p.id, at(5001))?.status, 'tallying')
    assert.equal(s.view(p.id, at(7999))?.status, 'tallying')
    assert.equal(s.view(p.id, at(8000))?.status, 'passed')
    assert.equal(s.view(p.id, LATE)?.status, 'passed')
    assert.equal(s.view(p.id, LATE)?.certificate, undefined)
    assert.deepEqual(s.view(p.id, LATE)?.missingVotes, [])
    assert.equal(s.view('f'.repeat(64), LATE), undefined)
  })

  test('a certificate listing a vote this node lacks: tallying until it arrives, then exactly the certified votes count', () => {
    const s = stateOf()
    const p = proposal(A, { type: 'param_change', params: { quorum: 0.5 } }, 1000, 5000)
    const va = vote(A, p, 'yes', 2000)
    const vb = vote(B, p, 'yes', 3000)
    const vc = vote(C, p, 'no', 4000)
    // Nobody stands for election: every operator may certify, and only A did.
    addAll(s, [p])
    assert.deepEqual([...s.certifiers(p.body)].sort(), [A.id, B.id, C.id].sort())
    const cert = certificate(A, p, 'passed', [va.id, vb.id], 8000)
    addAll(s, [va, cert])

    let v = s.view(p.id, at(8000))
    assert.equal(v?.certificate?.id, cert.id)
    assert.deepEqual(v?.missingVotes, [vb.id])
    assert.equal(v?.status, 'tallying')
    assert.equal(s.view(p.id, LATE)?.status, 'tallying', 'a certificate with missing votes stays tallying, however late')

    addAll(s, [vb])
    v = s.view(p.id, LATE)
    assert.deepEqual(v?.missingVotes, [])
    assert.equal(v?.status, 'passed')
    assert.deepEqual([v?.tally.yes, v?.tally.no, v?.tally.voters], [3, 0, 2])
    assert.equal(v?.tally.countedHash, cert.body.counted_hash)

    // A vote cast in time that arrives after the certificate: held, but not counted.
    addAll(s, [vc])
    v = s.view(p.id, LATE)
    assert.equal(v?.status, 'passed')
    assert.deepEqual([v?.tally.yes, v?.tally.no, v?.tally.voters], [3, 0, 2])
    assert.equal(v?.tally.countedHash, cert.body.counted_hash)
    assert.equal(s.has(vc.id), true)
    // Without the certificate, the full vote set would be a tie: rejected. The certified result is in force.
    const uncertified = stateOf()
    addAll(uncertified, [p, va, vb, vc])
    assert.equal(uncertified.view(p.id, LATE)?.status, 'rejected')
    assert.equal(uncertified.params(at(9000)).quorum, 0.334)
    assert.equal(s.params(at(9000)).quorum, 0.5)
  })

  test('a certificate by an elected certifier is followed, one by an operator that is not a certifier is not', () => {
    const s = stateOf()
    // B alone stands for epoch 1 (10000..20000); a proposal whose grace period ends in epoch 1 is certified by B.
    addAll(s, [candidacy(B, 1, 500)])
    const p = proposal(A, { type: 'text' }, 10_500, 12_000)
    const vc = vote(C, p, 'yes', 11_000)
    addAll(s, [p, vc])
    assert.deepEqual(s.certifiers(p.body), [B.id])
    const byC = certificate(C, p, 'rejected', [], 15_000)
    addAll(s, [byC])
    assert.equal(s.view(p.id, LATE)?.certificate, undefined)
    assert.equal(s.view(p.id, LATE)?.status, 'passed')
    assert.deepEqual(s.view(p.id, LATE)?.certificates.map(c => c.id), [byC.id])
    const byB = certificate(B, p, 'passed', [vc.id], 15_000)
    addAll(s, [byB])
    assert.equal(s.view(p.id, LATE)?.certificate?.id, byB.id)
  })
})

describe('GovernanceState: order independence', () => {
  /**
   * A fixed history: six proposals of every kind with their votes (one changed), candidacies for
   * three epochs, endorsements (one withdrawn and renewed), an honest certificate by the elected
   * certifier and a stray one by an operator that is not a certifier. Every object is valid in
   * any order that puts each proposal before its votes and certificates.
   */
  interface World { genesis: Genesis, objects: Signed[], proposals: Array<Signed<ProposalBody>> }
  let world: World
  const TIMES = [0, 4000, 8999, 9000, 9999, 10_000, 12_000, 13_500, 20_000, 30_000, 60_000].map(at)
  const VIEW_TIMES = [4000, 9000, 11_000, 16_000, 1_000_000].map(at)
  const EPOCHS = [0, 1, 2, 3, 4, 5]

  before(() => {
    const genesis = genesisWith()
    const p1 = proposal(A, { type: 'param_change', params: { bootstrap_operator_count: 1 } }, 1000, 5000)
    const p2 = proposal(B, { type: 'operator_add', peer_id: X.id, weight: 4, name: 'x' }, 1500, 6000)
    const p3 = proposal(C, { type: 'operator_weight', peer_id: C.id, weight: 1 }, 2000, 7000)
    const p4 = proposal(B, { type: 'operator_remove', peer_id: A.id }, 2500, 8000)
    const p5 = proposal(A, { type: 'text' }, 3000, 12_000)
    const p6 = proposal(C, { type: 'param_change', params: { quorum: 0.4 } }, 3500, 9500)
    const proposals = [p1, p2, p3, p4, p5, p6]
    const votes = [
      vote(A, p1, 'yes', 1100), vote(B, p1, 'yes', 1200), vote(C, p1, 'no', 2000), vote(C, p1, 'yes', 3000),
      vote(A, p2, 'yes', 2000), vote(B, p2, 'yes', 2000), vote(C, p2, 'abstain', 2000),
      vote(A, p3, 'no', 2500), vote(B, p3, 'no', 2500), vote(C, p3, 'yes', 2500),
      vote(A, p4, 'yes', 3000),
      vote(B, p5, 'veto', 4000), vote(A, p5, 'yes', 4000), vote(C, p5, 'yes', 11_000),
      vote(A, p6, 'yes', 4000), vote(B, p6, 'no', 4000), vote(C, p6, 'yes', 9500)
    ]
    const election = [
      candidacy(A, 1, 4000), candidacy(B, 1, 5000), candidacy(C, 1, 9000),
      candidacy(A, 2, 11_000), candidacy(C, 2, 19_000), candidacy(B, 3, 21_000), candidacy(C, 3, 22_000),
      endorsement(A, B, 3000), endorsement(B, B, 3000), endorsement(C, A, 4000),
      endorsement(C, A, 6000, true), endorsement(C, A, 15_000), endorsement(B, C, 12_000), endorsement(A, C, 25_000)
    ]
    const uncertified = new GovernanceState(genesis, genesisHash(genesis))
    addAll(uncertified, [...proposals, ...votes, ...election])
    const v1 = uncertified.view(p1.id, LATE)
    const v5 = uncertified.view(p5.id, LATE)
    assert.ok(v1 !== undefined && v5 !== undefined)
    const byId = new Map([A, B, C].map(a => [a.id, a]))
    const certifierOf = (p: Signed<ProposalBody>): Actor => byId.get(uncertified.certifiers(p.body)[0] ?? '') as Actor
    const honest1 = certificate(certifierOf(p1), p1, v1.tally.outcome, uncertified.countedVoteIds(p1.id), 8000, v1.tally.countedHash)
    const certifier5 = certifierOf(p5)
    const honest5 = certificate(certifier5, p5, v5.tally.outcome, uncertified.countedVoteIds(p5.id), 15_000, v5.tally.countedHash)
    const stray = [A, B, C].find(a => !uncertified.certifiers(p5.body).includes(a.id)) as Actor
    const stray5 = certificate(stray, p5, 'rejected', [], 15_500)
    world = { genesis, objects: [...proposals, ...votes, ...election, honest1, honest5, stray5], proposals }
  })

  function snapshot (s: GovernanceState): unknown {
    return {
      ids: s.ids().sort(),
      views: world.proposals.map(p => VIEW_TIMES.map(now => {
        const v = s.view(p.id, now)
        return v === undefined
          ? undefined
          : { status: v.status, tally: v.tally, certificate: v.certificate?.id, certificates: v.certificates.map(c => c.id).sort(), missing: v.missingVotes, activatesAt: v.activatesAt, counted: s.countedVoteIds(p.id) }
      })),
      params: TIMES.map(t => s.params(t)),
      operators: TIMES.map(t => s.operators(t)),
      pending: TIMES.map(t => s.pending(t).map(x => x.id)),
      elections: EPOCHS.map(e => s.election(e)),
      certifiers: world.proposals.map(p => s.certifiers(p.body))
    }
  }

  test('the fixed history has the expected results (so the property below is not vacuous)', () => {
    const s = new GovernanceState(world.genesis, genesisHash(world.genesis))
    addAll(s, world.objects)
    const [p1, p2, p3, p4, p5, p6] = world.proposals as [Signed<ProposalBody>, Signed<ProposalBody>, Signed<ProposalBody>, Signed<ProposalBody>, Signed<ProposalBody>, Signed<ProposalBody>]
    assert.deepEqual([p1, p2, p3, p4, p5, p6].map(p => s.view(p.id, LATE)?.status), ['passed', 'passed', 'rejected', 'failed_quorum', 'passed', 'passed'])
    assert.notEqual(s.view(p1.id, LATE)?.certificate, undefined)
    assert.equal(s.view(p5.id, LATE)?.certificate?.body.outcome, 'passed')
    assert.equal(s.view(p5.id, LATE)?.certificates.length, 2)
    assert.equal(s.params(at(9000)).bootstrap_operator_count, 1)
    assert.equal(s.params(at(13_500)).quorum, 0.4)
    assert.equal(s.operators(at(10_000)).length, 4)
    assert.equal(s.election(1).elected.length, 1)
    assert.ok(s.election(2).standings.length === 2 && s.election(3).standings.length === 2)
    assert.deepEqual(s.election(4).elected, [])
  })

  test('any order that puts each proposal before its votes and certificates, with queries in between, gives the same state', () => {
    const reference = (() => {
      const s = new GovernanceState(world.genesis, genesisHash(world.genesis))
      addAll(s, world.objects)
      return snapshot(s)
    })()
    const n = world.objects.length
    const proposalIndex = new Map(world.proposals.map(p => [p.id, world.objects.indexOf(p)]))
    // Grouped: the order a node's sync uses (proposals, then candidacies and endorsements, then
    // votes, then certificates), shuffled within each group. Otherwise any order that keeps each
    // proposal before its votes and certificates.
    const GROUP: Record<GovBody['kind'], number> = { proposal: 0, candidacy: 1, endorsement: 1, admission: 1, revocation: 1, vote: 2, certificate: 3, tenant: 1, api_key: 1, key_revocation: 1, subscription: 1, payment: 1 }
    fc.assert(fc.property(
      fc.boolean(),
      fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: n, maxLength: n }),
      fc.array(fc.nat(TIMES.length * 5 - 1), { minLength: n, maxLength: n }),
      (grouped, keys, queries) => {
        const key = (i: number): number => {
          const b = world.objects[i]?.body as GovBody
          const own = (keys[i] ?? 0) * 2
          if (grouped) return GROUP[b.kind] * 10_000_000 + own
          if (b.kind !== 'vote' && b.kind !== 'certificate') return own
          return Math.max(own, (keys[proposalIndex.get(b.proposal_id) ?? 0] ?? 0) * 2 + 1)
        }
        const order = world.objects.map((_, i) => i).sort((a, b) => key(a) - key(b) || a - b)
        const s = new GovernanceState(world.genesis, genesisHash(world.genesis))
        for (const [step, i] of order.entries()) {
          const o = world.objects[i] as Signed
          const v = s.add(o, LATE, SKEW)
          if (!v.ok) throw new Error(`${o.body.kind} refused at step ${step}: ${v.reason}`)
          // Read the state between adds, as a node does (API, ticks), to fill whatever it caches.
          const q = queries[step] ?? 0
          const t = TIMES[q % TIMES.length] as number
          if (q < TIMES.length) s.params(t)
          else if (q < TIMES.length * 2) s.operators(t)
          else if (q < TIMES.length * 3) s.election(s.epochOf(t) + 1)
          else if (q < TIMES.length * 4) for (const p of world.proposals) s.view(p.id, t)
          else snapshot(s)
        }
        assert.deepEqual(snapshot(s), reference)
      }
    ), { numRuns: 100 })
  })

  test('a result whose certifier depends on another proposal\'s result is not kept stale when that result changes', () => {
    // Q gives A weight 5, in force at 7000; that makes A, not B, the first elected of epoch 2.
    // P's certificates disagree: A's says passed, B's says rejected. The first elected certifier's counts.
    const genesis = genesisWith({ activation_delay_ms: 4_000, certification_grace_ms: 3_000 })
    const q = proposal(A, { type: 'operator_weight', peer_id: A.id, weight: 5 }, 1000, 3000)
    const qVotes = [A, B, C].map(who => vote(who, q, 'yes', 2000))
    const p = proposal(A, { type: 'param_change', params: { quorum: 0.6 } }, 15_000, 18_000)
    const rest = [
      candidacy(A, 2, 11_000), candidacy(B, 2, 11_000), endorsement(A, A, 11_000), endorsement(B, B, 11_000), p,
      certificate(A, p, 'passed', [], 21_000, '0'.repeat(64)), certificate(B, p, 'rejected', [], 21_000, '1'.repeat(64))
    ]
    const inOrder = new GovernanceState(genesis, genesisHash(genesis))
    addAll(inOrder, [q, ...qVotes, ...rest])
    assert.equal(inOrder.election(2).elected[0], A.id)
    assert.equal(inOrder.params(at(30_000)).quorum, 0.6)

    const votesLast = new GovernanceState(genesis, genesisHash(genesis))
    addAll(votesLast, [q, ...rest])
    // Before Q's votes, B ranks first and its 'rejected' counts: a node reads its params now.
    assert.equal(votesLast.params(at(30_000)).quorum, 0.334)
    addAll(votesLast, qVotes)
    assert.equal(votesLast.election(2).elected[0], A.id)
    assert.equal(votesLast.view(p.id, LATE)?.status, 'passed')
    assert.equal(votesLast.params(at(30_000)).quorum, 0.6, 'params still follow the certificate of the certifier that is no longer first')
  })
})

describe('GovernanceState: elections', () => {
  test('election(epoch) of a long chain (epoch 20000 at epoch_ms 1000) returns without a stack overflow', () => {
    const genesis = genesisWith({ epoch_ms: 1000 })
    const s = new GovernanceState(genesis, genesisHash(genesis))
    addAll(s, [candidacy(A, 1, 500), candidacy(B, 20_000, 19_999_500), endorsement(C, B, 1000)], at(20_000_000))
    const r = s.election(20_000)
    assert.equal(r.epoch, 20_000)
    assert.deepEqual(r.elected, [B.id])
    assert.deepEqual(s.election(1).elected, [A.id])
    assert.deepEqual(s.election(19_999).elected, [])
    // The same chain built in another order of queries gives the same seed.
    const fresh = new GovernanceState(genesis, genesisHash(genesis))
    addAll(fresh, [candidacy(A, 1, 500), candidacy(B, 20_000, 19_999_500), endorsement(C, B, 1000)], at(20_000_000))
    for (let e = 0; e <= 20_000; e += 5000) fresh.election(e)
    assert.equal(fresh.election(20_000).nextSeed, r.nextSeed)
    // A later candidacy recomputes only what it can change, and still without recursion.
    addAll(s, [candidacy(C, 20_000, 19_999_900)], at(20_000_000))
    assert.deepEqual(s.election(20_000).elected, [B.id, C.id])
    assert.equal(s.election(40_000).epoch, 40_000)
  })

  test('a candidate that does not renew its candidacy is not re-elected', () => {
    const s = stateOf()
    addAll(s, [candidacy(A, 1, 1000), candidacy(B, 1, 1000), candidacy(B, 2, 11_000)])
    assert.deepEqual([...s.election(1).elected].sort(), [A.id, B.id].sort())
    assert.deepEqual(s.election(2).elected, [B.id])
    assert.deepEqual(s.election(3).elected, [])
  })

  test('a new candidacy does not make view() of a long-running proposal rebuild every election up to its end', () => {
    // A valid network: epochs of 10 s, the default 14-day maximum voting period.
    const genesis = genesisWith({ epoch_ms: 10_000, max_voting_period_ms: 14 * 86_400_000 })
    const s = new GovernanceState(genesis, genesisHash(genesis))
    const epochs = 100
    for (let e = 0; e < epochs; e++) addAll(s, [A, B, C].map(who => candidacy(who, e + 1, e * 10_000 + 500)), at(epochs * 10_000))
    const created = epochs * 10_000 + 100
    const p = proposal(A, { type: 'text' }, created, created + 14 * 86_400_000)
    addAll(s, [p], at(created))
    s.view(p.id, at(created))
    const slowest = Math.max(...[A, B, C].map(who => {
      addAll(s, [candidacy(who, epochs + 1, created + 1)], at(created + 1))
      const started = performance.now()
      s.view(p.id, at(created + 1))
      return performance.now() - started
    }))
    assert.ok(slowest < 100, `view() took ${Math.round(slowest)} ms after a candidacy`)
  })

  test('a proposal whose grace period ends exactly on an epoch boundary (activation_delay_ms <= certification_grace_ms) does not break the state', () => {
    // The development defaults: delay = grace = 5 s; epoch 10 s here.
    const genesis = genesisWith({ activation_delay_ms: 5_000, certification_grace_ms: 5_000 })
    const s = new GovernanceState(genesis, genesisHash(genesis))
    // Voting ends at 15000; the grace period ends at 20000, the start of epoch 2.
    const p = proposal(A, { type: 'operator_weight', peer_id: B.id, weight: 5 }, 2000, 15_000)
    addAll(s, [p])
    const pc = proposal(A, { type: 'param_change', params: { quorum: 0.5 } }, 2000, 15_000)
    addAll(s, [pc, vote(A, p, 'yes', 3000), vote(A, pc, 'yes', 3000)])
    assert.doesNotThrow(() => s.view(p.id, LATE))
    assert.doesNotThrow(() => s.view(pc.id, LATE))
    assert.doesNotThrow(() => s.operators(LATE))
    assert.doesNotThrow(() => s.params(LATE))
    assert.doesNotThrow(() => s.add(candidacy(B, 3, 25_000), LATE, SKEW))
  })

  test('a proposal made before the genesis is refused: its result would depend on itself (the termination rule of the state\'s recursion)', () => {
    const s = stateOf()
    // Its grace period ends before the genesis, where election(0) reads the state just before the genesis.
    for (const change of [{ type: 'param_change', params: { quorum: 0.5 } }, { type: 'operator_weight', peer_id: B.id, weight: 5 }] as Change[]) {
      const early = proposal(A, change, -100_000, -90_000)
      assertRefused(s.add(early, LATE, SKEW), 'a proposal is made after the genesis')
      assert.equal(s.has(early.id), false)
    }
    assert.equal(s.params(LATE).quorum, 0.334)
    assert.equal(s.operators(LATE).length, 3)
    // From the genesis on, it counts: the state settles it.
    const p = proposal(A, { type: 'param_change', params: { quorum: 0.5 } }, 0, 1000)
    addAll(s, [p, vote(B, p, 'yes', 500), vote(C, p, 'yes', 500)])
    assert.equal(s.params(LATE).quorum, 0.5)
    assert.equal(s.view(p.id, LATE)?.status, 'passed')
  })
})

describe('GovernanceState: map parameters merge key by key', () => {
  const DEFAULT_PRICES = DEVELOPMENT_PARAMS.price_list
  /** Passes a param_change made at `created` (voting 1 s): in force from created + 1 s + 4 s. */
  function pass (s: GovernanceState, params: Record<string, unknown>, created: number): Signed<ProposalBody> {
    const p = proposal(A, { type: 'param_change', params }, created, created + 1000)
    addAll(s, [p, vote(B, p, 'yes', created + 500), vote(C, p, 'yes', created + 500)])
    return p
  }

  test('a change of one price leaves the other prices as they are', () => {
    const s = stateOf()
    pass(s, { price_list: { storage: { unit: 'GB', unit_price: 0.01 } } }, 1000)
    assert.deepEqual(s.params(at(6000)).price_list, { ...DEFAULT_PRICES, storage: { unit: 'GB', unit_price: 0.01 } })
    assert.deepEqual(s.params(at(5999)).price_list, DEFAULT_PRICES, 'the old list until the change takes effect')
  })

  test('a key is removed only by null; a second change merges on top of the first; each applies from its own time', () => {
    const s = stateOf()
    pass(s, { price_list: { gpu: { unit: 'gpu-hour', unit_price: 1.5 } } }, 1000)
    pass(s, { price_list: { bandwidth: null, storage: { unit: 'GB', unit_price: 0.03 } } }, 10_000)
    assert.deepEqual(Object.keys(s.params(at(7000)).price_list).sort(), ['bandwidth', 'gpu', 'request', 'storage'])
    assert.deepEqual(s.params(at(15_000)).price_list, { request: DEFAULT_PRICES.request, storage: { unit: 'GB', unit_price: 0.03 }, gpu: { unit: 'gpu-hour', unit_price: 1.5 } })
    assert.deepEqual(s.paramsPeriods(LATE).map(p => p.from), [-Infinity, at(6000), at(15_000)])
  })

  test('refused: removing a price that is not there, removing or re-uniting the price of routed requests, null for a plain parameter', () => {
    const s = stateOf()
    const change = (params: Record<string, unknown>): Signed<ProposalBody> => proposal(A, { type: 'param_change', params }, 1000, 5000)
    assertRefused(s.add(change({ price_list: { gpu: null } }), LATE, SKEW), 'invalid parameter price_list.gpu: not in price_list, nothing to remove')
    assertRefused(s.add(change({ price_list: { request: null } }), LATE, SKEW), /^invalid parameter price_list\.request: routed requests are billed as request/)
    assertRefused(s.add(change({ price_list: { request: { unit: 'call', unit_price: 1 } } }), LATE, SKEW), /^invalid parameter price_list\.request/)
    assertRefused(s.add(change({ quorum: null }), LATE, SKEW), /^invalid parameter quorum/)
    assertRefused(s.add(change({ price_list: { storage: { unit: 'GB', unit_price: 0.0000001 } } }), LATE, SKEW), /^invalid parameter price_list\.storage\.unit_price: at most 6 decimals/)
  })

  test('resultingParams: the whole list as it would be, before anyone votes', () => {
    const s = stateOf()
    const p = proposal(A, { type: 'param_change', params: { price_list: { storage: { unit: 'GB', unit_price: 0.01 } }, quorum: 0.4 } }, 1000, 5000)
    addAll(s, [p])
    assert.deepEqual(s.resultingParams(p.id), { price_list: { ...DEFAULT_PRICES, storage: { unit: 'GB', unit_price: 0.01 } }, quorum: 0.4 })
    const text = proposal(A, { type: 'text' }, 1000, 5000)
    addAll(s, [text])
    assert.equal(s.resultingParams(text.id), undefined)
  })
})

describe('GovernanceState: refusals say what kind they are', () => {
  test('a non-operator\'s vote, proposal, candidacy or endorsement is forbidden; a vote for an unknown proposal is unknown; a bad period is invalid', () => {
    const s = stateOf()
    const p = proposal(A, { type: 'text' }, 1000, 5000)
    addAll(s, [p])
    const refusal = (v: Verdict): string | undefined => (v.ok ? 'accepted' : v.refusal)
    assert.equal(refusal(s.add(vote(X, p, 'yes', 2000), LATE, SKEW)), 'forbidden')
    assert.equal(refusal(s.add(proposal(X, { type: 'text' }, 1000, 5000), LATE, SKEW)), 'forbidden')
    assert.equal(refusal(s.add(candidacy(X, 1, 1000), LATE, SKEW)), 'forbidden')
    assert.equal(refusal(s.add(endorsement(X, A, 1000), LATE, SKEW)), 'forbidden')
    const elsewhere = proposal(B, { type: 'text' }, 1000, 5000)
    assert.equal(refusal(s.add(vote(A, elsewhere, 'yes', 2000), LATE, SKEW)), 'unknown')
    assert.equal(refusal(s.add(proposal(A, { type: 'text' }, 1000, 1001), LATE, SKEW)), undefined)
  })

  test('candidates(epoch): the peers with a candidacy for that epoch', () => {
    const s = stateOf()
    addAll(s, [candidacy(A, 1, 1000), candidacy(B, 2, EPOCH_MS + 1000), candidacy(A, 1, 2000)])
    assert.deepEqual(s.candidates(1), [A.id])
    assert.deepEqual(s.candidates(2), [B.id])
    assert.deepEqual(s.candidates(3), [])
  })
})
