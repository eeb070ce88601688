import assert from 'node:assert/strict'
import { open, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { OwnHeadFile } from '../../src/billing/own-head.ts'
import { removeDir, tempDir } from '../helpers/nodes.ts'

const head = (seq: number, records = seq * 10): { seq: number, hash: string, records: number } => ({ seq, hash: String(seq % 10).repeat(64), records })

describe('the own head file', () => {
  const dirs: string[] = []
  after(async () => { await Promise.all(dirs.map(removeDir)) })
  const file = async (): Promise<string> => {
    const dir = await tempDir()
    dirs.push(dir)
    return join(dir, 'billing-head.json')
  }

  test('absent: no head and no fault', async () => {
    assert.deepEqual(await new OwnHeadFile(await file()).read(), { head: undefined })
  })

  test('keeps the highest head written, in place and of a fixed size; a lower one is stale', async () => {
    const path = await file()
    const f = new OwnHeadFile(path)
    await f.write(head(3))
    await f.write(head(5))
    await f.write(head(4))
    await f.close()
    assert.equal((await readFile(path)).length, 256)
    assert.deepEqual(await new OwnHeadFile(path).read(), { head: head(5) })
  })

  test('each write is synced before it resolves, so that a power cut cannot make the file lag an acknowledged append', async () => {
    const path = await file()
    // FileHandle is not exported: its prototype is reached from a handle.
    const probe = await open(path, 'w')
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void>, datasync: () => Promise<void> }
    await probe.close()
    const original = { sync: proto.sync, datasync: proto.datasync }
    const synced: number[] = []
    let writing = 0
    const count = (fn: () => Promise<void>) => async function (this: unknown): Promise<void> {
      await fn.call(this)
      synced.push(writing)
    }
    proto.sync = count(original.sync)
    proto.datasync = count(original.datasync)
    try {
      const f = new OwnHeadFile(path)
      writing = 1
      await f.write(head(1))
      assert.ok(synced.includes(1), 'synced before the first write resolved')
      writing = 2
      await f.write(head(2))
      assert.ok(synced.includes(2), 'synced before the second write resolved')
      await f.close()
    } finally {
      proto.sync = original.sync
      proto.datasync = original.datasync
    }
    assert.deepEqual(await new OwnHeadFile(path).read(), { head: head(2) })
  })

  test('a file read before writing sets the mark: a head at or below it is not written', async () => {
    const path = await file()
    const first = new OwnHeadFile(path)
    await first.write(head(7))
    await first.close()
    const again = new OwnHeadFile(path)
    await again.read()
    await again.write(head(6))
    await again.close()
    assert.deepEqual(await new OwnHeadFile(path).read(), { head: head(7) })
  })

  test('garbage is a fault, not a head', async () => {
    const path = await file()
    await writeFile(path, 'not json at all')
    const read = await new OwnHeadFile(path).read()
    assert.equal(read.head, undefined)
    assert.match(read.fault ?? '', /is not a head record/)
  })
})
