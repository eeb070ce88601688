import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertLiveCapacity, liveCapacity } from '../../simulations/live/capacity.ts'
import { includes, meshError } from '../helpers/errors.ts'

const GB = 1e9

describe('how many live nodes a machine can run', () => {
  test('min(processes on cores × 12, (75 % of memory − 170 MB a process) / 26 MB a node)', () => {
    const small = { cores: 2, memoryBytes: 25 * GB, memorySource: 'host' as const }
    assert.equal(liveCapacity(small, 1).nodes, 12, 'one process is one event loop')
    assert.equal(liveCapacity(small, 2).nodes, 24)
    assert.equal(liveCapacity(small, 8).nodes, 24, 'more processes than cores add no CPU')
    const tight = { cores: 64, memoryBytes: 2 * GB, memorySource: 'cgroup' as const }
    const c = liveCapacity(tight, 4)
    assert.equal(c.byMemory, Math.floor((1.5e9 - 4 * 170e6) / 26e6) + 4)
    assert.equal(c.nodes, c.byMemory)
    includes(c.why, 'the cgroup limit', '26 MB a node')
  })

  test('scale-10k live over two processes on two cores is refused in one line that says how many and why', () => {
    const machine = { cores: 2, memoryBytes: 25 * GB, memorySource: 'host' as const }
    const err = meshError('SCENARIO_ERROR', () => { assertLiveCapacity('scale-10k', 10_000, 2, machine) })
    includes(err.message, 'scale-10k', '10000 live nodes', 'at most 24', 'CPU', 'memory', '--mode model')
    includes(meshError('SCENARIO_ERROR', () => { assertLiveCapacity('x', 20, 1, machine) }).message, '--procs 2')
    assertLiveCapacity('smoke', 10, 1, machine)
  })
})
