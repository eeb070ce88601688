import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { validateRateLimitReport } from '../../src/platform/rate-limit-service.ts'

const HOUR = 3_600_000
const T0 = 1_700_000_000 * 1_000 - (1_700_000_000 * 1_000) % HOUR + 60_000

describe('rate-limit gossip validation', () => {
  const now = T0
  const ctx = { signer: 'peer-a', now, windowMs: HOUR, isMember: (p: string) => p === 'peer-a' }
  const bytes = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v))
  const report = { node: 'peer-a', window_ms: HOUR, window: Math.floor(now / HOUR), sent_at: now, counts: { t: [3, 5] }, heard: { 'peer-b': now - 250 } }

  test('a member\'s own counts of the current window are accepted', () => {
    assert.deepEqual(validateRateLimitReport(bytes(report), ctx), { action: 'accept', value: { windowMs: HOUR, window: report.window, sentAt: now, counts: { t: [3, 5] }, heard: { 'peer-b': now - 250 } } })
  })

  test('malformed or spoofed reports are rejected; a non-member\'s or another window\'s are ignored', () => {
    assert.deepEqual(validateRateLimitReport(bytes({ ...report, counts: { t: [-1, 0] } }), ctx), { action: 'reject', reason: 'malformed' })
    assert.deepEqual(validateRateLimitReport(bytes({ ...report, extra: 1 }), ctx), { action: 'reject', reason: 'malformed' })
    assert.deepEqual(validateRateLimitReport(bytes({ ...report, node: 'peer-b' }), ctx), { action: 'reject', reason: 'spoofed_author' })
    assert.deepEqual(validateRateLimitReport(bytes({ ...report, node: 'peer-b' }), { ...ctx, signer: 'peer-b' }), { action: 'ignore', reason: 'not_member' })
    assert.deepEqual(validateRateLimitReport(bytes({ ...report, window: report.window - 1 }), ctx), { action: 'ignore', reason: 'other_window' })
    assert.deepEqual(validateRateLimitReport(bytes({ ...report, window_ms: 60_000 }), ctx), { action: 'ignore', reason: 'other_window' })
  })
})
