import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { errorMessage } from '../errors.ts'
import type { Startable } from '../lifecycle.ts'
import type { Logger } from '../logging.ts'
import type { MeshDatabase } from '../storage/database.ts'
import type { MeshLibp2p } from './libp2p.ts'

export interface PeerMemoryComponents {
  /** Where the addresses are kept: the database's node-level facts. */
  meta: Pick<MeshDatabase, 'getMeta' | 'putMeta'>
  connections: Pick<MeshLibp2p, 'getConnections'>
  log: Logger
}

/** Part of the node's tuning (src/tuning.ts `peers`). */
export interface PeerMemoryTuning {
  /** How often the node writes the peers it dialled, to reconnect after a restart. */
  rememberEveryMs: number
  rememberedPeers: number
}

export type PeerMemoryInit = PeerMemoryTuning

const KNOWN_PEERS_KEY = 'known_peers'

/**
 * The peers this node dialled, kept across restarts: read at start (`remembered`, for the
 * connector and the own-head confirmation), written on an interval and once more at stop.
 */
export class PeerMemory implements Startable {
  private readonly c: PeerMemoryComponents
  private readonly init: PeerMemoryInit
  private timer: NodeJS.Timeout | undefined
  /** What the last start read. */
  remembered: Multiaddr[] = []

  constructor (components: PeerMemoryComponents, init: PeerMemoryInit) {
    this.c = components
    this.init = init
  }

  async start (): Promise<void> {
    if (this.timer !== undefined) return
    this.remembered = await this.read()
    this.timer = setInterval(() => { void this.remember() }, this.init.rememberEveryMs)
  }

  async stop (): Promise<void> {
    if (this.timer === undefined) return
    clearInterval(this.timer)
    this.timer = undefined
    await this.remember()
  }

  private async read (): Promise<Multiaddr[]> {
    const stored = await this.c.meta.getMeta<string[]>(KNOWN_PEERS_KEY) ?? []
    const addrs: Multiaddr[] = []
    for (const s of stored) {
      try {
        addrs.push(multiaddr(s))
      } catch (err) {
        this.c.log.warn({ address: s, err: errorMessage(err) }, 'ignoring a remembered address that does not parse')
      }
    }
    return addrs
  }

  private async remember (): Promise<void> {
    const addrs = this.c.connections.getConnections()
      .filter(c => c.direction === 'outbound')
      .map(c => c.remoteAddr.getPeerId() === null ? `${c.remoteAddr.toString()}/p2p/${c.remotePeer.toString()}` : c.remoteAddr.toString())
    if (addrs.length === 0) return
    try {
      await this.c.meta.putMeta(KNOWN_PEERS_KEY, [...new Set(addrs)].slice(0, this.init.rememberedPeers))
    } catch (err) {
      this.c.log.warn({ err: errorMessage(err) }, 'could not remember peers')
    }
  }
}
