import {
  initialLiveness, needsProbe, observe,
  type DetectorConfig, type Liveness, type Observation
} from '../../src/telemetry/failure-detector.ts'
import { median } from '../../src/stats.ts'
import type { Tuning } from '../../src/tuning.ts'
import type { DetectionRecord } from '../result.ts'
import type { EventQueue } from './event-queue.ts'
import type { LinkModel } from './latency.ts'
import type { Overlay } from './overlay.ts'
import type { SnapshotLog } from './telemetry.ts'

/** Round trips to dial a peer with no connection before the ping: TCP, multistream + Noise, Yamux + ping. */
const DIAL_ROUND_TRIPS = 3

interface Episode {
  node: number
  cause: DetectionRecord['cause']
  at: number
  observer: Uint8Array
  incarnation: Int32Array
  suspectAt: Float64Array
  downAt: Float64Array
}

/**
 * The failure detector of every observer for every tracked author, driven exactly as the
 * live PeerTable and TelemetryService drive it, with the node's tuning (detector, tick, probe
 * timeout, forget time): a record is created by the first snapshot (initialLiveness), then fed
 * snapshots as they arrive, connection changes, a tick every `tickMs`, and the results of the probes that needsProbe() asks for (a probe round at a
 * time; the next tick after it ends may start the next). Transitions come from observe().
 *
 * Not modelled: the RTT ping of one healthy peer every `rttEveryTicks` ticks (it can only refresh
 * lastAliveAt of a healthy peer, which matters after 30 s of silence only), and stalls of
 * the observer (model nodes never stall).
 */
export class Detection {
  private readonly overlay: Overlay
  private readonly log: SnapshotLog
  private readonly queue: EventQueue
  private readonly link: LinkModel
  private readonly rand: () => number
  private readonly config: DetectorConfig
  private readonly probeTimeoutMs: number
  private readonly forgetAfterMs: number
  private readonly intervalMs: number
  private readonly n: number
  /** live[slot * n + observer]: the observer's record of the tracked author, if it has one. */
  private readonly live: Array<Liveness | undefined>
  /** Highest snapshot sequence number applied per (slot, observer). */
  private readonly applied: Int32Array
  private readonly probing: Uint8Array
  readonly incarnation: Int32Array
  private readonly episodes: Episode[] = []
  private readonly openEpisode = new Map<number, Episode>()

  constructor (overlay: Overlay, log: SnapshotLog, queue: EventQueue, link: LinkModel, rand: () => number, intervalMs: number, tuning: Tuning['telemetry']) {
    this.config = tuning.detector
    this.probeTimeoutMs = tuning.probeTimeoutMs
    this.forgetAfterMs = tuning.forgetAfterMs
    this.overlay = overlay
    this.log = log
    this.queue = queue
    this.link = link
    this.rand = rand
    this.intervalMs = intervalMs
    this.n = overlay.n
    this.live = new Array<Liveness | undefined>(log.subjects.length * overlay.n).fill(undefined)
    this.applied = new Int32Array(log.subjects.length * overlay.n)
    this.probing = new Uint8Array(overlay.n)
    this.incarnation = new Int32Array(overlay.n)
  }

  /** The observer's view of a tracked node now, after the snapshots that reached it. */
  stateOf (observer: number, node: number, at: number): Liveness | undefined {
    const slot = this.log.slotOf[node] as number
    if (slot < 0) return undefined
    this.flush(slot, observer, at)
    return this.live[slot * this.n + observer]
  }

  /** A (re)started observer: an empty peer table, and nothing in flight to it counts. */
  restarted (observer: number): void {
    this.incarnation[observer] = (this.incarnation[observer] as number) + 1
    this.probing[observer] = 0
    for (let slot = 0; slot < this.log.subjects.length; slot++) {
      const i = slot * this.n + observer
      this.live[i] = undefined
      this.applied[i] = this.log.latestSeq[slot] as number
    }
  }

  /** A connection of a tracked node opened or closed, seen by `observer` at `at`. */
  connectionChanged (observer: number, node: number, up: boolean, at: number): void {
    const slot = this.log.slotOf[node] as number
    if (slot < 0) return
    const inc = this.incarnation[observer]
    this.queue.at(at, () => {
      if (this.overlay.running[observer] !== 1 || this.incarnation[observer] !== inc) return
      this.flush(slot, observer, this.queue.now)
      // As the live peer table: a connection to a peer it has no record of changes nothing.
      if (this.live[slot * this.n + observer] !== undefined) this.apply(slot, observer, { kind: 'connection', at: this.queue.now, connected: up })
    })
  }

  /** One tick of the observer's peer table, then a probe round if none is under way. */
  tick (observer: number, at: number): void {
    const subjects = this.log.subjects
    const doubted: number[] = []
    for (let slot = 0; slot < subjects.length; slot++) {
      if (subjects[slot] === observer) continue
      this.flush(slot, observer, at)
      const i = slot * this.n + observer
      const l = this.live[i]
      if (l === undefined) continue
      this.apply(slot, observer, { kind: 'tick', at })
      const next = this.live[i] as Liveness
      if (next.state === 'down' && at - next.since > this.forgetAfterMs) this.live[i] = undefined
      else if (needsProbe(next)) doubted.push(slot)
    }
    if (this.probing[observer] === 0 && doubted.length > 0) this.probeRound(observer, doubted, at)
  }

  /**
   * Pings every doubted peer at once. A running peer in reach answers after a round trip
   * (after a dial first, without a connection); a crashed one refuses the connection after a
   * round trip; one behind a partition never answers and the ping times out.
   */
  private probeRound (observer: number, slots: number[], at: number): void {
    this.probing[observer] = 1
    const inc = this.incarnation[observer]
    let end = at
    for (const slot of slots) {
      const peer = this.log.subjects[slot] as number
      const rtt = (): number => this.link.latency(this.rand()) + this.link.latency(this.rand())
      let ok = false
      let took: number
      if (this.overlay.reachable(observer, peer)) {
        ok = true
        took = rtt()
        if (!this.overlay.connected(observer, peer)) for (let k = 0; k < DIAL_ROUND_TRIPS; k++) took += rtt()
      } else if (this.overlay.running[peer] !== 1 && this.overlay.group[peer] === this.overlay.group[observer]) took = rtt()
      else took = this.probeTimeoutMs
      took = Math.min(took, this.probeTimeoutMs)
      if (took >= this.probeTimeoutMs) ok = false
      end = Math.max(end, at + took)
      this.queue.at(at + took, () => {
        if (this.overlay.running[observer] !== 1 || this.incarnation[observer] !== inc) return
        this.flush(slot, observer, this.queue.now)
        if (this.live[slot * this.n + observer] !== undefined) this.apply(slot, observer, { kind: 'probe', at: this.queue.now, ok })
      })
    }
    this.queue.at(end, () => { if (this.incarnation[observer] === inc) this.probing[observer] = 0 })
  }

  /** Applies the snapshots of `slot` that reached `observer` by `at`, in arrival order; an older one arriving after a newer is a replay. */
  private flush (slot: number, observer: number, at: number): void {
    const i = slot * this.n + observer
    const latest = this.log.latestSeq[slot] as number
    let done = this.applied[i] as number
    if (done >= latest) return
    for (;;) {
      let best = -1
      let bestAt = Number.POSITIVE_INFINITY
      for (let seq = Math.max(done + 1, latest - 3); seq <= latest; seq++) {
        const t = this.log.arrival(slot, seq, observer)
        if (t <= at && t < bestAt) {
          best = seq
          bestAt = t
        }
      }
      if (best < 0) break
      const l = this.live[i]
      if (l === undefined) this.live[i] = initialLiveness(bestAt, this.intervalMs, this.overlay.connected(observer, this.log.subjects[slot] as number), 0)
      else this.apply(slot, observer, { kind: 'snapshot', at: bestAt, intervalMs: this.intervalMs, incarnation: 0 })
      done = best
      this.applied[i] = best
    }
  }

  private apply (slot: number, observer: number, o: Observation): void {
    const i = slot * this.n + observer
    const before = this.live[i] as Liveness
    const after = observe(before, o, this.config)
    this.live[i] = after
    if (after.state === before.state || after.state === 'healthy') return
    const ep = this.openEpisode.get(this.log.subjects[slot] as number)
    if (ep === undefined || ep.observer[observer] !== 1) return
    if (Number.isNaN(ep.suspectAt[observer])) ep.suspectAt[observer] = o.at
    if (after.state === 'down' && Number.isNaN(ep.downAt[observer])) ep.downAt[observer] = o.at
  }

  /**
   * A tracked node crashed or was cut off: from now, follow how each observer that knew it
   * (and, for a partition, is on another side) comes to see it suspect and down.
   */
  beginEpisode (node: number, cause: DetectionRecord['cause'], at: number): void {
    const slot = this.log.slotOf[node] as number
    if (slot < 0) return
    this.endEpisode(node)
    const { overlay } = this
    const ep: Episode = {
      node, cause, at,
      observer: new Uint8Array(this.n),
      incarnation: new Int32Array(this.incarnation),
      suspectAt: new Float64Array(this.n).fill(Number.NaN),
      downAt: new Float64Array(this.n).fill(Number.NaN)
    }
    for (let o = 0; o < overlay.started; o++) {
      if (o === node || overlay.running[o] !== 1 || (cause === 'partition' && overlay.group[o] === overlay.group[node])) continue
      this.flush(slot, o, at)
      if (this.live[slot * this.n + o] !== undefined) ep.observer[o] = 1
    }
    this.episodes.push(ep)
    this.openEpisode.set(node, ep)
  }

  /** The node came back (restart, heal): observers that have not seen it down by now never will. */
  endEpisode (node: number): void {
    const ep = this.openEpisode.get(node)
    if (ep === undefined) return
    this.openEpisode.delete(node)
    // An observer that crashed during the episode lost its peer table: it is no witness.
    for (let o = 0; o < this.n; o++) {
      if (ep.observer[o] === 1 && (ep.incarnation[o] !== this.incarnation[o] || this.overlay.running[o] !== 1)) ep.observer[o] = 0
    }
  }

  /** Ends every episode still open (the end of the run). */
  endAll (): void {
    for (const node of [...this.openEpisode.keys()]) this.endEpisode(node)
  }

  records (): DetectionRecord[] {
    return this.episodes.map(ep => {
      const suspect: number[] = []
      let observers = 0
      let allDown = 0
      let everyone = true
      for (let o = 0; o < this.n; o++) {
        if (ep.observer[o] !== 1) continue
        observers++
        const s = ep.suspectAt[o] as number
        if (!Number.isNaN(s)) suspect.push(s - ep.at)
        const d = ep.downAt[o] as number
        if (Number.isNaN(d)) everyone = false
        else allDown = Math.max(allDown, d - ep.at)
      }
      return {
        node: ep.node,
        cause: ep.cause,
        at_ms: ep.at,
        suspect_median_ms: suspect.length === 0 ? null : median(suspect),
        all_down_ms: everyone && observers > 0 ? allDown : null,
        observers
      }
    })
  }
}
