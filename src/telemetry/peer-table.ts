import {
  PEER_STATES, forgiveLocalStall, initialLiveness, localStallMs, observe,
  type DetectorConfig, type Liveness, type Observation, type PeerState
} from './failure-detector.ts'
import type { MembershipEvent } from './membership-event.ts'
import type { SnapshotPosition, TelemetrySnapshot } from './snapshot.ts'

/** What this node knows of one peer: its latest snapshot, how fresh it is, how it answers. */
export interface PeerSnapshot {
  peerId: string
  state: PeerState
  stateSince: number
  snapshot: TelemetrySnapshot
  receivedAt: number
  ageMs: number
  rttMs: number | undefined
  connected: boolean
  firstSeenAt: number
}

/** A peer this node declared down because an accusation of it outlived its timeout, and who had accused it. */
export interface Verdict { peerId: string, incarnation: number, accusers: readonly string[] }

export type PeerEvent =
  | { type: 'peer:joined', peerId: string, at: number }
  | { type: 'peer:state', peerId: string, from: PeerState, to: PeerState, at: number }
  | { type: 'peer:forgotten', peerId: string, at: number }

interface PeerRecord {
  snapshot: TelemetrySnapshot
  receivedAt: number
  liveness: Liveness
  rttMs: number | undefined
  firstSeenAt: number
}

export interface PeerTableOptions {
  detector: DetectorConfig
  /** The interval at which `tick` is called: a longer gap means this node was stalled. */
  tickIntervalMs: number
  /** A peer down for this long is forgotten. */
  forgetAfterMs: number
  onEvent?: (event: PeerEvent) => void
  /** Every snapshot applied, as it is applied: for simulations and benchmarks that time gossip. */
  onSnapshot?: (peerId: string, snapshot: TelemetrySnapshot, at: number) => void
}

/**
 * The live table of every peer's load and health. No I/O and no clock of its own: the
 * telemetry service feeds it observations with their times, so tests drive it directly.
 */
export class PeerTable {
  private readonly peers = new Map<string, PeerRecord>()
  private readonly detector: DetectorConfig
  private readonly tickIntervalMs: number
  private readonly forgetAfterMs: number
  private readonly onEvent: (event: PeerEvent) => void
  private readonly onSnapshot: ((peerId: string, snapshot: TelemetrySnapshot, at: number) => void) | undefined
  private lastTickAt: number | undefined

  constructor (opts: PeerTableOptions) {
    this.detector = opts.detector
    this.tickIntervalMs = opts.tickIntervalMs
    this.forgetAfterMs = opts.forgetAfterMs
    this.onEvent = opts.onEvent ?? (() => {})
    this.onSnapshot = opts.onSnapshot
  }

  get size (): number {
    return this.peers.size
  }

  has (peerId: string): boolean {
    return this.peers.has(peerId)
  }

  /** The newest snapshot position held for a peer: the validator's replay check. */
  position (peerId: string): SnapshotPosition | undefined {
    return this.peers.get(peerId)?.snapshot
  }

  applySnapshot (peerId: string, snapshot: TelemetrySnapshot, at: number, connected: boolean): void {
    this.onSnapshot?.(peerId, snapshot, at)
    const record = this.peers.get(peerId)
    if (record === undefined) {
      this.peers.set(peerId, {
        snapshot,
        receivedAt: at,
        liveness: initialLiveness(at, snapshot.intervalMs, connected, snapshot.incarnation),
        rttMs: undefined,
        firstSeenAt: at
      })
      this.onEvent({ type: 'peer:joined', peerId, at })
      return
    }
    record.snapshot = snapshot
    record.receivedAt = at
    this.observe(peerId, record, { kind: 'snapshot', at, intervalMs: snapshot.intervalMs, incarnation: snapshot.incarnation })
  }

  /**
   * A membership event from `author` about a peer this node knows (one it does not know is
   * learnt from its snapshot, which carries what routing needs). `members`: the mesh's size.
   */
  applyMembership (event: MembershipEvent, author: string, at: number, members: number): void {
    const record = this.peers.get(event.peerId)
    if (record === undefined) return
    const o: Observation = event.event === 'suspect'
      ? { kind: 'suspect', at, incarnation: event.incarnation, accuser: author, members }
      : { kind: event.event, at, incarnation: event.incarnation }
    this.observe(event.peerId, record, o)
  }

  /**
   * This node accuses a peer after a failed probe round. Returns the incarnation to announce in
   * its `suspect` event, or undefined when there is nothing new to say: it had accused it
   * already, the peer is down, left or unknown, or the accusation has all the confirmations it
   * can use (as memberlist's Confirm: past k, another accuser shortens nothing, so a mesh does
   * not gossip one accusation per node).
   */
  accuse (peerId: string, accuser: string, at: number, members: number): number | undefined {
    const record = this.peers.get(peerId)
    if (record === undefined) return undefined
    const before = record.liveness
    this.observe(peerId, record, { kind: 'suspect', at, incarnation: before.incarnation, accuser, members })
    const after = record.liveness.accusation
    return after !== undefined && after !== before.accusation && after.accusers.length <= after.k + 1 ? record.liveness.incarnation : undefined
  }

  /** What this node holds against a peer that the peer may not know of: its verdict, or a standing accusation. */
  heldAgainst (peerId: string): { event: 'suspect' | 'down', incarnation: number } | undefined {
    const l = this.peers.get(peerId)?.liveness
    if (l === undefined) return undefined
    if (l.state === 'down') return { event: 'down', incarnation: l.incarnation }
    return l.accusation === undefined ? undefined : { event: 'suspect', incarnation: l.incarnation }
  }

  /** The incarnation of a peer as this node knows it. */
  incarnationOf (peerId: string): number | undefined {
    return this.peers.get(peerId)?.liveness.incarnation
  }

  /**
   * The peers a node probes: all but the left. A down one is probed too: one that answers was
   * only cut off, and is told so (see TelemetryService), where gossip would never tell it.
   */
  probeTargets (): string[] {
    const ids: string[] = []
    for (const [peerId, record] of this.peers) if (record.liveness.state !== 'left') ids.push(peerId)
    return ids
  }

  /** The peers this node counts as members of the mesh now: the healthy and the suspect. */
  members (): string[] {
    const ids: string[] = []
    for (const [peerId, record] of this.peers) if (isMemberState(record.liveness.state)) ids.push(peerId)
    return ids
  }

  /** How many `members()` there are, without listing them: read per publication and per membership event. */
  memberCount (): number {
    let n = 0
    for (const record of this.peers.values()) if (isMemberState(record.liveness.state)) n++
    return n
  }

  /** Whether `peerId` is one of `members()`. */
  isMember (peerId: string): boolean {
    const state = this.peers.get(peerId)?.liveness.state
    return state !== undefined && isMemberState(state)
  }

  connectionChanged (peerId: string, connected: boolean, at: number): void {
    const record = this.peers.get(peerId)
    if (record !== undefined) this.observe(peerId, record, { kind: 'connection', at, connected })
  }

  probeResult (peerId: string, result: { ok: true, rttMs: number } | { ok: false }, at: number): void {
    const record = this.peers.get(peerId)
    if (record === undefined) return
    if (result.ok) record.rttMs = result.rttMs
    this.observe(peerId, record, { kind: 'probe', at, ok: result.ok })
  }

  /**
   * Advances every peer's detector to `at`; called every `tickIntervalMs`. Returns the verdicts
   * this node reached on accusations, which it disseminates, and how long it was itself stalled.
   */
  tick (at: number): { verdicts: Verdict[], stallMs: number } {
    const verdicts: Verdict[] = []
    const stallMs = localStallMs(this.lastTickAt, at, this.tickIntervalMs)
    this.lastTickAt = at
    for (const [peerId, record] of this.peers) {
      if (stallMs > 0) record.liveness = forgiveLocalStall(record.liveness, stallMs, at)
      const accusation = record.liveness.accusation
      this.observe(peerId, record, { kind: 'tick', at })
      const { state, since, incarnation } = record.liveness
      if (accusation !== undefined && state === 'down' && since === at) verdicts.push({ peerId, incarnation, accusers: accusation.accusers })
      if ((state === 'down' || state === 'left') && at - since > this.forgetAfterMs) {
        this.peers.delete(peerId)
        this.onEvent({ type: 'peer:forgotten', peerId, at })
      }
    }
    return { verdicts, stallMs }
  }

  get (peerId: string, now: number): PeerSnapshot | undefined {
    const record = this.peers.get(peerId)
    return record === undefined ? undefined : view(peerId, record, now)
  }

  list (now: number): PeerSnapshot[] {
    return [...this.peers].map(([peerId, record]) => view(peerId, record, now))
  }

  /** How many healthy peers pass `test`, with no view built: read per rate-limited request. */
  countHealthy (test: (peerId: string) => boolean): number {
    let n = 0
    for (const [peerId, record] of this.peers) if (record.liveness.state === 'healthy' && test(peerId)) n++
    return n
  }

  countByState (): Record<PeerState, number> {
    const counts = Object.fromEntries(PEER_STATES.map(s => [s, 0])) as Record<PeerState, number>
    for (const record of this.peers.values()) counts[record.liveness.state]++
    return counts
  }

  private observe (peerId: string, record: PeerRecord, o: Observation): void {
    const from = record.liveness.state
    record.liveness = observe(record.liveness, o, this.detector)
    const to = record.liveness.state
    if (from !== to) this.onEvent({ type: 'peer:state', peerId, from, to, at: o.at })
  }
}

function view (peerId: string, r: PeerRecord, now: number): PeerSnapshot {
  return {
    peerId,
    state: r.liveness.state,
    stateSince: r.liveness.since,
    snapshot: r.snapshot,
    receivedAt: r.receivedAt,
    ageMs: Math.max(0, now - r.receivedAt),
    rttMs: r.rttMs,
    connected: r.liveness.connected,
    firstSeenAt: r.firstSeenAt
  }
}

function isMemberState (state: PeerState): boolean {
  return state === 'healthy' || state === 'suspect'
}
