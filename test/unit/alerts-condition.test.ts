import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { holds, metricsOf, parseCondition } from '../../src/alerts/condition.ts'
import { MeshError } from '../../src/errors.ts'

function refusal (source: string): MeshError {
  try {
    parseCondition(source)
  } catch (err) {
    assert.ok(err instanceof MeshError)
    assert.equal(err.code, 'VALIDATION_ERROR')
    return err
  }
  assert.fail(`${source} was accepted`)
}

describe('alert conditions', () => {
  test('a comparison, and/or/not with and binding tighter, parentheses', () => {
    assert.deepEqual(parseCondition('peers_down >= 1'), { kind: 'compare', metric: 'peers_down', op: '>=', value: 1 })
    const c = parseCondition('breakers_open > 0 or peers_down >= 1 and event_loop_delay_ms > 200.5')
    assert.equal(c.kind, 'or')
    assert.deepEqual(metricsOf(c), ['breakers_open', 'peers_down', 'event_loop_delay_ms'])
    assert.equal(holds(c, { breakers_open: 0, peers_down: 1, event_loop_delay_ms: 100 }), false)
    assert.equal(holds(c, { breakers_open: 0, peers_down: 1, event_loop_delay_ms: 300 }), true)
    assert.equal(holds(c, { breakers_open: 2 }), true)
    const grouped = parseCondition('(breakers_open > 0 or peers_down >= 1) and not error_rate < 0.5')
    assert.equal(holds(grouped, { breakers_open: 1, error_rate: 0.2 }), false)
    assert.equal(holds(grouped, { breakers_open: 1, error_rate: 0.7 }), true)
  })

  test('a figure not measured makes its comparison false, whatever the operator', () => {
    for (const op of ['>=', '>', '<=', '<', '==', '!=']) assert.equal(holds(parseCondition(`forks ${op} 0`), {}), false, op)
    assert.equal(holds(parseCondition('not forks > 0'), {}), true)
  })

  test('a syntax error names its 1-based position', () => {
    assert.equal(refusal('peers_down >= ').details?.position, 15)
    assert.equal(refusal('peers_down 1').details?.position, 12)
    assert.equal(refusal('peers_down >= 1 and').details?.position, 20)
    assert.equal(refusal('(peers_down >= 1').details?.position, 17)
    assert.equal(refusal('peers_down >= 1 peers_up').details?.position, 17)
    const bad = refusal('peers_down >= 1; rm -rf /')
    assert.equal(bad.details?.position, 16)
    assert.match(bad.message, /position 16: unexpected character ";"/)
  })

  test('an unknown metric is refused at its position, with the known ones', () => {
    const err = refusal('peers_down >= 1 and cpu_temperature > 80')
    assert.equal(err.details?.position, 21)
    assert.match(err.message, /unknown metric "cpu_temperature"/)
    assert.ok((err.details?.known_metrics as string[]).includes('peers_down'))
  })
})
