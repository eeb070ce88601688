/**
 * A SWIM suspicion with Lifeguard's independent confirmations (memberlist's suspicion.go): a
 * peer that one node accused stays suspect for a time that starts at `maxMs` and shrinks
 * towards `minMs` as other nodes accuse it independently, so that a peer many nodes cannot
 * reach is declared down fast and one accused by a single (perhaps slow) node is given time to
 * refute. Pure: the timeout is a function of the suspicion and nothing else.
 */
export interface SuspicionConfig {
  /** The least suspicion lasts this many probe intervals, times log10 of the members (memberlist's SuspicionMult). */
  mult: number
  /** With no confirmation, a suspicion lasts this many times the least (memberlist's SuspicionMaxTimeoutMult). */
  maxMult: number
  /** Independent confirmations that bring a suspicion down to its least timeout (Lifeguard's k). */
  confirmations: number
  /** The interval at which every node probes one peer. */
  probeIntervalMs: number
}

export interface Suspicion {
  startedAt: number
  minMs: number
  maxMs: number
  /** Confirmations expected; 0 when the mesh is too small for any (then the least timeout applies). */
  k: number
  /** Who accused the peer, the first one first; every later one is a confirmation. */
  accusers: readonly string[]
}

/** The least suspicion time in a mesh of `members` nodes: longer in a larger mesh, where news takes longer to spread. */
export function minSuspicionMs (members: number, config: SuspicionConfig): number {
  const scale = Math.max(1, Math.log10(Math.max(1, members)))
  return Math.round(config.mult * scale * config.probeIntervalMs)
}

export function newSuspicion (at: number, accuser: string, members: number, config: SuspicionConfig): Suspicion {
  const minMs = minSuspicionMs(members, config)
  // As memberlist: in a mesh too small for k others to confirm, waiting for them would only delay.
  const k = members - 2 < config.confirmations ? 0 : config.confirmations
  return { startedAt: at, minMs, maxMs: config.maxMult * minMs, k, accusers: [accuser] }
}

/** The suspicion with one more accuser, or the same one if that node had already accused. */
export function confirm (s: Suspicion, accuser: string): Suspicion {
  return s.accusers.includes(accuser) ? s : { ...s, accusers: [...s.accusers, accuser] }
}

/** How long this suspicion lasts in all, from `startedAt`: memberlist's remainingSuspicionTime before elapsed time. */
export function suspicionTimeoutMs (s: Suspicion): number {
  if (s.k < 1) return s.minMs
  const confirmations = Math.min(s.k, s.accusers.length - 1)
  const frac = Math.log(confirmations + 1) / Math.log(s.k + 1)
  return Math.max(s.minMs, Math.floor(s.maxMs - frac * (s.maxMs - s.minMs)))
}
