import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { resolveConfig } from '../../node/config.ts'
import { DEFAULTS, tuningOf } from '../../src/node-config.ts'
import { DEFAULT_TUNING, type Tuning } from '../../src/tuning.ts'

describe('tuning', () => {
  test('a node with no settings runs with DEFAULT_TUNING: the config\'s defaults are not written twice', () => {
    const config = resolveConfig({ flags: {}, env: {} })
    assert.deepEqual(tuningOf(config), DEFAULT_TUNING)
    assert.equal(DEFAULTS.maxRequestBytes, DEFAULT_TUNING.routing.maxRequestBytes)
  })

  test('the operator\'s settings replace their own values and leave every other one', () => {
    const before = structuredClone(DEFAULT_TUNING)
    const config = resolveConfig({
      flags: { telemetryIntervalMs: '2000', maxPeers: '8', strategy: 'round_robin', requestTimeoutMs: '5000', maxRequestBytes: '4096' },
      env: { MESHNODE_HEALTH_CHECK: 'path=/health,fall=3' }
    })
    const expected: Tuning = structuredClone(before) as Tuning
    expected.telemetry.intervalMs = 2000
    expected.peers.maxPeers = 8
    expected.routing.strategy = 'round_robin'
    expected.routing.requestTimeoutMs = 5000
    expected.routing.maxRequestBytes = 4096
    expected.healthCheck = { ...before.healthCheck, path: '/health', fall: 3 }
    assert.deepEqual(tuningOf(config), expected)
    assert.deepEqual(DEFAULT_TUNING, before, 'the defaults are unchanged')
  })

  test('the defaults are frozen all the way down: no node, test or model run can change them for the others', () => {
    assert.throws(() => { (DEFAULT_TUNING.routing.breaker as { windowMs: number }).windowMs = 1 }, TypeError)
    assert.throws(() => { (DEFAULT_TUNING.telemetry as { tickMs: number }).tickMs = 1 }, TypeError)
  })
})
