import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { PRODUCTION_PARAMS } from '../../src/network/params.ts'
import { publicationIntervalMs } from '../../src/telemetry/publication.ts'
import { minSuspicionMs } from '../../src/telemetry/suspicion.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'
import type { Engine } from '../../simulations/engine.ts'
import { modelEngine, runModel } from '../../simulations/model/run-model.ts'
import type { SimulationResult } from '../../simulations/result.ts'
import { parseScenario } from '../../simulations/scenario/load.ts'
import type { Scenario } from '../../simulations/scenario/schema.ts'

const log = { debug () {}, info () {}, warn () {}, error () {} } as never

async function run (yaml: string, seed?: number, engine: Engine = runModel): Promise<SimulationResult> {
  const scenario: Scenario = parseScenario(yaml, 'test', 'yaml')
  return await engine(scenario, { seed: seed ?? scenario.seed, procs: 1, signal: new AbortController().signal, onProgress: () => {}, log })
}

/** The result with the fields that measure the machine rather than the model blanked. */
function modelled (r: SimulationResult): SimulationResult {
  return { ...r, wall_ms: 0, peak_rss_bytes: 0, started_at: '' }
}

const step = (r: SimulationResult, kind: string, nth = 0): string => r.steps.filter(s => s.kind === kind)[nth]?.summary ?? ''

/** Twenty nodes, five of them candidate operators: a crash, a proposal voted on, an epoch. */
const GOVERNED = `
name: governed
description: model test
mode: model
seed: 3
network: { operators: 5, epoch: 6s, min_voting_period: 1s, certification_grace: 1s, bootstrap_operator_count: 2 }
steps:
  - start: { count: 5, candidate: true }
  - start: { count: 15 }
  - wait_converged: { within: 20s }
  - crash: 7
  - assert: { that: { peer_state: { node: 7, state: down } }, within: 15s }
  - restart: 7
  - propose: { id: p1, by: 0, params: { max_clock_skew_ms: 20000 }, voting_period: 3s }
  - vote: { proposal: p1, by: [0, 1, 2], option: yes }
  - vote: { proposal: p1, by: [3], option: no }
  - assert: { that: { tally_agrees: { proposal: p1, outcome: passed } }, within: 10s }
  - wait_epochs: 1
  - assert: { that: { election_agrees: {} }, within: 10s }
`

describe('network model', () => {
  test('one seed gives the same result, byte for byte but for the wall-clock fields', async () => {
    const a = await run(GOVERNED)
    const b = await run(GOVERNED)
    assert.equal(a.ok, true, a.error ?? '')
    assert.equal(JSON.stringify(modelled(a)), JSON.stringify(modelled(b)))
  })

  test('another seed gives other timings but the same tally outcome and the same elected operators', async () => {
    const a = await run(GOVERNED, 3)
    const b = await run(GOVERNED, 4)
    assert.equal(a.ok, true, a.error ?? '')
    assert.equal(b.ok, true, b.error ?? '')
    assert.notDeepEqual(a.convergence.times_ms, b.convergence.times_ms)
    const outcome = (r: SimulationResult): string => /tallies p1: (\w+)/.exec(step(r, 'assert', 1))?.[1] ?? ''
    const elected = (r: SimulationResult): string => /elected (\[.*\])/.exec(step(r, 'assert', 2))?.[1] ?? ''
    assert.equal(outcome(a), 'passed')
    assert.equal(outcome(b), 'passed')
    assert.notEqual(elected(a), '')
    assert.equal(elected(a), elected(b))
  })

  test('a crash is seen down by every observer within what the detector\'s configuration implies', async () => {
    const r = await run(GOVERNED)
    const d = r.detection.find(x => x.cause === 'crash' && x.node === 7)
    assert.ok(d !== undefined)
    assert.equal(d.observers, 19)
    // An observer heard the node at most one interval before the crash; silence makes it
    // suspect after `suspectAfterIntervals` intervals (seen at the next tick), two probes fail,
    // and the suspicion must last `suspicionMs` (seen at the next tick); one more tick of slack.
    const c = DEFAULT_TUNING.telemetry.detector
    const TICK_MS = DEFAULT_TUNING.telemetry.tickMs
    const bound = (c.suspectAfterIntervals + 1) * 1_000 + c.suspicionMs + 3 * TICK_MS
    assert.ok(d.all_down_ms !== null && d.all_down_ms <= bound, `all down after ${d.all_down_ms} ms, bound ${bound} ms`)
    assert.ok(d.suspect_median_ms !== null && d.suspect_median_ms <= (c.suspectAfterIntervals + 1) * 1_000 + TICK_MS)
  })

  test('the model runs with the node\'s tuning: a longer suspicion, local and by accusation, delays the crash\'s verdict', async () => {
    const { telemetry } = DEFAULT_TUNING
    const d = telemetry.detector
    const longer = { ...DEFAULT_TUNING, telemetry: { ...telemetry, detector: { ...d, suspicionMs: d.suspicionMs + 5_000, suspicion: { ...d.suspicion, mult: d.suspicion.mult + 2 } } } }
    const crashOf = (r: SimulationResult): number | null => r.detection.find(x => x.cause === 'crash' && x.node === 7)?.all_down_ms ?? null
    const fast = crashOf(await run(GOVERNED))
    const slow = crashOf(await run(GOVERNED, undefined, modelEngine(longer)))
    assert.ok(fast !== null && slow !== null, `crash seen down: ${fast} and ${slow} ms`)
    // 20 nodes: the least accusation lasts mult x log10(20) probe intervals; none ends sooner.
    assert.ok(slow >= minSuspicionMs(20, longer.telemetry.detector.suspicion), `down after ${slow} ms, before the least suspicion ended`)
    assert.ok(slow > fast + 1_000, `down after ${fast} ms by default, ${slow} ms with longer suspicions`)
  })

  test('a partition\'s sides tally differently while split, and agree once healed and certified', async () => {
    const r = await run(`
name: split-vote
description: model test
mode: model
seed: 5
network: { operators: 5, epoch: 60s, min_voting_period: 1s, certification_grace: 1s }
steps:
  - start: { count: 12 }
  - wait_converged: { within: 20s }
  - propose: { id: p1, by: 0, params: { max_clock_skew_ms: 20000 }, voting_period: 4s }
  - vote: { proposal: p1, by: [0, 1], option: yes }
  - partition: [[0, 1, 2, 5, 6, 7], [3, 4, 8, 9, 10, 11]]
  - vote: { proposal: p1, by: [3, 4], option: no }
  - wait: 5s
  - heal: {}
  - assert: { that: { tally_agrees: { proposal: p1 } }, within: 20s }
  - wait: 1s
`)
    assert.equal(r.ok, true, r.error ?? '')
    const partitionAt = r.steps.find(s => s.kind === 'partition')?.at_ms ?? 0
    const healAt = r.steps.find(s => s.kind === 'heal')?.at_ms ?? 0
    const during = r.agreement.filter(a => a.subject === 'proposal p1' && a.at_ms > partitionAt + 1_000 && a.at_ms < healAt)
    assert.ok(during.length > 0 && during.every(a => a.outcomes === 2 && a.share === 0.5), JSON.stringify(during))
    assert.deepEqual(r.agreement.filter(a => a.subject === 'proposal p1').at(-1)?.outcomes, 1)
    // As GovernanceState decides: every node follows the first certifier in operator order
    // (no one is elected in epoch 0), node 0, which certified while still cut off from the
    // no votes (13 + 14) and counted only the yes votes (10 + 11). The certificate, not the
    // later complete vote set, settles the result.
    assert.match(step(r, 'assert'), /tallies p1: passed /)
  })

  test('loss is repaired: with 5 % of messages lost, every snapshot still reaches every node', async () => {
    const r = await run(`
name: lossy
description: model test
mode: model
seed: 9
network: { loss: 0.05 }
steps:
  - start: { count: 40 }
  - wait_converged: { within: 20s }
  - wait: 20s
`)
    assert.equal(r.ok, true, r.error ?? '')
    assert.ok(r.notes.every(n => !n.includes('never reached')), r.notes.join('\n'))
    // Under the receive budget each of the 40 publishes every 39 / budget s (±20 %): at least 20 s / 1.2 intervals each.
    const interval = publicationIntervalMs(39, PRODUCTION_PARAMS.telemetry_receive_budget, 1_000)
    assert.ok(r.convergence.times_ms !== null && r.convergence.times_ms.count >= 40 * Math.floor(20_000 / (1.2 * interval)), `${r.convergence.times_ms?.count} snapshots`)
    assert.ok(r.convergence.samples.some(s => s.share === 1))
  })

  test('an aborted run stops and says so', async () => {
    const scenario = parseScenario(GOVERNED, 'test', 'yaml')
    const ac = new AbortController()
    ac.abort()
    const r = await runModel(scenario, { seed: 1, procs: 1, signal: ac.signal, onProgress: () => {}, log })
    assert.equal(r.ok, false)
    assert.match(r.error ?? '', /^interrupted during step 1 \(start\)/)
  })

  test('a failed assert ends the run with ok false and an error naming the step', async () => {
    const r = await run(`
name: too-soon
description: model test
mode: model
steps:
  - start: { count: 6 }
  - wait_converged: { within: 20s }
  - crash: 3
  - assert: { that: { peer_state: { node: 3, state: down } }, within: 1s }
  - wait: 5s
`)
    assert.equal(r.ok, false)
    assert.match(r.error ?? '', /^step 4 \(assert\): node 3 is not down/)
    assert.equal(r.steps.length, 4)
    assert.equal(r.steps.at(-1)?.ok, false)
  })
})

describe('the model\'s per-node traffic', () => {
  test('every running node is counted; membership is constant per node; telemetry stays within the receive budget times the mesh\'s fan-in', async () => {
    const r = await run(`
name: traffic
description: model test
mode: model
seed: 4
steps:
  - start: { count: 40 }
  - crash: 3
  - wait_converged: { within: 30s }
  - wait: 30s
`)
    assert.equal(r.ok, true, r.error ?? '')
    const t = r.traffic
    assert.ok(t !== undefined)
    assert.equal(t.nodes, 39)
    assert.equal(t.sampled_authors, null, 'a small run follows every author')
    const kind = (k: string): NonNullable<typeof t>['kinds'][number] => t.kinds.find(x => x.kind === k) as NonNullable<typeof t>['kinds'][number]
    // One probe a second sent, one answered; and about one received and answered.
    const m = kind('membership')
    assert.ok(m.sent_per_s.mean > 1.5 && m.sent_per_s.mean < 3, `membership sent ${m.sent_per_s.mean}/s`)
    assert.ok(m.received_per_s.mean > 1.5 && m.received_per_s.mean < 3, `membership received ${m.received_per_s.mean}/s`)
    assert.ok(m.received_per_s.max >= m.received_per_s.p99 && m.received_per_s.p99 >= m.received_per_s.mean)
    // Each copy counts: up to the mesh's degree (12) per snapshot, at most budget snapshots a second.
    const tel = kind('telemetry')
    assert.ok(tel.received_per_s.mean > 0 && tel.received_per_s.mean <= 12 * PRODUCTION_PARAMS.telemetry_receive_budget, `telemetry received ${tel.received_per_s.mean}/s`)
    assert.ok(tel.received_bytes_per_s !== null && tel.received_bytes_per_s.mean > 100 * tel.received_per_s.mean)
    assert.equal(kind('billing').received_per_s.max, 0, 'the model has no billing traffic')
    assert.equal(kind('governance').received_bytes_per_s, null, 'governance bytes are not modelled')
  })
})

describe('the model\'s SWIM membership', () => {
  test('nodes cut off are down on the other side; after the heal they hear it, refute, and the mesh converges long before their next snapshot', async () => {
    const r = await run(`
name: heal
description: model test
mode: model
seed: 6
steps:
  - start: { count: 100 }
  - wait_converged: { within: 60s }
  - partition: [[1, 2, 3, 4, 5]]
  - assert: { that: { peer_state: { node: 2, state: down, seen_by: [10, 20, 30, 40, 50] } }, within: 20s }
  - heal: {}
  - wait_converged: { within: 15s }
`)
    // 100 nodes publish every 99 / budget s: 24.75 s, more than the 15 s the heal may take.
    assert.ok(publicationIntervalMs(99, PRODUCTION_PARAMS.telemetry_receive_budget, 1_000) > 20_000)
    assert.equal(r.ok, true, r.error ?? '')
  })
})
