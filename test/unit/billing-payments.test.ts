import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { paymentBook, type PaymentRecord } from '../../src/billing/payments.ts'
import { signObject, type PaymentBody } from '../../src/governance/objects.ts'
import { GovernanceState } from '../../src/governance/state.ts'
import { createGenesis, genesisHash, type Genesis } from '../../src/network/genesis.ts'
import { DEVELOPMENT_PARAMS } from '../../src/network/params.ts'
import { signerOf, type Sign } from '../../src/network/signing.ts'
import { cardNumberField, hasCardNumber, luhn } from '../../src/network/card-number.ts'

const INV = `inv_${'a'.repeat(32)}`
const rec = (over: Partial<PaymentRecord>): PaymentRecord => ({
  objectId: 'o1', author: 'op1', paymentId: 'pay-1', invoiceId: INV, amount: 10, method: 'bank_transfer', reference: 'SEPA-2026-0001', time: 1000, ...over
})

describe('payments: which count', () => {
  test('a payment id counts once, however many operators recorded it and in whatever order', () => {
    const a = rec({ objectId: 'o2', author: 'op2', time: 2000 })
    const b = rec({ objectId: 'o1', author: 'op1', time: 1000 })
    for (const order of [[a, b], [b, a]]) {
      const book = paymentBook(order)
      assert.deepEqual(book.byInvoice.get(INV)?.map(p => [p.paymentId, p.amount, p.author]), [['pay-1', 10_000_000n, 'op1']])
      assert.deepEqual(book.conflicts, [])
    }
  })

  test('one id with two different payments: the first by time then record id counts, the conflict is reported', () => {
    const first = rec({ objectId: 'o9', time: 1000, amount: 10 })
    const other = rec({ objectId: 'o1', time: 1000, amount: 99 })
    const book = paymentBook([first, other])
    assert.equal(book.byId.get('pay-1')?.amount, 99, 'same time: the smaller record id')
    assert.deepEqual(book.conflicts, [{ paymentId: 'pay-1', counted: 'o1', ignored: ['o9'] }])
    assert.equal(book.byInvoice.get(INV)?.length, 1)
  })

  test('different payment ids on one invoice all count', () => {
    const book = paymentBook([rec({ paymentId: 'p1', objectId: 'a' }), rec({ paymentId: 'p2', objectId: 'b', amount: 5 })])
    assert.deepEqual(book.byInvoice.get(INV)?.map(p => p.amount), [10_000_000n, 5_000_000n])
  })
})

describe('card numbers', () => {
  test('Luhn', () => {
    assert.ok(luhn('4111111111111111'))
    assert.ok(luhn('79927398713'))
    assert.ok(!luhn('4111111111111112'))
  })

  test('a Luhn-valid run of 13 to 19 digits, with spaces or dashes as cards are written, looks like a card', () => {
    for (const s of ['4111111111111111', 'card 4111 1111 1111 1111 exp 12/26', '5500-0000-0000-0004', '4222222222222', '6011000990139424', '3530111333300000']) {
      assert.ok(hasCardNumber(s), s)
    }
    // Not Luhn-valid, too short, too long, or separated by more than one character.
    for (const s of ['4111111111111112', '411111111111', '41111111111111111111', '4111  1111  1111  1111', 'SEPA-2026-0001', 'inv_0123456789abcdef']) {
      assert.ok(!hasCardNumber(s), s)
    }
  })

  test('found in any field, nested or a key, numbers included; the path never holds the number', () => {
    assert.equal(cardNumberField({ a: 1, payment_method: { type: 'card', reference: 'x 4111111111111111' } }), 'payment_method.reference')
    assert.equal(cardNumberField({ list: ['ok', 4111111111111111] }), 'list.1')
    assert.equal(cardNumberField({ meta: { '4111111111111111': 'x' } }), 'meta.(key)')
    assert.equal(cardNumberField('4111111111111111'), '(body)')
    assert.equal(cardNumberField({ amount: 10, reference: 'SEPA-1' }), undefined)
  })
})

describe('payments in the replicated records', () => {
  const T0 = Date.parse('2026-01-01T00:00:00.000Z')
  let op: { id: string, sign: Sign }
  let outsider: { id: string, sign: Sign }
  let genesis: Genesis
  before(async () => {
    const [a, x] = [await generateKeyPair('Ed25519'), await generateKeyPair('Ed25519')]
    op = { id: peerIdFromPrivateKey(a).toString(), sign: signerOf(a) }
    outsider = { id: peerIdFromPrivateKey(x).toString(), sign: signerOf(x) }
    genesis = createGenesis({ networkId: 'payments-test', operators: [{ peer_id: op.id, weight: 1, name: 'op' }], params: DEVELOPMENT_PARAMS, createdAt: new Date(T0) })
  })
  const body = (author: string, over: Partial<PaymentBody> = {}): PaymentBody =>
    ({ kind: 'payment', author, payment_id: 'pay-1', invoice_id: INV, amount: 10, method: 'bank_transfer', reference: 'SEPA-1', time: T0 + 1000, ...over })

  test('an operator\'s payment is held; a non-operator\'s or one that carries a card number is refused and held nowhere', () => {
    const s = new GovernanceState(genesis, genesisHash(genesis))
    const now = T0 + 2000
    assert.deepEqual(s.add(signObject(body(op.id), op.sign), now, 30_000), { ok: true })
    const stranger = s.add(signObject(body(outsider.id, { payment_id: 'pay-2' }), outsider.sign), now, 30_000)
    assert.deepEqual(stranger.ok ? undefined : [stranger.rule, stranger.refusal], ['only_operators_record_payments', 'forbidden'])
    const card = s.add(signObject(body(op.id, { payment_id: 'pay-3', reference: '4111-1111-1111-1111' }), op.sign), now, 30_000)
    assert.equal(card.ok ? undefined : card.rule, 'card_number')
    assert.deepEqual(s.payments().map(p => p.body.payment_id), ['pay-1'])
  })

  test('the generated fields are not typed data: a payment whose time or invoice id holds a Luhn-valid run is held', () => {
    const s = new GovernanceState(genesis, genesisHash(genesis))
    // A 13-digit millisecond time passes Luhn one time in ten; hex ids line digits up too.
    let time = T0 + 1000
    while (!luhn(String(time))) time++
    const hexDigits = 'inv_a4111111111111111' + 'b'.repeat(15)
    assert.ok(hasCardNumber(String(time)) && hasCardNumber(hexDigits))
    assert.deepEqual(s.add(signObject(body(op.id, { time, invoice_id: hexDigits }), op.sign), time + 1000, 30_000), { ok: true })
  })
})
