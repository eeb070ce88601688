import {
  forgiveLocalStall, initialLiveness, needsProbe, observe,
  type DetectorConfig, type Liveness, type Observation, type PeerState
} from './failure-detector.ts'
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

export type PeerEvent =
  | { type: 'peer:joined', peerId: string, at: number }
  | { type: 'peer:state', peerId: string, from: PeerState, to: PeerState, at: number }
  | { type: 'peer:left', peerId: string, at: number }

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
        liveness: initialLiveness(at, snapshot.intervalMs, connected),
        rttMs: undefined,
        firstSeenAt: at
      })
      this.onEvent({ type: 'peer:joined', peerId, at })
      return
    }
    record.snapshot = snapshot
    record.receivedAt = at
    this.observe(peerId, record, { kind: 'snapshot', at, intervalMs: snapshot.intervalMs })
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

  /** Advances every peer's detector to `at`; called every `tickIntervalMs`. */
  tick (at: number): void {
    const late = this.lastTickAt === undefined ? 0 : at - this.lastTickAt - this.tickIntervalMs
    // A tick later than one whole interval means this node was not running in between.
    const stallMs = late > this.tickIntervalMs ? late : 0
    this.lastTickAt = at
    for (const [peerId, record] of this.peers) {
      if (stallMs > 0) record.liveness = forgiveLocalStall(record.liveness, stallMs, at)
      this.observe(peerId, record, { kind: 'tick', at })
      if (record.liveness.state === 'down' && at - record.liveness.since > this.forgetAfterMs) {
        this.peers.delete(peerId)
        this.onEvent({ type: 'peer:left', peerId, at })
      }
    }
  }

  /** Peers the detector doubts, to be probed now. */
  doubted (): string[] {
    const ids: string[] = []
    for (const [peerId, record] of this.peers) if (needsProbe(record.liveness)) ids.push(peerId)
    return ids
  }

  get (peerId: string, now: number): PeerSnapshot | undefined {
    const record = this.peers.get(peerId)
    return record === undefined ? undefined : view(peerId, record, now)
  }

  list (now: number): PeerSnapshot[] {
    return [...this.peers].map(([peerId, record]) => view(peerId, record, now))
  }

  countByState (): Record<PeerState, number> {
    const counts: Record<PeerState, number> = { healthy: 0, suspect: 0, down: 0 }
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
