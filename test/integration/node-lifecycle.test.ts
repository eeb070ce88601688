import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:net'
import { after, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'

describe('a node\'s services start in order and stop in reverse', { timeout: 60_000 }, () => {
  const dirs: string[] = []
  const nodes: RunningNode[] = []
  let busy: Server | undefined
  after(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    if (busy !== undefined) await new Promise(resolve => busy?.close(resolve))
    await Promise.all(dirs.map(removeDir))
  })

  test('a start that fails half-way (libp2p cannot listen) stops what it started: the same data directory starts again at once', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    busy = createServer()
    await new Promise<void>(resolve => busy?.listen(0, '127.0.0.1', resolve))
    const { port } = busy.address() as { port: number }
    // Storage, governance state and billing chains start before libp2p: the failure comes after them.
    await assert.rejects(startNode(dir, { listen: [`/ip4/127.0.0.1/tcp/${port}`] }), /listen|EADDRINUSE/i)
    // The database was closed: level holds a lock on an open one, and a second open would fail.
    const node = await startNode(dir)
    nodes.push(node)
    assert.equal(node.mesh.readiness().database, true)
  })

  test('a stop is idempotent: a second stop does nothing and throws nothing', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const node = await startNode(dir)
    await node.mesh.stop()
    await node.mesh.stop()
    assert.equal(node.mesh.readiness().database, false)
    assert.deepEqual(node.mesh.readiness().reasons[0], 'node: stopped')
    await node.stop()
  })
})
