import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { readJsonBody } from '../../api/middleware/json-body.ts'
import { appWith, errorCode, post } from '../helpers/middleware.ts'

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
