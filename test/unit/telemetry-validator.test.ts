import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MAX_SNAPSHOT_BYTES, decodeSnapshot, encodeSnapshot, type TelemetrySnapshot } from '../../src/telemetry/snapshot.ts'
import { validateSnapshot, validateTelemetry, type ValidationContext } from '../../src/telemetry/validator.ts'
import { NOW, validSnapshot } from '../helpers/snapshots.ts'

const CTX: ValidationContext = { now: NOW, maxSkewMs: 30_000, maxAgeMs: 60_000 }

const encoder = new TextEncoder()

function bytesOf (value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

type Json = Record<string, unknown>

/** A valid snapshot as a plain object, with the value at `path` replaced (or deleted when `value` is DELETE). */
const DELETE = Symbol('delete')
function mutated (path: string[], value: unknown): Json {
  const root = structuredClone(validSnapshot()) as unknown as Json
  let node: Json = root
  for (const key of path.slice(0, -1)) node = node[key] as Json
  const last = path[path.length - 1]
  assert.ok(last !== undefined)
  if (value === DELETE) {
    assert.ok(last in node, `test bug: ${path.join('.')} is not a field`)
    Reflect.deleteProperty(node, last)
  } else {
    node[last] = value
  }
  return root
}

function assertMalformed (value: unknown): void {
  const bytes = bytesOf(value)
  assert.deepEqual(decodeSnapshot(bytes), { ok: false, reason: 'malformed' })
  assert.deepEqual(validateSnapshot(bytes, undefined, CTX), { accept: false, reason: 'malformed' })
}

/** The encoded snapshot padded with trailing JSON whitespace to exactly `size` bytes. */
function paddedTo (size: number): Uint8Array {
  const encoded = encodeSnapshot(validSnapshot())
  assert.ok(encoded.byteLength <= size)
  const out = new Uint8Array(size).fill(0x20)
  out.set(encoded, 0)
  return out
}

describe('validateSnapshot', () => {
  test('accepts a valid snapshot with no previous position and returns it parsed', () => {
    const s = validSnapshot()
    assert.deepEqual(validateSnapshot(encodeSnapshot(s), undefined, CTX), { accept: true, snapshot: s })
  })

  describe('oversized', () => {
    test('exactly MAX_SNAPSHOT_BYTES is not oversized (whitespace padding is valid JSON)', () => {
      const bytes = paddedTo(MAX_SNAPSHOT_BYTES)
      assert.equal(bytes.byteLength, MAX_SNAPSHOT_BYTES)
      assert.equal(validateSnapshot(bytes, undefined, CTX).accept, true)
    })

    test('one byte over MAX_SNAPSHOT_BYTES is rejected as oversized', () => {
      const bytes = paddedTo(MAX_SNAPSHOT_BYTES + 1)
      assert.deepEqual(decodeSnapshot(bytes), { ok: false, reason: 'oversized' })
      assert.deepEqual(validateSnapshot(bytes, undefined, CTX), { accept: false, reason: 'oversized' })
    })

    test('size is checked before anything else: oversized garbage is oversized, not malformed', () => {
      const bytes = new Uint8Array(MAX_SNAPSHOT_BYTES + 100).fill(0xff)
      assert.deepEqual(validateSnapshot(bytes, undefined, CTX), { accept: false, reason: 'oversized' })
    })
  })

  describe('malformed', () => {
    test('not UTF-8: an invalid byte sequence', () => {
      const bytes = new Uint8Array([0xff, 0xfe, 0x7b, 0x7d])
      assert.deepEqual(decodeSnapshot(bytes), { ok: false, reason: 'malformed' })
      assert.deepEqual(validateSnapshot(bytes, undefined, CTX), { accept: false, reason: 'malformed' })
    })

    test('not UTF-8: an otherwise valid snapshot with a stray byte inside a string', () => {
      const text = JSON.stringify(validSnapshot({ region: 'XX' }))
      const bytes = encoder.encode(text)
      const at = text.indexOf('"XX"') + 1
      bytes[at] = 0xc3 // a lead byte followed by an ASCII byte: invalid UTF-8
      assert.deepEqual(validateSnapshot(bytes, undefined, CTX), { accept: false, reason: 'malformed' })
    })

    test('not JSON', () => {
      for (const text of ['', 'hello', '{"seq": 1', '{seq: 1}', "{'seq': 1}"]) {
        const bytes = encoder.encode(text)
        assert.deepEqual(validateSnapshot(bytes, undefined, CTX), { accept: false, reason: 'malformed' }, text)
      }
    })

    test('JSON that is not an object', () => {
      for (const value of [null, 42, 'snapshot', true, [], [validSnapshot()]]) assertMalformed(value)
    })

    const fields: Array<keyof TelemetrySnapshot> = [
      'incarnation', 'seq', 'time', 'intervalMs', 'cpu', 'memory', 'eventLoopDelayMs', 'requests',
      'services', 'apiUrl', 'version', 'region', 'uptimeMs'
    ]
    for (const field of fields) {
      test(`missing field: ${field}`, () => { assertMalformed(mutated([field], DELETE)) })
    }

    const nested: string[][] = [
      ['memory', 'rssBytes'], ['memory', 'heapUsedBytes'], ['memory', 'share'],
      ['eventLoopDelayMs', 'p50'], ['eventLoopDelayMs', 'p99'], ['eventLoopDelayMs', 'max'],
      ['requests', 'active'], ['requests', 'served'], ['requests', 'errors'],
      ['services', '0', 'name'], ['services', '0', 'capacity']
    ]
    for (const path of nested) {
      test(`missing nested field: ${path.join('.')}`, () => { assertMalformed(mutated(path, DELETE)) })
    }

    test('extra field at the top level (the schema is strict)', () => {
      assertMalformed({ ...validSnapshot(), peerId: '12D3KooW' })
      assertMalformed({ ...validSnapshot(), signature: '' })
    })

    const extraNested: string[][] = [
      ['memory', 'swapBytes'], ['eventLoopDelayMs', 'p90'], ['requests', 'queued'], ['services', '0', 'price']
    ]
    for (const path of extraNested) {
      test(`extra nested field: ${path.join('.')}`, () => { assertMalformed(mutated(path, 1)) })
    }

    const wrongTypes: Array<[string[], unknown]> = [
      [['incarnation'], '1700000000000'],
      [['seq'], '42'],
      [['seq'], null],
      [['time'], true],
      [['intervalMs'], '1000'],
      [['cpu'], '0.5'],
      [['memory'], 'lots'],
      [['memory'], null],
      [['memory', 'rssBytes'], '1'],
      [['memory', 'share'], null],
      [['eventLoopDelayMs'], [1, 2, 3]],
      [['eventLoopDelayMs', 'p99'], '8'],
      [['requests'], 3],
      [['requests', 'active'], false],
      [['services'], { name: 'echo', capacity: 1 }],
      [['services'], 'echo'],
      [['services', '0'], 'echo'],
      [['services', '0', 'name'], 7],
      [['services', '0', 'capacity'], '100'],
      [['apiUrl'], 8080],
      [['apiUrl'], null],
      [['version'], 1],
      [['region'], ['eu']],
      [['uptimeMs'], {}]
    ]
    for (const [path, value] of wrongTypes) {
      test(`wrong type: ${path.join('.')} = ${JSON.stringify(value)}`, () => { assertMalformed(mutated(path, value)) })
    }

    const outOfRange: Array<[string[], unknown]> = [
      [['cpu'], 1.5],
      [['cpu'], 1.0000001],
      [['cpu'], -0.1],
      [['memory', 'share'], 2],
      [['memory', 'share'], -1],
      [['incarnation'], -1],
      [['incarnation'], 1.5],
      [['seq'], -1],
      [['seq'], 0.5],
      [['seq'], Number.MAX_SAFE_INTEGER + 1],
      [['time'], -1],
      [['time'], NOW + 0.5],
      [['intervalMs'], 99],
      [['intervalMs'], 0],
      [['intervalMs'], 600_001],
      [['intervalMs'], 1000.5],
      [['memory', 'rssBytes'], -1],
      [['memory', 'heapUsedBytes'], 1.5],
      [['eventLoopDelayMs', 'p50'], -0.001],
      [['eventLoopDelayMs', 'max'], -5],
      [['requests', 'active'], -1],
      [['requests', 'served'], 2.5],
      [['requests', 'errors'], -1],
      [['uptimeMs'], -1],
      [['services', '0', 'name'], ''],
      [['services', '0', 'name'], 'x'.repeat(65)],
      [['services', '0', 'capacity'], -1],
      [['services', '0', 'capacity'], 10_001],
      [['services', '0', 'capacity'], 1_000_000],
      [['services', '0', 'capacity'], 1.5],
      [['services'], Array.from({ length: 65 }, (_, i) => ({ name: `s${i}`, capacity: 1 }))],
      [['apiUrl'], 'h'.repeat(257)],
      [['version'], ''],
      [['version'], 'v'.repeat(33)],
      [['region'], 'r'.repeat(65)]
    ]
    for (const [path, value] of outOfRange) {
      test(`out of range: ${path.join('.')} = ${JSON.stringify(value).slice(0, 40)}`, () => {
        assertMalformed(mutated(path, value))
      })
    }

    test('the limits themselves are accepted', () => {
      const edges: Array<[string[], unknown]> = [
        [['cpu'], 0], [['cpu'], 1], [['memory', 'share'], 1],
        [['intervalMs'], 100], [['intervalMs'], 600_000],
        [['services', '0', 'name'], 'x'.repeat(64)], [['services', '0', 'capacity'], 10_000],
        [['services'], Array.from({ length: 64 }, (_, i) => ({ name: `s${i}`, capacity: 1 }))],
        [['apiUrl'], 'h'.repeat(256)], [['version'], 'v'.repeat(32)], [['region'], 'r'.repeat(64)],
        [['uptimeMs'], Number.MAX_SAFE_INTEGER]
      ]
      for (const [path, value] of edges) {
        const verdict = validateSnapshot(bytesOf(mutated(path, value)), undefined, CTX)
        assert.equal(verdict.accept, true, `${path.join('.')} = ${JSON.stringify(value).slice(0, 40)}`)
      }
    })
  })

  describe('replayed', () => {
    const s = validSnapshot({ incarnation: 1000, seq: 10 })
    const bytes = encodeSnapshot(s)

    test('the same position as the last one is a replay', () => {
      assert.deepEqual(validateSnapshot(bytes, { incarnation: 1000, seq: 10 }, CTX), { accept: false, reason: 'replayed' })
    })

    test('an older seq in the same incarnation is a replay', () => {
      assert.deepEqual(validateSnapshot(bytes, { incarnation: 1000, seq: 11 }, CTX), { accept: false, reason: 'replayed' })
    })

    test('an older incarnation is a replay even with a much higher seq', () => {
      const old = encodeSnapshot(validSnapshot({ incarnation: 999, seq: 1_000_000 }))
      assert.deepEqual(validateSnapshot(old, { incarnation: 1000, seq: 10 }, CTX), { accept: false, reason: 'replayed' })
    })

    test('the next seq in the same incarnation is accepted', () => {
      assert.deepEqual(validateSnapshot(bytes, { incarnation: 1000, seq: 9 }, CTX), { accept: true, snapshot: s })
    })

    test('a newer incarnation with a lower seq is accepted (the author restarted)', () => {
      const restarted = validSnapshot({ incarnation: 2000, seq: 1 })
      assert.deepEqual(
        validateSnapshot(encodeSnapshot(restarted), { incarnation: 1000, seq: 500 }, CTX),
        { accept: true, snapshot: restarted }
      )
    })

    test('the verdict depends on the position passed in, not on earlier calls (no hidden state)', () => {
      assert.equal(validateSnapshot(bytes, undefined, CTX).accept, true)
      assert.equal(validateSnapshot(bytes, undefined, CTX).accept, true)
      assert.equal(validateSnapshot(bytes, { incarnation: 1000, seq: 10 }, CTX).accept, false)
    })
  })

  describe('future', () => {
    test('time beyond now + maxSkewMs is rejected as future', () => {
      const s = validSnapshot({ time: NOW + CTX.maxSkewMs + 1 })
      assert.deepEqual(validateSnapshot(encodeSnapshot(s), undefined, CTX), { accept: false, reason: 'future' })
    })

    test('time exactly now + maxSkewMs is accepted', () => {
      const s = validSnapshot({ time: NOW + CTX.maxSkewMs })
      assert.equal(validateSnapshot(encodeSnapshot(s), undefined, CTX).accept, true)
    })

    test('the skew comes from the context', () => {
      const s = validSnapshot({ time: NOW + 5_000 })
      assert.equal(validateSnapshot(encodeSnapshot(s), undefined, { ...CTX, maxSkewMs: 5_000 }).accept, true)
      assert.deepEqual(validateSnapshot(encodeSnapshot(s), undefined, { ...CTX, maxSkewMs: 4_999 }), { accept: false, reason: 'future' })
    })

    test('the same bytes are accepted once the receiver clock catches up', () => {
      const bytes = encodeSnapshot(validSnapshot({ time: NOW + 100_000 }))
      assert.equal(validateSnapshot(bytes, undefined, CTX).accept, false)
      assert.equal(validateSnapshot(bytes, undefined, { ...CTX, now: NOW + 100_000 - CTX.maxSkewMs }).accept, true)
    })
  })

  describe('stale', () => {
    test('time before now - maxAgeMs is rejected as stale', () => {
      const s = validSnapshot({ time: NOW - CTX.maxAgeMs - 1 })
      assert.deepEqual(validateSnapshot(encodeSnapshot(s), undefined, CTX), { accept: false, reason: 'stale' })
    })

    test('time exactly now - maxAgeMs is accepted', () => {
      const s = validSnapshot({ time: NOW - CTX.maxAgeMs })
      assert.equal(validateSnapshot(encodeSnapshot(s), undefined, CTX).accept, true)
    })

    test('the age limit comes from the context, independent of the skew', () => {
      const s = validSnapshot({ time: NOW - 10_000 })
      assert.equal(validateSnapshot(encodeSnapshot(s), undefined, { ...CTX, maxAgeMs: 10_000, maxSkewMs: 100 }).accept, true)
      assert.deepEqual(
        validateSnapshot(encodeSnapshot(s), undefined, { ...CTX, maxAgeMs: 9_999, maxSkewMs: 1_000_000 }),
        { accept: false, reason: 'stale' }
      )
    })
  })
})

describe('validateTelemetry (the topic validator)', () => {
  const s = validSnapshot({ incarnation: 1000, seq: 10 })
  const ctx = { ...CTX, author: 'author', last: undefined }

  test('a valid snapshot is accepted, parsed', () => {
    assert.deepEqual(validateTelemetry(encodeSnapshot(s), ctx), { action: 'accept', value: { type: 'snapshot', snapshot: s } })
  })

  test('replayed and stale snapshots are no fault of the relay: ignored', () => {
    assert.deepEqual(validateTelemetry(encodeSnapshot(s), { ...ctx, last: { incarnation: 1000, seq: 10 } }), { action: 'ignore', reason: 'replayed' })
    assert.deepEqual(validateTelemetry(encodeSnapshot(validSnapshot({ time: NOW - CTX.maxAgeMs - 1 })), ctx), { action: 'ignore', reason: 'stale' })
  })

  test('oversized, malformed and future snapshots are the sender\'s fault: rejected', () => {
    assert.deepEqual(validateTelemetry(paddedTo(MAX_SNAPSHOT_BYTES + 1), ctx), { action: 'reject', reason: 'oversized' })
    assert.deepEqual(validateTelemetry(encoder.encode('{}'), ctx), { action: 'reject', reason: 'malformed' })
    assert.deepEqual(validateTelemetry(encodeSnapshot(validSnapshot({ time: NOW + CTX.maxSkewMs + 1 })), ctx), { action: 'reject', reason: 'future' })
  })
})
