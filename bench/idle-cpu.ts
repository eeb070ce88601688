/**
 * Idle CPU per node against the mesh's size: N `meshnode start` child processes on 127.0.0.1
 * (a chain: each bootstraps from the previous), idle, for N = 5, 10, 15, 20, 25. Once every
 * node lists every other healthy (and a settle), each node's CPU time (utime + stime from
 * /proc, which a busy machine does not inflate the way it does wall time) is read over a window;
 * the table gives the mean and max per node as a share of one core, and the least-squares
 * slope from N = 10 to 25 per additional peer. The baseline (the design before
 * SWIM and the receive budget, measured on this machine): 3.5 % at N = 5, 7.8-8.2 % at N = 10,
 * about 0.9 % per additional peer.
 */
import { startCluster, stopCluster } from './cluster.ts'
import { fmtNum, procCpuSeconds, sleep, table, verdict, type BenchOutcome } from './stats.ts'

const SIZES = [5, 10, 15, 20, 25]
const WINDOW_MS = 30_000
const SETTLE_MS = 10_000
const CONVERGE_DEADLINE_MS = 180_000
const TARGET_AT_25 = 0.02
const TARGET_SLOPE = 0.0005

interface SizeFigures { n: number, convergeMs: number, meanShare: number, maxShare: number }

async function runSize (n: number): Promise<SizeFigures> {
  const cluster = await startCluster(n, CONVERGE_DEADLINE_MS)
  try {
    await sleep(SETTLE_MS)
    const pids = cluster.nodes.map(node => node.child.pid ?? 0)
    const before = await Promise.all(pids.map(procCpuSeconds))
    const t0 = performance.now()
    await sleep(WINDOW_MS)
    const after = await Promise.all(pids.map(procCpuSeconds))
    const seconds = (performance.now() - t0) / 1000
    const shares = after.map((a, i) => (a - (before[i] as number)) / seconds)
    return { n, convergeMs: cluster.convergeMs, meanShare: shares.reduce((x, y) => x + y, 0) / n, maxShare: Math.max(...shares) }
  } finally {
    await stopCluster(cluster)
  }
}

/** The least-squares slope of y over x. */
function slope (points: Array<[number, number]>): number {
  const n = points.length
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0)
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0)
  return sxx === 0 ? 0 : sxy / sxx
}

export async function runIdleCpu (): Promise<BenchOutcome> {
  console.log(`\n== cpu: idle CPU per node (process CPU time over ${WINDOW_MS / 1000} s), one process per node, N = ${SIZES.join(', ')} ==`)
  const results: SizeFigures[] = []
  for (const n of SIZES) {
    const r = await runSize(n)
    results.push(r)
    console.log(`  N=${n}: every node listed the others healthy after ${fmtNum(r.convergeMs / 1000, 1)} s; mean ${fmtNum(r.meanShare * 100, 2)} % of a core per node`)
  }
  const fit = slope(results.filter(r => r.n >= 10).map(r => [r.n, r.meanShare]))
  console.log(table(['N', 'mean CPU per node', 'busiest node', 'converged after'],
    results.map(r => [String(r.n), `${fmtNum(r.meanShare * 100, 2)} %`, `${fmtNum(r.maxShare * 100, 2)} %`, `${fmtNum(r.convergeMs / 1000, 1)} s`])))
  const at25 = results.find(r => r.n === 25)?.meanShare ?? Number.NaN
  const pass = at25 <= TARGET_AT_25 && fit < TARGET_SLOPE
  console.log(`fitted slope N = 10..25: ${fmtNum(fit * 100, 3)} % of a core per additional peer (baseline before: about 0.9 %)`)
  console.log(`target: <= ${TARGET_AT_25 * 100} % at N = 25 and slope < ${TARGET_SLOPE * 100} % per peer   ${verdict(pass)}`)
  return { name: 'cpu', target: `idle <= 2 % of a core at N=25, slope < 0.05 %/peer`, pass, measured: `${fmtNum(at25 * 100, 2)} % at 25, slope ${fmtNum(fit * 100, 3)} %/peer` }
}
