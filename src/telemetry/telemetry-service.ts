import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Clock } from '../clock.ts'
import { MeshError, errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'
import { dialTarget } from '../p2p/dial-target.ts'
import { gossipValidator, type GossipCounter } from '../p2p/gossip-validation.ts'
import type { MeshLibp2p } from '../p2p/libp2p.ts'
import type { LoadHistory } from './load-history.ts'
import type { LoadSampler } from './load-sampler.ts'
import type { PeerTable } from './peer-table.ts'
import { encodeSnapshot, type ServiceOffer, type TelemetrySnapshot } from './snapshot.ts'
import { validateTelemetry } from './validator.ts'

export interface TelemetryComponents {
  libp2p: MeshLibp2p
  clock: Clock
  peerTable: PeerTable
  sampler: LoadSampler
  history: LoadHistory
  /** The node's gossip counters: what it publishes, and through the validator what it receives and rejects. */
  metrics: GossipCounter
  log: Logger
}

export interface TelemetryInit {
  topic: string
  intervalMs: number
  /** How often the failure detector advances; the peer table must be built with the same. */
  tickIntervalMs: number
  /** A probe ping slower than this counts as failed. */
  probeTimeoutMs: number
  /** One healthy peer is pinged for its RTT every this many ticks. */
  rttEveryTicks: number
  /** Read per message: governance may change it. */
  maxSkewMs: () => number
  /** What the snapshot says of this node beyond its measured load. */
  describeSelf: () => { services: ServiceOffer[], apiUrl: string, region: string, version: string }
}

export interface DiagnosticsResult {
  peerId: string
  sent: number
  received: number
  rttsMs: Array<number | null>
  errors: string[]
}

/**
 * Publishes this node's snapshot every interval, validates and applies the snapshots of
 * others, and probes the peers the failure detector doubts.
 */
export class TelemetryService {
  private readonly c: TelemetryComponents
  private readonly opts: TelemetryInit
  private readonly incarnation: number
  private readonly startedAt: number
  private seq = 0
  private intervalMs: number
  private publishTimer: NodeJS.Timeout | undefined
  private tickTimer: NodeJS.Timeout | undefined
  private rttCursor = 0
  private ticks = 0
  private probing = false
  private lastPublished: TelemetrySnapshot | undefined
  subscribed = false

  constructor (components: TelemetryComponents, opts: TelemetryInit) {
    this.c = components
    this.opts = opts
    this.intervalMs = opts.intervalMs
    this.startedAt = components.clock.now()
    this.incarnation = this.startedAt
  }

  get interval (): number {
    return this.intervalMs
  }

  get published (): TelemetrySnapshot | undefined {
    return this.lastPublished
  }

  async start (): Promise<void> {
    if (this.subscribed) return
    const { libp2p } = this.c
    const pubsub = libp2p.services.pubsub
    pubsub.topicValidators.set(this.opts.topic, gossipValidator({
      topic: this.opts.topic,
      validate: validateTelemetry,
      context: signer => {
        const skew = this.opts.maxSkewMs()
        return { last: this.c.peerTable.position(signer.toString()), now: this.c.clock.now(), maxSkewMs: skew, maxAgeMs: skew }
      },
      handle: (snapshot, author) => {
        this.c.peerTable.applySnapshot(author.toString(), snapshot, this.c.clock.now(), this.c.libp2p.getConnections(author).length > 0)
      }
    }, this.c))
    libp2p.addEventListener('peer:connect', this.onConnect)
    libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    pubsub.subscribe(this.opts.topic)
    this.subscribed = true
    this.schedulePublish(0)
    this.tickTimer = setInterval(this.tick, this.opts.tickIntervalMs)
  }

  async stop (): Promise<void> {
    if (!this.subscribed) return
    const { libp2p } = this.c
    clearTimeout(this.publishTimer)
    clearInterval(this.tickTimer)
    libp2p.removeEventListener('peer:connect', this.onConnect)
    libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    libp2p.services.pubsub.topicValidators.delete(this.opts.topic)
    this.subscribed = false
  }

  /** Changes the publication interval at run time; the next snapshot announces it. */
  setInterval (ms: number): void {
    this.intervalMs = ms
    clearTimeout(this.publishTimer)
    this.schedulePublish(ms)
  }

  private schedulePublish (delayMs: number): void {
    this.publishTimer = setTimeout(() => {
      this.publish()
      this.schedulePublish(this.intervalMs)
    }, delayMs)
  }

  private publish (): void {
    const now = this.c.clock.now()
    const load = this.c.sampler.sample(now)
    this.c.history.add(now, load)
    const snapshot: TelemetrySnapshot = {
      incarnation: this.incarnation,
      seq: ++this.seq,
      time: now,
      intervalMs: this.intervalMs,
      ...load,
      ...this.opts.describeSelf(),
      uptimeMs: now - this.startedAt
    }
    this.lastPublished = snapshot
    this.c.libp2p.services.pubsub.publish(this.opts.topic, encodeSnapshot(snapshot))
      .then(() => this.c.metrics.gossip(this.opts.topic, 'published'))
      .catch((err: unknown) => this.c.log.warn({ err: errorMessage(err) }, 'telemetry publish failed'))
  }

  private readonly onConnect = (evt: CustomEvent<PeerId>): void => {
    this.c.peerTable.connectionChanged(evt.detail.toString(), true, this.c.clock.now())
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    this.c.peerTable.connectionChanged(evt.detail.toString(), false, this.c.clock.now())
  }

  private readonly tick = (): void => {
    this.c.peerTable.tick(this.c.clock.now())
    if (!this.probing) {
      this.probing = true
      void this.probeRound().finally(() => { this.probing = false })
    }
  }

  /** Pings the doubted peers, and now and then one healthy connected peer for its RTT. */
  private async probeRound (): Promise<void> {
    const { peerTable } = this.c
    const doubted = peerTable.doubted()
    const rtt: string[] = []
    if (++this.ticks % this.opts.rttEveryTicks === 0) {
      const healthy = peerTable.list(this.c.clock.now()).filter(p => p.state === 'healthy' && p.connected).map(p => p.peerId)
      const id = healthy[this.rttCursor++ % Math.max(1, healthy.length)]
      if (id !== undefined) rtt.push(id)
    }
    await Promise.all([...doubted, ...rtt].map(async id => { await this.probe(id) }))
  }

  async probe (peerId: string): Promise<void> {
    const { peerTable, clock } = this.c
    try {
      const rttMs = await this.ping(peerId, this.opts.probeTimeoutMs)
      peerTable.probeResult(peerId, { ok: true, rttMs }, clock.now())
    } catch {
      peerTable.probeResult(peerId, { ok: false }, clock.now())
    }
  }

  /** One ping: the RTT in milliseconds. A probe must answer fast: no DHT lookup (see dialTarget). */
  async ping (peerId: string, timeoutMs: number): Promise<number> {
    return await this.c.libp2p.services.ping.ping(await dialTarget(this.c.libp2p, peerId), { signal: AbortSignal.timeout(timeoutMs) })
  }

  /** Pings a peer `count` times, one after the other, and reports every RTT. */
  async diagnose (peerId: string, count: number, timeoutMs: number): Promise<DiagnosticsResult> {
    try {
      peerIdFromString(peerId)
    } catch {
      throw new MeshError('VALIDATION_ERROR', 'peer_id is not a valid peer id', { field: 'peer_id' })
    }
    if (!this.c.peerTable.has(peerId) && !this.c.libp2p.getPeers().some(p => p.toString() === peerId)) {
      throw new MeshError('NOT_FOUND', `peer ${peerId} is not known to this node`, { peer_id: peerId })
    }
    const result: DiagnosticsResult = { peerId, sent: 0, received: 0, rttsMs: [], errors: [] }
    for (let i = 0; i < count; i++) {
      result.sent++
      try {
        result.rttsMs.push(await this.ping(peerId, timeoutMs))
        result.received++
      } catch (err) {
        result.rttsMs.push(null)
        result.errors.push(errorMessage(err))
      }
    }
    return result
  }

}
