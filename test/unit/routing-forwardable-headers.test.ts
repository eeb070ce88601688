import assert from 'node:assert/strict'
import { test } from 'node:test'
import { forwardableHeaders } from '../../src/routing/route-protocol.ts'

test('hop-by-hop headers are dropped whatever their case; the others pass in order, repeated ones too', () => {
  assert.deepEqual(forwardableHeaders([
    ['Host', 'a'], ['X-One', '1'], ['Connection', 'keep-alive'], ['Keep-Alive', 'timeout=5'], ['TE', 'trailers'],
    ['Transfer-Encoding', 'chunked'], ['Content-Length', '3'], ['x-one', '2'], ['Upgrade', 'h2c'], ['Proxy-Authorization', 'x'], ['Accept', '*/*']
  ]), [['X-One', '1'], ['x-one', '2'], ['Accept', '*/*']])
})

test('a header that a Connection header names is dropped, before or after it, and the Connection header too', () => {
  assert.deepEqual(forwardableHeaders([
    ['X-Before', 'b'], ['Connection', 'x-before, X-After'], ['X-After', 'a'], ['connection', 'X-Third'], ['x-third', 't'], ['X-Kept', 'k']
  ]), [['X-Kept', 'k']])
})

test('no headers, none forwarded', () => {
  assert.deepEqual(forwardableHeaders([]), [])
})
