import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { PRODUCTION_PARAMS } from '../../src/network/params.ts'
import { newProposal, proposalPage, votingPower, type Listed } from '../../src/governance/proposals.ts'
import type { ProposalStatus } from '../../src/governance/state.ts'

const NOW = Date.UTC(2026, 2, 1)
const PARAMS = { ...PRODUCTION_PARAMS, quorum: 0.4, threshold: 0.6, veto: 0.3 }

describe('newProposal', () => {
  const request = { title: 'Admit carol', description: 'she runs two nodes', change: { type: 'text' as const }, votingPeriodMs: 3_600_000 }

  test('voting ends one period after it is made, tallied by the network\'s rules', () => {
    assert.deepEqual(newProposal(request, 'peer-a', NOW, PARAMS), {
      kind: 'proposal',
      author: 'peer-a',
      title: 'Admit carol',
      description: 'she runs two nodes',
      change: { type: 'text' },
      created_at: NOW,
      voting_ends_at: NOW + 3_600_000,
      quorum: 0.4,
      threshold: 0.6,
      veto: 0.3
    })
  })

  test('quorum and threshold may be asked for; the veto share is always the network\'s', () => {
    const p = newProposal({ ...request, quorum: 0.9, threshold: 0 }, 'peer-a', NOW, PARAMS)
    assert.deepEqual([p.quorum, p.threshold, p.veto], [0.9, 0, 0.3])
  })
})

describe('proposalPage', () => {
  const view = (id: string, createdAt: number, status: ProposalStatus): Listed => ({ status, proposal: { id, body: { created_at: createdAt } } })
  const views = [view('b', NOW, 'passed'), view('c', NOW + 5, 'voting'), view('a', NOW, 'voting'), view('d', NOW - 5, 'rejected')]
  const ids = (page: { proposals: Listed[] }): string[] => page.proposals.map(v => v.proposal.id)

  test('newest first, ties by id; total counts every match, not the page', () => {
    assert.deepEqual(ids(proposalPage(views, undefined, 0, 10)), ['c', 'a', 'b', 'd'])
    const page = proposalPage(views, undefined, 1, 2)
    assert.deepEqual(ids(page), ['a', 'b'])
    assert.equal(page.total, 4)
    assert.deepEqual(ids(proposalPage(views, undefined, 4, 2)), [])
  })

  test('filters by status', () => {
    const page = proposalPage(views, 'voting', 0, 10)
    assert.deepEqual(ids(page), ['c', 'a'])
    assert.equal(page.total, 2)
    assert.equal(proposalPage(views, 'failed_quorum', 0, 10).total, 0)
  })
})

describe('votingPower', () => {
  test('each operator\'s share of the total weight', () => {
    const power = votingPower([{ peer_id: 'a', weight: 3, name: 'A' }, { peer_id: 'b', weight: 1, name: 'B' }])
    assert.equal(power.totalWeight, 4)
    assert.deepEqual([...power.shares], [['a', 0.75], ['b', 0.25]])
  })
})
