import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseParams } from '../../node/cli.ts'
import { PRODUCTION_PARAMS } from '../../src/network/params.ts'
import { includes, meshError } from '../helpers/errors.ts'

describe('genesis --param KEY=VALUE', () => {
  test('every parameter --help lists can be set: numbers, text and JSON maps', () => {
    const params = parseParams([
      'quorum=0.5',
      'currency=EUR',
      'price_list={"storage":{"unit":"GB","unit_price":0.01}}',
      'gossip_ip_colocation_threshold=0'
    ])
    assert.equal(params.quorum, 0.5)
    assert.equal(params.currency, 'EUR')
    assert.deepEqual(params.price_list, { storage: { unit: 'GB', unit_price: 0.01 } })
    assert.equal(params.gossip_ip_colocation_threshold, 0)
    assert.equal(params.epoch_ms, PRODUCTION_PARAMS.epoch_ms, 'unset keys keep their defaults')
    assert.equal(parseParams(['currency="CHF"']).currency, 'CHF', 'a JSON string is read as the string')
  })

  test('an unknown key names it and lists the known ones', () => {
    const err = meshError('GENESIS_ERROR', () => parseParams(['nosuch=2']))
    includes(err.message, '--param', 'nosuch', 'quorum', 'price_list', 'currency')
  })

  test('a bad value names the flag, the value and what is wrong, on one line', () => {
    includes(meshError('GENESIS_ERROR', () => parseParams(['currency=euro'])).message, '--param', 'currency=euro')
    includes(meshError('GENESIS_ERROR', () => parseParams(['quorum=2'])).message, 'quorum=2', '<=1')
    includes(meshError('GENESIS_ERROR', () => parseParams(['price_list={"storage":{"unit":"GB","unit_price":"cheap"}}'])).message, 'price_list', 'storage.unit_price')
    includes(meshError('GENESIS_ERROR', () => parseParams(['quorum'])).message, 'KEY=VALUE')
  })
})
