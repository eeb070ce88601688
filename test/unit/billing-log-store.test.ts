/**
 * A known gap in a chain, anchored by the seq and hash of its last entry (the head file's head
 * before a loss): the chain goes on after the anchor, ranges never cross the gap, and it is
 * filled only with entries that end at the anchor's hash; another authentic entry there is a fork.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { GENESIS_PREV, checkBatch, checkEntry, sealEntry, type LogEntry } from '../../src/billing/log-entry.ts'
import { LogStore, type Gap } from '../../src/billing/log-store.ts'
import { Verifier, signerOf, type Sign } from '../../src/network/signing.ts'
import { MeshDatabase } from '../../src/storage/database.ts'
import { removeDir, tempDir } from '../helpers/nodes.ts'

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0)
const anyone = (): boolean => true

describe('a gap anchored by a known head', () => {
  let author: string
  let sign: Sign
  /** The chain as written: 1..10; the store lost 5..8 and goes on with 9 and 10. */
  let chain: LogEntry[]
  const dirs: string[] = []

  const seal = (seq: number, prev: string, tag = ''): LogEntry =>
    sealEntry({ author, seq, prev, time: T0 + seq, records: [{ id: `r${seq}${tag}`, user_id: 'alice', resource_type: 'request', amount: 1, unit: 'request', timestamp: T0, metadata: {} }] }, sign)
  const at = (seq: number): LogEntry => chain[seq - 1] as LogEntry
  const gapOf = (from: number, to: number): Gap => ({ from, to, hash: at(to).hash, prev: at(from - 1).hash, records: to - from + 1 })

  before(async () => {
    const key = await generateKeyPair('Ed25519')
    author = peerIdFromPrivateKey(key).toString()
    sign = signerOf(key)
    chain = []
    let prev = GENESIS_PREV
    for (let seq = 1; seq <= 10; seq++) {
      const e = seal(seq, prev)
      chain.push(e)
      prev = e.hash
    }
  })
  after(async () => { await Promise.all(dirs.map(removeDir)) })

  test('the entry after the gap chains to the anchor; a fill must end at the anchor\'s hash', () => {
    const verifier = new Verifier()
    const anchor = { seq: 8, hash: at(8).hash }
    assert.equal(checkEntry(at(9), anchor, verifier, anyone), undefined, 'the chain goes on after the anchor')
    const held = { seq: 4, hash: at(4).hash }
    assert.equal(checkBatch(author, 5, held, chain.slice(4, 8), verifier, anyone, anchor), undefined, 'the entries that were lost fill it')
    assert.equal(checkBatch(author, 5, held, chain.slice(4, 6), verifier, anyone, anchor), undefined, 'a part of them too')
    assert.deepEqual(checkBatch(author, 5, held, chain.slice(4, 9), verifier, anyone, anchor), { seq: 9, fault: 'sequence', signedByAuthor: false }, 'never beyond the anchor')
    // The same author signed another 5..8: chained to 4, but not ending at the anchor: a fork.
    const other: LogEntry[] = []
    let prev = at(4).hash
    for (let seq = 5; seq <= 8; seq++) {
      const e = seal(seq, prev, '-other')
      other.push(e)
      prev = e.hash
    }
    assert.deepEqual(checkBatch(author, 5, held, other, verifier, anyone, anchor), { seq: 8, fault: 'anchor', signedByAuthor: true })
    // Entries that do not follow the entry before the gap.
    assert.deepEqual(checkBatch(author, 5, { seq: 4, hash: at(3).hash }, chain.slice(4, 8), verifier, anyone, anchor), { seq: 5, fault: 'chain', signedByAuthor: true })
  })

  test('the store goes on after the gap, never serves across it, fills it and keeps it across a restart', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    let db = new MeshDatabase(dir)
    await db.open()
    let store = new LogStore(db)
    await store.open()
    await store.append(chain.slice(0, 4), true)
    await assert.rejects(store.openGap(author, gapOf(6, 8)), /does not follow the head 4/)
    await store.openGap(author, gapOf(5, 8))
    assert.deepEqual(store.head(author), { seq: 8, hash: at(8).hash }, 'the head is the anchor: the next entry is at 9')
    await store.append([at(9), at(10)], true)
    const seqs = (entries: LogEntry[]): number[] => entries.map(e => e.seq)
    assert.deepEqual(seqs(await store.range(author, 3, 64)), [3, 4], 'a range from below ends before the gap')
    assert.deepEqual(seqs(await store.range(author, 6, 64)), [], 'inside the gap: nothing')
    assert.deepEqual(seqs(await store.range(author, 9, 64)), [9, 10])
    assert.equal(await store.get(author, 6), undefined)
    const chained: number[] = []
    for await (const e of store.chain(author)) chained.push(e.seq)
    assert.deepEqual(chained, [1, 2, 3, 4, 9, 10])

    await assert.rejects(store.fill(author, chain.slice(5, 7)), /do not start/)
    await store.fill(author, chain.slice(4, 6))
    assert.deepEqual(store.gap(author), { from: 7, to: 8, hash: at(8).hash, prev: at(6).hash, records: 2 }, 'filled in part: the gap narrows')
    assert.deepEqual(seqs(await store.range(author, 1, 64)), [1, 2, 3, 4, 5, 6])

    await db.close()
    db = new MeshDatabase(dir)
    await db.open()
    store = new LogStore(db)
    await store.open()
    assert.deepEqual(store.gap(author)?.from, 7, 'the gap is kept across a restart')
    await store.fill(author, chain.slice(6, 8))
    assert.equal(store.gap(author), undefined, 'the entry at the anchor closes it')
    assert.deepEqual(seqs(await store.range(author, 1, 64)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    await db.close()
    db = new MeshDatabase(dir)
    await db.open()
    store = new LogStore(db)
    await store.open()
    assert.equal(store.gap(author), undefined, 'closed for good')
    assert.equal(store.head(author)?.seq, 10)
    await db.close()
  })

  test('cutting the chain below the gap removes the gap with the tail', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const db = new MeshDatabase(dir)
    await db.open()
    const store = new LogStore(db)
    await store.open()
    await store.append(chain.slice(0, 4), true)
    await store.openGap(author, gapOf(5, 8))
    await store.append([at(9)], true)
    await store.truncate(author, { seq: 8, hash: at(8).hash })
    assert.ok(store.gap(author) !== undefined, 'cut at the anchor: the gap stays')
    await store.truncate(author, { seq: 3, hash: at(3).hash })
    assert.equal(store.gap(author), undefined)
    assert.deepEqual((await store.range(author, 1, 64)).map(e => e.seq), [1, 2, 3])
    await db.close()
  })
})
