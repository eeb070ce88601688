import type { Logger } from '../src/logging.ts'
import type { SimulationResult } from './result.ts'
import type { Scenario } from './scenario/schema.ts'

/** Where a run is, for the terminal's progress bar. */
export interface Progress {
  /** 1-based index of the step running now; 0 before the first. */
  step: number
  steps: number
  label: string
  /** Time into the run (wall live, virtual in the model). */
  at_ms: number
}

export interface RunOptions {
  seed: number
  /** Live: host processes to spread the nodes over (1: all in one process). */
  procs: number
  /** Aborted on Ctrl-C: the engine stops every node it started and returns what it measured. */
  signal: AbortSignal
  onProgress: (p: Progress) => void
  log: Logger
}

/** Runs a scenario to the end or to its first failed step; never throws for a failed step. */
export type Engine = (scenario: Scenario, opts: RunOptions) => Promise<SimulationResult>
