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
import { GOSSIP_MESH } from './gossip-mesh.ts'
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
        ...GOSSIP_MESH,
        scoreParams: gossipScoreParams(Object.values(opts.protocols.topics), colocation),
        scoreThresholds: GOSSIP_THRESHOLDS,
        ...(opts.onInvalidGossip === undefined ? {} : invalidMessageRegister(opts.onInvalidGossip))
      })
    }
  }) as MeshLibp2p
}

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
