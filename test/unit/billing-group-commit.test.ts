/**
 * The group-commit writer on its own, with the chain it extends in memory: appends of one turn
 * share one entry, an entry holds at most MAX_RECORDS_PER_ENTRY records, a key held with other
 * content refuses its request alone, and a refusal or a failed write rejects the whole group.
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ManualClock } from '../../src/clock.ts'
import { MeshError } from '../../src/errors.ts'
import { GroupCommitWriter } from '../../src/billing/group-commit.ts'
import { Ledger } from '../../src/billing/ledger.ts'
import { GENESIS_PREV, MAX_RECORDS_PER_ENTRY, checkEntry, type LogEntry } from '../../src/billing/log-entry.ts'
import type { Head } from '../../src/billing/log-store.ts'
import type { UsageRecord } from '../../src/billing/usage-record.ts'
import { Verifier, signerOf, type Sign } from '../../src/network/signing.ts'

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0)
const record = (id: string, amount = 1): UsageRecord => ({ id, user_id: 'alice', resource_type: 'request', amount, unit: 'request', timestamp: T0, metadata: {} })

describe('the group-commit writer', () => {
  let self: string
  let sign: Sign

  before(async () => {
    const key = await generateKeyPair('Ed25519')
    self = peerIdFromPrivateKey(key).toString()
    sign = signerOf(key)
  })

  /** A writer over an in-memory chain: `written` holds the entries in order. */
  const writer = (opts: { refusal?: () => MeshError | undefined, fail?: () => Error | undefined } = {}): { w: GroupCommitWriter, written: LogEntry[], ledger: Ledger } => {
    const written: LogEntry[] = []
    const ledger = new Ledger()
    let head: Head | undefined
    const w = new GroupCommitWriter({
      selfId: self,
      clock: new ManualClock(T0),
      sign,
      ledger,
      ownHead: () => head,
      refusal: opts.refusal ?? (() => undefined),
      write: async entry => {
        const err = opts.fail?.()
        if (err !== undefined) throw err
        written.push(entry)
        ledger.apply(entry)
        head = { seq: entry.seq, hash: entry.hash }
      }
    })
    return { w, written, ledger }
  }

  test('the appends of one turn go into one signed entry that chains to the head; the next turn writes the next', async () => {
    const { w, written } = writer()
    const answers = await Promise.all([w.append([record('a')]), w.append([record('b'), record('c')]), w.append([record('d')])])
    assert.equal(written.length, 1, 'one entry for the whole turn')
    const first = written[0] as LogEntry
    assert.deepEqual(first.records.map(r => r.id), ['a', 'b', 'c', 'd'])
    assert.equal(checkEntry(first, undefined, new Verifier(), () => true), undefined, 'signed by this node, first of its chain')
    assert.equal(first.prev, GENESIS_PREV)
    assert.deepEqual(answers.flat().map(a => [a.id, a.position.seq, a.duplicate]), [['a', 1, false], ['b', 1, false], ['c', 1, false], ['d', 1, false]])
    const [next] = await w.append([record('e')])
    assert.deepEqual(next, { id: 'e', position: { author: self, seq: 2 }, duplicate: false })
    assert.equal(written[1]?.prev, first.hash)
  })

  test('a duplicate is answered with the position it is counted at and not written again; other content under a held key refuses that request alone', async () => {
    const { w, written } = writer()
    await w.append([record('a')])
    const [same, other, fresh] = await Promise.allSettled([w.append([record('a')]), w.append([record('a', 2)]), w.append([record('b'), record('b')])])
    assert.equal(same.status, 'fulfilled')
    assert.deepEqual(same.status === 'fulfilled' && same.value, [{ id: 'a', position: { author: self, seq: 1 }, duplicate: true }])
    assert.equal(other.status, 'rejected')
    assert.equal(other.status === 'rejected' && (other.reason as MeshError).code, 'CONFLICT')
    assert.deepEqual(fresh.status === 'fulfilled' && fresh.value.map(a => a.duplicate), [false, true], 'a key twice in one request is written once')
    assert.equal(written.length, 2)
    assert.deepEqual(written[1]?.records.map(r => r.id), ['b'], 'only the new record went into the second entry')
  })

  test('an entry holds at most MAX_RECORDS_PER_ENTRY records: a group that would exceed it is split', async () => {
    const { w, written } = writer()
    const half = Math.floor(MAX_RECORDS_PER_ENTRY / 2) + 1
    const batch = (tag: string): UsageRecord[] => Array.from({ length: half }, (_, i) => record(`${tag}${i}`))
    await Promise.all([w.append(batch('x')), w.append(batch('y'))])
    assert.deepEqual(written.map(e => e.records.length), [half, half])
  })

  test('a refusal, asked again before the write, or a failed write rejects every request of the group', async () => {
    const refused = writer({ refusal: () => new MeshError('UNAVAILABLE', 'behind a peer') })
    await assert.rejects(Promise.all([refused.w.append([record('a')]), refused.w.append([record('b')])]), /behind a peer/)
    assert.equal(refused.written.length, 0)
    const failing = writer({ fail: () => new Error('disk full') })
    const results = await Promise.allSettled([failing.w.append([record('a')]), failing.w.append([record('b')])])
    assert.deepEqual(results.map(r => r.status), ['rejected', 'rejected'])
    assert.match(String((results[0] as PromiseRejectedResult).reason), /disk full/)
    await failing.w.drained()
  })
})
