import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { Ledger } from '../../src/billing/ledger.ts'
import { GENESIS_PREV, type LogEntry } from '../../src/billing/log-entry.ts'
import type { UsageRecord } from '../../src/billing/usage-record.ts'
import { signerOf, type Sign } from '../../src/network/signing.ts'
import { createGenesis, genesisHash, type Genesis } from '../../src/network/genesis.ts'
import { listMembers, mayAuthor, standing, type Admission, type MembershipInput, type Revocation } from '../../src/governance/membership.ts'
import { signObject, type AdmissionBody, type ProposalBody, type RevocationBody } from '../../src/governance/objects.ts'
import { DEVELOPMENT_PARAMS, PRODUCTION_PARAMS } from '../../src/network/params.ts'
import { GovernanceState } from '../../src/governance/state.ts'

const admission = (peerId: string, time: number, id = `a${time}`): Admission => ({ id, author: 'op', peerId, time })
const revocation = (peerId: string, throughSeq: number, time: number, id = `r${time}`): Revocation => ({ id, author: 'op', peerId, throughSeq, time })
const input = (over: Partial<MembershipInput> = {}): MembershipInput => ({
  operators: new Set(['op']), formerOperators: new Set(), open: false, admissions: [], revocations: [], ...over
})

describe('the member set (pure)', () => {
  test('operators are members; a stranger on a closed network is not, on an open one it is', () => {
    assert.deepEqual(standing('op', input()), { member: true, via: 'operator' })
    assert.deepEqual(standing('x', input()), { member: false, via: 'not_admitted' })
    assert.deepEqual(standing('x', input({ open: true })), { member: true, via: 'open' })
  })

  test('an admitted peer is a member, by its earliest admission', () => {
    const s = standing('x', input({ admissions: [admission('x', 20, 'b'), admission('x', 10, 'c'), admission('y', 5)] }))
    assert.equal(s.member, true)
    assert.equal(s.via === 'admission' ? s.admission.id : '', 'c')
  })

  test('admit and revoke of one peer: revoked, whatever the order and times (a revocation is final)', () => {
    for (const [a, r] of [[10, 20], [20, 10], [10, 10]]) {
      const s = standing('x', input({ admissions: [admission('x', a ?? 0)], revocations: [revocation('x', 3, r ?? 0)] }))
      assert.equal(s.member, false)
      assert.equal(s.via, 'revoked')
    }
    assert.equal(standing('x', input({ open: true, revocations: [revocation('x', 0, 1)] })).member, false, 'also on an open network')
  })

  test('a revoked peer\'s entries count up to the smallest through_seq of its revocations, later ones never', () => {
    const s = standing('x', input({ admissions: [admission('x', 1)], revocations: [revocation('x', 7, 30), revocation('x', 5, 40)] }))
    assert.equal(mayAuthor(s, 5), true)
    assert.equal(mayAuthor(s, 6), false)
    assert.equal(mayAuthor(standing('x', input()), 1), false, 'a non-member authors nothing')
    assert.equal(mayAuthor(standing('op', input()), 1_000_000), true)
  })

  test('an operator stays a member even when revoked; a former operator stays one until revoked', () => {
    assert.equal(standing('op', input({ revocations: [revocation('op', 0, 1)] })).member, true)
    assert.deepEqual(standing('old', input({ formerOperators: new Set(['old']) })), { member: true, via: 'former_operator' })
    assert.equal(standing('old', input({ formerOperators: new Set(['old']), revocations: [revocation('old', 2, 1)] })).member, false)
  })

  test('the same records in any order give the same set', () => {
    const admissions = [admission('x', 1), admission('y', 2), admission('z', 3)]
    const revocations = [revocation('y', 4, 5), revocation('y', 2, 6)]
    const a = listMembers(input({ admissions, revocations }))
    const b = listMembers(input({ admissions: [...admissions].reverse(), revocations: [...revocations].reverse() }))
    assert.deepEqual(a, b)
    assert.deepEqual(a.map(m => m.peerId), ['op', 'x', 'z'])
  })
})

describe('membership records in the replicated governance state', () => {
  let op: { id: string, sign: Sign }
  let stranger: { id: string, sign: Sign }
  let genesis: Genesis
  const T0 = Date.parse('2025-01-01T00:00:00.000Z')
  before(async () => {
    const keys = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('Ed25519')])
    op = { id: peerIdFromPrivateKey(keys[0]).toString(), sign: signerOf(keys[0]) }
    stranger = { id: peerIdFromPrivateKey(keys[1]).toString(), sign: signerOf(keys[1]) }
    genesis = createGenesis({ networkId: 'members-test', operators: [{ peer_id: op.id, weight: 1, name: 'op' }], params: PRODUCTION_PARAMS, createdAt: new Date(T0) })
  })
  const admit = (by: { id: string, sign: Sign }, peerId: string, time: number) => signObject<AdmissionBody>({ kind: 'admission', author: by.id, peer_id: peerId, time }, by.sign)
  const revoke = (by: { id: string, sign: Sign }, peerId: string, through: number, time: number) =>
    signObject<RevocationBody>({ kind: 'revocation', author: by.id, peer_id: peerId, through_seq: through, time }, by.sign)

  test('only operators admit or revoke: a stranger\'s records are refused and not held', () => {
    const state = new GovernanceState(genesis, genesisHash(genesis))
    const selfAdmission = admit(stranger, stranger.id, T0 + 10)
    assert.deepEqual(state.add(selfAdmission, T0 + 100, 30_000), { ok: false, rule: 'only_operators_admit_members', reason: 'only operators admit members' })
    assert.equal(state.has(selfAdmission.id), false)
    assert.deepEqual(state.add(revoke(stranger, op.id, 0, T0 + 10), T0 + 100, 30_000), { ok: false, rule: 'only_operators_revoke_members', reason: 'only operators revoke members' })
    assert.equal(state.standing(stranger.id, T0 + 100).member, false)
  })

  test('an operator admits, then revokes; an operator cannot be revoked', () => {
    const state = new GovernanceState(genesis, genesisHash(genesis))
    assert.deepEqual(state.add(admit(op, stranger.id, T0 + 10), T0 + 100, 30_000), { ok: true })
    assert.equal(state.standing(stranger.id, T0 + 100).via, 'admission')
    assert.deepEqual(state.add(revoke(op, stranger.id, 4, T0 + 20), T0 + 100, 30_000), { ok: true })
    const s = state.standing(stranger.id, T0 + 100)
    assert.equal(s.via, 'revoked')
    assert.equal(mayAuthor(s, 4) && !mayAuthor(s, 5), true)
    assert.deepEqual(state.add(revoke(op, op.id, 0, T0 + 30), T0 + 100, 30_000), { ok: false, rule: 'operator_revoked', reason: 'an operator is removed by governance, not revoked' })
  })

  test('open_membership is fixed in the genesis: governance cannot change it', () => {
    const state = new GovernanceState(genesis, genesisHash(genesis))
    const p = signObject<ProposalBody>({
      kind: 'proposal', author: op.id, title: 'open up', description: '', change: { type: 'param_change', params: { open_membership: true } },
      created_at: T0 + 10, voting_ends_at: T0 + 20_010, quorum: 0.334, threshold: 0.5, veto: 0.334
    }, op.sign)
    assert.deepEqual(state.add(p, T0 + 100, 30_000), { ok: false, rule: 'fixed_param', reason: 'open_membership cannot be changed by governance' })
  })

  test('a development genesis is open; a genesis without the field is closed, and parsing fills nothing in (its hash is unchanged)', () => {
    const dev = createGenesis({ networkId: 'dev-x', operators: [{ peer_id: op.id, weight: 1, name: 'op' }], params: DEVELOPMENT_PARAMS, createdAt: new Date(T0) })
    assert.equal(new GovernanceState(dev, genesisHash(dev)).standing(stranger.id, T0).member, true)
    assert.equal('open_membership' in genesis.params, false)
    assert.equal(new GovernanceState(genesis, genesisHash(genesis)).membershipInput(T0).open, false)
  })
})

describe('the ledger follows membership', () => {
  const rec = (id: string): UsageRecord => ({ id, user_id: 'u', resource_type: 'storage', amount: 1, unit: 'GB', timestamp: 0, metadata: {} })
  const entry = (author: string, seq: number, id: string): LogEntry => ({ author, seq, prev: seq === 1 ? GENESIS_PREV : 'f'.repeat(64), time: 0, records: [rec(id)], hash: 'f'.repeat(64), sig: 'AAAA' })

  test('a cut stops counting the author\'s later entries; widening it counts them again; a fork cut stays', () => {
    const l = new Ledger()
    for (const seq of [1, 2, 3]) l.apply(entry('x', seq, `r${seq}`))
    l.setMembershipCut('x', 3)
    assert.deepEqual(l.records().map(r => r.id), ['r1', 'r2'])
    l.setMembershipCut('x', 1)
    assert.equal(l.size, 0)
    l.setMembershipCut('x', undefined)
    assert.equal(l.size, 3)
    l.exclude('x', 2)
    l.setMembershipCut('x', undefined)
    assert.deepEqual(l.records().map(r => r.id), ['r1'])
  })
})
