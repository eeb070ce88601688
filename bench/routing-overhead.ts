/**
 * Routing overhead against what a Node user would deploy instead (issue 14): the same trivial
 * upstream (100 bytes) reached
 *   direct: GET <upstream>/echo
 *   proxy:  GET <proxy>/echo           one node:http reverse proxy (keep-alive agent)
 *   chain:  GET <proxy1>/echo          two such proxies in a chain
 *   mesh:   GET <A>/v1/route/echo/echo meshnode A -> libp2p route stream -> B -> upstream
 * Every server is a process of its own (bench/http-servers.ts; the nodes as `meshnode start`
 * with the binary's V8 flags); the closed-loop client is one more (bench/load-client.ts).
 * Sides alternate at 32 concurrent clients, then at 1; each figure is the median of its runs.
 * Server CPU per request is read from /proc for the side's own servers (A + B for the mesh, both
 * proxies for the chain; never the upstream, except for `direct`), so a busy machine lowers the
 * req/s but hardly the CPU per request. Where strace exists, a short extra run per side counts
 * the write syscalls of those servers per request. Last, 64 MiB goes up (POST) and down (GET)
 * through the chain and the mesh, with the nodes' RSS growth.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { removeDir, spawnNode, stopChild, tempDir, type ChildNode } from '../test/helpers/nodes.ts'
import { waitFor } from '../test/helpers/wait.ts'
import { loadFigures, runLoadClient, type LoadFigures, type LoadResult } from './load-runner.ts'
import { fmtMs, fmtNum, table, verdict, type BenchOutcome, median } from './stats.ts'

const HIGH_CONCURRENCY = 32
const SECONDS = 8
const LOW_SECONDS = 5
const WARMUP_SECONDS = 2
const ROUNDS = 2
const STRACE_SECONDS = 3
const BIG_BYTES = 64 * 1024 * 1024
/** Issue 14's targets, against the two-proxy chain of the same run. */
const TARGET_RPS_RATIO = 1.0
const TARGET_CPU_RATIO = 1.2
const TARGET_P50_EXTRA_MS = 0.3
const TARGET_P99_RATIO = 2
const TARGET_BIG_RATIO = 0.5
/** The binary's V8 flags (bin/meshnode.js); BENCH_NODE_OPTIONS replaces them, to weigh another setting. */
const NODE_FLAGS = process.env.BENCH_NODE_OPTIONS ?? '--max-semi-space-size=1'
const SERVERS = new URL('./http-servers.ts', import.meta.url).pathname

type Side = 'direct' | 'proxy' | 'chain' | 'mesh'
const SIDES: Side[] = ['direct', 'proxy', 'chain', 'mesh']

interface Server { child: ChildProcess, url: string }

async function startServer (args: string[]): Promise<Server> {
  const child = spawn(process.execPath, [SERVERS, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  const url = await waitFor(`${args[0] ?? 'server'} to listen`, () => {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`)
    return out.includes('\n') ? out.slice(0, out.indexOf('\n')) : undefined
  }, { timeoutMs: 15_000, intervalMs: 20 })
  return { child, url }
}

/** Write syscalls of `pids` per request, from a short load run under `strace -c -f`; undefined without strace. */
async function writesPerRequest (url: string, pids: number[], dir: string): Promise<number | undefined> {
  const tracers = pids.map((pid, i) => {
    const file = join(dir, `strace-${pid}-${i}.txt`)
    const tracer = spawn('strace', ['-c', '-f', '-e', 'trace=write,writev,sendmsg,sendto,pwritev', '-o', file, '-p', String(pid)], { stdio: 'ignore' })
    return { tracer, file, exited: new Promise<number | null>(resolve => { tracer.once('exit', resolve); tracer.once('error', () => resolve(-1)) }) }
  })
  // strace attaches within a moment; the warm-up covers it.
  const r = await runLoadClient(url, { seconds: STRACE_SECONDS, concurrency: HIGH_CONCURRENCY, warmupSeconds: 1, mode: 'http' })
  let calls = 0
  for (const t of tracers) {
    t.tracer.kill('SIGINT')
    if (await t.exited === -1) return undefined
    const text = await readFile(t.file, 'utf8').catch(() => '')
    const total = /^\s*[\d.]+\s+[\d.]+\s+\d*\s+(\d+)\s+(?:\d+\s+)?total$/m.exec(text)
    if (total?.[1] === undefined) return undefined
    calls += Number(total[1])
  }
  // The counts cover warm-up and measured window alike: divide by every request the client sent then.
  return calls / (r.requests * (STRACE_SECONDS + 1) / STRACE_SECONDS)
}

/** Resident memory of a process, in bytes, from /proc. */
function rssOf (pid: number): number {
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(line?.[1] ?? Number.NaN) * 1024
}

/** One 64 MiB transfer, up or down, through `base`; MiB/s, and the largest RSS growth of `pids` meanwhile. */
async function bigTransfer (base: string, direction: 'up' | 'down', pids: number[]): Promise<{ mibPerSecond: number, rssGrowth: number }> {
  const rss0 = pids.map(rssOf)
  let growth = 0
  const sampler = setInterval(() => { pids.forEach((pid, i) => { growth = Math.max(growth, rssOf(pid) - (rss0[i] ?? 0)) }) }, 25)
  const started = performance.now()
  try {
    const url = new URL(direction === 'up' ? `${base}/sink` : `${base}/blob?bytes=${BIG_BYTES}`)
    const received = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: direction === 'up' ? 'POST' : 'GET', headers: direction === 'up' ? { 'content-length': String(BIG_BYTES) } : {} }, res => {
        let bytes = 0
        let text = ''
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.byteLength
          if (direction === 'up') text += chunk.toString()
        })
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${direction} through ${base} answered ${res.statusCode}: ${text.slice(0, 200)}`))
          else resolve(direction === 'up' ? Number(text) : bytes)
        })
        res.on('error', reject)
      })
      req.on('error', reject)
      if (direction === 'down') {
        req.end()
        return
      }
      const chunk = Buffer.alloc(64 * 1024, 'z')
      let left = BIG_BYTES
      const more = (): void => {
        while (left > 0) {
          left -= chunk.byteLength
          if (!req.write(chunk)) {
            req.once('drain', more)
            return
          }
        }
        req.end()
      }
      more()
    })
    if (received !== BIG_BYTES) throw new Error(`${direction} through ${base} moved ${received} bytes, not ${BIG_BYTES}`)
    return { mibPerSecond: BIG_BYTES / 2 ** 20 / ((performance.now() - started) / 1000), rssGrowth: growth }
  } finally {
    clearInterval(sampler)
  }
}

export async function runRoutingOverhead (): Promise<BenchOutcome> {
  console.log(`\n== routing: meshnode A -> B against direct, one node:http proxy and a chain of two ` +
    `(each server its own process; ${WARMUP_SECONDS} s warm-up + ${SECONDS} s per run at c=${HIGH_CONCURRENCY}, ${LOW_SECONDS} s at c=1, ` +
    `${ROUNDS} rounds alternating; nodes with ${NODE_FLAGS === '' ? 'no V8 flags' : NODE_FLAGS}) ==`)
  const servers: Server[] = []
  const nodes: ChildNode[] = []
  const dirs: string[] = []
  try {
    const upstream = await startServer(['upstream'])
    servers.push(upstream)
    const proxy = await startServer(['proxy', upstream.url])
    servers.push(proxy)
    const second = await startServer(['proxy', upstream.url])
    servers.push(second)
    const first = await startServer(['proxy', second.url])
    servers.push(first)
    const env = { NODE_OPTIONS: NODE_FLAGS, MESHNODE_LOG_LEVEL: 'warn' }
    const node = async (extra: string[]): Promise<ChildNode> => {
      const dir = await tempDir('meshnode-bench-routing-')
      dirs.push(dir)
      const started = await spawnNode(['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0',
        '--max-request-bytes', String(2 * BIG_BYTES), '--health-check', 'path=/health,interval_ms=1000', ...extra], env)
      nodes.push(started)
      return started
    }
    const b = await node(['--service', `echo=${upstream.url}`])
    const a = await node(['--bootstrap', b.joinAddress])
    const urls: Record<Side, string> = { direct: `${upstream.url}/echo`, proxy: `${proxy.url}/echo`, chain: `${first.url}/echo`, mesh: `${a.apiUrl}/v1/route/echo/echo` }
    const pid = (c: ChildProcess): number => c.pid ?? Number.NaN
    const pids: Record<Side, number[]> = { direct: [pid(upstream.child)], proxy: [pid(proxy.child)], chain: [pid(first.child), pid(second.child)], mesh: [pid(a.child), pid(b.child)] }
    await waitFor('A to route echo to B', async () => {
      const r = await fetch(urls.mesh, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined)
      await r?.arrayBuffer()
      return r?.status === 200 && r.headers.get('x-mesh-peer') === b.peerId
    }, { timeoutMs: 60_000, intervalMs: 250 })
    console.log(`upstream ${upstream.url}, proxy ${proxy.url}, chain ${first.url} -> ${second.url}, mesh ${urls.mesh} (A ${a.peerId.slice(-8)} -> B ${b.peerId.slice(-8)})`)

    const runs: Array<{ side: Side, concurrency: number, r: LoadResult }> = []
    for (const concurrency of [HIGH_CONCURRENCY, 1]) {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const side of SIDES) {
          const r = await runLoadClient(urls[side], { seconds: concurrency === 1 ? LOW_SECONDS : SECONDS, concurrency, warmupSeconds: WARMUP_SECONDS, mode: 'http', processes: pids[side] })
          runs.push({ side, concurrency, r })
          console.log(`  c=${String(concurrency).padEnd(2)} round ${round} ${side.padEnd(6)}: ${fmtNum(r.rps)} req/s, p50 ${fmtMs(r.latencyMs.p50, 2)}, ` +
            `p99 ${fmtMs(r.latencyMs.p99, 2)}, server CPU ${fmtNum(usPerRequest(r), 0)} us/req, client CPU ${(r.cpuShare * 100).toFixed(0)} %, ` +
            `errors ${r.errors}${r.firstError === undefined ? '' : ` (${r.firstError})`}`)
        }
      }
    }
    const straceDir = await tempDir('meshnode-bench-strace-')
    dirs.push(straceDir)
    const writes = {} as Record<Side, number | undefined>
    for (const side of SIDES) writes[side] = await writesPerRequest(urls[side], pids[side], straceDir)

    const big: Record<'chain' | 'mesh', { up: number, down: number, rss: number }> = { chain: { up: 0, down: 0, rss: 0 }, mesh: { up: 0, down: 0, rss: 0 } }
    const bigBase = { chain: first.url, mesh: `${a.apiUrl}/v1/route/echo` }
    for (const direction of ['up', 'down'] as const) {
      for (const side of ['chain', 'mesh'] as const) {
        const t = await bigTransfer(bigBase[side], direction, pids[side])
        big[side][direction] = t.mibPerSecond
        big[side].rss = Math.max(big[side].rss, t.rssGrowth)
        console.log(`  64 MiB ${direction === 'up' ? 'upload  ' : 'download'} ${side.padEnd(5)}: ${t.mibPerSecond.toFixed(0)} MiB/s, RSS growth of its servers at most ${(t.rssGrowth / 2 ** 20).toFixed(1)} MiB`)
      }
    }

    const of = (side: Side, concurrency: number): LoadFigures & { us: number } => {
      const rs = runs.filter(x => x.side === side && x.concurrency === concurrency).map(x => x.r)
      return { ...loadFigures(rs), us: median(rs.map(usPerRequest)) }
    }
    const high = Object.fromEntries(SIDES.map(s => [s, of(s, HIGH_CONCURRENCY)])) as Record<Side, LoadFigures & { us: number }>
    const low = Object.fromEntries(SIDES.map(s => [s, of(s, 1)])) as Record<Side, LoadFigures & { us: number }>
    const chain = high.chain
    const label: Record<Side, string> = { direct: 'upstream directly', proxy: 'one node:http proxy', chain: 'two node:http proxies in a chain', mesh: 'meshnode A -> B' }
    console.log()
    console.log(table(
      ['path', `req/s c=${HIGH_CONCURRENCY}`, 'vs chain', 'server CPU/req', 'vs chain', 'writes/req', 'p50 c=1', 'p99 c=1', 'errors'],
      SIDES.map(s => [label[s], fmtNum(high[s].rps), (high[s].rps / chain.rps).toFixed(2), `${fmtNum(high[s].us, 0)} us`, (high[s].us / chain.us).toFixed(2),
        writes[s] === undefined ? '-' : writes[s].toFixed(1), fmtMs(low[s].p50, 2), fmtMs(low[s].p99, 2), String(high[s].errors + low[s].errors)])
    ))
    console.log(table(['64 MiB through', 'upload MiB/s', 'download MiB/s', 'servers\' RSS growth'],
      (['chain', 'mesh'] as const).map(s => [label[s], big[s].up.toFixed(0), big[s].down.toFixed(0), `${(big[s].rss / 2 ** 20).toFixed(1)} MiB`])))

    const mesh = high.mesh
    const checks = [
      { what: `req/s mesh/chain at c=${HIGH_CONCURRENCY}`, value: (mesh.rps / chain.rps).toFixed(2), target: `>= ${TARGET_RPS_RATIO}`, pass: mesh.rps / chain.rps >= TARGET_RPS_RATIO },
      { what: 'server CPU per request mesh/chain', value: (mesh.us / chain.us).toFixed(2), target: `<= ${TARGET_CPU_RATIO}`, pass: mesh.us / chain.us <= TARGET_CPU_RATIO },
      { what: 'p50 at c=1, mesh - chain', value: fmtMs(low.mesh.p50 - low.chain.p50, 2), target: `<= +${TARGET_P50_EXTRA_MS} ms`, pass: low.mesh.p50 - low.chain.p50 <= TARGET_P50_EXTRA_MS },
      { what: 'p99 at c=1, mesh/chain', value: (low.mesh.p99 / low.chain.p99).toFixed(2), target: `<= ${TARGET_P99_RATIO}`, pass: low.mesh.p99 / low.chain.p99 <= TARGET_P99_RATIO },
      { what: '64 MiB upload mesh/chain', value: (big.mesh.up / big.chain.up).toFixed(2), target: `>= ${TARGET_BIG_RATIO}`, pass: big.mesh.up / big.chain.up >= TARGET_BIG_RATIO },
      { what: '64 MiB download mesh/chain', value: (big.mesh.down / big.chain.down).toFixed(2), target: `>= ${TARGET_BIG_RATIO}`, pass: big.mesh.down / big.chain.down >= TARGET_BIG_RATIO },
      { what: 'nodes\' RSS growth with a 64 MiB body', value: `${(big.mesh.rss / 2 ** 20).toFixed(1)} MiB`, target: '< 32 MiB', pass: big.mesh.rss < 32 * 2 ** 20 }
    ]
    console.log(table(['check', 'measured', 'target', 'result'], checks.map(c => [c.what, c.value, c.target, verdict(c.pass)])))
    const noErrors = runs.every(x => x.r.errors === 0)
    const pass = noErrors && checks.every(c => c.pass)
    console.log(`errors: ${runs.reduce((s, x) => s + x.r.errors, 0)} (PASS needs none)   overall: ${verdict(pass)}`)
    console.log('note: every server is its own process and the client one more, on a 2-core machine that may be shared: req/s and ' +
      'latency move with the machine\'s load, CPU per request far less. Usage metering is on for the mesh (A appends a billing record per request).')
    return {
      name: 'routing',
      target: `mesh/chain req/s >= ${TARGET_RPS_RATIO}, CPU/req <= ${TARGET_CPU_RATIO}x, p50 <= +${TARGET_P50_EXTRA_MS} ms, 64 MiB >= ${TARGET_BIG_RATIO}x`,
      pass,
      measured: `req/s ${(mesh.rps / chain.rps).toFixed(2)}x, CPU/req ${(mesh.us / chain.us).toFixed(2)}x (${fmtNum(mesh.us, 0)} vs ${fmtNum(chain.us, 0)} us), ` +
        `p50 ${fmtMs(low.mesh.p50 - low.chain.p50, 2)}, 64 MiB up ${(big.mesh.up / big.chain.up).toFixed(2)}x down ${(big.mesh.down / big.chain.down).toFixed(2)}x`
    }
  } finally {
    for (const n of nodes.reverse()) await stopChild(n).catch((err: unknown) => { console.log(`(stopping a node failed: ${String(err)})`) })
    for (const s of servers) s.child.kill()
    for (const dir of dirs) await removeDir(dir)
  }
}

/** Server CPU per request of a run, in microseconds: the side's servers' CPU over its requests. */
function usPerRequest (r: LoadResult): number {
  return r.processCpuMs.reduce((s, ms) => s + ms, 0) * 1000 / r.requests
}
