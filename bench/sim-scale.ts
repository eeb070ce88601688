/**
 * The network model at scale: the built-in scenario scale-10k (10,000 modelled nodes for 60
 * virtual seconds, with crashes, a partition and its heal, a vote across it and churn), run
 * in this process with its own seed. Targets from the simulations issue: under 5 minutes of
 * wall time and under 4 GB of memory on this machine. Peak RSS is the largest resident size
 * the model saw while it ran (sampled as it yields to the event loop, and at the end).
 */
import { fileURLToPath } from 'node:url'
import { runModel } from '../simulations/model/run-model.ts'
import { PRODUCTION_PARAMS } from '../src/network/params.ts'
import type { RateFigures } from '../simulations/result.ts'
import { loadScenarioFile } from '../simulations/scenario/load.ts'
import { fmtMb, fmtMs, table, verdict, type BenchOutcome } from './stats.ts'

const SCENARIO = fileURLToPath(new URL('../simulations/scenarios/scale-10k.yaml', import.meta.url))
const TARGET_WALL_MS = 5 * 60_000
const TARGET_RSS_BYTES = 4 * 2 ** 30
const TARGET_RECEIVED_MEAN = 50
const TARGET_RECEIVED_MAX = 100

const rates = (r: RateFigures): string => `${r.mean.toFixed(1)}, ${r.p99.toFixed(1)}, ${r.max.toFixed(1)}`

export async function runSimScale (): Promise<BenchOutcome> {
  const scenario = await loadScenarioFile(SCENARIO)
  console.log(`\n== sim: the model running ${scenario.name} (seed ${scenario.seed}) ==`)
  let lastShown = -10_000
  const result = await runModel(scenario, {
    seed: scenario.seed,
    procs: 1,
    signal: new AbortController().signal,
    onProgress: p => {
      if (p.at_ms - lastShown < 10_000) return
      lastShown = p.at_ms
      console.log(`  step ${p.step}/${p.steps} ${p.label}, virtual ${(p.at_ms / 1000).toFixed(0)} s`)
    },
    log: { debug () {}, info () {}, warn () {}, error () {} } as never
  })
  const conv = result.convergence.times_ms
  // The max of a sum is bounded by the sum of the maxima: an upper bound for the busiest node.
  const kinds = (result.traffic?.kinds ?? []).filter(k => k.kind === 'telemetry' || k.kind === 'membership')
  // Under the budget a node publishes every ~42 min at 10,000 nodes: a 40 s window holds few
  // snapshots, so the steady rate is the budget times the copies of one snapshot each node gets.
  const steady = result.traffic?.kinds.find(k => k.kind === 'telemetry')?.copies_per_node ?? null
  const budgeted = { mean: kinds.reduce((s, k) => s + k.received_per_s.mean, 0), max: kinds.reduce((s, k) => s + k.received_per_s.max, 0) }
  console.log(table(['figure', 'value'], [
    ['scenario ok', result.ok ? 'yes' : `no: ${result.error ?? ''}`],
    ['nodes', String(result.nodes)],
    ['virtual time', fmtMs(result.virtual_ms ?? Number.NaN, 0)],
    ['snapshot convergence p50 / p99', conv === null ? '-' : `${fmtMs(conv.p50)} / ${fmtMs(conv.p99)}`],
    ...result.detection.filter(d => d.cause !== 'partition' || d.observers > 1000).slice(0, 6).map(d => [
      `detection of node ${d.node} (${d.cause})`,
      `suspect median ${fmtMs(d.suspect_median_ms ?? Number.NaN, 0)}, all down ${d.all_down_ms === null ? 'not before it came back' : fmtMs(d.all_down_ms, 0)}`
    ]),
    ...(result.traffic?.kinds ?? []).map(k => [
      `${k.kind} msgs/s per node, received / sent (mean, p99, max)`,
      `${rates(k.received_per_s)} / ${rates(k.sent_per_s)}`
    ]),
    ['telemetry + membership received per node (mean, max)', `${budgeted.mean.toFixed(1)}, ${budgeted.max.toFixed(1)} msgs/s`],
    ['telemetry in steady state: budget x copies of a snapshot per node', steady === null ? '-' : `${PRODUCTION_PARAMS.telemetry_receive_budget} x ${steady.toFixed(2)} = ${(PRODUCTION_PARAMS.telemetry_receive_budget * steady).toFixed(1)} msgs/s`],
    ['wall time', fmtMs(result.wall_ms, 0)],
    ['peak RSS', fmtMb(result.peak_rss_bytes)]
  ]))
  const wallOk = result.wall_ms < TARGET_WALL_MS
  const rssOk = result.peak_rss_bytes < TARGET_RSS_BYTES
  const trafficOk = budgeted.mean < TARGET_RECEIVED_MEAN && budgeted.max < TARGET_RECEIVED_MAX
  const pass = result.ok && wallOk && rssOk && trafficOk
  console.log(`target: wall < 5 min ${verdict(wallOk)}, peak RSS < 4 GB ${verdict(rssOk)}, telemetry + membership received per node < ${TARGET_RECEIVED_MEAN}/s mean and < ${TARGET_RECEIVED_MAX}/s max ${verdict(trafficOk)}, scenario assertions ${result.ok ? 'held' : 'failed'}   ${verdict(pass)}`)
  return {
    name: 'sim',
    target: 'scale-10k in the model: < 5 min, < 4 GB',
    pass,
    measured: `${(result.wall_ms / 1000).toFixed(0)} s, ${fmtMb(result.peak_rss_bytes)}${result.ok ? '' : ', scenario failed'}`
  }
}
