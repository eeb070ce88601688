import type { Clock } from '../clock.ts'
import type { PeerSnapshot } from '../telemetry/peer-table.ts'
import { LatencyEwma } from './latency-ewma.ts'
import { fresherLoad, type ReceivedLoadReport } from './load-report.ts'
import type { LocalServices } from './local-services.ts'
import { Selector, capacityWeight, type PeerCandidate, type Selection, type StrategyName } from './strategies.ts'

/** This node's own figures for one peer, across services. */
export interface PeerRouteStats {
  inFlight: number
  selections: number
  errors: number
  latency: LatencyEwma
  /** The peer's load from its last response to this node (ORCA-style), with when it came. */
  report?: ReceivedLoadReport | undefined
}

export interface PeerSelectionComponents {
  selfId: string
  peers: () => PeerSnapshot[]
  /** This node's load as its peers see it in its telemetry, so that it competes on equal terms. */
  ownLoad: () => PeerCandidate['load']
  services: Pick<LocalServices, 'offers' | 'has'>
  /** Whether requests for the service may go to the peer now (not drained, breaker not open). */
  admits: (peerId: string, service: string, now: number) => boolean
  clock: Clock
  random: () => number
}

export interface PeerSelectionInit {
  strategy: StrategyName
  /** Weights by peer id for weighted_round_robin; others weigh their advertised capacity, bounded (capacityWeight). */
  weights: Record<string, number>
  /** Decay time of each peer's latency EWMA. */
  latencyDecayMs: number
}

/**
 * Which peer serves a request: the healthy peers (and this node) that offer the service and
 * that the failover state admits, seen with this node's statistics of each, picked by the
 * configured strategy with one selector per service.
 */
export class PeerSelection {
  private readonly c: PeerSelectionComponents
  private readonly latencyDecayMs: number
  private currentStrategy: StrategyName
  private currentWeights: Record<string, number>
  private readonly selectors = new Map<string, Selector>()
  private readonly stats = new Map<string, PeerRouteStats>()

  constructor (components: PeerSelectionComponents, init: PeerSelectionInit) {
    this.c = components
    this.latencyDecayMs = init.latencyDecayMs
    this.currentStrategy = init.strategy
    this.currentWeights = { ...init.weights }
  }

  get strategy (): StrategyName {
    return this.currentStrategy
  }

  get weights (): Record<string, number> {
    return { ...this.currentWeights }
  }

  configure (change: { strategy?: StrategyName, weights?: Record<string, number> }): void {
    if (change.strategy !== undefined) {
      this.currentStrategy = change.strategy
      for (const s of this.selectors.values()) s.setStrategy(change.strategy)
    }
    if (change.weights !== undefined) this.currentWeights = { ...change.weights }
  }

  /** Every service the peers advertise, with the peers that advertise it (this node's own: LocalServices). */
  peerServices (): Map<string, PeerSnapshot[]> {
    const map = new Map<string, PeerSnapshot[]>()
    for (const p of this.c.peers()) {
      for (const s of p.snapshot.services) {
        const list = map.get(s.name)
        if (list === undefined) map.set(s.name, [p])
        else list.push(p)
      }
    }
    return map
  }

  /** Asked for every routed request: whether anyone offers the service, without building the map. */
  isKnown (service: string): boolean {
    return this.c.services.has(service) || this.c.peers().some(p => p.snapshot.services.some(s => s.name === service))
  }

  /** The peers that could serve `service` now, as the strategies see them. */
  candidates (service: string): PeerCandidate[] {
    const now = this.c.clock.now()
    const list: PeerCandidate[] = []
    this.eachEligible(service, now, (peerId, capacity, p) => {
      const stats = this.statsOf(peerId)
      // This node has no report of its own (it never routes to itself over the protocol): its load is current.
      const gossiped = p === undefined
        ? { load: this.c.ownLoad(), receivedAt: now }
        : { load: { cpu: p.snapshot.cpu, activeRequests: p.snapshot.requests.active }, receivedAt: p.receivedAt }
      list.push({
        peerId,
        capacity,
        weight: this.currentWeights[peerId] ?? capacityWeight(capacity),
        inFlight: stats.inFlight,
        latencyMs: stats.latency.value(now),
        load: fresherLoad(stats.report, gossiped)
      })
      return false
    })
    return list
  }

  /** Whether any peer could serve `service` now: candidates' test, stopping at the first, with no candidate built. */
  hasCandidate (service: string): boolean {
    return this.eachEligible(service, this.c.clock.now(), () => true)
  }

  /**
   * Visits the healthy peers offering `service`, then this node if it offers it, that the
   * failover state admits (`p` undefined for this node), until `visit` returns true; returns whether it did.
   */
  private eachEligible (service: string, now: number, visit: (peerId: string, capacity: number, p: PeerSnapshot | undefined) => boolean): boolean {
    for (const p of this.c.peers()) {
      const offer = p.snapshot.services.find(s => s.name === service)
      if (offer !== undefined && p.state === 'healthy' && this.c.admits(p.peerId, service, now) && visit(p.peerId, offer.capacity, p)) return true
    }
    const local = this.c.services.offers().find(s => s.name === service)
    return local !== undefined && this.c.admits(this.c.selfId, service, now) && visit(this.c.selfId, local.capacity, undefined)
  }

  /** What the strategy picks now among the candidates not in `exclude` (the peers a request tried already). */
  select (service: string, exclude: ReadonlySet<string> = new Set()): { selection: Selection, candidate: PeerCandidate } | undefined {
    const candidates = this.candidates(service).filter(c => !exclude.has(c.peerId))
    const selection = this.selector(service).pick(candidates, this.c.random)
    const candidate = candidates.find(c => c.peerId === selection?.peerId)
    return selection === undefined || candidate === undefined ? undefined : { selection, candidate }
  }

  /** The statistics of one peer, created on first use; the router updates them as its attempts go. */
  statsOf (peerId: string): PeerRouteStats {
    let s = this.stats.get(peerId)
    if (s === undefined) {
      s = { inFlight: 0, selections: 0, errors: 0, latency: new LatencyEwma({ decayMs: this.latencyDecayMs }) }
      this.stats.set(peerId, s)
    }
    return s
  }

  peerStats (): Map<string, PeerRouteStats> {
    return this.stats
  }

  private selector (service: string): Selector {
    let s = this.selectors.get(service)
    if (s === undefined) {
      s = new Selector(this.currentStrategy)
      this.selectors.set(service, s)
    }
    return s
  }
}
