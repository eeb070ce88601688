import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseCondition } from '../../src/alerts/condition.ts'
import { evaluate, type AlertRule, type RuleState } from '../../src/alerts/evaluator.ts'
import { ManualClock } from '../../src/clock.ts'

function rule (condition: string, forMs: number): AlertRule {
  return { id: 'r1', name: 'r1', condition, parsed: parseCondition(condition), forMs, severity: 'critical', channels: ['events'], builtIn: false, createdAt: 0 }
}

describe('alert evaluation', () => {
  test('pending while the condition holds for less than `for`, firing once it held that long, resolved when it stops', () => {
    const clock = new ManualClock()
    const rules = [rule('peers_down >= 1', 2_000)]
    let ids = 0
    let states = new Map<string, RuleState>()
    const step = (down: number): string[] => {
      const r = evaluate(rules, states, { peers_down: down }, clock.now(), () => `f${++ids}`)
      states = r.states
      return r.transitions.map(t => t.type)
    }
    assert.deepEqual(step(0), [])
    clock.advance(1_000)
    assert.deepEqual(step(1), [])
    assert.equal(states.get('r1')?.phase, 'pending')
    clock.advance(1_000)
    assert.deepEqual(step(1), [], 'held 1 s of 2')
    clock.advance(1_000)
    assert.deepEqual(step(2), ['alert.triggered'])
    const firing = states.get('r1')
    assert.ok(firing?.phase === 'firing')
    assert.equal(firing.firing.value, 2)
    assert.deepEqual(firing.firing.values, { peers_down: 2 })
    assert.equal(firing.firing.triggeredAt, clock.now())
    clock.advance(1_000)
    assert.deepEqual(step(1), [], 'fires once per episode')
    clock.advance(1_000)
    const r = evaluate(rules, states, { peers_down: 0 }, clock.now(), () => 'unused')
    assert.deepEqual(r.transitions.map(t => [t.type, t.firing.id, t.firing.resolvedAt]), [['alert.resolved', 'f1', clock.now()]])
    assert.equal(r.states.get('r1')?.phase, 'inactive')
  })

  test('a condition that stops holding while pending starts its count again', () => {
    const clock = new ManualClock()
    const rules = [rule('breakers_open > 0', 2_000)]
    let states = new Map<string, RuleState>()
    for (const open of [1, 1, 0, 1, 1]) {
      const r = evaluate(rules, states, { breakers_open: open }, clock.now(), () => 'f')
      assert.deepEqual(r.transitions, [])
      states = r.states
      clock.advance(1_000)
    }
    assert.equal(evaluate(rules, states, { breakers_open: 1 }, clock.now(), () => 'f').transitions.length, 1)
  })

  test('`for: 0` fires at the first evaluation that sees the condition', () => {
    const r = evaluate([rule('forks > 0', 0)], new Map(), { forks: 1 }, 5, () => 'f')
    assert.deepEqual(r.transitions.map(t => t.type), ['alert.triggered'])
  })
})
