import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MeshError } from '../../src/errors.ts'
import { nextAttemptAt } from '../../src/webhooks/retry.ts'
import { verifyWebhookSignature, webhookSignature } from '../../src/webhooks/signature.ts'
import { checkTarget, isPrivateAddress } from '../../src/webhooks/target.ts'

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

describe('webhook targets', () => {
  test('loopback, private, link-local and unspecified addresses are private; public ones are not', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
      assert.equal(isPrivateAddress(ip), true, ip)
    }
    for (const ip of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700:4700::1111']) assert.equal(isPrivateAddress(ip), false, ip)
  })

  test('a private target is refused unless the node allows private targets; other schemes and credentials always are', async () => {
    for (const url of ['http://127.0.0.1:9000/hook', 'http://[::1]/hook', 'http://10.0.0.5/hook', 'http://localhost:9000/hook']) {
      await assert.rejects(checkTarget(new URL(url), false), (err: unknown) => err instanceof MeshError && err.code === 'VALIDATION_ERROR', url)
      await checkTarget(new URL(url), true)
    }
    await checkTarget(new URL('https://93.184.215.14/hook'), false)
    await assert.rejects(checkTarget(new URL('ftp://93.184.215.14/x'), true), MeshError)
    await assert.rejects(checkTarget(new URL('https://user:pw@93.184.215.14/x'), true), MeshError)
  })
})

describe('webhook retries', () => {
  const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAgeMs: 3_600_000 }

  test('the delay doubles per attempt, with up to half of it random, and is capped', () => {
    assert.equal(nextAttemptAt(policy, 1, 0, 0, 0), 500)
    assert.equal(nextAttemptAt(policy, 1, 0, 0, 1), 1_000)
    assert.equal(nextAttemptAt(policy, 3, 0, 0, 1), 4_000)
    assert.equal(nextAttemptAt(policy, 20, 0, 0, 1), 60_000)
  })

  test('past the maximum age a delivery has failed for good', () => {
    assert.equal(nextAttemptAt(policy, 10, 3_590_000, 0, 1), undefined)
    assert.equal(nextAttemptAt(policy, 10, 3_500_000, 0, 0), 3_530_000)
  })
})
