import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ManualClock } from '../../src/clock.ts'
import { GovernanceEvents, type GovernanceEventsComponents } from '../../src/events/governance-events.ts'
import { signObject, type ProposalBody, type Signed, type VoteBody } from '../../src/governance/objects.ts'
import { GovernanceState } from '../../src/governance/state.ts'
import { signerOf } from '../../src/network/signing.ts'
import { createGenesis, genesisHash } from '../../src/network/genesis.ts'
import { DEVELOPMENT_PARAMS } from '../../src/network/params.ts'

/** A governance state whose proposal statuses and elected operators the test sets. */
function fakeState (statuses: Map<string, string>, elected: { now: string[] }): GovernanceEventsComponents['state'] {
  return {
    proposalIds: () => [...statuses.keys()],
    view: (id: string) => ({ status: statuses.get(id), proposal: { body: { title: `title ${id}` } } }) as never,
    election: () => ({ elected: elected.now }) as never,
    epochOf: () => 7,
    countedVoteIds: () => []
  }
}

test('a proposal that settles and a new election are events once each; what was settled at start is not news', async () => {
  const statuses = new Map([['old', 'passed'], ['p1', 'voting'], ['p2', 'voting']])
  const elected = { now: ['a'] }
  const emitted: Array<{ type: string, data: Record<string, unknown>, id: string }> = []
  const events = new GovernanceEvents({ state: fakeState(statuses, elected), clock: new ManualClock(), emit: (type, data, id) => { emitted.push({ type, data, id }) } }, { tickMs: 60_000 })
  await events.start()
  try {
    const check = (events as unknown as { check: (emit: boolean) => void }).check.bind(events)
    check(true)
    assert.equal(emitted.length, 0)
    statuses.set('p1', 'passed')
    statuses.set('p2', 'rejected_veto')
    elected.now = ['a', 'b']
    check(true)
    check(true)
    assert.deepEqual(emitted.map(e => [e.type, e.data.proposal_id ?? e.data.elected]), [
      ['proposal.passed', 'p1'], ['proposal.rejected', 'p2'], ['election.changed', ['a', 'b']]
    ])
    assert.deepEqual(emitted[2]?.data.previous, ['a'])
    // Ids come from the facts: another node (or this one after a restart) names them alike.
    const otherStatuses = new Map([['p1', 'voting']])
    const again: string[] = []
    const other = new GovernanceEvents({ state: fakeState(otherStatuses, { now: ['a', 'b'] }), clock: new ManualClock(), emit: (_t, _d, id) => { again.push(id) } }, { tickMs: 60_000 })
    await other.start()
    otherStatuses.set('p1', 'passed');
    (other as unknown as { check: (emit: boolean) => void }).check(true)
    await other.stop()
    assert.deepEqual(again, [emitted[0]?.id])
  } finally {
    await events.stop()
  }
})

test('a proposal made and each vote accepted are events, a vote\'s with the voter\'s weight and the tally after it, from the state held', async () => {
  const [ka, kb] = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('Ed25519')])
  const [a, b] = [ka, kb].map(k => ({ id: peerIdFromPrivateKey(k).toString(), sign: signerOf(k) }))
  if (a === undefined || b === undefined) throw new Error('two operators')
  const t0 = Date.parse('2026-01-01T00:00:00.000Z')
  const genesis = createGenesis({
    networkId: 'gov-events-test',
    operators: [{ peer_id: a.id, weight: 1, name: 'a' }, { peer_id: b.id, weight: 2, name: 'b' }],
    params: { ...DEVELOPMENT_PARAMS, min_voting_period_ms: 1_000 },
    createdAt: new Date(t0)
  })
  const state = new GovernanceState(genesis, genesisHash(genesis))
  const clock = new ManualClock(t0 + 1_000)
  const emitted: Array<{ type: string, data: Record<string, unknown>, id: string }> = []
  const events = new GovernanceEvents({ state, clock, emit: (type, data, id) => { emitted.push({ type, data, id }) } }, { tickMs: 60_000 })
  const hold = (o: Signed<ProposalBody> | Signed<VoteBody>): void => {
    assert.deepEqual(state.add(o, clock.now(), 30_000), { ok: true })
    events.accepted(o)
  }
  const p = signObject<ProposalBody>({ kind: 'proposal', author: a.id, title: 'Say hello', description: '', change: { type: 'text' }, created_at: t0 + 100, voting_ends_at: t0 + 600_000, quorum: 0.334, threshold: 0.5, veto: 0.334 }, a.sign)
  const vote = (by: typeof a, option: VoteBody['option'], time: number): Signed<VoteBody> =>
    signObject<VoteBody>({ kind: 'vote', author: by.id, proposal_id: p.id, option, reason: '', time }, by.sign)
  hold(p)
  const late = vote(a, 'no', t0 + 200)
  const yes = vote(a, 'yes', t0 + 300)
  hold(yes)
  hold(vote(b, 'no', t0 + 400))
  // A's older vote arrives last (gossip keeps no order): it is held, and changes nothing.
  hold(late)

  assert.deepEqual(emitted[0]?.type, 'proposal.created')
  assert.deepEqual(emitted[0]?.data, { proposal_id: p.id, title: 'Say hello', type: 'text', proposer: a.id, voting_ends_at: '2026-01-01T00:10:00.000Z' })
  const votes = emitted.slice(1).map(e => {
    const t = e.data.tally as Record<string, unknown>
    return [e.type, e.data.voter === a.id ? 'a' : 'b', e.data.option, e.data.weight, e.data.counted, t.yes, t.no, t.voters, t.total_weight, t.outcome]
  })
  assert.deepEqual(votes, [
    ['proposal.voted', 'a', 'yes', 1, true, 1, 0, 1, 3, 'failed_quorum'],
    ['proposal.voted', 'b', 'no', 2, true, 1, 2, 2, 3, 'rejected'],
    ['proposal.voted', 'a', 'no', 1, false, 1, 2, 2, 3, 'rejected']
  ])
  assert.equal(emitted[1]?.data.vote_id, yes.id)
  assert.equal(emitted[1]?.data.proposal_id, p.id)
  // The tally is the one the API shows for the proposal at that point.
  const view = state.view(p.id, clock.now())
  assert.equal((emitted[3]?.data.tally as Record<string, unknown>).counted_hash, view?.tally.countedHash)
  // Ids name the fact: another node that accepts the same vote names its event alike.
  const again: string[] = []
  new GovernanceEvents({ state, clock, emit: (_t, _d, id) => { again.push(id) } }, { tickMs: 60_000 }).accepted(yes)
  assert.deepEqual(again, [emitted[1]?.id])
  assert.equal(new Set(emitted.map(e => e.id)).size, emitted.length)
})
