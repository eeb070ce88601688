import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { apiBodyLimit } from '../../api/middleware/body-limit.ts'
import { readJsonBody } from '../../api/middleware/json-body.ts'
import { appWith, errorCode, post } from '../helpers/middleware.ts'

describe('apiBodyLimit', () => {
  const app = appWith(apiBodyLimit(16), readJsonBody())

  test('a body up to the limit passes; one byte more is 413', async () => {
    const json = { 'content-type': 'application/json' }
    const at = await app.request(post('/echo', `"${'x'.repeat(14)}"`, json))
    assert.equal(at.status, 200)
    const over = await app.request(post('/echo', `"${'x'.repeat(15)}"`, json))
    assert.equal(over.status, 413)
    assert.equal(await errorCode(over), 'PAYLOAD_TOO_LARGE')
  })
})
