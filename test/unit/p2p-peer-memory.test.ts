import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { silentLogger } from '../../src/logging.ts'
import type { MeshLibp2p } from '../../src/p2p/libp2p.ts'
import { PeerMemory } from '../../src/p2p/peer-memory.ts'

const A = '12D3KooWGRUVh6tpdrVsy8TVQXxsX1v8nRkCx1AYn5nwKeFy2Dvm'
const B = '12D3KooWLRPJAA5o6Z6ovzmrUYdPkbEXbx7kSqtSEK3RhMrvx9ZK'

/** A database's node-level facts, in memory. */
function memoryMeta (stored: Record<string, unknown> = {}): { getMeta: <T>(key: string) => Promise<T | undefined>, putMeta: (key: string, value: unknown) => Promise<void>, stored: Record<string, unknown> } {
  return {
    stored,
    getMeta: async <T>(key: string) => stored[key] as T | undefined,
    putMeta: async (key: string, value: unknown) => { stored[key] = value }
  }
}

/** Outbound connections to these addresses (one without its peer id), and an inbound one that is not kept. */
function connections (): Pick<MeshLibp2p, 'getConnections'> {
  const conn = (addr: string, peer: string, direction: 'inbound' | 'outbound'): unknown => ({ remoteAddr: multiaddr(addr), remotePeer: { toString: () => peer }, direction })
  return {
    getConnections: () => [
      conn(`/ip4/127.0.0.1/tcp/4001/p2p/${A}`, A, 'outbound'),
      conn('/ip4/127.0.0.1/tcp/4002', B, 'outbound'),
      conn('/ip4/127.0.0.1/tcp/4003', A, 'inbound')
    ]
  } as unknown as Pick<MeshLibp2p, 'getConnections'>
}

describe('PeerMemory', () => {
  test('reads the remembered addresses at start, skipping one that does not parse, and writes its outbound peers at stop', async () => {
    const meta = memoryMeta({ known_peers: [`/ip4/10.0.0.1/tcp/4001/p2p/${A}`, 'not an address'] })
    const memory = new PeerMemory({ meta, connections: connections(), log: silentLogger() }, { rememberEveryMs: 60_000, rememberedPeers: 32 })
    await memory.start()
    assert.deepEqual(memory.remembered.map(a => a.toString()), [`/ip4/10.0.0.1/tcp/4001/p2p/${A}`])
    await memory.stop()
    await memory.stop()
    assert.deepEqual(meta.stored.known_peers, [`/ip4/127.0.0.1/tcp/4001/p2p/${A}`, `/ip4/127.0.0.1/tcp/4002/p2p/${B}`])
  })

  test('keeps at most rememberedPeers addresses', async () => {
    const meta = memoryMeta()
    const memory = new PeerMemory({ meta, connections: connections(), log: silentLogger() }, { rememberEveryMs: 60_000, rememberedPeers: 1 })
    await memory.start()
    assert.deepEqual(memory.remembered, [])
    await memory.stop()
    assert.deepEqual(meta.stored.known_peers, [`/ip4/127.0.0.1/tcp/4001/p2p/${A}`])
  })
})
