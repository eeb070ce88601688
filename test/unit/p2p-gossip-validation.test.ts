import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { TopicValidatorResult, type Message, type PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { silentLogger } from '../../src/logging.ts'
import { accept, gossipValidator, ignore, reject, type GossipTopic } from '../../src/p2p/gossip-validation.ts'

const TOPIC = '/meshnode/test/t/1'
const encoder = new TextEncoder()
const decoder = new TextDecoder()

let signer: PeerId

before(async () => {
  signer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
})

function signed (text: string): Message {
  return { type: 'signed', from: signer, topic: TOPIC, data: encoder.encode(text), sequenceNumber: 1n, signature: new Uint8Array(), key: signer.publicKey } as unknown as Message
}

/** A topic whose messages are `ok:N`, `old:N`, `bad:N` or else unparseable; accepted values go to `held`. */
function harness (over: Partial<GossipTopic<{ n: number }, 'old' | 'bad' | 'malformed', { held: number[] }>> = {}) {
  const counted: Array<[string, string, string | undefined]> = []
  const held: number[] = []
  const handled: Array<{ n: number }> = []
  let parses = 0
  const spec: GossipTopic<{ n: number }, 'old' | 'bad' | 'malformed', { held: number[] }> = {
    topic: TOPIC,
    validate: (bytes, ctx) => {
      parses++
      const [kind, n] = decoder.decode(bytes).split(':')
      const value = { n: Number(n) }
      if (kind === 'old' || ctx.held.includes(value.n)) return ignore('old')
      if (kind === 'bad') return reject('bad')
      return kind === 'ok' ? accept(value) : reject('malformed')
    },
    context: () => ({ held: [...held] }),
    handle: value => { handled.push(value); held.push(value.n) },
    ...over
  }
  const validator = gossipValidator(spec, { metrics: { gossip: (topic, outcome, reason) => counted.push([topic, outcome, reason]) }, log: silentLogger() })
  return { validator, counted, held, handled, parses: () => parses }
}

describe('gossipValidator', () => {
  test('an accepted message is handled once, with the value its validation parsed, and counted as received', () => {
    const parsed = { n: 7 }
    let seen: { n: number } | undefined
    const validator = gossipValidator({ topic: TOPIC, validate: () => accept(parsed), context: () => ({}), handle: value => { seen = value } },
      { metrics: { gossip: () => {} }, log: silentLogger() })
    assert.equal(validator(signer, signed('ok:7')), TopicValidatorResult.Accept)
    assert.equal(seen, parsed, 'the very object validation returned')
    const h = harness()
    assert.equal(h.validator(signer, signed('ok:1')), TopicValidatorResult.Accept)
    assert.deepEqual(h.handled, [{ n: 1 }])
    assert.equal(h.parses(), 1, 'the bytes are parsed once')
    assert.deepEqual(h.counted, [[TOPIC, 'received', undefined]])
  })

  test('an ignore and a reject are dropped with their reason, counted, and never handled', () => {
    const h = harness()
    assert.deepEqual(['old:1', 'bad:2', '?'].map(text => h.validator(signer, signed(text))),
      [TopicValidatorResult.Ignore, TopicValidatorResult.Reject, TopicValidatorResult.Reject])
    assert.deepEqual(h.handled, [])
    assert.deepEqual(h.counted, [[TOPIC, 'rejected', 'old'], [TOPIC, 'rejected', 'bad'], [TOPIC, 'rejected', 'malformed']])
  })

  test('an unsigned message is rejected as unsigned before its bytes are read', () => {
    const h = harness()
    const unsigned = { type: 'unsigned', topic: TOPIC, data: encoder.encode('ok:1') } as unknown as Message
    assert.equal(h.validator(signer, unsigned), TopicValidatorResult.Reject)
    assert.equal(h.parses(), 0)
    assert.deepEqual(h.counted, [[TOPIC, 'rejected', 'unsigned']])
  })

  test('a validator that throws is a reject, counted as invalid, never an exception', () => {
    const h = harness({ validate: () => { throw new RangeError('Maximum call stack size exceeded') } })
    assert.equal(h.validator(signer, signed('ok:1')), TopicValidatorResult.Reject)
    assert.deepEqual(h.handled, [])
    assert.deepEqual(h.counted, [[TOPIC, 'rejected', 'invalid']])
  })

  test('a handler that throws does not make a valid message invalid', () => {
    const h = harness({ handle: () => { throw new Error('disk full') } })
    assert.equal(h.validator(signer, signed('ok:1')), TopicValidatorResult.Accept)
    assert.deepEqual(h.counted, [[TOPIC, 'received', undefined]])
  })

  test('each message is judged in the context read when it arrives, after the earlier ones were handled', () => {
    const h = harness()
    // The same value twice: the second is judged once the first was handled, so its context holds it.
    assert.deepEqual(['ok:1', 'ok:1', 'ok:2'].map(text => h.validator(signer, signed(text))),
      [TopicValidatorResult.Accept, TopicValidatorResult.Ignore, TopicValidatorResult.Accept])
    assert.deepEqual(h.held, [1, 2])
  })
})
