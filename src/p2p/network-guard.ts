import type { ConnectionGater, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'
import type { MeshLibp2p } from './libp2p.ts'

const OTHER_NETWORK = 'does not speak this network\'s membership protocol (another network or genesis)'

export interface NetworkGuardOptions {
  membershipProtocol: string
  /** How long a refused peer stays refused before it may try again. */
  refuseForMs: number
  now: () => number
  log: Logger
}

/**
 * Keeps other networks out. Identify tells which protocols a peer speaks; a peer that does
 * not speak this network's membership protocol (another network id, or the same id with
 * another genesis) is hung up on and refused for a while, in both directions. A peer that
 * misbehaves (see `penalize`) is treated the same.
 */
export class NetworkGuard {
  private readonly refused = new Map<string, { until: number, reason: string }>()
  /** Refusals since start, by reason. */
  private readonly refusalReasons = new Map<string, number>()
  private reachable: Set<string> | undefined
  private readonly opts: NetworkGuardOptions
  private libp2p: MeshLibp2p | undefined

  constructor (opts: NetworkGuardOptions) {
    this.opts = opts
  }

  readonly gater: ConnectionGater = {
    denyDialPeer: (peerId: PeerId) => this.isRefused(peerId.toString()),
    denyInboundEncryptedConnection: (peerId: PeerId) => this.isRefused(peerId.toString())
  }

  attach (libp2p: MeshLibp2p): void {
    this.libp2p = libp2p
    libp2p.addEventListener('peer:identify', evt => {
      const { peerId, protocols } = evt.detail
      if (protocols.includes(this.opts.membershipProtocol)) return
      this.refuse(peerId.toString(), OTHER_NETWORK)
      this.opts.log.warn({ peer: peerId.toString() }, 'refused a peer of another network')
      libp2p.hangUp(peerId).catch((err: unknown) => this.opts.log.debug({ err }, 'hang-up failed'))
    })
  }

  refuse (peerId: string, reason: string): void {
    this.refused.set(peerId, { until: this.opts.now() + this.opts.refuseForMs, reason })
    this.refusalReasons.set(reason, (this.refusalReasons.get(reason) ?? 0) + 1)
  }

  /** Peers refused now, with why and until when. */
  refusedNow (): Array<{ peerId: string, reason: string, until: number }> {
    const now = this.opts.now()
    return [...this.refused].filter(([, r]) => r.until > now).map(([peerId, r]) => ({ peerId, ...r }))
  }

  /** How many times peers were refused since start. */
  get refusedTotal (): number {
    let total = 0
    for (const n of this.refusalReasons.values()) total += n
    return total
  }

  /** How many times peers were refused since start, by reason. */
  refusalsByReason (): Record<string, number> {
    return Object.fromEntries(this.refusalReasons)
  }

  /** Refuses a peer that misbehaved and hangs up on it. */
  penalize (peerId: string, reason: string): void {
    this.refuse(peerId, reason)
    this.opts.log.warn({ peer: peerId, reason }, 'disconnecting a misbehaving peer')
    this.libp2p?.hangUp(peerIdFromString(peerId)).catch((err: unknown) => this.opts.log.debug({ err: errorMessage(err) }, 'hang-up failed'))
  }

  /**
   * Cuts this node off from every peer outside `reachable` (undefined heals): the gater refuses
   * them and their connections are closed. For tests and simulations of partitions; it needs
   * no privileges.
   */
  partition (reachable: Set<string> | undefined): void {
    this.reachable = reachable
    if (reachable === undefined || this.libp2p === undefined) return
    for (const peer of this.libp2p.getPeers()) {
      if (!reachable.has(peer.toString())) this.libp2p.hangUp(peer).catch((err: unknown) => this.opts.log.debug({ err: errorMessage(err) }, 'hang-up failed'))
    }
  }

  /** Every connection reset at once, with no goodbye, and no peer let in again: a killed process, for simulations. */
  isolate (): void {
    this.reachable = new Set()
    for (const connection of this.libp2p?.getConnections() ?? []) connection.abort(new Error('crashed'))
  }

  isRefused (peerId: string): boolean {
    if (this.reachable !== undefined && !this.reachable.has(peerId)) return true
    const until = this.refused.get(peerId)?.until
    if (until === undefined) return false
    if (until > this.opts.now()) return true
    this.refused.delete(peerId)
    return false
  }
}
