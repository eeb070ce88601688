import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { inMode, parseScenario } from '../../simulations/scenario/load.ts'
import { includes, meshError } from '../helpers/errors.ts'

const yaml = (steps: string, extra = ''): string => `name: t\ndescription: a test\n${extra}steps:\n${steps}`
const refused = (text: string, ...parts: string[]): void => {
  const err = meshError('SCENARIO_ERROR', () => parseScenario(text, 'test.yaml', 'yaml'))
  includes(err.message, 'test.yaml', ...parts)
}

describe('scenario files', () => {
  test('a YAML scenario and the same in JSON parse alike, with defaults filled in', () => {
    const fromYaml = parseScenario(yaml('  - start: { count: 3 }\n  - crash: 2\n  - wait: 2s\n'), 'a.yaml', 'yaml')
    const fromJson = parseScenario(JSON.stringify({ name: 't', description: 'a test', steps: [{ start: { count: 3 } }, { crash: 2 }, { wait: '2s' }] }), 'a.json', 'json')
    assert.deepEqual(fromYaml, fromJson)
    assert.equal(fromYaml.mode, 'live')
    assert.equal(fromYaml.network.telemetry_interval, 1000)
    // Read into a discriminated union: each step tagged with its kind, as are the conditions.
    assert.deepEqual(fromYaml.steps[2], { kind: 'wait', wait: 2000 })
  })

  test('each step and each assert condition is tagged with its kind, its settings under that kind', () => {
    const s = parseScenario(yaml('  - start: { count: 2 }\n  - heal: {}\n  - assert: { that: { peer_state: { node: 1, state: down } } }\n'), 'a.yaml', 'yaml')
    assert.deepEqual(s.steps.map(step => step.kind), ['start', 'heal', 'assert'])
    assert.deepEqual(s.steps[2], { kind: 'assert', assert: { that: { kind: 'peer_state', peer_state: { node: 1, state: 'down', seen_by: 'all' } }, within: 10_000 } })
  })

  test('a bad step is refused naming its number and kind', () => {
    refused(yaml('  - start: { count: 3 }\n  - crash: { node: 1 }\n'), 'step 2 (crash)')
    refused(yaml('  - start: { count: 3 }\n  - explode: {}\n'), 'step 2 (explode)')
    refused(yaml('  - start: { count: 3 }\n  - wait: soon\n'), 'step 2 (wait)', 'duration')
  })

  test('steps must fit the life of the scenario', () => {
    refused(yaml('  - crash: 1\n'), 'step 1 (crash)', 'no node is started')
    refused(yaml('  - start: { count: 3 }\n  - crash: 3\n'), 'step 2 (crash)', 'node 3 does not exist yet')
    refused(yaml('  - start: { count: 3 }\n  - crash: 0\n'), 'node 0 founds the network')
    refused(yaml('  - start: { count: 3 }\n  - restart: 1\n'), 'step 2 (restart)', 'node 1 is not crashed')
    refused(yaml('  - start: { count: 3 }\n  - crash: 1\n  - crash: 1\n'), 'step 3 (crash)', 'already crashed')
    refused(yaml('  - start: { count: 3 }\n  - partition: [[0, 1], [1, 2]]\n'), 'node 1 is in two groups')
    refused(yaml('  - start: { count: 3 }\n  - vote: { proposal: p, by: 0, option: yes }\n'), 'step 2 (vote)', 'proposal p is not proposed')
    refused(yaml('  - start: { count: 3 }\n  - propose: { id: p, by: 2, params: {}, voting_period: 5s }\n'), 'node 2 is not an operator')
    refused(yaml('  - start: { count: 3 }\n  - assert: { that: { load: {} } }\n'), 'needs an earlier load step')
    refused(yaml('  - start: { count: 3 }\n  - churn: { duration: 5s, every: 1s, down_for: 5s }\n'), 'down_for must be shorter')
  })

  test('the model refuses steps that only live nodes can run, also when a live scenario is moved to it', () => {
    refused(yaml('  - start: { count: 3 }\n  - load: { service: echo, rate: 5, duration: 1s }\n', 'mode: model\n'), 'step 2 (load)', 'runs only live')
    const live = parseScenario(yaml('  - start: { count: 3 }\n  - offer_service: { service: echo, nodes: all }\n'), 'a.yaml', 'yaml')
    includes(meshError('SCENARIO_ERROR', () => inMode(live, 'model')).message, 'step 2 (offer_service)', 'runs only live')
    const portable = parseScenario(yaml('  - start: { count: 3 }\n  - wait_converged: {}\n'), 'a.yaml', 'yaml')
    assert.equal(inMode(portable, 'model').mode, 'model')
  })

  test('malformed text is one clear line', () => {
    includes(meshError('SCENARIO_ERROR', () => parseScenario('{ "name": ', 'x.json', 'json')).message, 'x.json', 'not valid JSON')
    refused('name: t\nsteps: []\n', 'description')
  })
})
