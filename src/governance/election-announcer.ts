import { createHash } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { create as createDigest } from 'multiformats/hashes/digest'
import type { Clock } from '../clock.ts'
import { errorMessage } from '../errors.ts'
import { BackgroundTasks, type Startable } from '../lifecycle.ts'
import type { Logger } from '../logging.ts'
import type { MeshLibp2p } from '../p2p/libp2p.ts'
import type { GovernanceService } from './governance-service.ts'
import type { GovernanceState } from './state.ts'

export interface ElectionAnnouncerComponents {
  /** The election is read from the replicated state; a candidacy is published like any governance object. */
  state: GovernanceState
  publish: GovernanceService['publish']
  /** The DHT to announce in and search, dials to the operators found, and the connections that make a search needless. */
  libp2p: Pick<MeshLibp2p, 'dial' | 'getConnections'> & { services: Pick<MeshLibp2p['services'], 'dht'> }
  clock: Clock
  log: Logger
  selfId: string
}

export interface ElectionAnnouncerInit {
  genesisHash: string
  /** Stand for election: renew a candidacy every epoch. */
  candidate: boolean
  /** How often the epoch is checked. */
  tickMs: number
  /** Bound of one DHT provide or provider query. */
  dhtTimeoutMs: number
  /** Bound of one dial of a bootstrap operator. */
  dialTimeoutMs: number
}

/**
 * The election's part in the network, once an epoch: renews this node's candidacy (a
 * candidate operator), announces it in the DHT under the network's bootstrap key while it is
 * elected, and connects to the bootstrap operators elected, found there.
 */
export class ElectionAnnouncer implements Startable {
  private readonly c: ElectionAnnouncerComponents
  private readonly init: ElectionAnnouncerInit
  private readonly bootstrapKey: CID
  private tasks: BackgroundTasks | undefined
  private timer: NodeJS.Timeout | undefined
  private lastEpoch = -1

  constructor (components: ElectionAnnouncerComponents, init: ElectionAnnouncerInit) {
    this.c = components
    this.init = init
    const digest = createHash('sha256').update(`meshnode:${init.genesisHash}:bootstrap-operators`).digest()
    this.bootstrapKey = CID.createV1(raw.code, createDigest(0x12, digest))
  }

  async start (): Promise<void> {
    if (this.tasks !== undefined) return
    this.tasks = new BackgroundTasks(err => { this.c.log.debug({ err: errorMessage(err) }, 'election task failed') })
    this.timer = setInterval(() => { this.tick() }, this.init.tickMs)
    this.tick()
  }

  async stop (): Promise<void> {
    const tasks = this.tasks
    if (tasks === undefined) return
    this.tasks = undefined
    clearInterval(this.timer)
    await tasks.stop()
  }

  /**
   * Connects to the current bootstrap operators, found through the DHT; returns those reached.
   * A provider query walks most of a small mesh, so it is made only for elected operators this
   * node is not connected to already (in a mesh where every node knows every other, none).
   */
  async connectBootstrapOperators (): Promise<string[]> {
    const electedIds = this.c.state.election(this.c.state.epochOf(this.c.clock.now())).elected
    const { connected, missing } = operatorsToFind(electedIds, this.c.selfId, id => this.c.libp2p.getConnections(peerIdFromString(id)).length > 0)
    const reached = [...connected]
    if (missing.length === 0) return reached
    const elected = new Set(electedIds)
    for await (const event of this.c.libp2p.services.dht.findProviders(this.bootstrapKey, { signal: this.bounded(this.init.dhtTimeoutMs) })) {
      if (event.name !== 'PROVIDER') continue
      for (const provider of event.providers) {
        const id = provider.id.toString()
        if (!elected.has(id) || reached.includes(id) || id === this.c.selfId || provider.multiaddrs.length === 0) continue
        try {
          await this.c.libp2p.dial(provider.multiaddrs.map(a => a.encapsulate(`/p2p/${id}`)), { signal: this.bounded(this.init.dialTimeoutMs) })
          reached.push(id)
        } catch (err) {
          this.c.log.debug({ peer: id, err: errorMessage(err) }, 'bootstrap operator not reachable')
        }
      }
      if (missing.every(id => reached.includes(id))) break
    }
    return reached
  }

  private bounded (ms: number): AbortSignal {
    return this.tasks?.bounded(ms) ?? AbortSignal.timeout(ms)
  }

  private tick (): void {
    const tasks = this.tasks
    if (tasks === undefined) return
    const now = this.c.clock.now()
    const epoch = this.c.state.epochOf(now)
    if (epoch === this.lastEpoch) return
    this.lastEpoch = epoch
    this.c.log.debug({ epoch, elected: this.c.state.election(epoch).elected }, 'epoch began: bootstrap operators elected')
    if (this.init.candidate) tasks.track(this.renewCandidacy(epoch, now))
    tasks.track(this.announceIfElected(epoch))
    // Each epoch, every node connects to the bootstrap operators it elected, found in the DHT.
    tasks.track(this.connectBootstrapOperators())
  }

  private async renewCandidacy (epoch: number, now: number): Promise<void> {
    if (!this.c.state.isOperator(this.c.selfId, now)) return
    await this.c.publish({ kind: 'candidacy', author: this.c.selfId, epoch: epoch + 1, time: now })
  }

  /** While elected, this node is findable in the DHT under the network's bootstrap key. */
  private async announceIfElected (epoch: number): Promise<void> {
    if (!this.c.state.election(epoch).elected.includes(this.c.selfId)) return
    await this.c.libp2p.services.dht.provide(this.bootstrapKey, { signal: this.bounded(this.init.dhtTimeoutMs) })
  }
}

/** The elected operators other than `selfId`, split into those already connected and those to look up. */
export function operatorsToFind (elected: readonly string[], selfId: string, isConnected: (peerId: string) => boolean): { connected: string[], missing: string[] } {
  const split: { connected: string[], missing: string[] } = { connected: [], missing: [] }
  // One look at each operator's connections (a peer id parsed, the connection map read).
  for (const id of elected) if (id !== selfId) (isConnected(id) ? split.connected : split.missing).push(id)
  return split
}
