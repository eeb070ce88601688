import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MeshError } from '../../src/errors.ts'
import { checkTarget, isPrivateAddress } from '../../src/webhooks/target.ts'

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
