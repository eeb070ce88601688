import type { Operator } from '../network/genesis.ts'
import type { ProposalBody } from './objects.ts'
import type { NetworkParams } from '../network/params.ts'
import type { ProposalStatus, ProposalView } from './state.ts'

/** What an operator asks for; the tally rules left out are the network's. */
export interface ProposalRequest {
  title: string
  description: string
  change: ProposalBody['change']
  votingPeriodMs: number
  quorum?: number
  threshold?: number
}

/** The proposal `author` makes at `now`: voting ends a period later, tallied by the rules asked for or the network's; the veto share is always the network's. */
export function newProposal (request: ProposalRequest, author: string, now: number, params: NetworkParams): ProposalBody {
  return {
    kind: 'proposal',
    author,
    title: request.title,
    description: request.description,
    change: request.change,
    created_at: now,
    voting_ends_at: now + request.votingPeriodMs,
    quorum: request.quorum ?? params.quorum,
    threshold: request.threshold ?? params.threshold,
    veto: params.veto
  }
}

/** What listing needs of a proposal's view. */
export type Listed = Pick<ProposalView, 'status'> & { proposal: { id: string, body: Pick<ProposalBody, 'created_at'> } }

export interface ProposalPage<V extends Listed> { proposals: V[], total: number }

/** Proposals with `status` (any when unset), newest first (ties by id), `limit` of them from `offset`; `total` counts every match. */
export function proposalPage<V extends Listed> (views: readonly V[], status: ProposalStatus | undefined, offset: number, limit: number): ProposalPage<V> {
  const matching = views.filter(v => status === undefined || v.status === status)
    .sort((a, b) => b.proposal.body.created_at - a.proposal.body.created_at || (a.proposal.id < b.proposal.id ? -1 : 1))
  return { proposals: matching.slice(offset, offset + limit), total: matching.length }
}

export interface VotingPower {
  totalWeight: number
  /** Each operator's share of the total weight. */
  shares: Map<string, number>
}

export function votingPower (operators: readonly Operator[]): VotingPower {
  const totalWeight = operators.reduce((a, o) => a + o.weight, 0)
  return { totalWeight, shares: new Map(operators.map(o => [o.peer_id, o.weight / totalWeight])) }
}
