import { MAX_CAPACITY } from '../telemetry/snapshot.ts'

/**
 * Peer selection for one service: given the peers that offer it, pick one. Pure: the live
 * figures arrive as candidates, randomness as a function. Candidates are ordered by peerId
 * first, so a pick depends on the set of peers and on `random`, never on the caller's order.
 */
export type StrategyName = 'round_robin' | 'weighted_round_robin' | 'least_connections' | 'adaptive'

export const STRATEGY_NAMES: readonly StrategyName[] = ['round_robin', 'weighted_round_robin', 'least_connections', 'adaptive']

export interface PeerCandidate {
  peerId: string
  /** Advertised capacity, ≥ 0. */
  capacity: number
  /** > 0, from config or capacity. */
  weight: number
  /** This node's in-flight requests to the peer. */
  inFlight: number
  /** This node's latency EWMA for the peer; undefined until it has answered once. */
  latencyMs: number | undefined
  /** Gossiped by the peer: cpu in 0..1 and its active requests from all callers. */
  load: { cpu: number, activeRequests: number }
}

export interface Selection {
  peerId: string
  /** Short, for logs and the status API: 'round_robin', 'least in-flight (2)', 'p2c: cost 3.1 < 7.4'. */
  reason: string
  cost?: number
}

/**
 * How far a peer's advertised capacity (with the load it reports against it) can scale its
 * adaptive cost: at most this factor. A peer's claims thus never outweigh this node's own
 * measurements by more than that: a peer 5 times slower loses whatever capacity it claims.
 */
export const MAX_CAPACITY_FACTOR = 4

/** An advertised capacity as the strategies use it: within 1..MAX_CAPACITY, whatever was claimed. */
export function boundedCapacity (capacity: number): number {
  return Math.min(MAX_CAPACITY, Math.max(1, Number.isFinite(capacity) ? capacity : 1))
}

/**
 * The weighted-round-robin weight a peer's advertised capacity earns when the operator set
 * none: logarithmic, 1 (capacity 0) to about 14 (MAX_CAPACITY), so that no claim buys more
 * than about 14 times the share of the smallest peer.
 */
export function capacityWeight (capacity: number): number {
  return 1 + Math.log2(1 + boundedCapacity(Math.max(0, capacity)))
}

/**
 * The adaptive cost of a peer, lower is better:
 *
 *   (latencyMs ?? prior) × (inFlight + 1) × (1 + cpu) × min(4, 1 + activeRequests / capacity)
 *
 * with the capacity bounded to 1..MAX_CAPACITY. Latency and in-flight are this node's own live
 * view (latency × queue depth, as peak EWMA). The gossiped factors only scale it up: cpu at
 * most doubles the cost, and each capacity's worth of requests the peer reports active adds
 * the cost once more, up to MAX_CAPACITY_FACTOR; gossip that is seconds old thus shades a
 * choice while this node's own figures drive it.
 */
export function costOf (c: PeerCandidate, priorLatencyMs: number): number {
  return (c.latencyMs ?? priorLatencyMs) *
    (c.inFlight + 1) *
    (1 + c.load.cpu) *
    Math.min(MAX_CAPACITY_FACTOR, 1 + c.load.activeRequests / boundedCapacity(c.capacity))
}

/** The latency assumed for a peer never measured: the median of the known ones, else 1 ms. */
function priorLatency (candidates: readonly PeerCandidate[]): number {
  const known = candidates.flatMap(c => c.latencyMs === undefined ? [] : [c.latencyMs]).sort((a, b) => a - b)
  const mid = Math.floor(known.length / 2)
  const hi = known[mid]
  if (hi === undefined) return 1
  return known.length % 2 === 1 ? hi : (hi + (known[mid - 1] ?? hi)) / 2
}

type NonEmpty<T> = [T, ...T[]]

function nonEmpty<T> (items: T[]): NonEmpty<T> | undefined {
  return items.length > 0 ? items as NonEmpty<T> : undefined
}

/** A uniformly random element; the fallback covers a `random` that returns 1. */
function randomChoice<T> (items: NonEmpty<T>, random: () => number): T {
  return items[Math.floor(random() * items.length)] ?? items[0]
}

function byPeerId (a: PeerCandidate, b: PeerCandidate): number {
  return a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0
}

/** One per service: holds the strategy's state between picks. */
export class Selector {
  private name: StrategyName
  /** round_robin: the peer picked last; the next pick is the first peerId after it. */
  private lastPicked: string | undefined
  /** weighted_round_robin: each peer's current weight (nginx smooth WRR). */
  private currentWeights = new Map<string, number>()

  constructor (strategy: StrategyName) {
    this.name = strategy
  }

  get strategy (): StrategyName {
    return this.name
  }

  setStrategy (s: StrategyName): void {
    this.name = s
    this.lastPicked = undefined
    this.currentWeights = new Map()
  }

  pick (candidates: PeerCandidate[], random: () => number): Selection | undefined {
    const sorted = nonEmpty([...candidates].sort(byPeerId))
    if (sorted === undefined) return undefined
    switch (this.name) {
      case 'round_robin': return this.roundRobin(sorted)
      case 'weighted_round_robin': return this.weightedRoundRobin(sorted)
      case 'least_connections': return leastConnections(sorted, random)
      case 'adaptive': return powerOfTwoChoices(sorted, random)
    }
  }

  /** Remembering the last peerId, not an index, keeps the cycle fair when peers come and go. */
  private roundRobin (sorted: NonEmpty<PeerCandidate>): Selection {
    const last = this.lastPicked
    const next = (last === undefined ? undefined : sorted.find(c => c.peerId > last)) ?? sorted[0]
    this.lastPicked = next.peerId
    return { peerId: next.peerId, reason: 'round_robin' }
  }

  /**
   * nginx's smooth weighted round robin: every peer gains its weight, the highest current
   * weight wins (the first in peerId order on a tie) and loses the total. Picks interleave
   * (5:1:1 gives a a b a c a a) instead of bursting. Peers that left are forgotten; new ones
   * start at 0.
   */
  private weightedRoundRobin (sorted: NonEmpty<PeerCandidate>): Selection {
    const next = new Map<string, number>()
    let total = 0
    let best = sorted[0]
    let bestWeight = -Infinity
    for (const c of sorted) {
      const w = (this.currentWeights.get(c.peerId) ?? 0) + c.weight
      next.set(c.peerId, w)
      total += c.weight
      if (w > bestWeight) {
        best = c
        bestWeight = w
      }
    }
    next.set(best.peerId, bestWeight - total)
    this.currentWeights = next
    return { peerId: best.peerId, reason: `weighted_round_robin (weight ${best.weight})` }
  }
}

/** Fewest in-flight; a random one among the tied, so equal peers share the load. */
function leastConnections (sorted: NonEmpty<PeerCandidate>, random: () => number): Selection {
  const least = Math.min(...sorted.map(c => c.inFlight))
  // Empty only if some inFlight is NaN; then any peer will do.
  const tied = nonEmpty(sorted.filter(c => c.inFlight === least)) ?? sorted
  const chosen = randomChoice(tied, random)
  return { peerId: chosen.peerId, reason: `least in-flight (${least})` }
}

/**
 * Power of two choices: sample two distinct peers, take the cheaper (the first sampled on a
 * tie, so equal peers share evenly). Always taking the global minimum would send every node to
 * the same peer on the same stale gossip; sampling, and this node's own in-flight count in the
 * cost, spread them.
 */
function powerOfTwoChoices (sorted: NonEmpty<PeerCandidate>, random: () => number): Selection {
  const prior = priorLatency(sorted)
  const a = randomChoice(sorted, random)
  const rest = nonEmpty(sorted.filter(c => c !== a))
  if (rest === undefined) return { peerId: a.peerId, reason: 'only candidate', cost: costOf(a, prior) }
  const b = randomChoice(rest, random)
  const costA = costOf(a, prior)
  const costB = costOf(b, prior)
  const [winner, cost, other] = costB < costA ? [b, costB, costA] : [a, costA, costB]
  const op = cost < other ? '<' : '='
  return { peerId: winner.peerId, reason: `p2c: cost ${cost.toFixed(1)} ${op} ${other.toFixed(1)}`, cost }
}
