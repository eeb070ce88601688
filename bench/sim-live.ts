/**
 * Live simulation scale: the largest mesh of real nodes on this machine whose gossip still
 * converges within 2 s (p99 of the time from a snapshot's publication until every running node
 * held it), with every node in this one process versus spread over two processes (one per
 * core). Sizes grow by 10 until a size fails to converge (or 40); each size runs the live
 * engine on a generated scenario: start N, wait for convergence, then measure for 15 s.
 */
import { silentLogger } from '../src/logging.ts'
import { runLive } from '../simulations/live/run-live.ts'
import type { SimulationResult } from '../simulations/result.ts'
import { parseScenario } from '../simulations/scenario/load.ts'
import { fmtMb, fmtMs, fmtPct, table, type BenchOutcome } from './stats.ts'

const SIZES = [10, 20, 30, 40]
const PROCS = [2, 1]
const LIMIT_MS = 2_000
const WINDOW = '15s'

async function runSize (nodes: number, procs: number): Promise<SimulationResult> {
  const scenario = parseScenario(JSON.stringify({
    name: `scale-live-${nodes}`,
    description: `${nodes} live nodes converge and gossip for ${WINDOW}`,
    steps: [{ start: { count: nodes } }, { wait_converged: { within: '60s' } }, { wait: WINDOW }, { assert: { that: { converged: {} }, within: '10s' } }]
  }), 'bench', 'json')
  return await runLive(scenario, { seed: 1, procs, signal: new AbortController().signal, log: silentLogger(), onProgress: () => {} })
}

export async function runSimLive (): Promise<BenchOutcome> {
  const rows: string[][] = []
  const largest = new Map<number, number>()
  for (const procs of PROCS) {
    for (const nodes of SIZES) {
      const r = await runSize(nodes, procs)
      const t = r.convergence.times_ms
      const ok = r.ok && t !== null && t.p99 <= LIMIT_MS
      const shares = r.convergence.samples.map(s => s.share)
      rows.push([String(procs), String(nodes), r.ok ? 'yes' : `no: ${r.error ?? ''}`.slice(0, 60), fmtMs(t?.p50 ?? Number.NaN), fmtMs(t?.p99 ?? Number.NaN), String(t?.count ?? 0),
        fmtPct(shares.length === 0 ? Number.NaN : shares.reduce((a, b) => a + b, 0) / shares.length), fmtMb(r.peak_rss_bytes), ok ? 'yes' : 'no'])
      if (!ok) break
      largest.set(procs, nodes)
    }
  }
  console.log(table(['processes', 'nodes', 'converged', 'p50', 'p99', 'snapshots', 'mean share', 'peak RSS (all processes)', `p99 <= ${LIMIT_MS} ms`], rows))
  const measured = PROCS.map(p => `${p} process${p === 1 ? '' : 'es'}: N = ${largest.get(p) ?? 'none'}`).join('; ')
  console.log(`largest N converging within ${LIMIT_MS} ms (p99): ${measured} (tried ${SIZES.join(', ')})`)
  return { name: 'sim-live', target: `report the largest N with p99 <= ${LIMIT_MS} ms`, pass: largest.size === PROCS.length, measured }
}
