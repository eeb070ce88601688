import { seededRandom } from '../../src/random.ts'
import { nodesOf, type Scenario } from '../scenario/schema.ts'

/**
 * Up to this many nodes, the model follows every node's snapshots and every (observer,
 * author) pair's failure detector: the figures are exact. Above it, it follows a sample.
 */
export const FULL_TRACK_NODES = 256
/** Random authors followed above FULL_TRACK_NODES, besides those the steps name. */
const SAMPLE_AUTHORS = 48
/** Nodes per partition group whose detection is followed above FULL_TRACK_NODES. */
export const PARTITION_SAMPLE = 6

export interface ChurnEvent {
  /** Offset from the start of the churn step. */
  offset: number
  node: number
}

/**
 * What the run needs to know before it starts: how many nodes there will be, whose snapshots
 * to follow (every node a step names must be followed from its start, so that its observers'
 * detectors have their whole history), and the churn victims. The victims are drawn here,
 * from a stream of their own, among the nodes running at each churn crash: the steps fix who
 * is running when, whatever the timings.
 */
export interface Plan {
  nodes: number
  /** Tracked authors, ascending. */
  subjects: number[]
  full: boolean
  churn: Map<number, ChurnEvent[]>
  /** Per partition step: the nodes whose detection by the other side is followed. */
  partitionSubjects: Map<number, number[]>
  /** Nodes named by the steps, partition samples and churn victims (the rest are random samples). */
  named: number
  /** The random samples among the subjects: the authors that stand for the ones not followed. */
  sampled: number[]
}

export function planRun (scenario: Scenario, seed: number): Plan {
  const rand = seededRandom((seed ^ 0x2545f491) >>> 0)
  const nodes = scenario.steps.reduce((n, s) => n + (s.kind === 'start' ? s.start.count : 0), 0)
  const full = nodes <= FULL_TRACK_NODES
  const named = new Set<number>()
  const churn = new Map<number, ChurnEvent[]>()
  const partitionSubjects = new Map<number, number[]>()
  const crashed = new Set<number>()
  let started = 0
  const sample = (pool: number[], k: number): number[] => {
    const copy = [...pool]
    const out: number[] = []
    while (out.length < k && copy.length > 0) out.push(copy.splice(Math.floor(rand() * copy.length), 1)[0] as number)
    return out
  }
  for (const [i, step] of scenario.steps.entries()) {
    if (step.kind === 'start') started += step.start.count
    else if (step.kind === 'crash') {
      for (const n of nodesOf(step.crash, started)) {
        named.add(n)
        crashed.add(n)
      }
    } else if (step.kind === 'restart') {
      for (const n of nodesOf(step.restart, started)) crashed.delete(n)
    } else if (step.kind === 'assert' && step.assert.that.kind === 'peer_state') named.add(step.assert.that.peer_state.node)
    else if (step.kind === 'partition') {
      const inGroup = new Set(step.partition.flat())
      const rest = Array.from({ length: started }, (_, n) => n).filter(n => !inGroup.has(n))
      const groups = [...step.partition, ...(rest.length > 0 ? [rest] : [])]
      const chosen = groups.flatMap(g => full ? g : sample(g.filter(n => !crashed.has(n)), PARTITION_SAMPLE))
      chosen.forEach(n => named.add(n))
      partitionSubjects.set(i, chosen.sort((a, b) => a - b))
    } else if (step.kind === 'churn') {
      const { duration, every, down_for: downFor } = step.churn
      const events: ChurnEvent[] = []
      for (let offset = 0; offset + downFor <= duration; offset += every) {
        const down = new Set(events.filter(e => e.offset + downFor >= offset).map(e => e.node))
        const pool: number[] = []
        for (let n = 1; n < started; n++) if (!crashed.has(n) && !down.has(n)) pool.push(n)
        const node = pool[Math.floor(rand() * pool.length)]
        if (node === undefined) break
        events.push({ offset, node })
        named.add(node)
      }
      churn.set(i, events)
    }
  }
  const subjects = new Set(named)
  const sampled: number[] = []
  if (full) for (let n = 0; n < nodes; n++) subjects.add(n)
  else {
    const rest = Array.from({ length: nodes }, (_, n) => n).filter(n => !subjects.has(n))
    for (const n of sample(rest, SAMPLE_AUTHORS)) {
      subjects.add(n)
      sampled.push(n)
    }
  }
  return { nodes, subjects: [...subjects].sort((a, b) => a - b), full, churn, partitionSubjects, named: named.size, sampled }
}
