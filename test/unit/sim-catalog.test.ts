import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { builtInScenarios, resolveScenario } from '../../simulations/catalog.ts'
import { describeStep } from '../../simulations/scenario/describe.ts'
import { includes, meshErrorAsync } from '../helpers/errors.ts'

describe('the built-in scenarios', () => {
  test('the built-in scenarios parse, have a one-line description and the names the issue asks for', async () => {
    const all = await builtInScenarios()
    for (const name of ['smoke', 'churn', 'partition-heal', 'slow-peer', 'governance-race', 'scale-10k']) {
      assert.ok(all.some(s => s.name === name), `no built-in ${name}`)
    }
    for (const s of all) {
      assert.ok(!s.description.includes('\n'))
      for (const step of s.steps) assert.ok(describeStep(step).length > 0)
    }
    includes((await meshErrorAsync('NOT_FOUND', async () => await resolveScenario('nope'))).message, 'no built-in scenario nope', 'smoke')
  })
})
