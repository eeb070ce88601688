/**
 * Heterogeneous peers: an entry node E (no services) and five nodes serving `echo`, each with
 * its own upstream: three normal ones (2 ms), one ten times slower (20 ms) and one that answers
 * 503 to 10 % of requests (2 ms otherwise). For each strategy, set on E through its API, a
 * client in a child process sends a warm-up, then a fixed number of GETs to
 * E/v1/route/echo/echo at a fixed concurrency, and records each request's status, latency,
 * X-Mesh-Peer and X-Mesh-Attempts. A baseline run follows with only the three normal peers
 * (the slow and the failing one drained on E), under adaptive.
 *
 * The client is this file itself, run as `node bench/heterogeneous-peers.ts --client ...`:
 * bench/load-client.ts does not record per-request peers.
 */
import { spawn } from 'node:child_process'
import { Agent, request } from 'node:http'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { resolve as resolvePath } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RunningNode } from '../src/launch.ts'
import type { StrategyName } from '../src/routing/strategies.ts'
import { startUpstream, type Upstream } from '../simulations/live/upstream.ts'
import { waitFor } from '../test/helpers/wait.ts'
import { fmtMs, fmtNum, summarize, table, verdict, type BenchOutcome } from './stats.ts'
import { seededRandom as seeded } from '../src/random.ts'
import { DEFAULT_TUNING } from '../src/tuning.ts'

const SELF = fileURLToPath(import.meta.url)
const STRATEGIES: readonly StrategyName[] = ['round_robin', 'weighted_round_robin', 'least_connections', 'adaptive']
const REQUESTS = 2_000
const WARMUP_REQUESTS = 400
const CONCURRENCY = 16
/** Each phase (warm-up, measurement) of a client run stops issuing requests after this. */
const PHASE_MAX_SECONDS = 60
const REQUEST_TIMEOUT_MS = 10_000
const NORMAL_DELAY_MS = 2
const SLOW_DELAY_MS = 20
const FAIL_RATE = 0.1
const TARGET_ERROR_RATE = 0.001
const TARGET_P99_VS_BASELINE = 1.5
const HEALTH_CHECK = { ...DEFAULT_TUNING.healthCheck, path: '/health', intervalMs: 1_000 }
const LABELS = ['normal-1', 'normal-2', 'normal-3', 'slow', 'failing'] as const
type Label = typeof LABELS[number]

/** One request as the client saw it: status (0: no response), latency, serving peer (X-Mesh-Peer, '' if none), attempts. */
type Sample = [status: number, latencyMs: number, peer: string, attempts: number]

interface ClientResult {
  /** Requests issued in the measured phase (fewer than asked if the phase hit its time limit). */
  samples: Sample[]
  seconds: number
  firstError?: string
}

/** What the child prints: samples with the peer as an index into `peers` (-1: none), to keep the line short. */
interface ClientOutput {
  peers: string[]
  samples: Array<[status: number, latencyMs: number, peer: number, attempts: number]>
  seconds: number
  firstError?: string
}

// ---------------------------------------------------------------- the client (child process)


async function clientMain (args: string[]): Promise<void> {
  const [url = '', warmup, count, concurrency, maxSeconds] = args.map(String)
  const n = { warmup: Number(warmup), count: Number(count), concurrency: Number(concurrency), maxSeconds: Number(maxSeconds) }
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url) || !Object.values(n).every(v => Number.isInteger(v) && v >= 0) ||
    n.count < 1 || n.count > 1_000_000 || n.concurrency < 1 || n.concurrency > 1024 || n.maxSeconds < 1 || n.maxSeconds > 600) {
    console.error('usage: node bench/heterogeneous-peers.ts --client http://127.0.0.1:<port>/<path> <warmup> <count> <concurrency> <max seconds per phase>')
    process.exit(2)
  }
  const agent = new Agent({ keepAlive: true, maxSockets: n.concurrency, maxFreeSockets: n.concurrency })
  let firstError: string | undefined
  const get = async (): Promise<Sample> => {
    const t0 = performance.now()
    return await new Promise<Sample>(resolve => {
      let done = false
      const finish = (status: number, peer: string, attempts: number, error?: string): void => {
        if (done) return
        done = true
        if (error !== undefined) firstError ??= error
        else if (status < 200 || status >= 300) firstError ??= `HTTP ${status}`
        resolve([status, performance.now() - t0, peer, attempts])
      }
      const req = request(url, { agent, method: 'GET' }, res => {
        const peer = res.headers['x-mesh-peer']
        const attempts = Number(res.headers['x-mesh-attempts'] ?? 0)
        res.on('data', () => {})
        res.on('end', () => finish(res.statusCode ?? 0, typeof peer === 'string' ? peer : '', attempts))
        res.on('error', err => finish(0, '', 0, err.message))
      })
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`request timed out after ${REQUEST_TIMEOUT_MS} ms`)))
      req.on('error', err => finish(0, '', 0, err.message))
      req.end()
    })
  }
  // Bounded by count and by time; each request by its own timeout.
  const phase = async (total: number): Promise<{ samples: Sample[], seconds: number }> => {
    const samples: Sample[] = []
    const start = performance.now()
    const deadline = start + n.maxSeconds * 1000
    let issued = 0
    const worker = async (): Promise<void> => {
      while (issued < total && performance.now() < deadline) {
        issued++
        samples.push(await get())
      }
    }
    await Promise.all(Array.from({ length: n.concurrency }, worker))
    return { samples, seconds: (performance.now() - start) / 1000 }
  }
  if (n.warmup > 0) await phase(n.warmup)
  firstError = undefined
  const measured = await phase(n.count)
  const peers = [...new Set(measured.samples.map(s => s[2]).filter(p => p !== ''))]
  const output: ClientOutput = {
    peers,
    samples: measured.samples.map(([status, ms, peer, attempts]) => [status, Math.round(ms * 1000) / 1000, peers.indexOf(peer), attempts]),
    seconds: measured.seconds,
    ...(firstError === undefined ? {} : { firstError })
  }
  // Writes to a pipe are asynchronous: wait for this one before exiting, or the line is cut.
  await new Promise<void>((resolve, reject) => { process.stdout.write(`${JSON.stringify(output)}\n`, err => { if (err == null) resolve(); else reject(err) }) })
}

if (process.argv[1] !== undefined && resolvePath(process.argv[1]) === SELF && process.argv[2] === '--client') {
  await clientMain(process.argv.slice(3))
  process.exit(0)
}

// ---------------------------------------------------------------- the benchmark

async function runClient (url: string): Promise<ClientResult> {
  const child = spawn(process.execPath, [SELF, '--client', url, String(WARMUP_REQUESTS), String(REQUESTS), String(CONCURRENCY), String(PHASE_MAX_SECONDS)], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  // The client stops itself (count, time); this is only the safety net.
  const killer = setTimeout(() => child.kill('SIGKILL'), (2 * PHASE_MAX_SECONDS + REQUEST_TIMEOUT_MS / 1000 + 30) * 1000)
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', c => resolve(c))
    })
    if (code !== 0) throw new Error(`client exited with ${code}: ${err.trim()}`)
  } finally {
    clearTimeout(killer)
  }
  const output = JSON.parse(out.trim().split('\n').pop() ?? '') as ClientOutput
  return {
    samples: output.samples.map(([status, ms, peer, attempts]): Sample => [status, ms, output.peers[peer] ?? '', attempts]),
    seconds: output.seconds,
    ...(output.firstError === undefined ? {} : { firstError: output.firstError })
  }
}

interface RunResult {
  run: string
  requests: number
  seconds: number
  p50: number
  p99: number
  errors: number
  errorRate: number
  /** Requests whose final X-Mesh-Attempts was above 1 (E failed over to another peer). */
  retried: number
  share: Record<Label | 'other', number>
  candidates: number
  /** This process's event-loop delay p99 over the client's run (warm-up included), ms. */
  loopDelayP99: number
  /** This process's CPU share of one core over the client's run (warm-up included). */
  serverCpu: number
  /** E's attempts to each peer and those that failed, from its router's statistics (warm-up included). */
  attempts: Record<Label, { selections: number, errors: number }>
  firstError?: string
}

function analyse (run: string, r: ClientResult, labelOf: Map<string, Label>, candidates: number,
  server: Pick<RunResult, 'loopDelayP99' | 'serverCpu' | 'attempts'>): RunResult {
  const latency = summarize(r.samples.map(s => s[1]))
  const errors = r.samples.filter(s => s[0] < 200 || s[0] >= 300).length
  const counts: Record<Label | 'other', number> = { 'normal-1': 0, 'normal-2': 0, 'normal-3': 0, slow: 0, failing: 0, other: 0 }
  for (const s of r.samples) counts[labelOf.get(s[2]) ?? 'other']++
  const total = r.samples.length
  const share = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, total === 0 ? Number.NaN : v / total])) as Record<Label | 'other', number>
  return {
    run,
    requests: total,
    seconds: r.seconds,
    p50: latency.p50,
    p99: latency.p99,
    errors,
    errorRate: total === 0 ? Number.NaN : errors / total,
    retried: r.samples.filter(s => s[3] > 1).length,
    share,
    candidates,
    ...server,
    ...(r.firstError === undefined ? {} : { firstError: r.firstError })
  }
}

/** A share in percent with one decimal: stats.ts's fmtPct rounds to whole percents, too coarse here. */
function pct (share: number, digits = 1): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(digits)} %` : '-'
}

async function operator (node: RunningNode, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${node.api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000)
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`)
  return text === '' ? {} : JSON.parse(text)
}

export async function runHeterogeneousPeers (): Promise<BenchOutcome> {
  console.log(`\n== peers: entry node E and five serving nodes (3 normal at ${NORMAL_DELAY_MS} ms, 1 slow at ${SLOW_DELAY_MS} ms, ` +
    `1 failing ${FAIL_RATE * 100} % with 503); per strategy ${WARMUP_REQUESTS} warm-up + ${REQUESTS} GETs ` +
    `E/v1/route/echo/echo at concurrency ${CONCURRENCY}; then a baseline of the 3 normal peers under adaptive ==`)
  // Imported here, not at the top: the client child process runs this file and needs no libp2p.
  const { removeDir, startNode, tempDir } = await import('../test/helpers/nodes.ts')
  const dirs: string[] = []
  const nodes: RunningNode[] = []
  const upstreams: Upstream[] = []
  const drained: string[] = []
  let entry: RunningNode | undefined
  try {
    const dirE = await tempDir('meshnode-bench-peers-')
    dirs.push(dirE)
    entry = await startNode(dirE, { strategy: 'round_robin', healthCheck: HEALTH_CHECK })
    const e = entry
    const bootstrap = [e.mesh.network.listenAddresses()[0] ?? '']
    const labelOf = new Map<string, Label>()
    const idOf = new Map<Label, string>()
    for (const [i, label] of LABELS.entries()) {
      const upstream = await startUpstream(label, seeded(1000 + i))
      upstreams.push(upstream)
      upstream.mode.delayMs = label === 'slow' ? SLOW_DELAY_MS : NORMAL_DELAY_MS
      if (label === 'failing') upstream.mode.failRate = FAIL_RATE
      const dir = await tempDir('meshnode-bench-peers-')
      dirs.push(dir)
      const node = await startNode(dir, { services: [{ name: 'echo', url: upstream.url, capacity: 100 }], healthCheck: HEALTH_CHECK, bootstrap })
      nodes.push(node)
      labelOf.set(node.mesh.peerId.toString(), label)
      idOf.set(label, node.mesh.peerId.toString())
    }
    const candidates = (): number => e.mesh.running().router.candidates('echo').length
    await waitFor('E to route echo to all five peers', () => candidates() === LABELS.length, { timeoutMs: 30_000, intervalMs: 100 })
    console.log(`E ${e.mesh.peerId.toString()}; peers: ${LABELS.map(l => `${l} ${(idOf.get(l) ?? '').slice(-8)}`).join(', ')}`)
    const url = `${e.api.url}/v1/route/echo/echo`

    const attemptsByPeer = (): RunResult['attempts'] => {
      const stats = e.mesh.running().router.peerStats()
      return Object.fromEntries(LABELS.map(l => {
        const st = stats.get(idOf.get(l) ?? '')
        return [l, { selections: st?.selections ?? 0, errors: st?.errors ?? 0 }]
      })) as RunResult['attempts']
    }
    const results: RunResult[] = []
    const measure = async (run: string, strategy: StrategyName, expected: number): Promise<RunResult> => {
      await operator(e, 'PUT', '/v1/load-balancer/config', { strategy })
      // A breaker opened by an earlier run would shrink the set: wait for it to close (bounded).
      await waitFor(`${expected} candidates for echo`, () => candidates() === expected, { timeoutMs: 30_000, intervalMs: 100 })
      const at = candidates()
      const before = attemptsByPeer()
      const loop = monitorEventLoopDelay({ resolution: 10 })
      loop.enable()
      const cpu0 = process.cpuUsage()
      const wall0 = performance.now()
      let client: ClientResult
      try {
        client = await runClient(url)
      } finally {
        loop.disable()
      }
      const cpu = process.cpuUsage(cpu0)
      const after = attemptsByPeer()
      const attempts = Object.fromEntries(LABELS.map(l => [l, {
        selections: after[l].selections - before[l].selections,
        errors: after[l].errors - before[l].errors
      }])) as RunResult['attempts']
      const r = analyse(run, client, labelOf, at, {
        loopDelayP99: loop.percentile(99) / 1e6,
        serverCpu: (cpu.user + cpu.system) / 1000 / (performance.now() - wall0),
        attempts
      })
      results.push(r)
      const trips = e.mesh.running().router.breakerStates().map(b => `${labelOf.get(b.peerId) ?? b.peerId.slice(-8)} ${b.breaker.stats(e.mesh.clock.now()).trips}`).join(', ')
      console.log(`  ${run.padEnd(20)}: ${r.requests} requests in ${r.seconds.toFixed(1)} s, p50 ${fmtMs(r.p50, 2)}, p99 ${fmtMs(r.p99, 2)}, ` +
        `errors ${r.errors}${r.firstError === undefined ? '' : ` (${r.firstError})`}, retried ${r.retried}, server CPU ${pct(r.serverCpu, 0)}, ` +
        `event-loop delay p99 ${fmtMs(r.loopDelayP99, 0)}; breaker trips so far: ${trips || 'none'}`)
      return r
    }

    for (const strategy of STRATEGIES) await measure(strategy, strategy, LABELS.length)

    for (const label of ['slow', 'failing'] as const) {
      const id = idOf.get(label) ?? ''
      await operator(e, 'POST', '/v1/failover/trigger', { peer_id: id, reason: `benchmark baseline: ${label} peer out`, force: false })
      drained.push(id)
    }
    const baseline = await measure('baseline (3 normal)', 'adaptive', 3)

    console.log()
    console.log(table(
      ['strategy', 'requests', 'req/s', 'p50', 'p99', 'errors', 'error rate', 'retried', ...LABELS, 'none'],
      results.map(r => [r.run, String(r.requests), fmtNum(r.requests / r.seconds), fmtMs(r.p50, 2), fmtMs(r.p99, 2), String(r.errors),
        pct(r.errorRate, 2), String(r.retried), ...LABELS.map(l => pct(r.share[l])), pct(r.share.other)])
    ))
    console.log('(shares: the peer named by X-Mesh-Peer, i.e. the one whose answer the client got; "none": no peer named, an ' +
      'error from E itself. retried: requests E failed over to another peer, X-Mesh-Attempts > 1. Latencies include failed requests.)')
    console.log()
    console.log(table(
      ['(info) E\'s attempts by peer', 'server CPU', 'loop delay p99', ...LABELS.map(l => `${l} (failed)`)],
      results.map(r => {
        const total = LABELS.reduce((n, l) => n + r.attempts[l].selections, 0)
        return [r.run, pct(r.serverCpu, 0), fmtMs(r.loopDelayP99, 0),
          ...LABELS.map(l => `${pct(total === 0 ? Number.NaN : r.attempts[l].selections / total)} (${r.attempts[l].errors})`)]
      })
    ))
    console.log('(from E\'s router statistics over the whole client run, warm-up included: the share of attempts E sent to each ' +
      'peer, retries included, and how many of them failed; server CPU and event-loop delay of this process over the same span.)')

    const find = (run: string): RunResult | undefined => results.find(r => r.run === run)
    const adaptive = find('adaptive')
    const rr = find('round_robin')
    if (adaptive === undefined || rr === undefined) throw new Error('a run is missing')
    const errorPass = adaptive.errorRate < TARGET_ERROR_RATE
    const p99Limit = TARGET_P99_VS_BASELINE * baseline.p99
    const baselinePass = adaptive.p99 <= p99Limit
    const rrPass = adaptive.p99 < rr.p99
    const complete = results.every(r => r.requests === REQUESTS)
    const pass = errorPass && baselinePass && rrPass && complete
    console.log(`adaptive client error rate: ${pct(adaptive.errorRate, 2)} (${adaptive.errors}/${adaptive.requests})   target: < ${pct(TARGET_ERROR_RATE, 1)}   ${verdict(errorPass)}`)
    console.log(`adaptive p99: ${fmtMs(adaptive.p99, 2)} vs baseline p99 ${fmtMs(baseline.p99, 2)} (x${(adaptive.p99 / baseline.p99).toFixed(2)})   ` +
      `target: <= ${TARGET_P99_VS_BASELINE} x baseline = ${fmtMs(p99Limit, 2)}   ${verdict(baselinePass)}`)
    console.log(`adaptive p99: ${fmtMs(adaptive.p99, 2)} vs round_robin p99 ${fmtMs(rr.p99, 2)}   target: better   ${verdict(rrPass)}`)
    if (!complete) console.log(`some run hit its ${PHASE_MAX_SECONDS} s limit before ${REQUESTS} requests: MISS`)
    console.log(`overall: ${verdict(pass)}`)
    console.log('note: all six nodes and upstreams run in this process, the client in one child process, on a 2-core machine ' +
      'shared with other work; latencies include queueing on this one event loop. Strategies run in the order shown on ' +
      'the same nodes, so E\'s latency averages, breakers and retry budget carry over from one run to the next (each run ' +
      'has its own warm-up). The baseline drains the slow and failing peers on E (POST /v1/failover/trigger) and restores them after.')
    return {
      name: 'peers',
      target: `adaptive: errors < ${pct(TARGET_ERROR_RATE, 1)}, p99 <= ${TARGET_P99_VS_BASELINE} x baseline, p99 < round_robin`,
      pass,
      measured: `errors ${pct(adaptive.errorRate, 2)}, p99 ${fmtMs(adaptive.p99, 1)} vs baseline ${fmtMs(baseline.p99, 1)} vs round_robin ${fmtMs(rr.p99, 1)}`
    }
  } finally {
    if (entry !== undefined) {
      for (const id of drained) {
        await operator(entry, 'DELETE', `/v1/failover/trigger/${encodeURIComponent(id)}`)
          .catch((err: unknown) => { console.log(`(restoring a drained peer failed: ${String(err)})`) })
      }
    }
    for (const node of [...nodes.reverse(), ...(entry === undefined ? [] : [entry])]) {
      await node.stop().catch((err: unknown) => { console.log(`(stopping a node failed: ${String(err)})`) })
    }
    for (const u of upstreams) await u.close()
    for (const dir of dirs) await removeDir(dir)
  }
}
