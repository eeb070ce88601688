import { confirm, newSuspicion, suspicionTimeoutMs, type Suspicion, type SuspicionConfig } from './suspicion.ts'

/**
 * The failure detector: one state machine per peer whose transitions all sit here, in the
 * manner of memberlist. It is pure: each function takes the peer's liveness and an
 * observation and returns the next liveness; time arrives with the observation.
 *
 * What this node sees itself:
 *   healthy --(no snapshot for suspectAfter, connection lost, or failed probes)--> suspect
 *   suspect --(fresh snapshot; or an answered probe, unless it is also silent)--> healthy (unless accused: see below)
 *   suspect --(for suspicionMs, with no connection and probeFailuresForDown failed probes in a row)--> down
 *   any     --(no sign of life, snapshot or probe answer, for downAfter, or twice the suspect silence)--> down
 *   down    --(fresh snapshot)--> healthy;  down --(probe answered)--> suspect
 *
 * What the mesh says (SWIM with Lifeguard; each event carries the peer's incarnation, and one
 * older than the incarnation known is ignored):
 *   healthy|suspect --(suspect: an accusation, this node's own after a failed probe round or another's)--> suspect,
 *           and each further accuser confirms it, shortening the suspicion (see suspicion.ts)
 *   suspect --(the accusation outlived its timeout)--> down: this node's verdict, which it disseminates
 *   any but left --(down: another node's verdict)--> down
 *   any     --(left: the peer's own goodbye)--> left
 *   any     --(alive or a snapshot with a higher incarnation: the peer refuted, or restarted)--> healthy
 * An accusation is cleared only by a higher incarnation, and `left` is left only so: a snapshot
 * still in flight when the peer left, or sent before it heard it was accused, changes neither.
 *
 * A peer is declared down only on strong evidence: it cannot be reached at all (its
 * connections are gone and dialling it fails) for a while, it has been silent for a long
 * time, or an accusation went unrefuted for its whole timeout. A slow peer keeps its
 * connections, so missed snapshots and timed-out pings make it suspect, never down, and it
 * refutes an accusation as soon as it hears of it; a suspicion must last before it becomes a
 * verdict, so that a peer stalled for a moment (or an observer that was) is not condemned. The
 * observer's own stalls are not held against its peers (Lifeguard): see `forgiveLocalStall`.
 */
export type PeerState = 'healthy' | 'suspect' | 'down' | 'left'

export const PEER_STATES: readonly PeerState[] = ['healthy', 'suspect', 'down', 'left']

export interface DetectorConfig {
  /** Silence, in the peer's own publication intervals, after which it becomes suspect. */
  suspectAfterIntervals: number
  /** Failed probes in a row that make a peer suspect, and with no connection, down. */
  probeFailuresForDown: number
  /** How long a peer stays suspect, at least, before it can be declared down. */
  suspicionMs: number
  /** No sign of life for this long (or twice the silence that makes it suspect, if longer) makes a peer down even if a connection seems open. */
  downAfterMs: number
  /** How long an accusation lasts before it is a verdict. */
  suspicion: SuspicionConfig
}

export interface Liveness {
  state: PeerState
  since: number
  /** The peer's incarnation as last heard, from itself or from the mesh. */
  incarnation: number
  /** Last fresh snapshot. */
  lastHeardAt: number
  /** Last snapshot or answered probe. */
  lastAliveAt: number
  intervalMs: number
  connected: boolean
  probeFailures: number
  /** The mesh's accusation of the peer at `incarnation`, while it stands. */
  accusation: Suspicion | undefined
}

export type Observation =
  | { kind: 'snapshot', at: number, intervalMs: number, incarnation: number }
  | { kind: 'connection', at: number, connected: boolean }
  | { kind: 'probe', at: number, ok: boolean }
  | { kind: 'tick', at: number }
  /** The peer's own word that it is alive at `incarnation` (a refutation). */
  | { kind: 'alive', at: number, incarnation: number }
  /** `accuser` could not reach the peer; `members`: the mesh's size, which scales the suspicion. */
  | { kind: 'suspect', at: number, incarnation: number, accuser: string, members: number }
  | { kind: 'down', at: number, incarnation: number }
  | { kind: 'left', at: number, incarnation: number }

export function initialLiveness (at: number, intervalMs: number, connected: boolean, incarnation: number): Liveness {
  return { state: 'healthy', since: at, incarnation, lastHeardAt: at, lastAliveAt: at, intervalMs, connected, probeFailures: 0, accusation: undefined }
}

function moveTo (l: Liveness, state: PeerState, at: number): Liveness {
  return l.state === state ? l : { ...l, state, since: at }
}

/** A higher incarnation: the peer restarted or refuted; whatever was said of the older one is void. */
function reincarnate (l: Liveness, incarnation: number, at: number): Liveness {
  return moveTo({ ...l, incarnation, accusation: undefined, lastAliveAt: at, probeFailures: 0 }, 'healthy', at)
}

export function observe (l: Liveness, o: Observation, config: DetectorConfig): Liveness {
  switch (o.kind) {
    case 'snapshot': {
      const heard = { ...l, lastHeardAt: o.at, lastAliveAt: o.at, intervalMs: o.intervalMs, probeFailures: 0 }
      if (o.incarnation > l.incarnation) return reincarnate(heard, o.incarnation, o.at)
      if (l.state === 'left' || l.accusation !== undefined) return heard
      return moveTo(heard, 'healthy', o.at)
    }
    case 'alive':
      if (o.incarnation > l.incarnation) return reincarnate(l, o.incarnation, o.at)
      return { ...l, lastAliveAt: o.at }
    case 'suspect': {
      if (o.incarnation < l.incarnation || l.state === 'left' || (l.state === 'down' && o.incarnation === l.incarnation)) return l
      const fresh = o.incarnation > l.incarnation || l.accusation === undefined
      const accusation = fresh ? newSuspicion(o.at, o.accuser, o.members, config.suspicion) : confirm(l.accusation as Suspicion, o.accuser)
      return moveTo({ ...l, incarnation: o.incarnation, accusation }, 'suspect', o.at)
    }
    case 'down':
      if (o.incarnation < l.incarnation || l.state === 'left') return l
      return moveTo({ ...l, incarnation: o.incarnation, accusation: undefined }, 'down', o.at)
    case 'left':
      if (o.incarnation < l.incarnation) return l
      return moveTo({ ...l, incarnation: o.incarnation, accusation: undefined }, 'left', o.at)
    case 'connection': {
      const next = { ...l, connected: o.connected }
      return !o.connected && l.state === 'healthy' ? moveTo(next, 'suspect', o.at) : next
    }
    case 'probe': {
      if (o.ok) {
        const next = { ...l, lastAliveAt: o.at, probeFailures: 0 }
        if (l.state === 'down' && l.accusation === undefined) return moveTo(next, 'suspect', o.at)
        // SWIM's ack: doubted for a lost connection or failed pings, it answers: it is alive (unless silent or accused).
        if (l.state === 'suspect' && l.accusation === undefined && !silent(next, o.at, config)) return moveTo(next, 'healthy', o.at)
        return next
      }
      return decide({ ...l, probeFailures: l.probeFailures + 1 }, o.at, config)
    }
    case 'tick':
      return decide(l, o.at, config)
  }
}

function decide (l: Liveness, at: number, config: DetectorConfig): Liveness {
  if (l.state === 'left' || l.state === 'down') return l
  if (l.accusation !== undefined && at - l.accusation.startedAt >= suspicionTimeoutMs(l.accusation)) {
    return moveTo({ ...l, accusation: undefined }, 'down', at)
  }
  // A verdict of its own ends the accusation too: from down, a fresh snapshot brings the peer back.
  if (at - l.lastAliveAt > lifelessAfterMs(l, config)) return moveTo({ ...l, accusation: undefined }, 'down', at)
  const unreachable = l.probeFailures >= config.probeFailuresForDown
  if (l.state === 'suspect' && unreachable && !l.connected && at - l.since >= config.suspicionMs) return moveTo({ ...l, accusation: undefined }, 'down', at)
  if (unreachable || silent(l, at, config)) return moveTo(l, 'suspect', at)
  return l
}

/**
 * No sign of life for this long is down: downAfterMs, or twice the silence that makes a peer
 * suspect when the peer publishes rarely (a large mesh under its receive budget), where its
 * snapshots alone would say nothing of it for minutes and the probes speak for it.
 */
function lifelessAfterMs (l: Liveness, config: DetectorConfig): number {
  return Math.max(config.downAfterMs, 2 * config.suspectAfterIntervals * l.intervalMs)
}

/** No snapshot for more than suspectAfterIntervals of the peer's own intervals. */
function silent (l: Liveness, at: number, config: DetectorConfig): boolean {
  return at - l.lastHeardAt > config.suspectAfterIntervals * l.intervalMs
}

/**
 * How long the observer was stalled before `at`, from its last periodic tick: a tick (or a
 * check) later than one whole interval beyond the last means it was not running in between.
 */
export function localStallMs (lastTickAt: number | undefined, at: number, intervalMs: number): number {
  const late = lastTickAt === undefined ? 0 : at - lastTickAt - intervalMs
  return late > intervalMs ? late : 0
}

/** A last sign of life at `t`, with the part of the silence since that overlaps the observer's stall of `stallMs` before `at` excused: never later than `at`. */
export function excuseStall (t: number, stallMs: number, at: number): number {
  return t + Math.min(stallMs, Math.max(0, at - t))
}

/**
 * The observer was not running for the `stallMs` before `at` (its event loop was blocked, the
 * process was paused): it could not have heard anyone then, nor any refutation, so that time
 * does not count as silence, nor towards an accusation's timeout. Only the part of a peer's
 * silence (or of its accusation) that overlaps the stall is excused.
 */
export function forgiveLocalStall (l: Liveness, stallMs: number, at: number): Liveness {
  if (stallMs <= 0) return l
  const excuse = (t: number): number => excuseStall(t, stallMs, at)
  const accusation = l.accusation === undefined ? undefined : { ...l.accusation, startedAt: excuse(l.accusation.startedAt) }
  return { ...l, lastHeardAt: excuse(l.lastHeardAt), lastAliveAt: excuse(l.lastAliveAt), accusation }
}
