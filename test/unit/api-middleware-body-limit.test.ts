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

describe('apiBodyLimit and requests without a body', () => {
  let asked = 0
  /** A Request that counts who asks for its body: the Node adapter builds a whole web Request on that. */
  const watched = (request: Request): Request => new Proxy(request, {
    get (target, key) {
      if (key === 'body') asked++
      const value: unknown = Reflect.get(target, key, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    }
  })
  const app = appWith(apiBodyLimit(16))
  app.get('/status', c => c.json({ ok: true }))

  test('a GET passes without its body being asked for; a POST with a body is still limited', async () => {
    asked = 0
    const get = await app.fetch(watched(new Request('http://node/status')))
    assert.equal(get.status, 200)
    assert.equal(asked, 0)
    const over = await app.fetch(watched(new Request('http://node/echo', { method: 'POST', headers: { 'content-length': '20', 'content-type': 'application/json' }, body: `"${'x'.repeat(18)}"` })))
    assert.equal(over.status, 413)
  })
})
