import { stepKind, type NodeSet, type Step } from './schema.ts'

const nodes = (set: NodeSet): string => set === 'all' ? 'all nodes' : typeof set === 'number' ? `node ${set}` : `nodes ${set.join(',')}`

/** One short line naming what a step does, for progress bars and logs. */
export function describeStep (step: Step): string {
  if ('start' in step) return `start ${step.start.count} node${step.start.count === 1 ? '' : 's'}`
  if ('wait_converged' in step) return 'wait for convergence'
  if ('wait' in step) return `wait ${step.wait} ms`
  if ('wait_epochs' in step) return `wait ${step.wait_epochs} epoch${step.wait_epochs === 1 ? '' : 's'}`
  if ('crash' in step) return `crash ${nodes(step.crash)}`
  if ('restart' in step) return `restart ${nodes(step.restart)}`
  if ('partition' in step) return `partition ${step.partition.map(g => `[${g.join(',')}]`).join(' ')}`
  if ('heal' in step) return 'heal the partition'
  if ('churn' in step) return `churn for ${step.churn.duration} ms`
  if ('offer_service' in step) return `offer ${step.offer_service.service} on ${nodes(step.offer_service.nodes)}`
  if ('load' in step) return `load ${step.load.service} at ${step.load.rate}/s for ${step.load.duration} ms`
  if ('strategy' in step) return `strategy ${step.strategy}`
  if ('propose' in step) return `propose ${step.propose.id}`
  if ('vote' in step) return `vote ${step.vote.option} on ${step.vote.proposal} by ${nodes(step.vote.by)}`
  if ('assert' in step) return `assert ${Object.keys(step.assert.that)[0] ?? ''}`
  return stepKind(step)
}
