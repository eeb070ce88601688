import type { LoadSample } from './load-sampler.ts'

/**
 * When a node publishes its load: often enough to be useful, rarely enough that what each
 * node receives stays within the network's receive budget whatever the mesh's size. Pure.
 */

/**
 * The publication interval in a mesh where this node knows `peers` others: each of them
 * publishes at this interval too, so a node receives `peers / interval` snapshots a second, at
 * most `budgetPerSecond`; never shorter than `baseMs`.
 */
export function publicationIntervalMs (peers: number, budgetPerSecond: number, baseMs: number): number {
  return Math.max(baseMs, Math.ceil(peers / budgetPerSecond * 1000))
}

/** `ms` moved by up to ±`jitter` of itself; `random` in [0, 1). */
export function jittered (ms: number, jitter: number, random: () => number): number {
  return Math.round(ms * (1 - jitter + 2 * jitter * random()))
}

/**
 * A change of load that routers should hear of before the interval ends. The early publications
 * are rate-limited (see `earliestEarlyMs`), so that a flapping load cannot exceed the budget by
 * more than a bounded factor.
 */
export interface MaterialChange {
  /** Change of the CPU share (0..1). */
  cpu: number
  /** Requests in flight grew or shrank by this factor... */
  activeRequestsFactor: number
  /** ...and by at least this many. */
  activeRequestsMin: number
  /** Change of the recent error rate (0..1). */
  errorRate: number
}

type LoadFigures = Pick<LoadSample, 'cpu' | 'requests'>

const errorRate = (l: LoadFigures): number => l.requests.recent.served === 0 ? 0 : l.requests.recent.errors / l.requests.recent.served

export function isMaterialChange (published: LoadFigures, now: LoadFigures, t: MaterialChange): boolean {
  if (Math.abs(now.cpu - published.cpu) >= t.cpu) return true
  const a = published.requests.active
  const b = now.requests.active
  const [lo, hi] = a < b ? [a, b] : [b, a]
  if (hi - lo >= t.activeRequestsMin && hi >= lo * t.activeRequestsFactor) return true
  return Math.abs(errorRate(now) - errorRate(published)) >= t.errorRate
}

/** An early publication comes no sooner than this after the last one: at most four per interval. */
export function earliestEarlyMs (intervalMs: number, baseMs: number): number {
  return Math.max(baseMs, Math.round(intervalMs / 4))
}
