import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { validateHeadAnnouncement, type BillingGossipContext } from '../../src/billing/head-announcement.ts'
import { encodeJson } from '../../src/codec/json-bytes.ts'

const AUTHOR = '12D3KooWAuthor'
const HEAD = { author: AUTHOR, seq: 5, hash: 'ab'.repeat(32) }

function ctx (over: Partial<BillingGossipContext> = {}): BillingGossipContext {
  return { signer: AUTHOR, authoredThrough: () => Infinity, announced: () => 0, ...over }
}

describe('validateHeadAnnouncement', () => {
  test('an author announcing its own newer head is accepted, parsed', () => {
    assert.deepEqual(validateHeadAnnouncement(encodeJson(HEAD), ctx({ announced: () => 4 })), { action: 'accept', value: HEAD })
  })

  test('bytes that are not a head are rejected as malformed', () => {
    for (const bad of [new Uint8Array([0xff]), encodeJson({ ...HEAD, seq: 0 }), encodeJson({ ...HEAD, extra: 1 }), encodeJson([HEAD])]) {
      assert.deepEqual(validateHeadAnnouncement(bad, ctx()), { action: 'reject', reason: 'malformed' })
    }
  })

  test('another author\'s head under this gossip signature is rejected as spoofed', () => {
    assert.deepEqual(validateHeadAnnouncement(encodeJson(HEAD), ctx({ signer: '12D3KooWRelay' })), { action: 'reject', reason: 'spoofed_author' })
  })

  test('a head past what counts of its author (not a member, or past a revocation\'s cut) is ignored, without penalty', () => {
    assert.deepEqual(validateHeadAnnouncement(encodeJson(HEAD), ctx({ authoredThrough: () => 0 })), { action: 'ignore', reason: 'not_member' })
    assert.deepEqual(validateHeadAnnouncement(encodeJson(HEAD), ctx({ authoredThrough: () => 4 })), { action: 'ignore', reason: 'not_member' })
    assert.equal(validateHeadAnnouncement(encodeJson(HEAD), ctx({ authoredThrough: () => 5 })).action, 'accept')
  })

  test('a head no higher than the one announced already is ignored as not newer', () => {
    assert.deepEqual(validateHeadAnnouncement(encodeJson(HEAD), ctx({ announced: () => 5 })), { action: 'ignore', reason: 'not_newer' })
    assert.deepEqual(validateHeadAnnouncement(encodeJson(HEAD), ctx({ announced: () => 9 })), { action: 'ignore', reason: 'not_newer' })
  })
})
