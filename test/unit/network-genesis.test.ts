import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { MeshError } from '../../src/errors.ts'
import {
  NETWORK_ID_PATTERN, createGenesis, genesisBytes, genesisHash, parseGenesis, parseGenesisJson,
  type Genesis, type Operator
} from '../../src/network/genesis.ts'
import { DEVELOPMENT_PARAMS, PRODUCTION_PARAMS } from '../../src/network/params.ts'
import { includes, meshError } from '../helpers/errors.ts'

const SOURCE = '/etc/meshnode/genesis.json'
const CREATED_AT = '2025-01-02T03:04:05.678Z'

async function newPeerId (): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

const genesisError = (fn: () => unknown): MeshError => meshError('GENESIS_ERROR', fn)

type Json = Record<string, unknown>

function without (value: Json, key: string): Json {
  const copy = { ...value }
  Reflect.deleteProperty(copy, key)
  assert.ok(!(key in copy))
  return copy
}

describe('genesis', () => {
  let p1: string
  let p2: string
  let p3: string
  let operators: Operator[]

  before(async () => {
    p1 = await newPeerId()
    p2 = await newPeerId()
    p3 = await newPeerId()
    operators = [
      { peer_id: p1, weight: 10, name: 'alice' },
      { peer_id: p2, weight: 1, name: 'bob' }
    ]
  })

  /** A valid genesis as plain JSON data. */
  function valid (): Json {
    return {
      network_id: 'testnet-1',
      created_at: CREATED_AT,
      operators: structuredClone(operators),
      params: { ...PRODUCTION_PARAMS }
    }
  }

  function expectRejected (input: unknown, ...mentions: string[]): MeshError {
    const err = genesisError(() => parseGenesis(input, SOURCE))
    includes(err.message, 'malformed genesis', SOURCE, ...mentions)
    // The same input as JSON text is rejected the same way.
    const viaJson = genesisError(() => parseGenesisJson(JSON.stringify(input), SOURCE))
    assert.equal(viaJson.message, err.message)
    return err
  }

  describe('accepts a valid genesis', () => {
    test('parseGenesis returns the data', () => {
      const g = parseGenesis(valid(), SOURCE)
      assert.deepEqual(g, valid())
    })

    test('parseGenesisJson reads the same from text', () => {
      const text = JSON.stringify(valid(), null, 2)
      assert.deepEqual(parseGenesisJson(text, SOURCE), parseGenesis(valid(), SOURCE))
    })

    test('createGenesis builds one from options', () => {
      const g = createGenesis({
        networkId: 'devnet',
        operators,
        params: DEVELOPMENT_PARAMS,
        createdAt: new Date(CREATED_AT)
      })
      assert.deepEqual(g, {
        network_id: 'devnet',
        created_at: CREATED_AT,
        operators,
        params: { ...PRODUCTION_PARAMS, gossip_ip_colocation_threshold: 0, open_membership: true, anonymous_routing: true }
      })
      // What createGenesis makes, parseGenesis reads back identically (the file round trip).
      assert.deepEqual(parseGenesisJson(JSON.stringify(g), SOURCE), g)
      assert.equal(genesisHash(parseGenesisJson(JSON.stringify(g), SOURCE)), genesisHash(g))
    })

    test('createGenesis validates too', () => {
      const err = genesisError(() => createGenesis({ networkId: 'Bad Id', operators, params: PRODUCTION_PARAMS, createdAt: new Date() }))
      includes(err.message, 'network_id')
    })

    test('missing params take their defaults', () => {
      const g = parseGenesis({ ...valid(), params: {} }, SOURCE)
      assert.equal(g.params.gossip_ip_colocation_threshold, 10)
      assert.equal(g.params.max_clock_skew_ms, 30_000)
      assert.equal(g.params.currency, 'USD')
      assert.deepEqual(g.params, PRODUCTION_PARAMS)
    })

    test('one operator is enough; network ids at the limits of the pattern', () => {
      for (const id of ['a', '0', 'a-b-c', `a${'-'.repeat(47)}`, 'x'.repeat(48), '9net']) {
        assert.ok(NETWORK_ID_PATTERN.test(id), id)
        const g = parseGenesis({ ...valid(), network_id: id, operators: [operators[0]] }, SOURCE)
        assert.equal(g.network_id, id)
      }
    })

    test('weight and name limits are accepted', () => {
      const g = parseGenesis({ ...valid(), operators: [{ peer_id: p1, weight: 1_000_000_000, name: 'n'.repeat(64) }] }, SOURCE)
      assert.equal(g.operators[0]?.weight, 1_000_000_000)
    })
  })

  describe('rejects, naming the field', () => {
    test('bad network id', () => {
      for (const id of ['', 'Testnet', 'test_net', 'test net', '-net', 'x'.repeat(49), 'nét', 'net.1']) {
        const err = expectRejected({ ...valid(), network_id: id }, 'network_id')
        assert.deepEqual(err.details, { field: 'network_id' }, id)
      }
      expectRejected({ ...valid(), network_id: 42 }, 'network_id')
    })

    test('missing network id', () => {
      expectRejected(without(valid(), 'network_id'), 'network_id')
    })

    test('no operators', () => {
      const err = expectRejected({ ...valid(), operators: [] }, 'operators')
      assert.deepEqual(err.details, { field: 'operators' })
    })

    test('operators not a list, or missing', () => {
      expectRejected({ ...valid(), operators: { peer_id: p1, weight: 1, name: 'a' } }, 'operators')
      expectRejected(without(valid(), 'operators'), 'operators')
    })

    test('duplicate operator (same peer id, even with another name and weight)', () => {
      const err = expectRejected({
        ...valid(),
        operators: [...operators, { peer_id: p1, weight: 99, name: 'alice-again' }]
      }, 'operators', 'an operator is listed twice')
      assert.deepEqual(err.details, { field: 'operators' })
    })

    test('three distinct operators are fine', () => {
      const g = parseGenesis({ ...valid(), operators: [...operators, { peer_id: p3, weight: 5, name: 'carol' }] }, SOURCE)
      assert.equal(g.operators.length, 3)
    })

    test('invalid peer id', () => {
      for (const bad of ['', 'not-a-peer-id', `${p1}x`, p1.slice(0, -3), 'QmInvalid']) {
        const err = expectRejected({
          ...valid(),
          operators: [operators[0], { peer_id: bad, weight: 1, name: 'mallory' }]
        }, 'operators.1.peer_id', 'not a valid peer id')
        assert.deepEqual(err.details, { field: 'operators.1.peer_id' }, bad)
      }
      expectRejected({ ...valid(), operators: [{ peer_id: 12345, weight: 1, name: 'm' }] }, 'operators.0.peer_id')
    })

    test('non-positive weight', () => {
      for (const weight of [0, -1, -1000]) {
        const err = expectRejected({ ...valid(), operators: [{ peer_id: p1, weight, name: 'alice' }] }, 'operators.0.weight')
        assert.deepEqual(err.details, { field: 'operators.0.weight' })
      }
    })

    test('other bad weights: fractional, too large, not a number', () => {
      for (const weight of [1.5, 1_000_000_001, '10', null]) {
        expectRejected({ ...valid(), operators: [{ peer_id: p1, weight, name: 'alice' }] }, 'operators.0.weight')
      }
    })

    test('bad operator name', () => {
      for (const name of ['', 'n'.repeat(65), 7]) {
        expectRejected({ ...valid(), operators: [{ peer_id: p1, weight: 1, name }] }, 'operators.0.name')
      }
    })

    test('unknown key at the top level', () => {
      const err = expectRejected({ ...valid(), chain_id: 'x' }, 'chain_id')
      assert.equal(err.code, 'GENESIS_ERROR')
    })

    test('unknown key in an operator', () => {
      expectRejected({ ...valid(), operators: [{ ...operators[0], stake: 5 }] }, 'operators.0', 'stake')
    })

    test('unknown key in params', () => {
      expectRejected({ ...valid(), params: { ...PRODUCTION_PARAMS, block_time_ms: 1000 } }, 'params', 'block_time_ms')
    })

    test('bad param value', () => {
      const cases: Array<[string, unknown]> = [
        ['max_clock_skew_ms', 99],
        ['max_clock_skew_ms', 600_001],
        ['max_clock_skew_ms', 1000.5],
        ['max_clock_skew_ms', '30000'],
        ['gossip_ip_colocation_threshold', -1],
        ['gossip_ip_colocation_threshold', 1001],
        ['gossip_ip_colocation_threshold', 2.5],
        ['gossip_ip_colocation_threshold', null]
      ]
      for (const [key, value] of cases) {
        const err = expectRejected({ ...valid(), params: { ...PRODUCTION_PARAMS, [key]: value } }, `params.${key}`)
        assert.deepEqual(err.details, { field: `params.${key}` }, `${key} = ${String(value)}`)
      }
    })

    test('params missing or not an object', () => {
      expectRejected(without(valid(), 'params'), 'params')
      expectRejected({ ...valid(), params: 'default' }, 'params')
    })

    test('bad or missing creation time', () => {
      for (const created of ['yesterday', '2025-01-02', '', 1_700_000_000_000]) {
        expectRejected({ ...valid(), created_at: created }, 'created_at')
      }
      expectRejected(without(valid(), 'created_at'), 'created_at')
    })

    test('not an object at all', () => {
      for (const value of [null, [], 'genesis', 42]) genesisError(() => parseGenesis(value, SOURCE))
    })

    test('non-JSON text', () => {
      for (const text of ['', 'network_id: testnet', '{"network_id": "testnet",', "{'a': 1}"]) {
        const err = genesisError(() => parseGenesisJson(text, SOURCE))
        includes(err.message, 'malformed genesis', SOURCE, 'not JSON')
      }
    })

    test('the error maps to a server-side status', () => {
      const err = genesisError(() => parseGenesisJson('nope', SOURCE))
      assert.equal(err.status, 500)
    })
  })

  describe('genesisHash', () => {
    test('a sha-256 hex digest of the canonical bytes', () => {
      const g = parseGenesis(valid(), SOURCE)
      assert.match(genesisHash(g), /^[0-9a-f]{64}$/)
      assert.equal(genesisHash(g), genesisHash(parseGenesis(valid(), SOURCE)))
    })

    test('stable under key order, at every level', () => {
      const g = parseGenesis(valid(), SOURCE)
      const reordered: Genesis = {
        params: {
          ...Object.fromEntries(Object.entries(g.params).reverse()) as Genesis['params'],
          price_list: Object.fromEntries(Object.entries(g.params.price_list).reverse())
        },
        operators: g.operators.map(o => ({ name: o.name, weight: o.weight, peer_id: o.peer_id })),
        created_at: g.created_at,
        network_id: g.network_id
      }
      assert.notEqual(JSON.stringify(reordered), JSON.stringify(g), 'test bug: the key order should differ')
      assert.equal(genesisHash(reordered), genesisHash(g))
      assert.deepEqual(genesisBytes(reordered), genesisBytes(g))
    })

    test('stable under key order of the file text', () => {
      const g = valid()
      const textA = JSON.stringify(g)
      const reversed = Object.fromEntries(Object.entries(g).reverse())
      const textB = JSON.stringify(reversed)
      assert.notEqual(textA, textB)
      assert.equal(genesisHash(parseGenesisJson(textA, SOURCE)), genesisHash(parseGenesisJson(textB, SOURCE)))
      assert.equal(genesisHash(parseGenesisJson(JSON.stringify(g, null, 4), SOURCE)), genesisHash(parseGenesisJson(textA, SOURCE)))
    })

    test('explicit default params hash like omitted ones (defaults are filled in before hashing)', () => {
      const explicit = parseGenesis(valid(), SOURCE)
      const omitted = parseGenesis({ ...valid(), params: {} }, SOURCE)
      assert.equal(genesisHash(omitted), genesisHash(explicit))
    })

    test('changes when any field changes', () => {
      const base = parseGenesis(valid(), SOURCE)
      const baseHash = genesisHash(base)
      const variants: Array<[string, Genesis]> = [
        ['network_id', { ...base, network_id: 'testnet-2' }],
        ['created_at', { ...base, created_at: '2025-01-02T03:04:05.679Z' }],
        ['operators[0].peer_id', { ...base, operators: [{ ...operators[0] as Operator, peer_id: p3 }, operators[1] as Operator] }],
        ['operators[0].weight', { ...base, operators: [{ ...operators[0] as Operator, weight: 11 }, operators[1] as Operator] }],
        ['operators[1].name', { ...base, operators: [operators[0] as Operator, { ...operators[1] as Operator, name: 'bobby' }] }],
        ['an operator added', { ...base, operators: [...operators, { peer_id: p3, weight: 1, name: 'carol' }] }],
        ['an operator removed', { ...base, operators: [operators[0] as Operator] }],
        ['params.max_clock_skew_ms', { ...base, params: { ...base.params, max_clock_skew_ms: 30_001 } }],
        ['params.gossip_ip_colocation_threshold', { ...base, params: { ...base.params, gossip_ip_colocation_threshold: 0 } }],
        ['params.anonymous_routing', { ...base, params: { ...base.params, anonymous_routing: !base.params.anonymous_routing } }],
        ['params.tiers', { ...base, params: { ...base.params, tiers: { ...base.params.tiers, free: { monthly_price: 0, included_units: 1, requests_per_hour: 1, burst: 1 } } } }]
      ]
      const seen = new Set([baseHash])
      for (const [what, variant] of variants) {
        const h = genesisHash(variant)
        assert.notEqual(h, baseHash, `hash unchanged when ${what} changes`)
        assert.ok(!seen.has(h), `hash of ${what} collides with another variant`)
        seen.add(h)
      }
    })

    test('genesisBytes is canonical UTF-8 JSON with sorted keys', () => {
      const g = parseGenesis(valid(), SOURCE)
      const text = new TextDecoder().decode(genesisBytes(g))
      assert.deepEqual(JSON.parse(text), g)
      assert.ok(text.indexOf('"created_at"') < text.indexOf('"network_id"'))
      assert.ok(text.indexOf('"network_id"') < text.indexOf('"operators"'))
      assert.ok(text.indexOf('"operators"') < text.indexOf('"params"'))
      assert.ok(!text.includes('\n'))
    })
  })

  test('a genesis pinned before the later parameters existed keeps its hash', () => {
    // Written and hashed (e748ecd6...) by the release before tiers and anonymous_routing existed.
    const pinned = '{"network_id":"upgrade-check","created_at":"2026-01-01T00:00:00.000Z","operators":[{"peer_id":"12D3KooWLKnFCx5AXBaqeWBsKeGbEJtX7yGiDpAKr5i3Q4ZHQPbi","weight":1,"name":"op-1"}],' +
      '"params":{"gossip_ip_colocation_threshold":10,"max_clock_skew_ms":30000,"price_list":{"request":{"unit":"request","unit_price":0.0001}},"currency":"USD","quorum":0.334,"threshold":0.5,"veto":0.334,' +
      '"min_voting_period_ms":10000,"max_voting_period_ms":1209600000,"activation_delay_ms":5000,"certification_grace_ms":5000,"epoch_ms":60000,"bootstrap_operator_count":3}}'
    const g = parseGenesisJson(pinned, SOURCE)
    assert.deepEqual(g.params.tiers, PRODUCTION_PARAMS.tiers)
    assert.equal(genesisHash(g), 'e748ecd6c1e5589098c49bb85cf54428f7ee32629d5b0868ae47d17c9ab9e739')
    // The same genesis read back from the bytes a node writes (defaults filled in) hashes the same.
    assert.equal(genesisHash(parseGenesisJson(new TextDecoder().decode(genesisBytes(g)), SOURCE)), genesisHash(g))
  })
})
