import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { GENESIS_PREV, LogEntrySchema, checkEntry, entryHash, sealEntry, type LogEntry, type UnsignedEntry } from '../../src/billing/log-entry.ts'
import { Verifier, signerOf, type Sign } from '../../src/network/signing.ts'
import type { UsageRecord } from '../../src/billing/usage-record.ts'

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0)

function record (id: string, amount = 1, extra: Partial<UsageRecord> = {}): UsageRecord {
  return { id, user_id: 'alice', resource_type: 'request', amount, unit: 'request', timestamp: T0, metadata: { service: 'api' }, ...extra }
}

/** A deep copy, so that a tampered entry never shares records with the original. */
const clone = (e: LogEntry): LogEntry => structuredClone(e)

const everyone = (): boolean => true

describe('billing log entries: seal, hash, check', () => {
  let key: PrivateKey
  let other: PrivateKey
  let author: string
  let sign: Sign
  let chain: LogEntry[]

  /** Seals a chain of `n` entries of `author`, each with two records. */
  function sealChain (n: number): LogEntry[] {
    const out: LogEntry[] = []
    let prev = GENESIS_PREV
    for (let seq = 1; seq <= n; seq++) {
      const e = sealEntry({ author, seq, prev, time: T0 + seq, records: [record(`r${seq}a`, seq), record(`r${seq}b`, 0.5)] }, sign)
      out.push(e)
      prev = e.hash
    }
    return out
  }

  /** The fault of `e` checked after `previous`, with a fresh verifier and the given membership. */
  function check (e: LogEntry, previous: LogEntry | undefined, isMember: (a: string) => boolean = a => a === author) {
    return checkEntry(e, previous === undefined ? undefined : { seq: previous.seq, hash: previous.hash }, new Verifier(), isMember)
  }

  before(async () => {
    key = await generateKeyPair('Ed25519')
    other = await generateKeyPair('Ed25519')
    author = peerIdFromPrivateKey(key).toString()
    sign = signerOf(key)
    chain = sealChain(3)
  })

  test('a sealed entry is well-formed: hash of its body, base64 signature that the author key verifies', () => {
    const [first] = chain
    assert.ok(first !== undefined)
    assert.equal(LogEntrySchema.safeParse(first).success, true)
    assert.equal(first.prev, GENESIS_PREV)
    const { hash, sig, ...body } = first
    void sig
    assert.equal(hash, entryHash(body))
    assert.equal(new Verifier().verify(author, Buffer.from(first.hash, 'hex'), Buffer.from(first.sig, 'base64')), true)
  })

  test('a valid chain of 3 entries passes, each entry against the one before it', () => {
    const verifier = new Verifier()
    let previous: { seq: number, hash: string } | undefined
    for (const e of chain) {
      assert.equal(checkEntry(e, previous, verifier, a => a === author), undefined, `entry ${e.seq}`)
      previous = { seq: e.seq, hash: e.hash }
    }
    assert.deepEqual(chain.map(e => e.seq), [1, 2, 3])
    assert.equal(chain[1]?.prev, chain[0]?.hash)
    assert.equal(chain[2]?.prev, chain[1]?.hash)
  })

  test('a changed record amount is a hash fault', () => {
    const e = clone(chain[1] as LogEntry)
    const r = e.records[0] as UsageRecord
    r.amount = r.amount + 1
    assert.equal(check(e, chain[0]), 'hash')
  })

  test('other changes of the signed body are hash faults too (time, a record added, metadata)', () => {
    const later = { ...clone(chain[1] as LogEntry), time: T0 + 99 }
    assert.equal(check(later, chain[0]), 'hash')
    const added = clone(chain[1] as LogEntry)
    added.records.push(record('smuggled'))
    assert.equal(check(added, chain[0]), 'hash')
    const meta = clone(chain[1] as LogEntry)
    ;(meta.records[1] as UsageRecord).metadata = { service: 'other' }
    assert.equal(check(meta, chain[0]), 'hash')
  })

  test('an entry re-hashed after a change but not re-signed is a signature fault', () => {
    const e = clone(chain[1] as LogEntry)
    ;(e.records[0] as UsageRecord).amount = 1000
    e.hash = entryHash(e)
    assert.notEqual(e.hash, chain[1]?.hash)
    assert.equal(check(e, chain[0]), 'signature')
  })

  test('an entry signed by another key than its author is a signature fault', () => {
    const original = chain[1] as LogEntry
    const forged = sealEntry({ author, seq: 2, prev: original.prev, time: original.time, records: original.records }, signerOf(other))
    assert.equal(forged.hash, original.hash, 'same body, same hash')
    assert.notEqual(forged.sig, original.sig)
    assert.equal(check(forged, chain[0]), 'signature')
  })

  test('a signature of another entry (replayed) is a signature fault', () => {
    const e = { ...clone(chain[1] as LogEntry), sig: (chain[2] as LogEntry).sig }
    assert.equal(check(e, chain[0]), 'signature')
  })

  test('a wrong prev is a chain fault, even when the author signed it', () => {
    const e = sealEntry({ author, seq: 2, prev: 'ab'.repeat(32), time: T0, records: [record('x')] }, sign)
    assert.equal(check(e, chain[0]), 'chain')
    // The prev of entry 3 is the hash of entry 2, not of entry 1.
    assert.equal(check(chain[2] as LogEntry, { ...(chain[0] as LogEntry), seq: 2 }), 'chain')
  })

  test('seq 1 with a prev other than the genesis prev is a chain fault', () => {
    const e = sealEntry({ author, seq: 1, prev: (chain[0] as LogEntry).hash, time: T0, records: [record('x')] }, sign)
    assert.equal(check(e, undefined), 'chain')
  })

  test('a gap in seq is a chain fault: entry 3 after entry 1, and entry 2 with nothing before it', () => {
    const gap = sealEntry({ author, seq: 3, prev: (chain[0] as LogEntry).hash, time: T0, records: [record('x')] }, sign)
    assert.equal(check(gap, chain[0]), 'chain')
    assert.equal(check(chain[2] as LogEntry, chain[0]), 'chain')
    assert.equal(check(chain[1] as LogEntry, undefined), 'chain')
  })

  test('an author who is not a member is an author fault, before anything else is looked at', () => {
    assert.equal(check(chain[0] as LogEntry, undefined, () => false), 'author')
    const tampered = clone(chain[1] as LogEntry)
    ;(tampered.records[0] as UsageRecord).amount = 42
    assert.equal(check(tampered, chain[0], () => false), 'author')
    const stranger = sealEntry({ author: peerIdFromPrivateKey(other).toString(), seq: 1, prev: GENESIS_PREV, time: T0, records: [record('s')] }, signerOf(other))
    assert.equal(check(stranger, undefined), 'author')
    assert.equal(check(stranger, undefined, everyone), undefined)
  })

  test('a malformed author id is a signature fault, never a throw', async () => {
    const verifier = new Verifier()
    const secp = peerIdFromPrivateKey(await generateKeyPair('secp256k1')).toString()
    for (const bad of ['not-a-peer-id', '12D3KooW', 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N', secp, author.slice(0, -1)]) {
      const e = sealEntry({ author: bad, seq: 1, prev: GENESIS_PREV, time: T0, records: [record('m')] }, sign)
      let fault: ReturnType<typeof checkEntry>
      assert.doesNotThrow(() => { fault = checkEntry(e, undefined, verifier, everyone) }, bad)
      assert.equal(fault, 'signature', bad)
      // Asked again, the cached answer is the same.
      assert.equal(checkEntry(e, undefined, verifier, everyone), 'signature', bad)
    }
  })

  test('a signature that is not valid base64 of a signature is a signature fault, not a throw', () => {
    const e = { ...clone(chain[0] as LogEntry), sig: 'AAAA' }
    assert.doesNotThrow(() => check(e, undefined))
    assert.equal(check(e, undefined), 'signature')
  })

  test('entryHash is independent of the key order of records, their metadata and the entry', () => {
    const a: UnsignedEntry = {
      author,
      seq: 1,
      prev: GENESIS_PREV,
      time: T0,
      records: [{ id: 'k', user_id: 'u', resource_type: 'storage', amount: 2.5, unit: 'GB', timestamp: T0, metadata: { a: 1, b: 'x', c: null, d: true } }]
    }
    const b = {
      records: [{ metadata: { d: true, c: null, b: 'x', a: 1 }, timestamp: T0, unit: 'GB', amount: 2.5, resource_type: 'storage', user_id: 'u', id: 'k' }],
      time: T0,
      prev: GENESIS_PREV,
      seq: 1,
      author
    } as UnsignedEntry
    assert.notEqual(JSON.stringify(a), JSON.stringify(b))
    assert.equal(entryHash(a), entryHash(b))
    assert.match(entryHash(a), /^[0-9a-f]{64}$/)
    // A sealed entry verifies whichever key order it travelled in.
    const sealed = sealEntry(a, sign)
    const reordered = { ...b, hash: sealed.hash, sig: sealed.sig } as LogEntry
    assert.equal(checkEntry(reordered, undefined, new Verifier(), a => a === author), undefined)
    // The hash covers values, and the order of the records list itself.
    assert.notEqual(entryHash({ ...a, records: [{ ...(a.records[0] as UsageRecord), amount: 2.6 }] }), entryHash(a))
    const two = [record('p'), record('q')]
    assert.notEqual(entryHash({ ...a, records: two }), entryHash({ ...a, records: [...two].reverse() }))
  })

  test('entryHash ignores the hash and sig fields of a sealed entry', () => {
    const e = chain[0] as LogEntry
    assert.equal(entryHash({ ...e, hash: '0'.repeat(64), sig: 'AAAA' } as LogEntry), e.hash)
  })

  test('a correctly signed entry with an amount that has no exact value (1.7976931348623157e308, 7 decimals) is malformed on the wire', () => {
    for (const amount of [1.7976931348623157e308, 0.1234567, 2e9]) {
      const e = sealEntry({ author, seq: 1, prev: GENESIS_PREV, time: T0, records: [record('huge', amount)] }, sign)
      assert.equal(checkEntry(e, undefined, new Verifier(), everyone), undefined, 'hash, signature and chain are fine')
      assert.equal(LogEntrySchema.safeParse(JSON.parse(JSON.stringify(e))).success, false, String(amount))
    }
    const fine = sealEntry({ author, seq: 1, prev: GENESIS_PREV, time: T0, records: [record('fine', 999_999_999.999999)] }, sign)
    assert.equal(LogEntrySchema.safeParse(JSON.parse(JSON.stringify(fine))).success, true)
  })
})
