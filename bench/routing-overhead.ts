/**
 * Routing overhead: what crossing the mesh costs a request. Two in-process nodes: A offers
 * nothing, B offers service `echo` backed by one upstream HTTP server (no delay). The same
 * closed-loop client (bench/load-client.ts, in a child process) loads
 *   direct: GET <upstream>/echo
 *   mesh:   GET <A>/v1/route/echo/echo   (A's API -> libp2p route stream -> B -> upstream)
 * alternating direct, mesh, direct, mesh, first at a throughput-bound concurrency, then at
 * concurrency 1. At high concurrency the latency includes queueing on a shared 2-core machine,
 * so the p50 overhead is judged at concurrency 1 (latency-bound) and the throughput ratio at
 * the high concurrency; each side's figure is the median of its runs.
 */
import type { RunningNode } from '../src/launch.ts'
import { removeDir, startNode, tempDir } from '../test/helpers/nodes.ts'
import { startUpstream, type Upstream } from '../simulations/live/upstream.ts'
import { waitFor } from '../test/helpers/wait.ts'
import { loadFigures, runLoadClient, type LoadFigures, type LoadResult } from './load-runner.ts'
import { fmtMs, fmtNum, fmtPct, table, verdict, type BenchOutcome } from './stats.ts'
import { DEFAULT_TUNING } from '../src/tuning.ts'

const HIGH_CONCURRENCY = 32
const SECONDS = 8
const WARMUP_SECONDS = 2
const ROUNDS = 2
const TARGET_P50_OVERHEAD_MS = 1
const TARGET_RATIO = 0.5
/** Health checks go to /health, so that they neither count as nor disturb /echo traffic. */
const HEALTH_CHECK = { ...DEFAULT_TUNING.healthCheck, path: '/health', intervalMs: 1_000 }

async function load (url: string, concurrency: number): Promise<LoadResult> {
  return await runLoadClient(url, { seconds: SECONDS, concurrency, warmupSeconds: WARMUP_SECONDS, mode: 'http' })
}

type Side = 'direct' | 'mesh'

export async function runRoutingOverhead (): Promise<BenchOutcome> {
  console.log(`\n== routing: GET A/v1/route/echo/echo (A -> B -> upstream) vs GET upstream/echo directly ` +
    `(${WARMUP_SECONDS} s warm-up + ${SECONDS} s per run, ${ROUNDS} rounds alternating direct, mesh; ` +
    `at concurrency ${HIGH_CONCURRENCY}, then 1) ==`)
  const dirs: string[] = []
  const nodes: RunningNode[] = []
  let upstream: Upstream | undefined
  try {
    upstream = await startUpstream('echo-upstream')
    const dirB = await tempDir('meshnode-bench-routing-')
    dirs.push(dirB)
    const b = await startNode(dirB, { services: [{ name: 'echo', url: upstream.url, capacity: 100 }], healthCheck: HEALTH_CHECK })
    nodes.push(b)
    const dirA = await tempDir('meshnode-bench-routing-')
    dirs.push(dirA)
    const a = await startNode(dirA, { bootstrap: [b.mesh.network.listenAddresses()[0] ?? ''], healthCheck: HEALTH_CHECK })
    nodes.push(a)
    const bId = b.mesh.peerId.toString()
    await waitFor('A to route echo to B', () => a.mesh.running().router.candidates('echo').some(c => c.peerId === bId), { timeoutMs: 30_000, intervalMs: 100 })

    const urls: Record<Side, string> = { direct: `${upstream.url}/echo`, mesh: `${a.api.url}/v1/route/echo/echo` }
    for (const side of ['direct', 'mesh'] as const) {
      const probe = await fetch(urls[side], { signal: AbortSignal.timeout(10_000) })
      const body = await probe.text()
      const peer = probe.headers.get('x-mesh-peer')
      if (probe.status !== 200) throw new Error(`probe of ${urls[side]} answered ${probe.status}: ${body}`)
      if (side === 'mesh' && peer !== bId) throw new Error(`probe of ${urls[side]} was served by ${peer ?? 'nobody'}, not B (${bId})`)
      console.log(`${side.padEnd(6)}: ${urls[side]} -> HTTP ${probe.status}, ${body.length} bytes` +
        (side === 'mesh' ? `, X-Mesh-Peer B, X-Mesh-Attempts ${probe.headers.get('x-mesh-attempts') ?? '-'}` : ''))
    }

    const runs: Array<{ side: Side, concurrency: number, r: LoadResult }> = []
    for (const concurrency of [HIGH_CONCURRENCY, 1]) {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const side of ['direct', 'mesh'] as const) {
          const r = await load(urls[side], concurrency)
          runs.push({ side, concurrency, r })
          console.log(`  c=${String(concurrency).padEnd(2)} round ${round} ${side.padEnd(6)}: ${fmtNum(r.rps)} req/s, p50 ${fmtMs(r.latencyMs.p50, 2)}, ` +
            `p99 ${fmtMs(r.latencyMs.p99, 2)}, CPU server ${fmtPct(r.serverCpu)} client ${fmtPct(r.cpuShare)}, ` +
            `errors ${r.errors}${r.firstError === undefined ? '' : ` (${r.firstError})`}`)
        }
      }
    }

    const of = (side: Side, concurrency: number): LoadFigures => loadFigures(runs.filter(x => x.side === side && x.concurrency === concurrency).map(x => x.r))
    const dHigh = of('direct', HIGH_CONCURRENCY)
    const mHigh = of('mesh', HIGH_CONCURRENCY)
    const d1 = of('direct', 1)
    const m1 = of('mesh', 1)
    const row = (label: string, f: LoadFigures): string[] => [label, fmtNum(f.rps), fmtMs(f.p50, 2), fmtMs(f.p99, 2),
      fmtPct(f.serverCpu), fmtPct(f.clientCpu), String(f.requests), String(f.errors)]
    console.log()
    console.log(table(
      ['route', 'req/s (median)', 'p50 latency', 'p99 latency', 'server CPU', 'client CPU', 'requests', 'errors'],
      [
        row(`direct upstream /echo, c=${HIGH_CONCURRENCY}`, dHigh),
        row(`mesh A->B /v1/route/echo/echo, c=${HIGH_CONCURRENCY}`, mHigh),
        row('direct upstream /echo, c=1', d1),
        row('mesh A->B /v1/route/echo/echo, c=1', m1)
      ]
    ))
    const overhead1 = m1.p50 - d1.p50
    const overheadHigh = mHigh.p50 - dHigh.p50
    const ratio = mHigh.rps / dHigh.rps
    const noErrors = runs.every(x => x.r.errors === 0)
    const overheadPass = overhead1 < TARGET_P50_OVERHEAD_MS
    const ratioPass = ratio >= TARGET_RATIO
    const pass = overheadPass && ratioPass && noErrors
    console.log(`p50 overhead at c=1 (mesh p50 - direct p50): ${fmtMs(overhead1, 2)}   target: < ${TARGET_P50_OVERHEAD_MS} ms   ${verdict(overheadPass)}`)
    console.log(`(info) p50 overhead at c=${HIGH_CONCURRENCY}: ${fmtMs(overheadHigh, 2)} (includes queueing behind the other ${HIGH_CONCURRENCY - 1} requests)`)
    console.log(`throughput ratio mesh/direct at c=${HIGH_CONCURRENCY}: ${ratio.toFixed(2)} (${fmtNum(mHigh.rps)} vs ${fmtNum(dHigh.rps)} req/s)   ` +
      `target: >= ${TARGET_RATIO}   ${verdict(ratioPass)}`)
    console.log(`(info) throughput ratio mesh/direct at c=1: ${(m1.rps / d1.rps).toFixed(2)}`)
    console.log(`errors: ${runs.reduce((s, x) => s + x.r.errors, 0)} (PASS needs none)   overall: ${verdict(pass)}`)
    console.log('note: both nodes and the upstream run in this process, the client in one child process, on a 2-core machine ' +
      'shared with other work. A mesh request costs A\'s HTTP API, a request on a reused libp2p stream (noise + yamux) to B, B\'s HTTP call ' +
      'to the upstream, and after it the billing record A appends for it (signed, fsynced, announced by gossip, pulled and ' +
      'verified by B), all on this one event loop; the direct request costs only the upstream. CPU is a share of one ' +
      'core over the measured window (server: this whole process; client: the load client).')
    return {
      name: 'routing',
      target: `p50 overhead < ${TARGET_P50_OVERHEAD_MS} ms at c=1, mesh/direct req/s >= ${TARGET_RATIO}`,
      pass,
      measured: `+${overhead1.toFixed(2)} ms p50 at c=1, ratio ${ratio.toFixed(2)} (${fmtNum(mHigh.rps)} vs ${fmtNum(dHigh.rps)} req/s)`
    }
  } finally {
    for (const node of nodes.reverse()) await node.stop().catch((err: unknown) => { console.log(`(stopping a node failed: ${String(err)})`) })
    await upstream?.close()
    for (const dir of dirs) await removeDir(dir)
  }
}
