import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DEFAULTS, type NodeConfig } from '../../src/node-config.ts'
import { planReload, reloadReport } from '../../src/reload.ts'

const base: NodeConfig = { ...DEFAULTS, maxPeers: 10, region: 'r1' }

describe('planReload', () => {
  test('nothing changed, nothing to do', () => {
    assert.deepEqual(planReload(base, { ...base, services: [...base.services] }), { apply: [], restart: [] })
  })

  test('run-time settings are applied, the others need a restart; the report names them as the config file does', () => {
    const next: NodeConfig = {
      ...base,
      maxPeers: 20,
      logLevel: 'debug',
      services: [{ name: 'echo', url: 'http://127.0.0.1:9000', capacity: 100 }],
      region: 'r2',
      api: { host: '127.0.0.1', port: 9999 }
    }
    const plan = planReload(base, next)
    assert.deepEqual(plan.apply.map(c => c.key).sort(), ['logLevel', 'maxPeers', 'services'])
    assert.deepEqual(plan.restart.map(c => c.key).sort(), ['api', 'region'])
    const report = reloadReport(plan)
    assert.deepEqual(report.applied.sort(), ['log_level', 'max_peers', 'services'])
    assert.deepEqual(report.restartRequired.sort(), ['api', 'region'])
    assert.deepEqual(report.changed.find(c => c.setting === 'api'), { setting: 'api', from: { host: '127.0.0.1', port: 8080 }, to: { host: '127.0.0.1', port: 9999 }, applied: false })
  })

  test('an unset value is reported as null', () => {
    const report = reloadReport(planReload(base, { ...base, genesis: './genesis.json' }))
    assert.deepEqual(report.changed, [{ setting: 'genesis', from: null, to: './genesis.json', applied: false }])
  })
})
