import { availableParallelism } from 'node:os'
import { MeshError } from '../../src/errors.ts'
import { processMemoryLimit } from '../../src/telemetry/load-sampler.ts'

/**
 * How many live nodes this machine can run, from figures measured on a 2-core machine:
 * - CPU: gossip p99 stays within 2 s for 10 nodes in one process and 20 to 30 over two
 *   processes (README, sim-live benchmark): about 12 nodes a core, each process one core.
 * - Memory: a host process with its first node holds about 170 MB, each further node in it
 *   about 26 MB (8 nodes in one process: 346 MB, 1 node: 168 MB, after 15 s).
 */
export const NODES_PER_CORE = 12
export const PROCESS_BYTES = 170e6
export const NODE_BYTES = 26e6
/** The rest of the memory is for the system, the runner, the upstreams and the load. */
const USABLE_SHARE = 0.75

export interface Machine {
  cores: number
  memoryBytes: number
  memorySource: 'cgroup' | 'host'
}

export interface LiveCapacity {
  nodes: number
  byCpu: number
  byMemory: number
  /** One line: the figures and the formula. */
  why: string
}

/** Pure: nodes = min(min(procs, cores) × 12, (0.75 × memory − procs × 170 MB) / 26 MB). */
export function liveCapacity (machine: Machine, procs: number): LiveCapacity {
  const eventLoops = Math.min(procs, machine.cores)
  const byCpu = eventLoops * NODES_PER_CORE
  const usable = machine.memoryBytes * USABLE_SHARE
  const byMemory = Math.max(0, Math.floor((usable - procs * PROCESS_BYTES) / NODE_BYTES) + procs)
  const mb = (b: number): string => `${Math.round(b / 1e6)} MB`
  const why = `CPU: ${eventLoops} process${eventLoops === 1 ? '' : 'es'} on ${machine.cores} core${machine.cores === 1 ? '' : 's'} × ${NODES_PER_CORE} nodes a core (the most whose gossip p99 stays within 2 s, as measured) = ${byCpu}; ` +
    `memory: 75 % of ${mb(machine.memoryBytes)} (${machine.memorySource === 'cgroup' ? 'the cgroup limit' : 'the host total'}) at ${mb(PROCESS_BYTES)} a process and ${mb(NODE_BYTES)} a node = ${byMemory}`
  return { nodes: Math.min(byCpu, byMemory), byCpu, byMemory, why }
}

export function thisMachine (): Machine {
  const limit = processMemoryLimit()
  return { cores: availableParallelism(), memoryBytes: limit.bytes, memorySource: limit.source }
}

/** Refuses, before anything starts, a live run of more nodes than the machine can hold. */
export function assertLiveCapacity (scenario: string, nodes: number, procs: number, machine: Machine = thisMachine()): void {
  const capacity = liveCapacity(machine, procs)
  if (nodes <= capacity.nodes) return
  const enough = Array.from({ length: machine.cores }, (_, i) => i + 1).find(p => p > procs && liveCapacity(machine, p).nodes >= nodes)
  const hint = enough === undefined ? 'run it with --mode model (virtual nodes, any number), or with fewer nodes' : `run it with --procs ${enough}`
  throw new MeshError('SCENARIO_ERROR', `${scenario}: ${nodes} live nodes are more than this machine can run, at most ${capacity.nodes} (${capacity.why}); ${hint}`)
}
