import type { Logger } from '../src/logging.ts'
import type { Engine } from './engine.ts'
import { runLive } from './live/run-live.ts'
import { runModel } from './model/run-model.ts'
import { progressReporter, summaryTable } from './report/terminal.ts'
import { writeReport } from './report/write.ts'
import type { SimulationResult } from './result.ts'
import { inMode } from './scenario/load.ts'
import type { Mode, Scenario } from './scenario/schema.ts'

const ENGINES: Record<Mode, Engine> = { live: runLive, model: runModel }

export interface SimulateOptions {
  mode?: Mode
  seed?: number
  procs: number
  outDir: string
  signal: AbortSignal
  log: Logger
  /** Progress and summaries go here (the terminal); reports go to files. */
  out: NodeJS.WriteStream
}

export interface Simulated { result: SimulationResult, files: { json: string, html: string } }

/** Runs one scenario with its engine, with a progress bar. */
async function run (scenario: Scenario, opts: SimulateOptions): Promise<SimulationResult> {
  const runnable = inMode(scenario, opts.mode ?? scenario.mode)
  const progress = progressReporter(opts.out)
  try {
    return await ENGINES[runnable.mode](runnable, { seed: opts.seed ?? runnable.seed, procs: opts.procs, signal: opts.signal, log: opts.log, onProgress: progress })
  } finally {
    progress.done()
  }
}

/** Writes a run's reports and shows its summary. */
async function report (result: SimulationResult, opts: SimulateOptions): Promise<Simulated> {
  const files = await writeReport(result, opts.outDir)
  opts.out.write(`${summaryTable(result, opts.out.isTTY === true && process.env.NO_COLOR === undefined)}\n`)
  opts.out.write(`report: ${files.html}\njson:   ${files.json}\n`)
  return { result, files }
}

/** Runs one scenario with its engine, shows progress and a summary, and writes its reports. */
export async function simulate (scenario: Scenario, opts: SimulateOptions): Promise<Simulated> {
  return await report(await run(scenario, opts), opts)
}

/**
 * The same scenario live and in the model: how far the model's convergence and detection
 * times are from what real nodes measured. Both reports get the comparison as a note.
 */
export async function compareModes (scenario: Scenario, opts: SimulateOptions): Promise<{ live: Simulated, model: Simulated, lines: string[] }> {
  const live = await run(scenario, { ...opts, mode: 'live' })
  const model = await run(scenario, { ...opts, mode: 'model' })
  const lines = comparison(live, model)
  for (const r of [live, model]) r.notes.push(...lines)
  const reported = { live: await report(live, opts), model: await report(model, opts), lines }
  opts.out.write(`${lines.join('\n')}\n`)
  return reported
}

function ratio (model: number | null | undefined, live: number | null | undefined): string {
  if (model == null || live == null || live === 0) return 'n/a'
  return `${(model / live).toFixed(2)}x`
}

export function comparison (live: SimulationResult, model: SimulationResult): string[] {
  const lc = live.convergence.times_ms
  const mc = model.convergence.times_ms
  const ld = live.detection.map(d => d.all_down_ms).filter(x => x !== null)
  const md = model.detection.map(d => d.all_down_ms).filter(x => x !== null)
  const mean = (xs: number[]): number | null => xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length
  const f = (x: number | null | undefined): string => x == null ? 'n/a' : `${x.toFixed(1)} ms`
  return [
    `model vs live, ${live.scenario}: convergence p50 ${f(mc?.p50)} vs ${f(lc?.p50)} (${ratio(mc?.p50, lc?.p50)}), p99 ${f(mc?.p99)} vs ${f(lc?.p99)} (${ratio(mc?.p99, lc?.p99)})`,
    `model vs live, ${live.scenario}: time until every observer saw a fault down, mean ${f(mean(md))} vs ${f(mean(ld))} (${ratio(mean(md), mean(ld))})`
  ]
}
