import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { operatorAuth } from '../../api/middleware/operator-auth.ts'
import { appWith, errorCode, post } from '../helpers/middleware.ts'

describe('operatorAuth', () => {
  const app = appWith(operatorAuth('s3cret-token'))

  test('the operator token passes; a missing, malformed or wrong one is 401 with a Bearer challenge', async () => {
    assert.equal((await app.request(post('/no-body', undefined, { authorization: 'Bearer s3cret-token' }))).status, 200)
    for (const authorization of [undefined, 'Bearer', 'Basic czNjcmV0LXRva2Vu', 'Bearer s3cret-token extra', 'Bearer s3cret-toke']) {
      const res = await app.request(post('/no-body', undefined, authorization === undefined ? {} : { authorization }))
      assert.equal(res.status, 401, String(authorization))
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /)
      assert.equal(await errorCode(res), 'AUTHENTICATION_ERROR')
    }
  })
})
