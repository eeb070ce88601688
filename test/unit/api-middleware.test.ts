import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Hono } from 'hono'
import type { ApiEnv } from '../../api/context.ts'
import { handleError } from '../../api/errors.ts'
import { apiBodyLimit } from '../../api/middleware/body-limit.ts'
import { readJsonBody } from '../../api/middleware/json-body.ts'
import { operatorAuth } from '../../api/middleware/operator-auth.ts'
import { jsonValue } from '../../api/validation.ts'
import { silentLogger } from '../../src/logging.ts'

/** An app with the middleware under test in front of one route that echoes the JSON body it was given. */
function appWith (...middleware: Array<ReturnType<typeof readJsonBody>>): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  for (const m of middleware) app.use(m)
  app.post('/echo', c => c.json({ body: jsonValue(c) }))
  app.post('/no-body', c => c.json({ ok: true }))
  app.onError(handleError(silentLogger()))
  return app
}

async function errorCode (res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code
}

/** As a request arrives over HTTP/1.1: a body comes with its Content-Length. */
const post = (path: string, body: string | undefined, headers: Record<string, string> = {}): Request =>
  new Request(`http://node${path}`, { method: 'POST', headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, body })

describe('readJsonBody', () => {
  const app = appWith(readJsonBody())

  test('a JSON body reaches the route parsed; charset and +json types are JSON', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/merge-patch+json']) {
      const res = await app.request(post('/echo', '{"a":[1,{"b":null}]}', { 'content-type': type }))
      assert.equal(res.status, 200, type)
      assert.deepEqual(await res.json(), { body: { a: [1, { b: null }] } })
    }
  })

  test('a body of another type is 415, whether the route reads it or not', async () => {
    for (const path of ['/echo', '/no-body']) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
        const res = await app.request(post(path, '{}', { 'content-type': type }))
        assert.equal(res.status, 415, `${path} ${type}`)
        assert.equal(await errorCode(res), 'UNSUPPORTED_MEDIA_TYPE')
      }
    }
  })

  test('a body nested deeper than 64 levels is 422 and text that is not JSON is 400', async () => {
    const deep = await app.request(post('/echo', `${'['.repeat(65)}${']'.repeat(65)}`, { 'content-type': 'application/json' }))
    assert.equal(deep.status, 422)
    assert.equal(await errorCode(deep), 'VALIDATION_ERROR')
    const bad = await app.request(post('/echo', '{"a":', { 'content-type': 'application/json' }))
    assert.equal(bad.status, 400)
    assert.equal(await errorCode(bad), 'BAD_REQUEST')
  })

  test('no body passes a route that needs none; a route that needs one answers 415 undeclared, 400 declared', async () => {
    assert.equal((await app.request(post('/no-body', undefined))).status, 200)
    const undeclared = await app.request(post('/echo', undefined))
    assert.equal(undeclared.status, 415)
    const declared = await app.request(post('/echo', undefined, { 'content-type': 'application/json' }))
    assert.equal(declared.status, 400)
    assert.equal(await errorCode(declared), 'BAD_REQUEST')
  })
})

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
