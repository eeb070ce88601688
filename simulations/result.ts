import type { Summary } from '../src/stats.ts'
import type { Mode } from './scenario/schema.ts'

/**
 * What a simulation run measured, live or modelled: written as JSON next to the HTML report.
 * Times (`at_ms`) count from the start of the run (wall time live, virtual time in the model).
 */
export interface SimulationResult {
  scenario: string
  description: string
  mode: Mode
  seed: number
  /** The most nodes that ran at once. */
  nodes: number
  /** Live: host processes the nodes were spread over. */
  procs: number
  started_at: string
  wall_ms: number
  /** Model: virtual time simulated. */
  virtual_ms: number | null
  /** Live: this process and every host process together. */
  peak_rss_bytes: number
  ok: boolean
  /** Why the run failed, when it did. */
  error: string | null
  steps: StepRecord[]
  convergence: Convergence
  detection: DetectionRecord[]
  requests: RequestFigures | null
  agreement: AgreementSample[]
  /** Model: what each node sent and received, by kind (absent live). */
  traffic?: TrafficFigures
  /** Anything a reader should know: what was approximated, what was skipped. */
  notes: string[]
}

export interface StepRecord {
  index: number
  kind: string
  /** One line: what the step did or found. */
  summary: string
  at_ms: number
  duration_ms: number
  ok: boolean
  /** Cut short by SIGINT or SIGTERM: it neither passed nor failed on its own. */
  interrupted?: boolean
}

export interface Convergence {
  /** Share of (observer, author) pairs of running, mutually reachable nodes where the observer holds the author's latest snapshot. */
  samples: Array<{ at_ms: number, share: number }>
  /** Per snapshot: time from its publication until the last running, reachable node held it. */
  times_ms: Summary | null
}

/** How long the other nodes took to notice a crash or a partition. */
export interface DetectionRecord {
  node: number
  cause: 'crash' | 'partition' | 'churn'
  at_ms: number
  /** Observers that saw the node suspect or down, and the median time they took. */
  suspect_median_ms: number | null
  /** Time until every observer saw it down; null when not all did before it came back. */
  all_down_ms: number | null
  observers: number
}

export interface RequestFigures {
  total: number
  errors: number
  error_rate: number
  latency_ms: Summary
  /** Requests per latency bucket: above the previous bound, up to le_ms (not cumulative); the last bucket is +Inf (le_ms null). */
  histogram: Array<{ le_ms: number | null, count: number }>
  served_by: Array<{ node: number, count: number }>
}

/** At one time, how many running nodes agree on one outcome. */
export interface AgreementSample {
  at_ms: number
  /** `proposal <id>` or `election epoch <n>`. */
  subject: string
  /** Share of running nodes that hold the most common outcome. */
  share: number
  /** Distinct outcomes among running nodes (1 is agreement). */
  outcomes: number
}

export type TrafficKind = 'telemetry' | 'membership' | 'billing' | 'governance'

/** Over every running node: messages and bytes a second, mean, p99 and max over the nodes. */
export interface TrafficFigures {
  window_ms: number
  nodes: number
  /** The authors whose snapshots the model spreads, when it samples them (the others' are counted by weight). */
  sampled_authors: number | null
  kinds: Array<{
    kind: TrafficKind
    /** Gossiped messages published in the window (weighted as counted). */
    published: number
    /** Copies of one gossiped message a node receives, on average (duplicates included); null with none published. */
    copies_per_node: number | null
    received_per_s: RateFigures
    sent_per_s: RateFigures
    /** Null where the model does not know the messages' size. */
    received_bytes_per_s: RateFigures | null
    sent_bytes_per_s: RateFigures | null
  }>
}

export interface RateFigures { mean: number, p99: number, max: number }
