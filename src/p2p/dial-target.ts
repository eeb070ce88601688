import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { MeshLibp2p } from './libp2p.ts'

/**
 * What to dial to reach a peer without a DHT lookup: the peer itself when connected, else the
 * addresses this node already knows for it. A lookup by peer id can stay pending for seconds,
 * and every other dial to that peer would wait on it.
 */
export async function dialTarget (libp2p: MeshLibp2p, peerId: string): Promise<PeerId | Multiaddr[]> {
  const id = peerIdFromString(peerId)
  if (libp2p.getConnections(id).length > 0) return id
  const known = await libp2p.peerStore.get(id).catch(() => undefined)
  const addrs = known?.addresses.map(a => a.multiaddr.encapsulate(`/p2p/${peerId}`)) ?? []
  if (addrs.length === 0) throw new Error(`no known address for ${peerId}`)
  return addrs
}
