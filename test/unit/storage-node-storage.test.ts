import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { NodeStorage } from '../../src/storage/node-storage.ts'
import { removeDir, tempDir } from '../helpers/nodes.ts'

describe('NodeStorage', () => {
  const dirs: string[] = []
  after(async () => { await Promise.all(dirs.map(removeDir)) })

  test('pins the genesis at the first start and refuses another at a later one; start and stop are idempotent', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const first = new NodeStorage({ dataDir: dir, genesisHash: 'a'.repeat(64) })
    await first.start()
    await first.start()
    assert.equal(first.db.isOpen, true)
    await first.stop()
    await first.stop()
    assert.equal(first.db.isOpen, false)
    const other = new NodeStorage({ dataDir: dir, genesisHash: 'b'.repeat(64) })
    await assert.rejects(other.start(), (err: Error & { code?: string }) => err.code === 'NETWORK_MISMATCH')
    // The failed start leaves the database open: the root's stop, which follows, closes it.
    await other.stop()
    assert.equal(other.db.isOpen, false)
    const same = new NodeStorage({ dataDir: dir, genesisHash: 'a'.repeat(64) })
    await same.start()
    await same.stop()
  })
})
