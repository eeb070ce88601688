import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { Verifier, signerOf, type Sign } from '../../src/network/signing.ts'
import { encodeJson } from '../../src/codec/json-bytes.ts'
import { createGenesis, genesisHash } from '../../src/network/genesis.ts'
import { validateGovernanceObject, type GovernanceGossipContext } from '../../src/governance/gossip-validator.ts'
import { signObject, type ProposalBody, type Signed, type VoteBody } from '../../src/governance/objects.ts'
import { DEVELOPMENT_PARAMS } from '../../src/network/params.ts'
import { GovernanceState } from '../../src/governance/state.ts'

interface Actor { id: string, sign: Sign }

const T0 = Date.parse('2025-01-01T00:00:00.000Z')
const NOW = T0 + 10_000
const SKEW = 30_000

let A: Actor, X: Actor

async function actor (): Promise<Actor> {
  const key = await generateKeyPair('Ed25519')
  return { id: peerIdFromPrivateKey(key).toString(), sign: signerOf(key) }
}

before(async () => {
  [A, X] = await Promise.all([actor(), actor()])
})

function stateOf (): GovernanceState {
  const genesis = createGenesis({
    networkId: 'gov-gossip-test',
    operators: [{ peer_id: A.id, weight: 1, name: 'a' }],
    params: { ...DEVELOPMENT_PARAMS, min_voting_period_ms: 1_000, max_voting_period_ms: 100_000 },
    createdAt: new Date(T0)
  })
  return new GovernanceState(genesis, genesisHash(genesis))
}

function proposal (by: Actor, created = 1_000): Signed<ProposalBody> {
  return signObject<ProposalBody>({
    kind: 'proposal',
    author: by.id,
    title: `by ${by.id.slice(-6)}`,
    description: '',
    change: { type: 'param_change', params: { quorum: 0.5 } },
    created_at: T0 + created,
    voting_ends_at: T0 + created + 50_000,
    quorum: 0.5,
    threshold: 0.5,
    veto: 0.334
  }, by.sign)
}

function vote (by: Actor, p: Signed<ProposalBody>): Signed<VoteBody> {
  return signObject<VoteBody>({ kind: 'vote', author: by.id, proposal_id: p.id, option: 'yes', reason: '', time: T0 + 2_000 }, by.sign)
}

function ctx (state: GovernanceState, signer: Actor, over: Partial<GovernanceGossipContext> = {}): GovernanceGossipContext {
  return { signer: signer.id, now: NOW, maxSkewMs: SKEW, verifier: new Verifier(), state, ...over }
}

describe('validateGovernanceObject', () => {
  test('an operator\'s own valid object is accepted, parsed, and the state holds nothing new', () => {
    const s = stateOf()
    const p = proposal(A)
    assert.deepEqual(validateGovernanceObject(encodeJson(p), ctx(s, A)), { action: 'accept', value: p })
    assert.equal(s.has(p.id), false, 'validation changes no state')
    assert.deepEqual(s.ids(), [])
  })

  test('bytes that are not a signed object are rejected as malformed', () => {
    const s = stateOf()
    for (const bad of [new Uint8Array([0xff]), encodeJson({}), encodeJson({ ...proposal(A), extra: 1 })]) {
      assert.deepEqual(validateGovernanceObject(bad, ctx(s, A)), { action: 'reject', reason: 'malformed' })
    }
  })

  test('an object whose signature or id does not match its body is rejected as forged', () => {
    const s = stateOf()
    const p = proposal(A)
    const altered = { ...p, body: { ...p.body, title: 'altered' } }
    assert.deepEqual(validateGovernanceObject(encodeJson(altered), ctx(s, A)), { action: 'reject', reason: 'forged' })
    const resigned = { ...p, sig: proposal(X).sig }
    assert.deepEqual(validateGovernanceObject(encodeJson(resigned), ctx(s, A)), { action: 'reject', reason: 'forged' })
  })

  test('another author\'s object under this gossip signature is rejected as spoofed', () => {
    assert.deepEqual(validateGovernanceObject(encodeJson(proposal(A)), ctx(stateOf(), X)), { action: 'reject', reason: 'spoofed_author' })
  })

  test('an object that breaks a rule is ignored with the rule\'s fixed word, without penalty', () => {
    const s = stateOf()
    assert.deepEqual(validateGovernanceObject(encodeJson(proposal(X)), ctx(s, X)), { action: 'ignore', reason: 'only_operators_propose' })
    assert.deepEqual(validateGovernanceObject(encodeJson(vote(A, proposal(A))), ctx(s, A)), { action: 'ignore', reason: 'unknown_proposal' })
    assert.deepEqual(validateGovernanceObject(encodeJson(proposal(A, 50_000)), ctx(s, A)), { action: 'ignore', reason: 'future' })
  })

  test('an object the state holds already is ignored as a duplicate', () => {
    const s = stateOf()
    const p = proposal(A)
    assert.deepEqual(s.add(p, NOW, SKEW), { ok: true })
    assert.deepEqual(validateGovernanceObject(encodeJson(p), ctx(s, A)), { action: 'ignore', reason: 'duplicate' })
    assert.equal(validateGovernanceObject(encodeJson(vote(A, p)), ctx(s, A)).action, 'accept', 'a vote is judged against the proposals held')
  })
})
