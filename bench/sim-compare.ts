/**
 * The model against live nodes on the built-in `model-check` scenario (ten nodes, no loss, a
 * crash and a restart): how far the model's convergence and detection times are from what real
 * nodes on this machine measured. Timing ratios live here, not in tests: live gossip on a busy
 * 2-core machine has a tail the model's links lack. Targets: the same order of magnitude,
 * convergence p50 within 0.1-10x and detection within 0.5-2x.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { silentLogger } from '../src/logging.ts'
import { loadScenarioFile } from '../simulations/scenario/load.ts'
import { compareModes } from '../simulations/simulate.ts'
import { summarize } from '../src/stats.ts'
import { verdict, type BenchOutcome } from './stats.ts'

const SCENARIO = fileURLToPath(new URL('../simulations/scenarios/model-check.yaml', import.meta.url))

export async function runSimCompare (): Promise<BenchOutcome> {
  const scenario = await loadScenarioFile(SCENARIO)
  console.log(`\n== sim-compare: ${scenario.name}, live and in the model (seed ${scenario.seed}) ==`)
  const outDir = await mkdtemp(join(tmpdir(), 'meshnode-sim-compare-'))
  try {
    const { live, model } = await compareModes(scenario, {
      procs: 1,
      outDir,
      signal: new AbortController().signal,
      log: silentLogger(),
      out: process.stdout
    })
    const lc = live.result.convergence.times_ms?.p50
    const mc = model.result.convergence.times_ms?.p50
    const mean = (xs: Array<number | null>): number => summarize(xs.filter(x => x !== null)).mean
    const convergence = mc === undefined || lc === undefined ? Number.NaN : mc / lc
    const detection = mean(model.result.detection.map(d => d.all_down_ms)) / mean(live.result.detection.map(d => d.all_down_ms))
    const pass = live.result.ok && model.result.ok && convergence >= 0.1 && convergence <= 10 && detection >= 0.5 && detection <= 2
    console.log(`target: convergence p50 ratio 0.1-10x (${convergence.toFixed(2)}x), detection ratio 0.5-2x (${detection.toFixed(2)}x)   ${verdict(pass)}`)
    return {
      name: 'sim-compare',
      target: 'model/live: convergence 0.1-10x, detection 0.5-2x',
      pass,
      measured: `convergence ${convergence.toFixed(2)}x, detection ${detection.toFixed(2)}x`
    }
  } finally {
    await rm(outDir, { recursive: true, force: true })
  }
}
