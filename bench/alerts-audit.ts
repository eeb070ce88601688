/**
 * Two costs of operating a node, measured as CPU time (process.cpuUsage), which a busy shared
 * machine stretches far less than wall time:
 * - `alerts`: one evaluation interval with 100 rules on a running node (its real sample: peer
 *   table, breakers, own load, billing replication), against the interval it runs in;
 * - `audit`: throughput of a mutating call (`PUT /v1/load-balancer/config`) over HTTP through
 *   the node's whole API with the audit trail and without (two servers of one node in this
 *   process, the closed-loop client of bench/load-client.ts in a child process, runs
 *   alternating); and, for information, the worst case: the cheapest mutating call (a 422)
 *   through app.fetch in this process (no sockets), its CPU per call with and without.
 */
import { createApi } from '../api/app.ts'
import { listenApi } from '../api/server.ts'
import type { ApiNode } from '../api/context.ts'
import { MeshMetrics } from '../src/metrics.ts'
import type { RunningNode } from '../src/launch.ts'
import { silentLogger } from '../src/logging.ts'
import { DEFAULT_TUNING } from '../src/tuning.ts'
import { removeDir, startNode, tempDir } from '../test/helpers/nodes.ts'
import { waitFor } from '../test/helpers/wait.ts'
import { lastJsonLine, runChild, type LoadResult } from './load-runner.ts'
import { fmtMs, fmtNum, median, table, verdict, type BenchOutcome } from './stats.ts'

const RULES = 100
const EVALUATIONS = 2_000
/** An interval may spend at most this share of one core on its rules. */
const ALERT_TARGET_SHARE = 0.01
const AUDIT_CALLS = 20_000
const AUDIT_ROUNDS = 6
const AUDIT_TARGET_RATIO = 0.9
const LOAD_CLIENT = new URL('./load-client.ts', import.meta.url).pathname
const HTTP_SECONDS = 5
const HTTP_WARMUP_SECONDS = 1
const HTTP_CONCURRENCY = 16
const HTTP_ROUNDS = 3

function cpuMs (since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since)
  return (d.user + d.system) / 1000
}

async function withNode<T> (run: (node: RunningNode) => Promise<T>): Promise<T> {
  const dir = await tempDir('meshnode-bench-ops-')
  const node = await startNode(dir)
  try {
    await waitFor('the node to be ready', () => node.mesh.readiness().ready && node.mesh.built?.telemetry.published !== undefined, { timeoutMs: 30_000 })
    return await run(node)
  } finally {
    await node.stop()
    await removeDir(dir)
  }
}

/** Conditions of every shape: one comparison, conjunctions, disjunctions, negations, groups. */
function condition (i: number): string {
  const shapes = [
    'peers_down >= 1',
    'breakers_open > 0 and event_loop_delay_ms > 200',
    'cpu_usage > 0.9 or memory_usage > 0.9',
    'not peers_healthy >= 1',
    '(error_rate > 0.05 or replication_lag_entries > 100) and active_requests > 10',
    'forks > 0 or lagging_authors > 2'
  ]
  return shapes[i % shapes.length] ?? 'forks > 0'
}

export async function runAlertEvaluation (): Promise<BenchOutcome> {
  console.log(`\n== alerts: one evaluation interval with ${RULES} rules on a running node (${EVALUATIONS} evaluations, CPU time) ==`)
  return await withNode(async node => {
    const alerts = node.mesh.running().alerts
    for (let i = alerts.list().length; i < RULES; i++) await alerts.add({ name: `bench-${i}`, condition: condition(i), forMs: 30_000, severity: 'warning', channels: ['events'] })
    for (let i = 0; i < 100; i++) alerts.evaluateNow()
    const perRound: number[] = []
    for (let round = 0; round < 5; round++) {
      const t0 = process.cpuUsage()
      for (let i = 0; i < EVALUATIONS / 5; i++) alerts.evaluateNow()
      perRound.push(cpuMs(t0) / (EVALUATIONS / 5))
    }
    const ms = median(perRound)
    const share = ms / DEFAULT_TUNING.operations.alertIntervalMs
    const pass = share <= ALERT_TARGET_SHARE
    console.log(table(['rules', 'CPU per interval (median of 5 rounds)', 'interval', 'share of one core'], [
      [String(alerts.list().length), `${fmtNum(ms * 1000, 1)} us`, `${DEFAULT_TUNING.operations.alertIntervalMs} ms`, `${(share * 100).toFixed(3)} %`]
    ]))
    console.log(`target: <= ${ALERT_TARGET_SHARE * 100} % of one core   ${verdict(pass)}`)
    return { name: 'alerts', target: `${RULES} rules <= ${ALERT_TARGET_SHARE * 100} % of a core`, pass, measured: `${fmtNum(ms * 1000, 1)} us per ${DEFAULT_TUNING.operations.alertIntervalMs} ms interval` }
  })
}

export async function runAuditOverhead (): Promise<BenchOutcome> {
  console.log(`\n== audit: PUT /v1/load-balancer/config over HTTP with the audit trail and without (${HTTP_CONCURRENCY} keep-alive workers, ` +
    `${HTTP_WARMUP_SECONDS} s warm-up + ${HTTP_SECONDS} s per run, ${HTTP_ROUNDS} rounds alternating) ==`)
  return await withNode(async node => {
    // Each app registers its request metrics: give each a registry of its own, over the same node.
    const mesh = (): ApiNode => Object.assign(Object.create(node.mesh) as ApiNode, { metrics: new MeshMetrics(() => node.mesh.peerTable.countByState()) })
    const common = { token: node.token, control: node.control, log: silentLogger(), shutdown: new AbortController().signal, maxRouteBodyBytes: 1024 * 1024, operations: DEFAULT_TUNING.operations }
    const staticConfig = { dataDir: '', listen: [], announce: [], corsOrigins: [], apiUrl: '', bootstrap: [], region: 'local', logLevel: 'silent' as const }
    const apps = {
      off: createApi({ ...common, mesh: mesh(), staticConfig, auditTrail: false }),
      on: createApi({ ...common, mesh: mesh(), staticConfig })
    }
    const servers = { off: await listenApi(apps.off, '127.0.0.1', 0, silentLogger()), on: await listenApi(apps.on, '127.0.0.1', 0, silentLogger()) }
    // Each run with this process's CPU time per request over the client's measured window: the
    // throughput a CPU-bound server reaches, which a shared machine disturbs less than req/s.
    const http: Record<'on' | 'off', Array<LoadResult & { serverUs: number }>> = { on: [], off: [] }
    try {
      const env = { ...process.env, MESHNODE_LOAD_REQUEST: JSON.stringify({ method: 'PUT', headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ strategy: 'adaptive' }) }) }
      for (let round = 1; round <= HTTP_ROUNDS; round++) {
        for (const side of round % 2 === 1 ? ['off', 'on'] as const : ['on', 'off'] as const) {
          let cpu0: NodeJS.CpuUsage | undefined
          const { out } = await runChild(LOAD_CLIENT, [`${servers[side].url}/v1/load-balancer/config`, String(HTTP_SECONDS), String(HTTP_CONCURRENCY), String(HTTP_WARMUP_SECONDS), 'http'], {
            name: 'load client',
            env,
            killAfterMs: (HTTP_SECONDS + HTTP_WARMUP_SECONDS + 30) * 1000,
            onStdout: stdout => { if (cpu0 === undefined && stdout.includes('measuring\n')) cpu0 = process.cpuUsage() }
          })
          const r = { ...lastJsonLine<LoadResult>(out), serverUs: cpu0 === undefined ? Number.NaN : cpuMs(cpu0) * 1000 }
          r.serverUs /= r.requests
          http[side].push(r)
          console.log(`  round ${round} audit ${side.padEnd(3)}: ${fmtNum(r.rps)} req/s, server ${fmtNum(r.serverUs, 1)} us CPU per request, p50 ${fmtMs(r.latencyMs.p50, 2)}, p99 ${fmtMs(r.latencyMs.p99, 2)}, errors ${r.errors}${r.firstError === undefined ? '' : ` (${r.firstError})`}`)
        }
      }
    } finally {
      await servers.off.close()
      await servers.on.close()
    }
    const rps = (side: 'on' | 'off'): number => median(http[side].map(r => r.rps))
    const serverUs = (side: 'on' | 'off'): number => median(http[side].map(r => r.serverUs))
    const errors = [...http.on, ...http.off].reduce((n, r) => n + r.errors, 0)
    const httpRatio = serverUs('off') / serverUs('on')
    console.log(table(['audit trail', 'req/s (median)', 'server CPU per request (median)', 'p50 latency', 'requests', 'errors'], (['off', 'on'] as const).map(side => [
      side, fmtNum(rps(side)), `${fmtNum(serverUs(side), 1)} us`, fmtMs(median(http[side].map(r => r.latencyMs.p50)), 2), String(http[side].reduce((n, r) => n + r.requests, 0)), String(http[side].reduce((n, r) => n + r.errors, 0))
    ])))
    console.log(`(info) ratio req/s with/without audit: ${(rps('on') / rps('off')).toFixed(2)} (the client and the other engineers' work share the cores: CPU per request is the steadier figure)`)

    console.log(`\n(info) worst case: ${AUDIT_CALLS} of the cheapest mutating call (a 422) through app.fetch in this process, CPU time, a warm-up round, then ${AUDIT_ROUNDS} rounds alternating`)
    // A cheap mutating call (a 422: the condition names no metric), so that the trail's share is as large as it gets.
    const body = JSON.stringify({ name: 'bench', condition: 'no_such_metric > 1' })
    const request = (): Request => new Request('http://node/v1/alerts/rules', { method: 'POST', headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json', 'content-length': String(body.length) }, body })
    const first = await apps.on.fetch(request())
    if (first.status !== 422) throw new Error(`expected 422, got ${first.status}`)
    const batch = async (app: typeof apps.on): Promise<void> => {
      for (let i = 0; i < AUDIT_CALLS; i += 50) {
        await Promise.all(Array.from({ length: 50 }, async () => { await (await app.fetch(request())).arrayBuffer() }))
      }
      // The writes the calls queued are part of their cost.
      await node.mesh.audit.flush()
    }
    // A round of each, not counted: both sides measured warm.
    await batch(apps.off)
    await batch(apps.on)
    const usPerCall: Record<'on' | 'off', number[]> = { on: [], off: [] }
    for (let round = 0; round < AUDIT_ROUNDS; round++) {
      // Alternating which side goes first, so that neither is always measured after the other.
      for (const side of round % 2 === 0 ? ['off', 'on'] as const : ['on', 'off'] as const) {
        const t0 = process.cpuUsage()
        await batch(apps[side])
        usPerCall[side].push(cpuMs(t0) * 1000 / AUDIT_CALLS)
      }
    }
    const on = median(usPerCall.on)
    const off = median(usPerCall.off)
    console.log(table(['audit trail', 'CPU per call (median)', 'calls/s of one core'], [
      ['off', `${fmtNum(off, 1)} us`, fmtNum(1e6 / off)],
      ['on', `${fmtNum(on, 1)} us`, fmtNum(1e6 / on)]
    ]))
    console.log(`(info) worst case, calls per CPU second with/without audit: ${(off / on).toFixed(2)}; entries recorded in all: ${node.mesh.audit.recorded}`)
    const pass = httpRatio >= AUDIT_TARGET_RATIO && errors === 0
    console.log(`ratio HTTP throughput per CPU second with/without audit: ${httpRatio.toFixed(2)}   target: >= ${AUDIT_TARGET_RATIO} (and no errors)   ${verdict(pass)}`)
    console.log('note: both servers and the node in this process, the client in a child process, on a 2-core machine shared with other work.')
    return { name: 'audit', target: `with/without audit >= ${AUDIT_TARGET_RATIO}`, pass, measured: `ratio ${httpRatio.toFixed(2)} (${fmtNum(serverUs('on'), 1)} vs ${fmtNum(serverUs('off'), 1)} us CPU per request; worst case in process ${(off / on).toFixed(2)})` }
  })
}
