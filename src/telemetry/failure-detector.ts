/**
 * The failure detector: one state machine per peer whose transitions all sit here, in the
 * manner of memberlist. It is pure: each function takes the peer's liveness and an
 * observation and returns the next liveness; time arrives with the observation.
 *
 *   healthy --(no snapshot for suspectAfter, connection lost, or failed probes)--> suspect
 *   suspect --(fresh snapshot)--> healthy
 *   suspect --(for suspicionMs, with no connection and probeFailuresForDown failed probes in a row)--> down
 *   any     --(no sign of life, snapshot or probe answer, for downAfter)--> down
 *   down    --(fresh snapshot)--> healthy;  down --(probe answered)--> suspect
 *
 * A peer is declared down only on strong evidence: it cannot be reached at all (its
 * connections are gone and dialling it fails) for a while, or it has been silent for a long
 * time. A slow peer keeps its connections, so missed snapshots and timed-out pings make it
 * suspect, never down; and a suspicion must last `suspicionMs` before it becomes a verdict,
 * so that a peer stalled for a moment (or an observer that was) is not condemned. The observer's own stalls are not held against its peers (Lifeguard): see
 * `forgiveLocalStall`.
 */
export type PeerState = 'healthy' | 'suspect' | 'down'

export interface DetectorConfig {
  /** Silence, in the peer's own publication intervals, after which it becomes suspect. */
  suspectAfterIntervals: number
  /** Failed probes in a row that make a peer suspect, and with no connection, down. */
  probeFailuresForDown: number
  /** How long a peer stays suspect, at least, before it can be declared down. */
  suspicionMs: number
  /** No sign of life for this long makes a peer down even if a connection seems open. */
  downAfterMs: number
}

export interface Liveness {
  state: PeerState
  since: number
  /** Last fresh snapshot. */
  lastHeardAt: number
  /** Last snapshot or answered probe. */
  lastAliveAt: number
  intervalMs: number
  connected: boolean
  probeFailures: number
}

export type Observation =
  | { kind: 'snapshot', at: number, intervalMs: number }
  | { kind: 'connection', at: number, connected: boolean }
  | { kind: 'probe', at: number, ok: boolean }
  | { kind: 'tick', at: number }

export function initialLiveness (at: number, intervalMs: number, connected: boolean): Liveness {
  return { state: 'healthy', since: at, lastHeardAt: at, lastAliveAt: at, intervalMs, connected, probeFailures: 0 }
}

function moveTo (l: Liveness, state: PeerState, at: number): Liveness {
  return l.state === state ? l : { ...l, state, since: at }
}

export function observe (l: Liveness, o: Observation, config: DetectorConfig): Liveness {
  switch (o.kind) {
    case 'snapshot':
      return moveTo({ ...l, lastHeardAt: o.at, lastAliveAt: o.at, intervalMs: o.intervalMs, probeFailures: 0 }, 'healthy', o.at)
    case 'connection': {
      const next = { ...l, connected: o.connected }
      return !o.connected && l.state === 'healthy' ? moveTo(next, 'suspect', o.at) : next
    }
    case 'probe': {
      if (o.ok) {
        const next = { ...l, lastAliveAt: o.at, probeFailures: 0 }
        return l.state === 'down' ? moveTo(next, 'suspect', o.at) : next
      }
      return decide({ ...l, probeFailures: l.probeFailures + 1 }, o.at, config)
    }
    case 'tick':
      return decide(l, o.at, config)
  }
}

function decide (l: Liveness, at: number, config: DetectorConfig): Liveness {
  if (at - l.lastAliveAt > config.downAfterMs) return moveTo(l, 'down', at)
  if (l.state === 'down') return l
  const unreachable = l.probeFailures >= config.probeFailuresForDown
  if (l.state === 'suspect' && unreachable && !l.connected && at - l.since >= config.suspicionMs) return moveTo(l, 'down', at)
  if (unreachable || at - l.lastHeardAt > config.suspectAfterIntervals * l.intervalMs) return moveTo(l, 'suspect', at)
  return l
}

/** Whether the detector wants this peer probed now: only peers it doubts. */
export function needsProbe (l: Liveness): boolean {
  return l.state === 'suspect'
}

/**
 * The observer was not running for the `stallMs` before `at` (its event loop was blocked, the
 * process was paused): it could not have heard anyone then, so that time does not count as
 * silence. Only the part of a peer's silence that overlaps the stall is excused.
 */
export function forgiveLocalStall (l: Liveness, stallMs: number, at: number): Liveness {
  const excuse = (t: number): number => t + Math.min(stallMs, Math.max(0, at - t))
  return stallMs > 0 ? { ...l, lastHeardAt: excuse(l.lastHeardAt), lastAliveAt: excuse(l.lastAliveAt) } : l
}
