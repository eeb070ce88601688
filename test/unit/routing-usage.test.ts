import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { meteredUser } from '../../src/routing/usage.ts'

describe('meteredUser', () => {
  test('no token is anonymous, the operator\'s own token is the operator', () => {
    assert.equal(meteredUser(undefined, 'op-token'), 'anonymous')
    assert.equal(meteredUser('op-token', 'op-token'), 'operator')
  })

  test('any other token names one user by its hash, never by the token itself', () => {
    const a = meteredUser('client-a', 'op-token')
    assert.match(a, /^user-[0-9a-f]{16}$/)
    assert.ok(!a.includes('client-a'))
    assert.equal(meteredUser('client-a', 'op-token'), a, 'the same token is the same user')
    assert.notEqual(meteredUser('client-b', 'op-token'), a)
  })
})
