import { round } from '../../src/round.ts'
import { summarize } from '../../src/stats.ts'
import type { TrafficFigures, TrafficKind } from '../result.ts'
import type { Overlay } from './overlay.ts'

export const TRAFFIC_KINDS: readonly TrafficKind[] = ['telemetry', 'membership', 'billing', 'governance']

/**
 * Per node, the messages and bytes it sends and receives, by kind: every node's counters, so
 * that the figures cover every node of the model, busiest included. A gossiped message counts
 * once per transmission (each copy a node forwards, each copy it receives, duplicates
 * included); a probe and its answer count one each way. `weight` scales a message that stands
 * for several (the snapshots of the authors the model does not follow, see SnapshotLog).
 */
export class Traffic {
  private readonly n: number
  private readonly sent = new Map<TrafficKind, { msgs: Float64Array, bytes: Float64Array }>()
  private readonly received = new Map<TrafficKind, { msgs: Float64Array, bytes: Float64Array }>()
  private from = 0
  /** Messages published by kind, each counted with its weight: what the copies are per. */
  private readonly published = new Map<TrafficKind, number>()
  /** Kinds whose messages' size the model does not know: their bytes are not reported. */
  private readonly unsized: ReadonlySet<TrafficKind>

  constructor (n: number, unsized: readonly TrafficKind[]) {
    this.n = n
    this.unsized = new Set(unsized)
    for (const kind of TRAFFIC_KINDS) {
      this.sent.set(kind, { msgs: new Float64Array(n), bytes: new Float64Array(n) })
      this.received.set(kind, { msgs: new Float64Array(n), bytes: new Float64Array(n) })
    }
  }

  /** One transmission of `bytes` from `from` to `to` (`to` < 0: lost or refused, nothing received). */
  count (kind: TrafficKind, from: number, to: number, bytes: number, weight = 1): void {
    const s = this.sent.get(kind) as { msgs: Float64Array, bytes: Float64Array }
    s.msgs[from] = (s.msgs[from] as number) + weight
    s.bytes[from] = (s.bytes[from] as number) + weight * bytes
    if (to < 0) return
    const r = this.received.get(kind) as { msgs: Float64Array, bytes: Float64Array }
    r.msgs[to] = (r.msgs[to] as number) + weight
    r.bytes[to] = (r.bytes[to] as number) + weight * bytes
  }

  /** One message published (to be spread), standing for `weight`. */
  publish (kind: TrafficKind, weight = 1): void {
    this.published.set(kind, (this.published.get(kind) ?? 0) + weight)
  }

  /** Starts the window afresh at `at` (after start-up, so that joining does not count as idle work). */
  reset (at: number): void {
    this.from = at
    for (const m of [this.sent, this.received]) for (const c of m.values()) { c.msgs.fill(0); c.bytes.fill(0) }
    this.published.clear()
  }

  /** Rates per second over the window to `at`, over the nodes running now. */
  figures (at: number, overlay: Overlay, sampledAuthors: number | null): TrafficFigures {
    const seconds = Math.max(1e-9, (at - this.from) / 1000)
    const nodes: number[] = []
    for (let v = 0; v < Math.min(this.n, overlay.started); v++) if (overlay.running[v] === 1) nodes.push(v)
    const rate = (a: Float64Array): { mean: number, p99: number, max: number } => {
      const s = summarize(nodes.map(v => (a[v] as number) / seconds))
      return { mean: round(s.mean, 3), p99: round(s.p99, 3), max: round(s.max, 3) }
    }
    return {
      window_ms: at - this.from,
      nodes: nodes.length,
      sampled_authors: sampledAuthors,
      kinds: TRAFFIC_KINDS.map(kind => {
        const s = this.sent.get(kind) as { msgs: Float64Array, bytes: Float64Array }
        const r = this.received.get(kind) as { msgs: Float64Array, bytes: Float64Array }
        const sized = !this.unsized.has(kind)
        const published = this.published.get(kind) ?? 0
        const received = nodes.reduce((sum, v) => sum + (r.msgs[v] as number), 0)
        return {
          kind,
          published,
          copies_per_node: published === 0 || nodes.length === 0 ? null : round(received / published / nodes.length, 3),
          received_per_s: rate(r.msgs), sent_per_s: rate(s.msgs), received_bytes_per_s: sized ? rate(r.bytes) : null, sent_bytes_per_s: sized ? rate(s.bytes) : null
        }
      })
    }
  }
}

