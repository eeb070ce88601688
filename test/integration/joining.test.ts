import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { RunningNode } from '../../src/launch.ts'
import { createGenesis } from '../../src/network/genesis.ts'
import { DEVELOPMENT_PARAMS } from '../../src/network/params.ts'
import { KEY_FILE } from '../../src/p2p/identity.ts'
import { freePort, removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

/** A data directory with a key made in advance, so that its peer id is known before it starts. */
async function preparedDir (): Promise<{ dir: string, peerId: string }> {
  const dir = await tempDir()
  const key = await generateKeyPair('Ed25519')
  await writeFile(join(dir, KEY_FILE), privateKeyToProtobuf(key), { mode: 0o600 })
  return { dir, peerId: peerIdFromPrivateKey(key).toString() }
}

describe('joining a network', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  const nodes: RunningNode[] = []
  after(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await Promise.all(dirs.map(removeDir))
  })
  const start = async (...args: Parameters<typeof startNode>): Promise<RunningNode> => {
    const node = await startNode(...args)
    nodes.push(node)
    return node
  }

  test('a node started before its bootstrap peer keeps retrying, then joins', async () => {
    const first = await preparedDir()
    const second = await tempDir()
    dirs.push(first.dir, second)
    const port = await freePort()
    const address = `/ip4/127.0.0.1/tcp/${port}/p2p/${first.peerId}`
    // Until the bootstrap node is up, its port hangs up on every connection: count the tries.
    let attempts = 0
    const refuser = createServer(socket => { attempts++; socket.destroy() })
    await new Promise<void>(resolve => refuser.listen(port, '127.0.0.1', resolve))
    const joining = start(second, { bootstrap: [address] })
    await waitFor('the joiner to try more than once', () => attempts >= 2, { timeoutMs: 15_000 })
    await new Promise(resolve => refuser.close(resolve))
    const bootstrap = await start(first.dir, { listen: [`/ip4/127.0.0.1/tcp/${port}`] })
    const joiner = await joining
    assert.equal(joiner.genesisOrigin, 'fetched')
    assert.equal(joiner.mesh.genesisHash, bootstrap.mesh.genesisHash)
    await waitFor('each to see the other healthy', () =>
      bootstrap.mesh.peerTable.get(joiner.mesh.peerId.toString(), bootstrap.mesh.clock.now())?.state === 'healthy' &&
      joiner.mesh.peerTable.get(first.peerId, joiner.mesh.clock.now())?.state === 'healthy', { timeoutMs: 10_000 })
  })

  test('a peer with the same network id but another genesis is refused, also after a restart', async () => {
    const a = await preparedDir()
    const b = await preparedDir()
    dirs.push(a.dir, b.dir)
    const genesisFor = async (dir: string, peerId: string): Promise<string> => {
      const path = join(dir, 'given-genesis.json')
      const genesis = createGenesis({
        networkId: 'shared-id',
        operators: [{ peer_id: peerId, weight: 1, name: 'op' }],
        params: DEVELOPMENT_PARAMS,
        createdAt: new Date()
      })
      await writeFile(path, JSON.stringify(genesis))
      return path
    }
    const nodeA = await start(a.dir, { genesis: await genesisFor(a.dir, a.peerId) })
    const nodeB = await start(b.dir, { genesis: await genesisFor(b.dir, b.peerId) })
    assert.equal(nodeA.mesh.networkId, nodeB.mesh.networkId)
    assert.notEqual(nodeA.mesh.genesisHash, nodeB.mesh.genesisHash)

    // C joins A and pins A's genesis; restarted with B as its only bootstrap peer, it refuses B.
    const c = await tempDir()
    dirs.push(c)
    let nodeC = await start(c, { bootstrap: [nodeA.mesh.network.listenAddresses()[0] ?? ''] })
    assert.equal(nodeC.mesh.genesisHash, nodeA.mesh.genesisHash)
    await nodeC.stop()
    // Counted from before the restart: C's start waits for its peers' copies of its log, and B may refuse it meanwhile.
    const refusedBefore = nodeB.mesh.guard.refusedTotal
    nodeC = await start(c, { bootstrap: [nodeB.mesh.network.listenAddresses()[0] ?? ''] })
    assert.equal(nodeC.genesisOrigin, 'pinned')
    assert.equal(nodeC.mesh.genesisHash, nodeA.mesh.genesisHash)
    await waitFor('B and C to refuse each other', () =>
      nodeB.mesh.guard.refusedTotal > refusedBefore && nodeC.mesh.guard.refusedTotal > 0, { timeoutMs: 10_000 })
    await waitFor('no connection between B and C', () =>
      !nodeC.mesh.network.connectedPeers().includes(b.peerId), { timeoutMs: 10_000 })
    assert.equal(nodeB.mesh.peerTable.get(nodeC.mesh.peerId.toString(), nodeB.mesh.clock.now()), undefined)
    assert.equal(nodeC.mesh.peerTable.get(b.peerId, nodeC.mesh.clock.now()), undefined)
  })
})
