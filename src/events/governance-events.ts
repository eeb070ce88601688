import { createHash } from 'node:crypto'
import type { Clock } from '../clock.ts'
import type { Startable } from '../lifecycle.ts'
import type { ProposalBody, Signed, VoteBody } from '../governance/objects.ts'
import type { GovernanceState } from '../governance/state.ts'
import type { Tally } from '../governance/tally.ts'
import { round } from '../round.ts'
import type { MeshEventType } from './node-event.ts'

export interface GovernanceEventsComponents {
  state: Pick<GovernanceState, 'proposalIds' | 'view' | 'election' | 'epochOf' | 'countedVoteIds'>
  clock: Clock
  emit: (type: MeshEventType, data: Record<string, unknown>, id: string) => void
}

const FINAL: Record<string, 'proposal.passed' | 'proposal.rejected'> = {
  passed: 'proposal.passed',
  rejected: 'proposal.rejected',
  rejected_veto: 'proposal.rejected',
  failed_quorum: 'proposal.rejected'
}

/** An id derived from the fact, so that every node (and a restarted one) names one event alike. */
function factId (fact: string): string {
  return createHash('sha256').update(fact).digest('hex').slice(0, 32)
}

/** A tally as the API and the events write it (snake_case; the turnout, for display, rounded). */
export function tallyPayload (t: Tally): Record<string, unknown> {
  return {
    yes: t.yes,
    no: t.no,
    abstain: t.abstain,
    veto: t.veto,
    total_weight: t.totalWeight,
    voted_weight: t.votedWeight,
    turnout: round(t.turnout),
    voters: t.voters,
    outcome: t.outcome,
    counted_hash: t.countedHash
  }
}

/**
 * Turns the replicated governance state into events as it changes: a proposal made, a vote
 * accepted (with the tally after it), a proposal's final outcome, and a new set of elected
 * bootstrap operators. What is settled when the node starts is the baseline, not news.
 */
export class GovernanceEvents implements Startable {
  private readonly c: GovernanceEventsComponents
  private readonly tickMs: number
  private readonly settled = new Set<string>()
  private elected: string | undefined
  private timer: NodeJS.Timeout | undefined

  constructor (components: GovernanceEventsComponents, init: { tickMs: number }) {
    this.c = components
    this.tickMs = init.tickMs
  }

  async start (): Promise<void> {
    this.check(false)
    this.timer = setInterval(() => { this.check(true) }, this.tickMs)
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
  }

  /**
   * A proposal or a vote this node accepted just now (its own, gossiped, or fetched from a
   * peer; not one loaded from the store). A vote's event carries the tally as this node
   * counts it once the vote is held: nodes that got the votes in another order may show
   * other tallies on the way, and agree once they hold the same votes.
   */
  accepted (o: Signed<ProposalBody> | Signed<VoteBody>): void {
    const b = o.body
    if (b.kind === 'proposal') {
      this.c.emit('proposal.created', {
        proposal_id: o.id,
        title: b.title,
        type: b.change.type,
        proposer: b.author,
        voting_ends_at: new Date(b.voting_ends_at).toISOString()
      }, factId(`proposal:${o.id}:created`))
      return
    }
    const view = this.c.state.view(b.proposal_id, this.c.clock.now())
    if (view === undefined) return
    this.c.emit('proposal.voted', {
      proposal_id: b.proposal_id,
      vote_id: o.id,
      voter: b.author,
      option: b.option,
      weight: view.weights[b.author] ?? 0,
      // False for a vote that another (later) vote of the same operator replaces.
      counted: this.c.state.countedVoteIds(b.proposal_id).includes(o.id),
      tally: tallyPayload(view.tally)
    }, factId(`vote:${o.id}`))
  }

  private check (emit: boolean): void {
    const now = this.c.clock.now()
    for (const id of this.c.state.proposalIds()) {
      if (this.settled.has(id)) continue
      const view = this.c.state.view(id, now)
      const type = view === undefined ? undefined : FINAL[view.status]
      if (view === undefined || type === undefined) continue
      this.settled.add(id)
      if (emit) this.c.emit(type, { proposal_id: id, title: view.proposal.body.title, outcome: view.status }, factId(`proposal:${id}:${view.status}`))
    }
    const epoch = this.c.state.epochOf(now)
    const elected = this.c.state.election(epoch).elected
    const key = elected.join(',')
    if (this.elected !== undefined && key !== this.elected && emit) {
      this.c.emit('election.changed', { epoch, elected, previous: this.elected === '' ? [] : this.elected.split(',') }, factId(`election:${epoch}:${key}`))
    }
    this.elected = key
  }
}
