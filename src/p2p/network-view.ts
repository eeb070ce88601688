import type { MeshLibp2p } from './libp2p.ts'

export interface GossipTopicView { topic: string, meshPeers: number, subscribers: number }

/** What this node's libp2p node shows of the network: its addresses, its connections, its gossip mesh. */
export class NetworkView {
  private libp2p: MeshLibp2p | undefined
  /** libp2p rebuilds its address list on every call: keep it, and refresh it when it changes. */
  private addresses: string[] = []

  attach (libp2p: MeshLibp2p): void {
    this.libp2p = libp2p
    libp2p.addEventListener('self:peer:update', () => { this.refresh() })
  }

  /** Reads the addresses again; libp2p announces no update for the first ones it listens on. */
  refresh (): void {
    this.addresses = this.libp2p?.getMultiaddrs().map(a => a.toString()) ?? []
  }

  listenAddresses (): string[] {
    return this.addresses
  }

  connectedPeers (): string[] {
    return this.libp2p?.getPeers().map(p => p.toString()) ?? []
  }

  gossipTopics (): GossipTopicView[] {
    const pubsub = this.libp2p?.services.pubsub
    if (pubsub === undefined) return []
    return pubsub.getTopics().map(topic => ({
      topic,
      meshPeers: pubsub.getMeshPeers(topic).length,
      subscribers: pubsub.getSubscribers(topic).length
    }))
  }
}
