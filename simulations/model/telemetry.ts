import { summarize, type Summary } from '../../src/stats.ts'
import { encodeSnapshot } from '../../src/telemetry/snapshot.ts'
import type { Gossip } from './gossip.ts'
import type { Overlay } from './overlay.ts'
import type { Traffic } from './traffic.ts'

/** A snapshot as the live codec encodes it, with one service offered and figures of the usual length. */
export const SNAPSHOT_BYTES = encodeSnapshot({
  incarnation: 1_700_000_000_000, seq: 12_345, time: 1_700_000_000_000, intervalMs: 1_000, cpu: 0.0123,
  memory: { rssBytes: 150_000_000, heapUsedBytes: 60_000_000, limitBytes: 8_000_000_000, limitSource: 'host', share: 0.0187 },
  eventLoopDelayMs: { p50: 0.1, p99: 1.2, max: 3.4 },
  requests: { active: 0, served: 1_234, errors: 0, recent: { windowMs: 60_000, served: 12, errors: 0 } },
  services: [{ name: 'echo', capacity: 100 }], apiUrl: 'http://10.0.0.1:8080', version: '0.1.0', region: 'eu-west', uptimeMs: 3_600_000
}).byteLength

/**
 * Telemetry snapshots of the tracked authors: each publication is spread over the overlay
 * at once (see gossip.ts) and its arrival time at every node kept in a ring of the last RING
 * publications, from which the failure detector and the convergence figures read.
 */
export const RING = 4

export class SnapshotLog {
  readonly subjects: readonly number[]
  /** Slot of each node among the tracked authors; -1 for a node whose snapshots are not followed. */
  readonly slotOf: Int32Array
  /** Latest sequence number published by each slot (0: none yet); numbers never restart. */
  readonly latestSeq: Int32Array
  /** arrivals[slot * RING + seq % RING][node]: when the node first held that snapshot. */
  readonly arrivals: Float64Array[]
  readonly pubTime: Float64Array
  private readonly overlay: Overlay
  private readonly gossip: Gossip
  private readonly times: number[] = []
  /** Snapshots that some running, reachable node never received. */
  unconverged = 0
  published = 0

  private readonly traffic: Traffic
  /**
   * How many publications one of a slot's stands for in the traffic figures: a random sample
   * stands for itself and its share of the authors not followed; a node the steps name (crashed,
   * restarted, cut off: not a typical author) for itself alone.
   */
  private readonly weight: Float64Array

  /** `sampled`: the subjects drawn at random (none when every author is followed). */
  constructor (overlay: Overlay, gossip: Gossip, subjects: readonly number[], traffic: Traffic, sampled: readonly number[]) {
    this.overlay = overlay
    this.gossip = gossip
    this.traffic = traffic
    const named = subjects.length - sampled.length
    const random = new Set(sampled)
    this.weight = new Float64Array(subjects.map(n => random.has(n) ? (overlay.n - named) / sampled.length : 1))
    this.subjects = subjects
    this.slotOf = new Int32Array(overlay.n).fill(-1)
    subjects.forEach((node, slot) => { this.slotOf[node] = slot })
    this.latestSeq = new Int32Array(subjects.length)
    this.arrivals = Array.from({ length: subjects.length * RING }, () => new Float64Array(overlay.n))
    this.pubTime = new Float64Array(subjects.length * RING)
  }

  /** A tracked author publishes a snapshot now: spread it and record its convergence time. */
  publish (slot: number, at: number): void {
    const node = this.subjects[slot] as number
    const seq = (this.latestSeq[slot] as number) + 1
    this.latestSeq[slot] = seq
    const k = slot * RING + (seq % RING)
    const out = this.arrivals[k] as Float64Array
    this.pubTime[k] = at
    this.gossip.spread(node, at, out, undefined, { traffic: this.traffic, kind: 'telemetry', bytes: SNAPSHOT_BYTES, weight: this.weight[slot] as number })
    this.published++
    const { overlay } = this
    const group = overlay.group[node]
    let last = at
    for (let v = 0; v < overlay.started; v++) {
      if (overlay.running[v] !== 1 || overlay.group[v] !== group) continue
      const t = out[v] as number
      if (t === Number.POSITIVE_INFINITY) {
        this.unconverged++
        return
      }
      if (t > last) last = t
    }
    this.times.push(last - at)
  }

  /** How many publications one of this slot's stands for in the traffic figures. */
  weightOf (slot: number): number {
    return this.weight[slot] as number
  }

  /**
   * The slot's latest snapshot handed to `node` directly at `at` (a hello to a node that
   * restarted): it holds it then, unless it held it sooner. Returns whether there was one.
   */
  deliver (slot: number, node: number, at: number): boolean {
    const seq = this.latestSeq[slot] as number
    if (seq === 0) return false
    const out = this.arrivals[slot * RING + (seq % RING)] as Float64Array
    out[node] = at
    return true
  }

  /** Arrival of snapshot `seq` of `slot` at `node`; Infinity when it is out of the ring or never came. */
  arrival (slot: number, seq: number, node: number): number {
    const latest = this.latestSeq[slot] as number
    if (seq <= 0 || seq > latest || seq <= latest - RING) return Number.POSITIVE_INFINITY
    return (this.arrivals[slot * RING + (seq % RING)] as Float64Array)[node] as number
  }

  /**
   * Share of (observer, author) pairs, both running and in one partition group, where the
   * observer holds the author's latest snapshot at `at`; undefined when there is no pair.
   */
  share (at: number): number | undefined {
    const { overlay } = this
    let pairs = 0
    let held = 0
    for (let slot = 0; slot < this.subjects.length; slot++) {
      const author = this.subjects[slot] as number
      const seq = this.latestSeq[slot] as number
      if (overlay.running[author] !== 1 || seq === 0) continue
      const out = this.arrivals[slot * RING + (seq % RING)] as Float64Array
      const group = overlay.group[author]
      for (let v = 0; v < overlay.started; v++) {
        if (v === author || overlay.running[v] !== 1 || overlay.group[v] !== group) continue
        pairs++
        if ((out[v] as number) <= at) held++
      }
    }
    return pairs === 0 ? undefined : held / pairs
  }

  convergenceTimes (): Summary | null {
    return this.times.length === 0 ? null : summarize(this.times)
  }
}
