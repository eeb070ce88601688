import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MAX_SNAPSHOT_BYTES, decodeSnapshot, encodeSnapshot, isNewer } from '../../src/telemetry/snapshot.ts'
import { validSnapshot } from '../helpers/snapshots.ts'

describe('encodeSnapshot / decodeSnapshot', () => {
  test('a snapshot survives the round trip unchanged', () => {
    const s = validSnapshot()
    const decoded = decodeSnapshot(encodeSnapshot(s))
    assert.deepEqual(decoded, { ok: true, snapshot: s })
  })

  test('round trip with boundary values (empty services, empty strings where allowed, zero and one shares)', () => {
    const s = validSnapshot({
      incarnation: 0,
      seq: Number.MAX_SAFE_INTEGER,
      cpu: 1,
      services: [],
      apiUrl: '',
      region: '',
      intervalMs: 100,
      memory: { rssBytes: 0, heapUsedBytes: 0, limitBytes: 8_000_000_000, limitSource: 'host', share: 0 },
      eventLoopDelayMs: { p50: 0, p99: 0, max: 0 }
    })
    assert.deepEqual(decodeSnapshot(encodeSnapshot(s)), { ok: true, snapshot: s })
  })

  test('encoding is UTF-8 JSON', () => {
    const s = validSnapshot({ region: 'zürich-東京' })
    const bytes = encodeSnapshot(s)
    assert.ok(bytes instanceof Uint8Array)
    assert.deepEqual(JSON.parse(new TextDecoder().decode(bytes)), s)
    const decoded = decodeSnapshot(bytes)
    assert.ok(decoded.ok)
    assert.equal(decoded.snapshot.region, 'zürich-東京')
  })

  test('a valid snapshot is a few hundred bytes, well under the limit', () => {
    assert.ok(encodeSnapshot(validSnapshot()).byteLength < 1024)
    assert.equal(MAX_SNAPSHOT_BYTES, 8 * 1024)
  })
})

describe('isNewer', () => {
  test('anything is newer than nothing', () => {
    assert.equal(isNewer({ incarnation: 0, seq: 0 }, undefined), true)
  })

  test('same incarnation: a higher seq is newer, the same or a lower one is not', () => {
    assert.equal(isNewer({ incarnation: 5, seq: 11 }, { incarnation: 5, seq: 10 }), true)
    assert.equal(isNewer({ incarnation: 5, seq: 10 }, { incarnation: 5, seq: 10 }), false)
    assert.equal(isNewer({ incarnation: 5, seq: 9 }, { incarnation: 5, seq: 10 }), false)
  })

  test('the incarnation is compared first', () => {
    assert.equal(isNewer({ incarnation: 6, seq: 1 }, { incarnation: 5, seq: 1000 }), true)
    assert.equal(isNewer({ incarnation: 4, seq: 1000 }, { incarnation: 5, seq: 1 }), false)
  })
})
