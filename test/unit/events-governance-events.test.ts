import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../src/clock.ts'
import { GovernanceEvents, type GovernanceEventsComponents } from '../../src/events/governance-events.ts'

/** A governance state whose proposal statuses and elected operators the test sets. */
function fakeState (statuses: Map<string, string>, elected: { now: string[] }): GovernanceEventsComponents['state'] {
  return {
    proposalIds: () => [...statuses.keys()],
    view: (id: string) => ({ status: statuses.get(id), proposal: { body: { title: `title ${id}` } } }) as never,
    election: () => ({ elected: elected.now }) as never,
    epochOf: () => 7
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
