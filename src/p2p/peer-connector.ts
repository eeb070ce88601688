import { randomBytes } from 'node:crypto'
import type { PeerId, PeerInfo } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'
import type { MeshLibp2p } from './libp2p.ts'

export interface PeerConnectorComponents {
  /** It dials, walks the DHT and reads the peer store: the libp2p node itself. */
  libp2p: MeshLibp2p
  isRefused: (peerId: string) => boolean
  log: Logger
}

/** The connector's timings, part of the node's tuning (src/tuning.ts `peers`, where their values have their reasons). */
export interface PeerConnectorTuning {
  /** How often the connector checks it has enough peers. */
  maintainIntervalMs: number
  /** Discovered peers dialled per maintenance round. */
  dialsPerRound: number
  dialTimeoutMs: number
  /** Longest wait between dials of the bootstrap peers while the node has no peer. */
  maxBackoffMs: number
  /**
   * A DHT random walk costs a query to most peers: it is repeated after `walkEveryMs` while walks
   * reveal peers this node is not connected to (or after it lost peers), and after twice as long
   * each time one revealed none, up to `walkEveryMaxMs`.
   */
  walkEveryMs: number
  walkEveryMaxMs: number
}

export interface PeerConnectorInit extends PeerConnectorTuning {
  bootstrap: Multiaddr[]
  /** Peers known from an earlier run, tried like bootstrap peers. */
  remembered: Multiaddr[]
  /** Below this many connections the connector looks for more peers. */
  targetPeers: number
}

/**
 * Keeps this node in the mesh. While it has no peer it dials the bootstrap (and remembered)
 * addresses with exponential backoff; while it has fewer peers than its target it dials
 * peers that the DHT and other peers revealed, and walks the DHT for more.
 */
export class PeerConnector {
  private readonly c: PeerConnectorComponents
  private readonly opts: PeerConnectorInit
  private timer: NodeJS.Timeout | undefined
  private bootstrapFailures = 0
  private nextBootstrapAt = 0
  private running = false
  private round: Promise<void> = Promise.resolve()
  private lastWalk: { at: number, peers: number, nextInMs: number }
  /** Whether the peer store may hold a peer worth dialling: scanning it decodes every record, so only after news. */
  private candidatesMayExist = true

  constructor (components: PeerConnectorComponents, opts: PeerConnectorInit) {
    this.c = components
    this.opts = opts
    this.lastWalk = { at: 0, peers: -1, nextInMs: opts.walkEveryMs }
  }

  async start (): Promise<void> {
    if (this.running) return
    this.running = true
    this.c.libp2p.addEventListener('peer:discovery', this.onDiscovery)
    this.c.libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    this.schedule(0)
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    clearTimeout(this.timer)
    this.c.libp2p.removeEventListener('peer:discovery', this.onDiscovery)
    this.c.libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    await this.round
  }

  setTargetPeers (target: number): void {
    this.opts.targetPeers = target
  }

  private readonly onDisconnect = (): void => {
    this.candidatesMayExist = true
  }

  private readonly onDiscovery = (evt: CustomEvent<PeerInfo>): void => {
    this.candidatesMayExist = true
    if (!this.running || this.connectedCount() >= this.opts.targetPeers || evt.detail.multiaddrs.length === 0) return
    void this.dial(evt.detail.id, evt.detail.multiaddrs)
  }

  private schedule (delayMs: number): void {
    if (!this.running) return
    this.timer = setTimeout(() => {
      this.round = this.maintain()
        .catch((err: unknown) => this.c.log.warn({ err: errorMessage(err) }, 'peer maintenance failed'))
        .finally(() => this.schedule(this.opts.maintainIntervalMs))
    }, delayMs)
  }

  private connectedCount (): number {
    return this.c.libp2p.getPeers().length
  }

  private async maintain (): Promise<void> {
    if (this.connectedCount() === 0) {
      await this.dialBootstrap()
      if (this.connectedCount() === 0) return
    }
    if (this.connectedCount() >= this.opts.targetPeers) return
    if (this.candidatesMayExist) await this.dialKnownPeers()
    const peers = this.connectedCount()
    if (peers >= this.opts.targetPeers) return
    // Lost peers: walk again soon. Otherwise the last walk's finds set the pace (nextWalkInMs).
    if (peers < this.lastWalk.peers) this.lastWalk.nextInMs = this.opts.walkEveryMs
    this.lastWalk.peers = peers
    if (Date.now() - this.lastWalk.at > this.lastWalk.nextInMs) {
      this.lastWalk.at = Date.now()
      this.lastWalk.nextInMs = nextWalkInMs(this.lastWalk.nextInMs, await this.randomWalk(), this.opts)
    }
  }

  /** Dials up to `dialsPerRound` peers of the peer store this node is not connected to. */
  private async dialKnownPeers (): Promise<void> {
    const connected = new Set(this.c.libp2p.getPeers().map(p => p.toString()))
    const self = this.c.libp2p.peerId.toString()
    const candidates = (await this.c.libp2p.peerStore.all())
      .filter(p => { const s = p.id.toString(); return p.addresses.length > 0 && s !== self && !connected.has(s) && !this.c.isRefused(s) })
    // More than one round's worth: look again next round; otherwise until news arrives.
    this.candidatesMayExist = candidates.length > this.opts.dialsPerRound
    await Promise.all(candidates.slice(0, this.opts.dialsPerRound).map(async p => { await this.dial(p.id, p.addresses.map(a => a.multiaddr)) }))
  }

  private async dialBootstrap (): Promise<void> {
    const addrs = [...this.opts.bootstrap, ...this.opts.remembered]
    if (addrs.length === 0 || Date.now() < this.nextBootstrapAt) return
    const results = await Promise.allSettled(addrs.map(async a => await this.c.libp2p.dial(a, { signal: AbortSignal.timeout(this.opts.dialTimeoutMs) })))
    if (results.some(r => r.status === 'fulfilled')) {
      this.bootstrapFailures = 0
      this.c.log.info({ peers: this.connectedCount() }, 'connected to bootstrap peers')
      return
    }
    this.bootstrapFailures++
    const backoff = Math.min(this.opts.maxBackoffMs, 500 * 2 ** (this.bootstrapFailures - 1))
    this.nextBootstrapAt = Date.now() + backoff
    this.c.log.info({ attempt: this.bootstrapFailures, retryInMs: backoff, error: describe(results) }, 'bootstrap peers not reachable, retrying')
  }

  /**
   * Dials a peer at the given addresses. Never by peer id alone: that starts a DHT lookup,
   * and while it is pending every other dial to that peer waits on it.
   */
  private async dial (peerId: PeerId, addrs: Multiaddr[]): Promise<void> {
    if (peerId.equals(this.c.libp2p.peerId) || this.c.isRefused(peerId.toString()) || addrs.length === 0) return
    try {
      await this.c.libp2p.dial(addrs.map(a => a.getPeerId() === null ? a.encapsulate(`/p2p/${peerId.toString()}`) : a), { signal: AbortSignal.timeout(this.opts.dialTimeoutMs) })
    } catch (err) {
      this.c.log.debug({ peer: peerId.toString(), err: errorMessage(err) }, 'dial failed')
    }
  }

  /**
   * A DHT query for a random key: every peer met on the way lands in the peer store. Returns
   * how many of the peers it ended on this node was not connected to.
   */
  private async randomWalk (): Promise<number> {
    const signal = AbortSignal.timeout(this.opts.dialTimeoutMs)
    let revealed = 0
    try {
      for await (const event of this.c.libp2p.services.dht.getClosestPeers(randomBytes(32), { signal })) {
        if (event.name !== 'FINAL_PEER' || event.peer.id.equals(this.c.libp2p.peerId) || this.c.libp2p.getConnections(event.peer.id).length > 0) continue
        revealed++
        if (this.connectedCount() < this.opts.targetPeers) void this.dial(event.peer.id, event.peer.multiaddrs)
      }
    } catch (err) {
      this.c.log.debug({ err: errorMessage(err) }, 'random walk ended early')
    }
    return revealed
  }
}

/** The wait before the next random walk: the shortest after one that revealed peers, twice the last (up to the longest) after one that revealed none. */
export function nextWalkInMs (lastInMs: number, revealed: number, t: Pick<PeerConnectorTuning, 'walkEveryMs' | 'walkEveryMaxMs'>): number {
  return revealed > 0 ? t.walkEveryMs : Math.min(t.walkEveryMaxMs, Math.max(t.walkEveryMs, lastInMs * 2))
}

function describe (results: Array<PromiseSettledResult<unknown>>): string {
  return results.map(r => r.status === 'rejected' ? errorMessage(r.reason) : 'ok').join('; ')
}
