import {
  initialLiveness, observe,
  type DetectorConfig, type Liveness, type Observation
} from '../../src/telemetry/failure-detector.ts'
import { encodeMembershipEvent } from '../../src/telemetry/membership-event.ts'
import { median } from '../../src/stats.ts'
import type { Tuning } from '../../src/tuning.ts'
import type { DetectionRecord } from '../result.ts'
import type { EventQueue } from './event-queue.ts'
import type { Gossip } from './gossip.ts'
import type { LinkModel } from './latency.ts'
import type { Overlay } from './overlay.ts'
import { SNAPSHOT_BYTES, type SnapshotLog } from './telemetry.ts'
import type { Traffic } from './traffic.ts'

/** A probe and its answer, and an indirect probe's request and answer: a few dozen bytes each on the wire. */
const PROBE_BYTES = 64
/** A membership event as the live codec encodes it (a peer id of the usual length, a millisecond incarnation). */
const EVENT_BYTES = encodeMembershipEvent({ event: 'suspect', peerId: '12D3KooWS7MSTgQyGWgZXxqaeW7yHjpLr7MHg7591dMvnHgDX7y7', incarnation: 1_700_000_000_000, time: 1_700_000_000_000 }).byteLength

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
 * snapshots as they arrive, connection changes, a tick every `tickMs`, the results of its SWIM
 * probes (see `probe`) and the membership events it hears. Transitions come from observe().
 *
 * Not modelled: stalls of the observer (model nodes never stall), so local health neither.
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
  private readonly intervalOf: () => number
  private readonly gossip: Gossip
  private readonly traffic: Traffic
  private readonly members: () => number
  private readonly indirectProbes: number
  private readonly indirectTimeoutMs: number
  private readonly helloRate: number
  /** Each node's SWIM incarnation, raised when it refutes an accusation. */
  private readonly memberInc: Int32Array
  private readonly hold: Float64Array
  private readonly n: number
  /** live[slot * n + observer]: the observer's record of the tracked author, if it has one. */
  private readonly live: Array<Liveness | undefined>
  /** Highest snapshot sequence number applied per (slot, observer). */
  private readonly applied: Int32Array
  readonly incarnation: Int32Array
  private readonly episodes: Episode[] = []
  private readonly openEpisode = new Map<number, Episode>()

  constructor (overlay: Overlay, log: SnapshotLog, queue: EventQueue, link: LinkModel, rand: () => number,
    intervalOf: () => number, tuning: Tuning['telemetry'], membership: { gossip: Gossip, traffic: Traffic, members: () => number }) {
    this.config = tuning.detector
    this.probeTimeoutMs = tuning.probeTimeoutMs
    this.indirectProbes = tuning.indirectProbes
    this.indirectTimeoutMs = tuning.indirectTimeoutMs
    this.helloRate = tuning.helloRate
    this.gossip = membership.gossip
    this.traffic = membership.traffic
    this.members = membership.members
    this.memberInc = new Int32Array(overlay.n)
    this.hold = new Float64Array(overlay.n)
    this.forgetAfterMs = tuning.forgetAfterMs
    this.overlay = overlay
    this.log = log
    this.queue = queue
    this.link = link
    this.rand = rand
    this.intervalOf = intervalOf
    this.n = overlay.n
    this.live = new Array<Liveness | undefined>(log.subjects.length * overlay.n).fill(undefined)
    this.applied = new Int32Array(log.subjects.length * overlay.n)
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
    // As live, a restart is a new, higher incarnation: its snapshots void what was said of the old one.
    this.memberInc[observer] = (this.memberInc[observer] as number) + 1
    for (let slot = 0; slot < this.log.subjects.length; slot++) {
      const i = slot * this.n + observer
      this.live[i] = undefined
      this.applied[i] = this.log.latestSeq[slot] as number
    }
  }

  /**
   * As live: every running peer that sees the first snapshot of `node` (started again) hands it
   * its own snapshot directly, after a random share of members / helloRate seconds, so that the
   * restarted node's empty table fills in seconds, not in a publication interval. The model hands
   * over the author's latest snapshot (live: a fresh one).
   */
  hello (node: number, at: number): void {
    const { overlay } = this
    const spreadMs = this.members() / this.helloRate * 1000
    for (let slot = 0; slot < this.log.subjects.length; slot++) {
      const author = this.log.subjects[slot] as number
      if (author === node || !overlay.reachable(author, node)) continue
      // The restarted node's first snapshot reaches the author, which waits its share, then sends.
      const t = at + this.link.latency(this.rand()) + this.rand() * spreadMs + this.link.latency(this.rand())
      if (!this.log.deliver(slot, node, t)) continue
      const i = slot * this.n + node
      this.applied[i] = Math.min(this.applied[i] as number, (this.log.latestSeq[slot] as number) - 1)
      this.traffic.count('telemetry', author, node, SNAPSHOT_BYTES, this.log.weightOf(slot))
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
      const l = this.live[slot * this.n + observer]
      if (l === undefined) return
      this.apply(slot, observer, { kind: 'connection', at: this.queue.now, connected: up })
      // As live: a lost connection is probed at once, out of turn.
      if (!up && l.state !== 'down' && l.state !== 'left') this.probe(observer, this.queue.now, node)
      // As the live TelemetryService: a reconnected peer held down or accused is told, and refutes.
      if (up && this.overlay.running[node] === 1 && (l.state === 'down' || l.accusation !== undefined)) this.refute(node, l.incarnation, observer)
    })
  }

  /** One tick of the observer's peer table. */
  tick (observer: number, at: number): void {
    const subjects = this.log.subjects
    for (let slot = 0; slot < subjects.length; slot++) {
      if (subjects[slot] === observer) continue
      this.flush(slot, observer, at)
      const i = slot * this.n + observer
      const l = this.live[i]
      if (l === undefined) continue
      this.apply(slot, observer, { kind: 'tick', at })
      const next = this.live[i] as Liveness
      // This node's own accusation became a verdict: it announces it (as the live TelemetryService).
      if (l.accusation !== undefined && next.state === 'down' && next.since === at && l.accusation.accusers.includes(String(observer))) {
        this.announce(observer, slot, { kind: 'down', at, incarnation: next.incarnation })
      }
      if (next.state === 'down' && at - next.since > this.forgetAfterMs) this.live[i] = undefined
    }
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
      const intervalMs = this.intervalOf()
      const subject = this.log.subjects[slot] as number
      const incarnation = this.memberInc[subject] as number
      if (l === undefined) this.live[i] = initialLiveness(bestAt, intervalMs, this.overlay.connected(observer, subject), incarnation)
      else this.apply(slot, observer, { kind: 'snapshot', at: bestAt, intervalMs, incarnation })
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
   * SWIM's probe by `observer` of one member, as the live TelemetryService: a ping, and if it
   * fails `indirectProbes` helpers ping the member for it; if none reaches it, an accusation.
   * The target is drawn uniformly among the other nodes started: the live node's round-robin
   * order is a random permutation of thousands of members, of which a run sees a small part
   * (one ProbeScheduler per node would hold N² ids). `chosen`: a peer probed out of turn (its
   * connection was lost). Helpers are drawn at random too.
   */
  probe (observer: number, at: number, chosen?: number): void {
    const { overlay } = this
    if (overlay.started < 2) return
    let target = chosen ?? Math.floor(this.rand() * (overlay.started - 1))
    if (chosen === undefined && target >= observer) target++
    const ok = overlay.reachable(observer, target)
    this.traffic.count('membership', observer, overlay.running[target] === 1 && overlay.group[target] === overlay.group[observer] ? target : -1, PROBE_BYTES)
    const slot = this.log.slotOf[target] as number
    if (ok) this.traffic.count('membership', target, observer, PROBE_BYTES)
    else {
      const helpers = Math.min(this.indirectProbes, overlay.started - 2)
      for (let k = 0; k < helpers; k++) {
        // A helper drawn at random (not the target): the ask, its unanswered ping, its answer.
        let h = Math.floor(this.rand() * (overlay.started - 1))
        if (h >= observer) h++
        if (h === target) continue
        this.traffic.count('membership', observer, overlay.reachable(observer, h) ? h : -1, PROBE_BYTES)
        if (!overlay.reachable(observer, h)) continue
        this.traffic.count('membership', h, -1, PROBE_BYTES)
        this.traffic.count('membership', h, observer, PROBE_BYTES)
      }
    }
    if (slot < 0) return
    // A peer in reach answers after a round trip (a dial first, without a connection); a crashed
    // one refuses the dial after a round trip, and so it does to the helpers; one across a
    // partition never answers, and the direct and indirect probes time out.
    const rtt = (): number => this.link.latency(this.rand()) + this.link.latency(this.rand())
    const refused = overlay.running[target] !== 1 && overlay.group[target] === overlay.group[observer]
    let took: number
    if (ok) {
      took = rtt()
      if (!overlay.connected(observer, target)) for (let k = 0; k < DIAL_ROUND_TRIPS; k++) took += rtt()
      took = Math.min(took, this.probeTimeoutMs)
    } else took = refused ? 3 * rtt() : this.probeTimeoutMs + this.indirectTimeoutMs
    const answered = ok && took < this.probeTimeoutMs
    const inc = this.incarnation[observer]
    this.queue.at(at + took, () => {
      if (overlay.running[observer] !== 1 || this.incarnation[observer] !== inc) return
      const now = this.queue.now
      this.flush(slot, observer, now)
      const l = this.live[slot * this.n + observer]
      if (l === undefined || l.state === 'left') return
      this.apply(slot, observer, { kind: 'probe', at: now, ok: answered })
      // As live: a reachable peer this node holds down or accused is told, and refutes.
      if (answered) {
        if (l.state === 'down' || l.accusation !== undefined) this.refute(target, l.incarnation, observer)
        return
      }
      const after = this.live[slot * this.n + observer] as Liveness
      if (after.state === 'down' || after.accusation?.accusers.includes(String(observer)) === true) return
      this.apply(slot, observer, { kind: 'suspect', at: now, incarnation: after.incarnation, accuser: String(observer), members: this.members() })
      // As PeerTable.accuse: past k confirmations another accusation is not announced.
      const accusation = this.live[slot * this.n + observer]?.accusation
      if (accusation !== undefined && accusation.accusers.length <= accusation.k + 1) this.announce(observer, slot, { kind: 'suspect', at: now, incarnation: after.incarnation })
    })
  }

  /** `author` gossips a membership event about the tracked node of `slot`: every holder applies it on arrival; the accused refutes. */
  private announce (author: number, slot: number, e: { kind: 'suspect' | 'down', at: number, incarnation: number }): void {
    const { overlay } = this
    const subject = this.log.subjects[slot] as number
    const out = this.hold
    this.gossip.spread(author, e.at, out, undefined, { traffic: this.traffic, kind: 'membership', bytes: EVENT_BYTES })
    const members = this.members()
    for (let v = 0; v < overlay.started; v++) {
      const t = out[v] as number
      if (t === Number.POSITIVE_INFINITY || v === author) continue
      const inc = this.incarnation[v]
      this.queue.at(t, () => {
        if (overlay.running[v] !== 1 || this.incarnation[v] !== inc) return
        if (v === subject) {
          this.refute(subject, e.incarnation)
          return
        }
        this.flush(slot, v, this.queue.now)
        if (this.live[slot * this.n + v] === undefined) return
        this.apply(slot, v, e.kind === 'suspect'
          ? { kind: 'suspect', at: this.queue.now, incarnation: e.incarnation, accuser: String(author), members }
          : { kind: 'down', at: this.queue.now, incarnation: e.incarnation })
      })
    }
  }

  /**
   * The accused, alive, hears it: it announces `alive` with a higher incarnation, which clears
   * the accusation wherever it arrives. Told directly (`teller`) of an incarnation it refuted
   * already, it answers the teller with its own, as the live notice's answer.
   */
  private refute (subject: number, accused: number, teller?: number): void {
    const own = this.memberInc[subject] as number
    const slot = this.log.slotOf[subject] as number
    if (accused < own) {
      if (teller === undefined) return
      const inc = this.incarnation[teller]
      this.queue.after(this.link.latency(this.rand()), () => {
        if (this.overlay.running[teller] !== 1 || this.incarnation[teller] !== inc) return
        this.flush(slot, teller, this.queue.now)
        if (this.live[slot * this.n + teller] !== undefined) this.apply(slot, teller, { kind: 'alive', at: this.queue.now, incarnation: own })
      })
      return
    }
    const incarnation = accused + 1
    this.memberInc[subject] = incarnation
    const out = this.hold
    const at = this.queue.now
    this.gossip.spread(subject, at, out, undefined, { traffic: this.traffic, kind: 'membership', bytes: EVENT_BYTES })
    for (let v = 0; v < this.overlay.started; v++) {
      const t = out[v] as number
      if (t === Number.POSITIVE_INFINITY || v === subject) continue
      const inc = this.incarnation[v]
      this.queue.at(t, () => {
        if (this.overlay.running[v] !== 1 || this.incarnation[v] !== inc) return
        this.flush(slot, v, this.queue.now)
        if (this.live[slot * this.n + v] !== undefined) this.apply(slot, v, { kind: 'alive', at: this.queue.now, incarnation })
      })
    }
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
