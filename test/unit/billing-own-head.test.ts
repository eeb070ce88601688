import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
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

  test('rewind records a lower head, from which later writes go on', async () => {
    const path = await file()
    const f = new OwnHeadFile(path)
    await f.write(head(9))
    await f.rewind(head(2))
    await f.write(head(3))
    await f.close()
    assert.deepEqual(await new OwnHeadFile(path).read(), { head: head(3) })
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
