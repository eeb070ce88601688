import { createLogger, type LogLevel } from '../src/logging.ts'
import { builtInScenarios, resolveScenario } from '../simulations/catalog.ts'
import type { Mode } from '../simulations/scenario/schema.ts'
import { compareModes, simulate } from '../simulations/simulate.ts'
import { onStopSignals } from './signals.ts'

export interface SimCommand {
  scenario: string | undefined
  list: boolean
  mode?: Mode
  seed?: number
  procs: number
  out: string
  compare: boolean
  logLevel: LogLevel
}

/** `meshnode sim`: lists the built-in scenarios, or runs one; exit code 1 when a step failed. */
export async function runSim (cmd: SimCommand): Promise<number> {
  if (cmd.list || cmd.scenario === undefined) {
    const all = await builtInScenarios()
    const width = Math.max(...all.map(s => s.name.length))
    console.log(all.map(s => `${s.name.padEnd(width)}  ${s.mode.padEnd(5)}  ${s.description}`).join('\n'))
    return 0
  }
  const scenario = await resolveScenario(cmd.scenario)
  const aborter = new AbortController()
  const removeHandler = onStopSignals(verdict => {
    if (verdict === 'force') process.exit(130)
    if (verdict === 'stop') {
      process.stderr.write('\ninterrupted: stopping every node (Ctrl-C again to quit at once)\n')
      aborter.abort()
    }
  })
  try {
    const opts = { mode: cmd.mode, seed: cmd.seed, procs: cmd.procs, outDir: cmd.out, signal: aborter.signal, log: createLogger(cmd.logLevel), out: process.stdout }
    if (cmd.compare) {
      const { live, model } = await compareModes(scenario, opts)
      return live.result.ok && model.result.ok ? 0 : 1
    }
    return (await simulate(scenario, opts)).result.ok ? 0 : 1
  } finally {
    removeHandler()
  }
}
