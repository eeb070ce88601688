import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MeshError } from '../../src/errors.ts'
import { checkLiteralTarget, checkTarget, guardedLookup, isPrivateAddress } from '../../src/webhooks/target.ts'

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

  test('each delivery checks the literal host, and its connection refuses a name that resolves inside', async () => {
    assert.throws(() => checkLiteralTarget(new URL('http://10.0.0.1/x'), false), MeshError)
    assert.equal(checkLiteralTarget(new URL('http://[::1]:8/x'), true), '::1')
    const resolve = async (allowPrivate: boolean, all: boolean): Promise<unknown> => await new Promise((resolve, reject) => {
      guardedLookup(allowPrivate)('localhost', { all, family: 4 }, (err, address) => { if (err === null) resolve(address); else reject(err) })
    })
    await assert.rejects(resolve(false, false), (err: Error & { code?: string }) => err.code === 'EPRIVATE')
    await assert.rejects(resolve(false, true), (err: Error & { code?: string }) => err.code === 'EPRIVATE')
    assert.equal(await resolve(true, false), '127.0.0.1')
    assert.deepEqual(await resolve(true, true), [{ address: '127.0.0.1', family: 4 }])
  })
})
