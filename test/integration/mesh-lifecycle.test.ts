import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { describe, test } from 'node:test'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'

describe('a node\'s services start in order and stop in reverse', { timeout: 60_000 }, () => {
  test('a start that fails half-way (libp2p cannot listen) stops what it started: the same data directory starts again at once', async t => {
    const dir = await tempDir()
    t.after(async () => { await removeDir(dir) })
    const busy = createServer()
    await new Promise<void>(resolve => busy.listen(0, '127.0.0.1', resolve))
    t.after(async () => { await new Promise(resolve => busy.close(resolve)) })
    const { port } = busy.address() as { port: number }
    // Storage, governance state and billing chains start before libp2p: the failure comes after them.
    await assert.rejects(startNode(dir, { listen: [`/ip4/127.0.0.1/tcp/${port}`] }), /listen|EADDRINUSE/i)
    // The database was closed: level holds a lock on an open one, and a second open would fail.
    const node = await startNode(dir)
    t.after(async () => { await node.stop() })
    assert.equal(node.mesh.readiness().database, true)
  })

  test('a stop is idempotent: a second stop does nothing and throws nothing', async t => {
    const dir = await tempDir()
    t.after(async () => { await removeDir(dir) })
    const node = await startNode(dir)
    await node.mesh.stop()
    await node.mesh.stop()
    assert.equal(node.mesh.readiness().database, false)
    assert.equal(node.mesh.readiness().reasons[0], 'node: stopped')
    await node.stop()
  })
})
