import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { convergence, detection, requestFigures, Timeline, type Receipt } from '../../simulations/live/measure.ts'

/** Three nodes up from t = 0; each publishes at 10 s, 11 s, ...; node o receives author a's snapshot after delay(o, a). */
function world (delay: (o: number, a: number, t: number) => number | undefined, until = 20_000): { receipts: Receipt[], timeline: Timeline, starts: Map<number, number[]> } {
  const timeline = new Timeline()
  timeline.record({ at: 0, running: new Set([0, 1, 2]), group: undefined })
  const receipts: Receipt[] = []
  for (let t = 10_000; t <= until; t += 1_000) {
    for (const a of [0, 1, 2]) {
      for (const o of [0, 1, 2]) {
        if (o === a) continue
        const d = delay(o, a, t)
        if (d !== undefined) receipts.push({ observer: o, author: a, publishedAt: t, receivedAt: t + d })
      }
    }
  }
  return { receipts, timeline, starts: new Map([[0, [0]], [1, [0]], [2, [0]]]) }
}

describe('live measurements', () => {
  test('convergence time of a snapshot is its arrival at the last reachable node; the share dips while it travels', () => {
    const { receipts, timeline, starts } = world((o, a) => 10 * (o + 1) + a)
    const c = convergence(receipts, timeline, starts, { from: 10_000, to: 20_000 }, 5)
    assert.equal(c.missed, 0)
    // Author 0's slowest observer is 2 (30 ms); author 1's is 2 (31 ms); author 2's is 1 (22 ms).
    assert.equal(c.times_ms?.max, 31)
    assert.equal(c.times_ms?.min, 22)
    assert.equal(c.times_ms?.count, 27)
    const shares = c.samples.map(s => s.share)
    assert.equal(Math.max(...shares), 1)
    assert.ok(Math.min(...shares) < 0.5, 'just after a publication, most pairs hold the previous snapshot')
  })

  test('a snapshot that never reaches a reachable node is counted missed, not timed', () => {
    const { receipts, timeline, starts } = world((o, a, t) => (o === 2 && a === 0 && t === 15_000 ? undefined : 5))
    const c = convergence(receipts, timeline, starts, { from: 10_000, to: 20_000 }, 100)
    assert.equal(c.missed, 1)
    assert.equal(c.times_ms?.max, 5)
  })

  test('nodes cut off by a partition are neither counted in the share nor waited for', () => {
    const { receipts, timeline, starts } = world((o, a, t) => (t >= 14_000 && (o === 2) !== (a === 2) ? undefined : 5))
    timeline.record({ at: 14_000, running: new Set([0, 1, 2]), group: new Map([[0, 0], [1, 0], [2, 1]]) })
    const c = convergence(receipts, timeline, starts, { from: 10_000, to: 20_000 }, 100)
    assert.equal(c.missed, 0, 'the cut-off node is not expected to hear the others')
    const after = c.samples.filter(s => s.at_ms >= 4_100 && (s.at_ms % 1000) > 10)
    assert.ok(after.every(s => s.share === 1), 'within each side every node holds the latest')
  })

  test('detection: median time to suspect, and time until every observer saw the node down', () => {
    const records = detection([
      { node: 3, cause: 'crash', at: 1_000, until: 20_000, observers: [0, 1, 2] },
      { node: 4, cause: 'partition', at: 1_000, until: 20_000, observers: [0, 1] }
    ], [
      { observer: 0, peer: 3, to: 'suspect', at: 1_100 },
      { observer: 1, peer: 3, to: 'suspect', at: 1_300 },
      { observer: 2, peer: 3, to: 'down', at: 1_500 },
      { observer: 0, peer: 3, to: 'down', at: 4_000 },
      { observer: 1, peer: 3, to: 'down', at: 4_200 },
      { observer: 0, peer: 4, to: 'down', at: 4_000 },
      { observer: 0, peer: 3, to: 'suspect', at: 500 }
    ], 0)
    assert.deepEqual(records[0], { node: 3, cause: 'crash', at_ms: 1_000, suspect_median_ms: 300, all_down_ms: 3_200, observers: 3 })
    assert.equal(records[1]?.all_down_ms, null, 'observer 1 never saw node 4 down')
    assert.equal(records[1]?.suspect_median_ms, 3_000)
  })

  test('requests: error rate, a per-bucket (not cumulative) histogram and who served them', () => {
    const f = requestFigures([
      { at: 0, latencyMs: 0.5, ok: true, servedBy: 1 },
      { at: 1, latencyMs: 3, ok: true, servedBy: 2 },
      { at: 2, latencyMs: 4, ok: true, servedBy: 2 },
      { at: 3, latencyMs: 9_000, ok: false, servedBy: undefined }
    ])
    assert.ok(f !== null)
    assert.equal(f.error_rate, 0.25)
    assert.equal(f.histogram.find(b => b.le_ms === 1)?.count, 1)
    assert.equal(f.histogram.find(b => b.le_ms === 5)?.count, 2)
    assert.equal(f.histogram.find(b => b.le_ms === null)?.count, 1)
    assert.equal(f.histogram.reduce((s, b) => s + b.count, 0), 4)
    assert.deepEqual(f.served_by, [{ node: 1, count: 1 }, { node: 2, count: 2 }])
    assert.equal(requestFigures([]), null)
  })
})
