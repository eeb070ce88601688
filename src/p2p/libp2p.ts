import { createHash } from 'node:crypto'
import { gossipsub, type GossipSub } from '@chainsafe/libp2p-gossipsub'
import { RPC } from '@chainsafe/libp2p-gossipsub/message'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, type Identify } from '@libp2p/identify'
import type { ConnectionGater, Libp2p, PrivateKey } from '@libp2p/interface'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { ping, type PingService } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import type { NetworkParams } from '../network/params.ts'
import { VERSION } from '../version.ts'
import { GOSSIP_THRESHOLDS, gossipScoreParams, invalidMessageRegister } from './gossip-scoring.ts'
import type { NetworkProtocols } from './protocols.ts'
import { coalesceYamuxWindowUpdates } from './yamux-window.ts'

export interface MeshServices extends Record<string, unknown> {
  identify: Identify
  ping: PingService
  dht: KadDHT
  pubsub: GossipSub
}

export type MeshLibp2p = Libp2p<MeshServices>

export interface MeshLibp2pOptions {
  privateKey: PrivateKey
  listen: string[]
  /** Addresses announced to peers (identify, DHT) instead of the listen addresses, behind NAT or Docker; empty: the listen addresses. */
  announce?: string[]
  protocols: NetworkProtocols
  params: NetworkParams
  connectionGater: ConnectionGater
  maxConnections: number
  /** The largest yamux receive window of a stream. */
  streamWindowBytes: number
  /** A message GossipSub dropped before the topic validators (unsigned, bad signature, ...). */
  onInvalidGossip?: (topic: string, error: string) => void
}

/**
 * Builds (does not start) the libp2p node of one network: TCP, Noise, Yamux, identify, ping,
 * a Kademlia DHT under the network's prefix and GossipSub with signed messages, scored on the
 * network's topics so that invalid messages cost their sender (see gossip-scoring.ts).
 */
export async function createMeshLibp2p (opts: MeshLibp2pOptions): Promise<MeshLibp2p> {
  coalesceYamuxWindowUpdates()
  const colocation = opts.params.gossip_ip_colocation_threshold
  return await createLibp2p({
    privateKey: opts.privateKey,
    start: false,
    addresses: { listen: opts.listen, announce: opts.announce ?? [] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    // A stream's receive window is what its sender may have in flight and the receiver may
    // hold unread, so it bounds memory per stream (see Tuning's `streams`).
    streamMuxers: [yamux({ maxStreamWindowSize: opts.streamWindowBytes })],
    connectionGater: opts.connectionGater,
    // The failure detector judges liveness with its own probes; libp2p must not cut a connection
    // on one slow ping, or a peer that stalls for a moment loses its connections and looks
    // crashed. Without that, the monitor's ping of every connection every 10 s (a new stream
    // each) would only set a round-trip time that nothing reads.
    connectionMonitor: { enabled: false },
    connectionManager: {
      maxConnections: opts.maxConnections,
      // The defaults (5 inbound connections per second per host, 10 pending) starve a mesh
      // whose peers all dial from one address, as every loopback mesh does.
      inboundConnectionThreshold: 200,
      maxIncomingPendingConnections: 100,
      // libp2p 2.10 leaves these undefined, which makes its reconnect backoff NaN (no backoff).
      reconnectRetries: 5,
      reconnectRetryInterval: 1_000,
      reconnectBackoffFactor: 2
    },
    services: {
      identify: identify({ agentVersion: `meshnode/${VERSION}` }),
      ping: ping(),
      dht: kadDHT({
        protocol: opts.protocols.dht,
        // Server mode is chosen automatically only for public addresses; a LAN or loopback
        // mesh must serve the DHT too, or nobody answers queries.
        clientMode: false,
        // The default mapper drops private addresses, which are all a LAN or loopback mesh has.
        peerInfoMapper: passthroughMapper,
        logPrefix: 'meshnode:dht',
        metricsPrefix: 'meshnode_dht'
      }),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictSign',
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        fastMsgIdFn: fastMessageId,
        ...GOSSIP_TRAFFIC,
        scoreParams: gossipScoreParams(Object.values(opts.protocols.topics), colocation),
        scoreThresholds: GOSSIP_THRESHOLDS,
        ...(opts.onInvalidGossip === undefined ? {} : invalidMessageRegister(opts.onInvalidGossip))
      })
    }
  }) as MeshLibp2p
}

/**
 * What an idle node pays per message is the transport's (a Noise frame, a Yamux frame, a
 * protobuf) once per copy and per control message, so the settings that multiply copies go:
 * - floodPublish: an author sends its own message to every peer of the topic, not only to its
 *   mesh, so every node receives each message once more and the author sends N - 1 copies; the
 *   mesh reaches every node in a few hops on its own.
 * - IDONTWANT: a node that receives a message larger than the threshold tells each of its mesh
 *   peers not to send it (one message per mesh peer), which costs more than the copies it
 *   spares for messages as small as meshnode's (snapshots, membership events, heads, reports,
 *   all well under 16 KiB); a bigger message still uses it.
 */
export const GOSSIP_TRAFFIC = {
  floodPublish: false,
  idontwantMinDataSize: 16 * 1024,
  // A mesh of 4 (3..8) instead of 6 (4..12): each message reaches a node about 3 times instead of
  // 5, and a mesh of 4 still spans a few thousand nodes in 5-6 hops. Gossip (IHAVE) each second to
  // 4 peers outside the mesh, not to a quarter of them: what it repairs the mesh delivers anyway.
  D: 4,
  Dlo: 3,
  Dhi: 8,
  Dscore: 2,
  Dout: 1,
  Dlazy: 4,
  gossipFactor: 0.1
} as const

/**
 * GossipSub checks a message's signature before it looks the message up in its seen cache, so
 * each of the copies a node receives of every message would cost a signature check. Keyed by
 * the signature, the copies of one whose signature it checked are dropped first. Only messages
 * with a valid signature enter that cache, and a valid signature binds author, seqno, topic and
 * data: a forgery cannot shadow a real message (a copy that reuses a real message's signature
 * over other content is dropped, as the real one was already delivered). Reading the signature
 * bytes costs nothing per copy, where re-encoding the message and hashing it did.
 */
function fastMessageId (msg: RPC.Message): string {
  const sig = msg.signature
  if (sig === undefined || sig.byteLength === 0) {
    // Unsigned: StrictSign rejects it anyway; a digest of the whole message keeps it apart.
    return createHash('sha256').update(RPC.Message.encode(msg)).digest('base64')
  }
  return Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength).toString('base64')
}
