import type { ConnectionGater, PeerId } from '@libp2p/interface'
import type { Logger } from '../logging.ts'
import type { MeshLibp2p } from './libp2p.ts'

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
 * another genesis) is hung up on and refused for a while, in both directions.
 */
export class NetworkGuard {
  private readonly refused = new Map<string, number>()
  private reachable: Set<string> | undefined
  private readonly opts: NetworkGuardOptions
  refusedTotal = 0

  constructor (opts: NetworkGuardOptions) {
    this.opts = opts
  }

  readonly gater: ConnectionGater = {
    denyDialPeer: (peerId: PeerId) => this.isRefused(peerId.toString()),
    denyInboundEncryptedConnection: (peerId: PeerId) => this.isRefused(peerId.toString())
  }

  attach (libp2p: MeshLibp2p): void {
    libp2p.addEventListener('peer:identify', evt => {
      const { peerId, protocols } = evt.detail
      if (protocols.includes(this.opts.membershipProtocol)) return
      this.refuse(peerId.toString())
      this.opts.log.warn({ peer: peerId.toString() }, 'refused a peer of another network')
      libp2p.hangUp(peerId).catch((err: unknown) => this.opts.log.debug({ err }, 'hang-up failed'))
    })
  }

  refuse (peerId: string): void {
    this.refused.set(peerId, this.opts.now() + this.opts.refuseForMs)
    this.refusedTotal++
  }

  /** Only these peers may connect, until healed with undefined: a partition for tests and simulations. */
  partition (reachable: Set<string> | undefined): void {
    this.reachable = reachable
  }

  isRefused (peerId: string): boolean {
    if (this.reachable !== undefined && !this.reachable.has(peerId)) return true
    const until = this.refused.get(peerId)
    if (until === undefined) return false
    if (until > this.opts.now()) return true
    this.refused.delete(peerId)
    return false
  }
}
