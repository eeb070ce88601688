import assert from 'node:assert/strict'
import { test } from 'node:test'
import { canonicalJson } from '../../src/codec/canonical-json.ts'
import { MAX_ENCODE_DEPTH, MAX_JSON_DEPTH, jsonTextDepth, nestsDeeperThan, parseJson } from '../../src/codec/json-depth.ts'
import { MeshError } from '../../src/errors.ts'
import { decodeJson } from '../../src/codec/json-bytes.ts'
import { decodeSnapshot } from '../../src/telemetry/snapshot.ts'
import { z } from 'zod'

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)

/** A value nested `depth` objects deep, built without recursion. */
function deepValue (depth: number): object {
  let v: object = {}
  for (let i = 1; i < depth; i++) v = { a: v }
  return v
}

test('jsonTextDepth counts objects and arrays, not brackets inside strings or escaped quotes', () => {
  assert.equal(jsonTextDepth('1'), 0)
  assert.equal(jsonTextDepth('{}'), 1)
  assert.equal(jsonTextDepth('{"a":[1,{"b":[]}]}'), 4)
  assert.equal(jsonTextDepth('{"a":"[[[{{{"}'), 1)
  assert.equal(jsonTextDepth('{"a":"\\"[[[","b":[1]}'), 2)
  assert.equal(jsonTextDepth(nested(100_000)), 100_000)
})

test('parseJson parses up to the limit and refuses deeper text with a VALIDATION_ERROR naming the limit', () => {
  assert.deepEqual(parseJson('{"a":[1,2]}'), { a: [1, 2] })
  assert.ok(Array.isArray(parseJson(nested(MAX_JSON_DEPTH))))
  for (const depth of [MAX_JSON_DEPTH + 1, 8_000, 1_000_000]) {
    assert.throws(() => parseJson(nested(depth)), (err: unknown) => err instanceof MeshError && err.code === 'VALIDATION_ERROR' &&
      err.message.includes(String(MAX_JSON_DEPTH)) && err.details?.limit === MAX_JSON_DEPTH)
  }
  assert.throws(() => parseJson('{"a":'), SyntaxError)
})

test('nestsDeeperThan walks without recursion, so any depth is measured', () => {
  assert.equal(nestsDeeperThan({ a: [1, { b: 2 }] }, 3), false)
  assert.equal(nestsDeeperThan({ a: [1, { b: {} }] }, 3), true)
  assert.equal(nestsDeeperThan('text', 0), false)
  assert.equal(nestsDeeperThan(deepValue(200_000), 100), true)
})

test('the canonical encoder refuses a value nested 8,000 levels with a MeshError, not a stack overflow', () => {
  assert.equal(canonicalJson(deepValue(MAX_ENCODE_DEPTH)).length > 0, true)
  for (const depth of [MAX_ENCODE_DEPTH + 1, 8_000]) {
    assert.throws(() => canonicalJson(deepValue(depth)), (err: unknown) => err instanceof MeshError && err.code === 'VALIDATION_ERROR')
  }
  assert.equal(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }), '{"a":[2,{"c":4,"d":3}],"b":1}')
})

test('frames decoded from sync streams, governance gossip and telemetry refuse over-deep JSON as malformed, never throw', () => {
  const deep = new TextEncoder().encode(`{"a":${nested(8_000)}}`)
  assert.equal(decodeJson(deep, z.unknown()), undefined)
  assert.deepEqual(decodeJson(new TextEncoder().encode('{"a":1}'), z.object({ a: z.number() })), { a: 1 })
  // A snapshot's size limit comes first; within it, depth is refused as well.
  assert.deepEqual(decodeSnapshot(new TextEncoder().encode(nested(MAX_JSON_DEPTH + 1))), { ok: false, reason: 'malformed' })
})
