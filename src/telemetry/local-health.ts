/**
 * Lifeguard's local health awareness (memberlist's awareness.go): a score of how much this
 * node's own failures are likely its own fault. Probes that fail with no helper answering,
 * refutations it had to send and stalls of its own event loop raise it; successful probes
 * lower it. A node at score s probes s + 1 times less often and waits s + 1 times longer for
 * an answer, so a slow node sends less and accuses less. Pure.
 */
export type HealthEvent = 'probe_ok' | 'probe_failed_unanswered' | 'refuted' | 'stalled'

const DELTA: Record<HealthEvent, number> = { probe_ok: -1, probe_failed_unanswered: 1, refuted: 1, stalled: 1 }

export class LocalHealth {
  private value = 0
  private readonly max: number

  constructor (max: number) {
    this.max = max
  }

  get score (): number {
    return this.value
  }

  record (event: HealthEvent): void {
    this.value = Math.min(this.max, Math.max(0, this.value + DELTA[event]))
  }

  /** A timeout or interval scaled to this node's health. */
  scale (ms: number): number {
    return ms * (this.value + 1)
  }
}
