import { MeshError } from '../errors.ts'

/**
 * A peer's response latency as this node sees it: a peak-sensitive, time-decayed moving
 * average, as Finagle's peak EWMA (and tower's, which Linkerd uses).
 *
 * - A sample above the estimate replaces it at once, so a peer that turns slow is avoided
 *   immediately rather than after many samples.
 * - A lower sample is blended in: estimate × w + sample × (1 - w), w = exp(-elapsed / decayMs)
 *   since the last sample. The weight depends on time, not on the sample count, so a peer's
 *   estimate moves as fast at 1 request/s as at 1000.
 * - `value` decays the estimate toward zero while no sample arrives, as Finagle's does. A peer
 *   that looks slow gets few requests and so few samples; without the decay one bad spike
 *   could starve it for good. The next sample restores the estimate (the blend starts from the
 *   undecayed one), and the cost's in-flight factor keeps a decayed peer from taking a burst
 *   before that sample comes back.
 */
export class LatencyEwma {
  private readonly decayMs: number
  private estimate: number | undefined
  private stamp = 0

  constructor (opts: { decayMs: number }) {
    if (!(opts.decayMs > 0)) throw new MeshError('CONFIG_ERROR', `latency decay must be > 0 ms, got ${opts.decayMs}`)
    this.decayMs = opts.decayMs
  }

  observe (latencyMs: number, now: number): void {
    if (this.estimate === undefined || latencyMs > this.estimate) {
      this.estimate = latencyMs
    } else {
      const w = this.weight(now)
      this.estimate = this.estimate * w + latencyMs * (1 - w)
    }
    this.stamp = now
  }

  /** The estimate at `now`, decayed since the last sample; undefined before any sample. */
  value (now: number): number | undefined {
    return this.estimate === undefined ? undefined : this.estimate * this.weight(now)
  }

  /** Weight of the old estimate; a clock that steps back counts as no time passed. */
  private weight (now: number): number {
    return Math.exp(-Math.max(0, now - this.stamp) / this.decayMs)
  }
}
