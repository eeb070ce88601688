import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { genesisHash, type Genesis } from '../../src/network/genesis.ts'
import { createMeshLibp2p, type MeshLibp2p } from '../../src/p2p/libp2p.ts'
import { networkProtocols, type NetworkProtocols } from '../../src/p2p/protocols.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'

/**
 * A bare libp2p peer of `genesis`'s network, not a meshnode: on loopback, with the network's
 * protocols, answering the membership protocol by closing the stream (or the nodes hang up on
 * it). Not started: the caller adds what it serves, then starts it.
 */
export async function networkPeer (genesis: Genesis, privateKey?: PrivateKey): Promise<{ libp2p: MeshLibp2p, protocols: NetworkProtocols }> {
  const protocols = networkProtocols(genesis.network_id, genesisHash(genesis))
  const libp2p = await createMeshLibp2p({
    privateKey: privateKey ?? await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    protocols,
    params: genesis.params,
    connectionGater: {},
    maxConnections: 16,
    streamWindowBytes: DEFAULT_TUNING.streams.windowBytes
  })
  await libp2p.handle(protocols.membership, ({ stream }) => { void stream.close() })
  return { libp2p, protocols }
}
