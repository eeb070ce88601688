import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'
import { ExchangeSignal } from '../../src/routing/exchange-signal.ts'

test('the deadline aborts it with a TimeoutError, and says so', async () => {
  const exchange = new ExchangeSignal(5)
  await once(exchange.signal, 'abort')
  assert.equal(exchange.timedOut, true)
  assert.equal((exchange.signal.reason as Error).name, 'TimeoutError')
})

test('the followed signal aborts it with its reason; a signal aborted already, at once', () => {
  const client = new AbortController()
  const exchange = new ExchangeSignal(60_000, client.signal)
  assert.equal(exchange.signal.aborted, false)
  client.abort(new Error('gone'))
  assert.equal((exchange.signal.reason as Error).message, 'gone')
  assert.equal(exchange.timedOut, false)
  exchange.done()
  const late = new ExchangeSignal(60_000, client.signal)
  assert.equal(late.signal.aborted, true)
  late.done()
})

test('aborted by hand, it did not time out; once done, neither the deadline nor the followed signal reaches it', async () => {
  const byHand = new ExchangeSignal(60_000)
  byHand.abort()
  assert.equal(byHand.signal.aborted, true)
  assert.equal(byHand.timedOut, false)
  byHand.done()
  const client = new AbortController()
  const finished = new ExchangeSignal(5, client.signal)
  finished.done()
  client.abort()
  // A twin made after it, with the same deadline: once it has timed out, so would the finished one have.
  const twin = new ExchangeSignal(5)
  await once(twin.signal, 'abort')
  assert.equal(finished.signal.aborted, false)
  assert.equal(finished.timedOut, false)
})
