import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { RouteReplySchema, RouteRequestHeadSchema, checkReply, checkRequestHead } from '../../src/routing/route-protocol.ts'

// The hand-written checks may only be stricter than their schemas: whatever one accepts, its
// schema accepts as the same value; and they accept the heads that nodes actually send.

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/)
const fieldValue = fc.string({ maxLength: 30 }).filter(v => !/[\r\n\0]/.test(v))
const goodHeaders = fc.array(fc.tuple(token, fieldValue), { maxLength: 8 })
/** Header lists near the rules: good ones, and ones with a bad name, value, pair or count. */
const anyHeaders = fc.oneof(
  goodHeaders,
  fc.array(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })), { maxLength: 4 }),
  fc.constant([['ok', 'v', 'extra']]),
  fc.constant([['ok']]),
  fc.constant([['a'.repeat(257), 'v']]),
  fc.constant([['ok', 'x'.repeat(8193)]]),
  fc.constant(Array.from({ length: 201 }, () => ['a', 'b'])),
  fc.anything()
)
const goodHead = fc.record({
  service: fc.string({ minLength: 1, maxLength: 64 }),
  method: fc.stringMatching(/^[A-Z]{3,10}$/),
  path: fc.string({ maxLength: 40 }).map(p => `/${p}`),
  headers: goodHeaders,
  bodyBytes: fc.oneof(fc.constant(null), fc.nat())
})
/** Values at and past each field's bounds, and of other types. */
const edgy = fc.oneof(fc.constantFrom('', 'x'.repeat(64), 'x'.repeat(65), '/', `/${'p'.repeat(8191)}`, `/${'p'.repeat(8192)}`, 'GET', 'get', 'GE', 'GETGETGETGE',
  -1, -0, 0, 1.5, 99, 100, 599, 600, 65_536, 65_537, 1_000_001, 3_600_001, Number.MAX_SAFE_INTEGER + 2, null, true, [], {}), anyHeaders, fc.anything())
/** A good value with one field changed to an edgy value, removed, or one field added. */
function nearly<T extends Record<string, unknown>> (good: fc.Arbitrary<T>, fields: string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(good, fc.constantFrom(...fields, 'extra'), edgy, fc.boolean()).map(([value, field, replacement, remove]) => {
    const copy: Record<string, unknown> = { ...value }
    if (remove) delete copy[field]
    else copy[field] = replacement
    return copy
  })
}
const nearHead = nearly(goodHead, ['service', 'method', 'path', 'headers', 'bodyBytes'])

const goodLoad = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 3_600_000, noNaN: true }), fc.nat({ max: 1_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }))
const loadWire = fc.oneof(
  goodLoad,
  fc.tuple(goodLoad, fc.nat({ max: 5 }), fc.constantFrom(-0.001, 1.001, 3_600_001, 1_000_001, 1.5, -1, null, '0.5')).map(([wire, at, value]) => {
    const copy: unknown[] = [...wire]
    copy[at] = value
    return copy
  }),
  fc.array(fc.oneof(fc.double(), fc.integer(), fc.anything()), { maxLength: 6 })
)
const goodResponse = fc.record({
  kind: fc.constant('response'),
  status: fc.integer({ min: 100, max: 599 }),
  headers: goodHeaders,
  load: goodLoad,
  bodyBytes: fc.nat({ max: 64 * 1024 })
}, { requiredKeys: ['kind', 'status', 'headers'] })
const nearReply = fc.oneof(
  nearly(goodResponse, ['kind', 'status', 'headers', 'load', 'bodyBytes']),
  nearly(fc.constant({ kind: 'accepted' }), ['kind']),
  fc.record({ kind: fc.constant('response'), status: fc.integer({ min: 100, max: 599 }), headers: goodHeaders, load: loadWire }),
  fc.record({ kind: fc.anything(), status: fc.anything(), headers: anyHeaders, load: loadWire }, { requiredKeys: [] })
)

/** As a frame arrives: JSON, parsed. */
const viaJson = (value: unknown): unknown => {
  const text = JSON.stringify(value)
  return text === undefined ? undefined : JSON.parse(text)
}

test('a request head the check accepts, the schema accepts as the same value', () => {
  fc.assert(fc.property(fc.oneof(goodHead, nearHead, fc.anything()), raw => {
    const value = viaJson(raw)
    const checked = checkRequestHead(value)
    if (checked === undefined) return
    const parsed = RouteRequestHeadSchema.safeParse(value)
    assert.ok(parsed.success, `the check accepted ${JSON.stringify(value)}, the schema did not`)
    assert.deepEqual(checked, parsed.data)
  }), { numRuns: 20_000 })
})

test('a reply the check accepts, the schema accepts as the same value', () => {
  fc.assert(fc.property(fc.oneof(goodResponse, nearReply, fc.constant({ kind: 'accepted' }), fc.anything()), raw => {
    const value = viaJson(raw)
    const checked = checkReply(value)
    if (checked === undefined) return
    const parsed = RouteReplySchema.safeParse(value)
    assert.ok(parsed.success, `the check accepted ${JSON.stringify(value)}, the schema did not`)
    assert.deepEqual(checked, parsed.data)
  }), { numRuns: 20_000 })
})

test('the checks accept every well-formed head and reply, so that the schema is the exception', () => {
  fc.assert(fc.property(goodHead, raw => { assert.notEqual(checkRequestHead(viaJson(raw)), undefined) }), { numRuns: 500 })
  fc.assert(fc.property(goodResponse, raw => { assert.notEqual(checkReply(viaJson(raw)), undefined) }), { numRuns: 500 })
  assert.notEqual(checkReply({ kind: 'accepted' }), undefined)
})

test('what the checks leave to the schema is still judged by it: an error reply passes, a bad head fails', () => {
  const error = { kind: 'error', code: 'BUSY', message: 'busy', reachedUpstream: false }
  assert.equal(checkReply(error), undefined)
  assert.equal(RouteReplySchema.safeParse(error).success, true)
  assert.equal(checkRequestHead({ service: 'x', method: 'get', path: '/', headers: [], bodyBytes: null }), undefined)
  assert.equal(RouteRequestHeadSchema.safeParse({ service: 'x', method: 'get', path: '/', headers: [], bodyBytes: null }).success, false)
})
