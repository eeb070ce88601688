import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { verifyWebhookSignature, webhookSignature } from '../../src/webhooks/signature.ts'

describe('webhook signatures', () => {
  test('sha256=HMAC-SHA256 of "timestamp.body" with the secret, as openssl computes it', () => {
    // printf '%s' '1700000000.{"id":"e1"}' | openssl dgst -sha256 -hmac 'whsec-test-secret-123'
    assert.equal(webhookSignature('whsec-test-secret-123', 1_700_000_000, '{"id":"e1"}'), 'sha256=43f3d65caf45a1b7b77d305634862e8785c02048fee1504777ce8f2090cc8bb3')
  })

  test('a receiver accepts the right signature and refuses another secret, body, timestamp or an old delivery', () => {
    const sig = webhookSignature('s3cret-s3cret-s3cret', 1_700_000_000, 'body')
    assert.equal(verifyWebhookSignature('s3cret-s3cret-s3cret', '1700000000', 'body', sig, 1_700_000_010), true)
    assert.equal(verifyWebhookSignature('another-secret-here', '1700000000', 'body', sig, 1_700_000_010), false)
    assert.equal(verifyWebhookSignature('s3cret-s3cret-s3cret', '1700000000', 'bodY', sig, 1_700_000_010), false)
    assert.equal(verifyWebhookSignature('s3cret-s3cret-s3cret', '1700000001', 'body', sig, 1_700_000_010), false)
    assert.equal(verifyWebhookSignature('s3cret-s3cret-s3cret', '1700000000', 'body', sig, 1_700_001_000), false)
    assert.equal(verifyWebhookSignature('s3cret-s3cret-s3cret', '1700000000', 'body', 'sha256=00', 1_700_000_010), false)
  })
})
