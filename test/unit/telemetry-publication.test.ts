import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { earliestEarlyMs, isMaterialChange, jittered, publicationIntervalMs } from '../../src/telemetry/publication.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'
import { validSnapshot } from '../helpers/snapshots.ts'

describe('the budgeted publication interval', () => {
  test('max(base, peers / budget): the base in a small mesh, stretched in a large one', () => {
    assert.equal(publicationIntervalMs(0, 4, 1000), 1000)
    assert.equal(publicationIntervalMs(4, 4, 1000), 1000)
    assert.equal(publicationIntervalMs(24, 4, 1000), 6000)
    assert.equal(publicationIntervalMs(9_999, 4, 1000), 2_499_750)
  })

  test('what a node receives a second, peers / interval, stays within the budget whatever the mesh\'s size', () => {
    for (const peers of [1, 5, 24, 49, 999, 9_999]) {
      for (const budget of [1, 4, 10, 50]) {
        const interval = publicationIntervalMs(peers, budget, 1000)
        assert.ok(peers / (interval / 1000) <= budget + 1e-9, `${peers} peers, budget ${budget}: ${interval} ms`)
      }
    }
  })

  test('jitter moves the interval by at most its share, both ways, following the random draw', () => {
    assert.equal(jittered(1000, 0.2, () => 0), 800)
    assert.equal(jittered(1000, 0.2, () => 0.5), 1000)
    assert.equal(jittered(1000, 0.2, () => 0.999999), 1200)
  })

  test('early publications are rate-limited to four per interval, never sooner than the base', () => {
    assert.equal(earliestEarlyMs(1000, 1000), 1000)
    assert.equal(earliestEarlyMs(8000, 1000), 2000)
  })
})

describe('a material change of load', () => {
  const t = DEFAULT_TUNING.telemetry.materialChange
  const load = (cpu: number, active: number, served = 100, errors = 0): ReturnType<typeof validSnapshot> =>
    validSnapshot({ cpu, requests: { active, served: 0, errors: 0, recent: { windowMs: 60_000, served, errors } } })

  test('no change, or a small one, is not material', () => {
    assert.equal(isMaterialChange(load(0.1, 2), load(0.1, 2), t), false)
    assert.equal(isMaterialChange(load(0.1, 2), load(0.29, 5), t), false)
  })

  test('a CPU change of the threshold or more, either way, is', () => {
    assert.equal(isMaterialChange(load(0, 0), load(0.2, 0), t), true)
    assert.equal(isMaterialChange(load(0.5, 0), load(0.25, 0), t), true)
  })

  test('requests in flight: doubled and at least four more, either way', () => {
    assert.equal(isMaterialChange(load(0, 0), load(0, 4), t), true)
    assert.equal(isMaterialChange(load(0, 10), load(0, 19), t), false)
    assert.equal(isMaterialChange(load(0, 10), load(0, 20), t), true)
    assert.equal(isMaterialChange(load(0, 20), load(0, 10), t), true)
    assert.equal(isMaterialChange(load(0, 1), load(0, 3), t), false, 'doubled but by two only')
  })

  test('the recent error rate moving by the threshold is', () => {
    assert.equal(isMaterialChange(load(0, 0, 100, 0), load(0, 0, 100, 10), t), true)
    assert.equal(isMaterialChange(load(0, 0, 100, 0), load(0, 0, 100, 9), t), false)
    assert.equal(isMaterialChange(load(0, 0, 0, 0), load(0, 0, 100, 0), t), false, 'no requests is no errors')
  })
})
