import { createHash } from 'node:crypto'
import type { Clock } from '../clock.ts'
import type { Startable } from '../lifecycle.ts'
import type { GovernanceState } from '../governance/state.ts'
import type { MeshEventType } from './node-event.ts'

export interface GovernanceEventsComponents {
  state: Pick<GovernanceState, 'proposalIds' | 'view' | 'election' | 'epochOf'>
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

/**
 * Turns the replicated governance state into events as it changes: a proposal's final
 * outcome, and a new set of elected bootstrap operators. What is settled when the node
 * starts is the baseline, not news.
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
