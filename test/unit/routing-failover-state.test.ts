import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../src/clock.ts'
import { silentLogger } from '../../src/logging.ts'
import { FailoverState } from '../../src/routing/failover-state.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'

const breaker = DEFAULT_TUNING.routing.breaker

function stateOf (recentFailures = 3): { state: FailoverState, clock: ManualClock } {
  const clock = new ManualClock()
  return { state: new FailoverState({ clock, log: silentLogger() }, { breaker, recentFailures }), clock }
}

test('a peer whose breaker for a service opened is not admitted for that service, and is for others', () => {
  const { state, clock } = stateOf()
  const b = state.breaker('a', 'echo')
  assert.equal(state.breaker('a', 'echo'), b, 'one breaker per peer and service')
  for (let i = 0; i < breaker.consecutiveFailures; i++) {
    assert.ok(b.tryAcquire(clock.now()))
    b.onFailure(clock.now())
  }
  assert.equal(state.admits('a', 'echo', clock.now()), false)
  assert.equal(state.admits('a', 'kv', clock.now()), true)
  assert.deepEqual(state.breakerStates().map(s => [s.peerId, s.service, s.breaker.state(clock.now())]), [['a', 'echo', 'open'], ['a', 'kv', 'closed']])
})

test('a drained peer is not admitted until it is undrained', () => {
  const { state, clock } = stateOf()
  clock.advance(5)
  assert.deepEqual(state.drain('a', 'maintenance', false), { reason: 'maintenance', since: clock.now(), force: false })
  assert.equal(state.admits('a', 'echo', clock.now()), false)
  assert.deepEqual([...state.drained().keys()], ['a'])
  assert.equal(state.undrain('a'), true)
  assert.equal(state.undrain('a'), false, 'not drained any more')
  assert.equal(state.admits('a', 'echo', clock.now()), true)
})

test('a forced drain aborts the requests in flight to the peer, a gentle one and other peers\' requests stay', () => {
  const { state } = stateOf()
  const toA = new AbortController()
  const doneToA = new AbortController()
  const toB = new AbortController()
  state.track('a', toA)
  state.track('a', doneToA)()
  state.track('b', toB)
  state.drain('a', 'gentle', false)
  assert.equal(toA.signal.aborted, false)
  state.drain('a', 'now', true)
  assert.equal(toA.signal.aborted, true)
  assert.match(String(toA.signal.reason), /peer drained: now/)
  assert.equal(doneToA.signal.aborted, false, 'an untracked request is not aborted')
  assert.equal(toB.signal.aborted, false)
})

test('the failure log keeps the most recent failures, up to its size', () => {
  const { state, clock } = stateOf(2)
  for (const peerId of ['a', 'b', 'c']) {
    clock.advance(1)
    state.recordFailure(peerId, 'echo', `${peerId} failed`)
  }
  assert.deepEqual(state.recentFailures(), [
    { peerId: 'b', service: 'echo', at: clock.now() - 1, error: 'b failed' },
    { peerId: 'c', service: 'echo', at: clock.now(), error: 'c failed' }
  ])
  state.recentFailures().pop()
  assert.equal(state.recentFailures().length, 2, 'the log given out is a copy')
})
