import { unhandledKind, type NodeSet, type Step } from './schema.ts'

const nodes = (set: NodeSet): string => set === 'all' ? 'all nodes' : typeof set === 'number' ? `node ${set}` : `nodes ${set.join(',')}`

/** One short line naming what a step does, for progress bars and logs. */
export function describeStep (step: Step): string {
  switch (step.kind) {
    case 'start': return `start ${step.start.count} node${step.start.count === 1 ? '' : 's'}`
    case 'wait_converged': return 'wait for convergence'
    case 'wait': return `wait ${step.wait} ms`
    case 'wait_epochs': return `wait ${step.wait_epochs} epoch${step.wait_epochs === 1 ? '' : 's'}`
    case 'crash': return `crash ${nodes(step.crash)}`
    case 'restart': return `restart ${nodes(step.restart)}`
    case 'partition': return `partition ${step.partition.map(g => `[${g.join(',')}]`).join(' ')}`
    case 'heal': return 'heal the partition'
    case 'churn': return `churn for ${step.churn.duration} ms`
    case 'offer_service': return `offer ${step.offer_service.service} on ${nodes(step.offer_service.nodes)}`
    case 'load': return `load ${step.load.service} at ${step.load.rate}/s for ${step.load.duration} ms`
    case 'strategy': return `strategy ${step.strategy}`
    case 'propose': return `propose ${step.propose.id}`
    case 'vote': return `vote ${step.vote.option} on ${step.vote.proposal} by ${nodes(step.vote.by)}`
    case 'assert': return `assert ${step.assert.that.kind}`
    default: return unhandledKind(step)
  }
}
