import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { silentLogger } from '../../src/logging.ts'
import type { MeshLibp2p } from '../../src/p2p/libp2p.ts'
import { nextWalkInMs, PeerConnector } from '../../src/p2p/peer-connector.ts'
import { waitFor } from '../helpers/wait.ts'

const SELF = peerIdFromString('12D3KooWGRUVh6tpdrVsy8TVQXxsX1v8nRkCx1AYn5nwKeFy2Dvm')
const PEER = peerIdFromString('12D3KooWLRPJAA5o6Z6ovzmrUYdPkbEXbx7kSqtSEK3RhMrvx9ZK')
const TUNING = { walkEveryMs: 30_000, walkEveryMaxMs: 300_000 }

describe('nextWalkInMs', () => {
  test('a walk that revealed peers keeps the shortest wait', () => {
    assert.equal(nextWalkInMs(120_000, 3, TUNING), 30_000)
  })
  test('a walk that revealed none doubles the wait, up to the longest', () => {
    assert.equal(nextWalkInMs(30_000, 0, TUNING), 60_000)
    assert.equal(nextWalkInMs(240_000, 0, TUNING), 300_000)
    assert.equal(nextWalkInMs(300_000, 0, TUNING), 300_000)
  })
})

/** A libp2p node connected to one peer, below its target, that counts its rounds, peer store scans and walks. */
function fakeLibp2p (): { libp2p: MeshLibp2p, rounds: () => number, scans: () => number, walks: () => number, discover: () => void } {
  let rounds = 0
  let scans = 0
  let walks = 0
  const listeners = new Map<string, (evt: unknown) => void>()
  const libp2p = {
    peerId: SELF,
    getPeers: () => { rounds++; return [PEER] },
    getConnections: (id: typeof PEER) => id.equals(PEER) ? [{}] : [],
    dial: async () => { throw new Error('no dial in this test') },
    addEventListener: (name: string, fn: (evt: unknown) => void) => { listeners.set(name, fn) },
    removeEventListener: (name: string) => { listeners.delete(name) },
    peerStore: { all: async () => { scans++; return [{ id: PEER, addresses: [{ multiaddr: multiaddr('/ip4/127.0.0.1/tcp/4001') }] }] } },
    services: {
      dht: {
        getClosestPeers: async function * () {
          walks++
          yield { name: 'FINAL_PEER', peer: { id: PEER, multiaddrs: [] } }
        }
      }
    }
  } as unknown as MeshLibp2p
  const discover = (): void => { listeners.get('peer:discovery')?.({ detail: { id: PEER, multiaddrs: [] } }) }
  return { libp2p, rounds: () => rounds, scans: () => scans, walks: () => walks, discover }
}

describe('PeerConnector', () => {
  test('scans the peer store once, then only after news, and does not walk again after a walk that revealed nothing', async () => {
    const fake = fakeLibp2p()
    const connector = new PeerConnector({ libp2p: fake.libp2p, isRefused: () => false, log: silentLogger() }, {
      bootstrap: [], remembered: [], targetPeers: 8, maintainIntervalMs: 1, dialsPerRound: 4, dialTimeoutMs: 1_000, maxBackoffMs: 1_000, walkEveryMs: 60_000, walkEveryMaxMs: 600_000
    })
    await connector.start()
    try {
      await waitFor('several maintenance rounds', () => fake.rounds() >= 30, { timeoutMs: 10_000, intervalMs: 5 })
      assert.equal(fake.scans(), 1, 'nothing new: the peer store is not read again')
      assert.equal(fake.walks(), 1, 'one walk, which revealed only a connected peer')
      fake.discover()
      await waitFor('a scan after a discovery', () => fake.scans() === 2, { timeoutMs: 10_000, intervalMs: 5 })
    } finally {
      await connector.stop()
    }
  })
})
