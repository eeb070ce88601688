import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { decodeJson, encodeJson } from '../../src/codec/json-bytes.ts'
import { ProbeRequestSchema, ProbeResponseSchema } from '../../src/telemetry/telemetry-service.ts'
import { MAX_MEMBERSHIP_EVENT_BYTES, encodeMembershipEvent, type MembershipEvent } from '../../src/telemetry/membership-event.ts'
import { encodeSnapshot } from '../../src/telemetry/snapshot.ts'
import { validateTelemetry, type TelemetryContext } from '../../src/telemetry/validator.ts'
import { NOW, validSnapshot } from '../helpers/snapshots.ts'

const SELF = '12D3KooWSelf'
const OTHER = '12D3KooWOther'
const CTX: TelemetryContext = { now: NOW, maxSkewMs: 30_000, maxAgeMs: 30_000, author: SELF, last: undefined }
const encoder = new TextEncoder()
const bytes = (v: unknown): Uint8Array => encoder.encode(JSON.stringify(v))

function event (overrides: Partial<MembershipEvent> = {}): MembershipEvent {
  return { event: 'left', peerId: SELF, incarnation: 7, time: NOW, ...overrides }
}

describe('membership events on the telemetry topic', () => {
  test('each event is accepted as a membership message, parsed, beside snapshots', () => {
    for (const e of [event({ event: 'alive' }), event({ event: 'left' }), event({ event: 'suspect', peerId: OTHER }), event({ event: 'down', peerId: OTHER })]) {
      assert.deepEqual(validateTelemetry(encodeMembershipEvent(e), CTX), { action: 'accept', value: { type: 'membership', event: e } })
    }
    const s = validSnapshot()
    assert.deepEqual(validateTelemetry(encodeSnapshot(s), CTX), { action: 'accept', value: { type: 'snapshot', snapshot: s } })
  })

  test('an event is about a hundred bytes', () => {
    assert.ok(encodeMembershipEvent(event({ peerId: '12D3KooWS7MSTgQyGWgZXxqaeW7yHjpLr7MHg7591dMvnHgDX7y7', incarnation: NOW })).byteLength < 150)
  })

  test('forged: alive or left said of another peer', () => {
    assert.deepEqual(validateTelemetry(encodeMembershipEvent(event({ event: 'alive', peerId: OTHER })), CTX), { action: 'reject', reason: 'forged' })
    assert.deepEqual(validateTelemetry(encodeMembershipEvent(event({ event: 'left', peerId: OTHER })), CTX), { action: 'reject', reason: 'forged' })
  })

  test('malformed: an accusation or verdict of oneself', () => {
    assert.deepEqual(validateTelemetry(encodeMembershipEvent(event({ event: 'suspect' })), CTX), { action: 'reject', reason: 'malformed' })
    assert.deepEqual(validateTelemetry(encodeMembershipEvent(event({ event: 'down' })), CTX), { action: 'reject', reason: 'malformed' })
  })

  test('malformed: an unknown event, a missing or extra field, a wrong type, a negative incarnation, an empty peer id', () => {
    const cases: unknown[] = [
      { ...event(), event: 'dead' },
      { event: 'left', peerId: SELF, incarnation: 7 },
      { ...event(), extra: 1 },
      { ...event(), incarnation: '7' },
      { ...event(), incarnation: -1 },
      { ...event(), incarnation: 1.5 },
      { ...event(), peerId: '' },
      { ...event(), peerId: 'x'.repeat(129) }
    ]
    for (const c of cases) assert.deepEqual(validateTelemetry(bytes(c), CTX), { action: 'reject', reason: 'malformed' }, JSON.stringify(c))
  })

  test('future: a time beyond the skew is rejected; exactly at it, accepted', () => {
    assert.deepEqual(validateTelemetry(encodeMembershipEvent(event({ time: NOW + 30_001 })), CTX), { action: 'reject', reason: 'future' })
    assert.equal(validateTelemetry(encodeMembershipEvent(event({ time: NOW + 30_000 })), CTX).action, 'accept')
  })

  test('stale: an old event is no news, and no fault of the relay: ignored', () => {
    assert.deepEqual(validateTelemetry(encodeMembershipEvent(event({ time: NOW - 30_001 })), CTX), { action: 'ignore', reason: 'stale' })
  })

  test('oversized: a message with an event field beyond the event limit is judged as a snapshot, and is no snapshot', () => {
    const padded = new Uint8Array(MAX_MEMBERSHIP_EVENT_BYTES + 1).fill(0x20)
    padded.set(encodeMembershipEvent(event()), 0)
    assert.deepEqual(validateTelemetry(padded, CTX), { action: 'reject', reason: 'malformed' })
  })
})

describe('the indirect probe\'s frames', () => {
  test('a request names a target and a timeout; a response says whether the target answered', () => {
    assert.deepEqual(decodeJson(encodeJson({ target: OTHER, timeoutMs: 1000 }), ProbeRequestSchema), { target: OTHER, timeoutMs: 1000 })
    assert.deepEqual(decodeJson(encodeJson({ ok: false }), ProbeResponseSchema), { ok: false })
  })

  test('a notice tells a reconnected peer what is held against it: suspect or down, at an incarnation', () => {
    assert.deepEqual(decodeJson(encodeJson({ notice: 'down', incarnation: 7 }), ProbeRequestSchema), { notice: 'down', incarnation: 7 })
    for (const c of [{ notice: 'alive', incarnation: 7 }, { notice: 'down' }, { notice: 'down', incarnation: -1 }, { notice: 'down', incarnation: 7, target: OTHER }]) {
      assert.equal(decodeJson(encodeJson(c), ProbeRequestSchema), undefined, JSON.stringify(c))
    }
  })

  test('each malformed request is refused: no target, an empty or overlong one, a timeout out of range or fractional, an extra field, not JSON', () => {
    const cases: unknown[] = [
      { timeoutMs: 1000 },
      { target: '', timeoutMs: 1000 },
      { target: 'x'.repeat(129), timeoutMs: 1000 },
      { target: OTHER, timeoutMs: 0 },
      { target: OTHER, timeoutMs: 10_001 },
      { target: OTHER, timeoutMs: 1.5 },
      { target: OTHER, timeoutMs: 1000, extra: true },
      { target: OTHER }
    ]
    for (const c of cases) assert.equal(decodeJson(encodeJson(c), ProbeRequestSchema), undefined, JSON.stringify(c))
    assert.equal(decodeJson(encoder.encode('not json'), ProbeRequestSchema), undefined)
  })

  test('a response other than { ok: boolean } is refused', () => {
    for (const c of [{}, { ok: 'yes' }, { ok: true, extra: 1 }]) assert.equal(decodeJson(encodeJson(c), ProbeResponseSchema), undefined)
  })
})
