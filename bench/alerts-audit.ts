/**
 * Two costs of operating a node, measured as CPU time (process.cpuUsage), which a busy shared
 * machine stretches far less than wall time:
 * - `alerts`: one evaluation interval with 100 rules on a running node (its real sample: peer
 *   table, breakers, own load, billing replication), against the interval it runs in;
 * - `audit`: mutating API calls through the node's whole API with the audit trail and without,
 *   both in this process through app.fetch (no sockets): the throughput ratio is the inverse of
 *   the CPU per call. HTTP parsing would add the same cost to both sides, so over sockets the
 *   ratio is nearer 1 than here.
 */
import { createApi } from '../api/app.ts'
import type { ApiNode } from '../api/context.ts'
import { MeshMetrics } from '../src/metrics.ts'
import type { RunningNode } from '../src/launch.ts'
import { silentLogger } from '../src/logging.ts'
import { DEFAULT_TUNING } from '../src/tuning.ts'
import { removeDir, startNode, tempDir } from '../test/helpers/nodes.ts'
import { waitFor } from '../test/helpers/wait.ts'
import { fmtNum, median, table, verdict, type BenchOutcome } from './stats.ts'

const RULES = 100
const EVALUATIONS = 2_000
/** An interval may spend at most this share of one core on its rules. */
const ALERT_TARGET_SHARE = 0.01
const AUDIT_CALLS = 5_000
const AUDIT_ROUNDS = 6
const AUDIT_TARGET_RATIO = 0.9

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
  console.log(`\n== audit: ${AUDIT_CALLS} mutating calls through the whole API, audit trail on and off (app.fetch in process, CPU time, a warm-up round, then ${AUDIT_ROUNDS} rounds alternating) ==`)
  return await withNode(async node => {
    // Each app registers its request metrics: give each a registry of its own, over the same node.
    const mesh = (): ApiNode => Object.assign(Object.create(node.mesh) as ApiNode, { metrics: new MeshMetrics(() => node.mesh.peerTable.countByState()) })
    const common = { token: node.token, log: silentLogger(), shutdown: new AbortController().signal, maxRouteBodyBytes: 1024 * 1024, operations: DEFAULT_TUNING.operations }
    const staticConfig = { dataDir: '', listen: [], announce: [], corsOrigins: [], apiUrl: '', bootstrap: [], region: 'local', logLevel: 'silent' as const }
    const apps = {
      off: createApi({ ...common, mesh: mesh(), staticConfig, auditTrail: false }),
      on: createApi({ ...common, mesh: mesh(), staticConfig })
    }
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
    const ratio = off / on
    const pass = ratio >= AUDIT_TARGET_RATIO
    console.log(table(['audit trail', 'CPU per call (median)', 'calls/s of one core'], [
      ['off', `${fmtNum(off, 1)} us`, fmtNum(1e6 / off)],
      ['on', `${fmtNum(on, 1)} us`, fmtNum(1e6 / on)]
    ]))
    console.log(`entries recorded: ${node.mesh.audit.recorded}`)
    console.log(`ratio throughput with/without audit: ${ratio.toFixed(2)}   target: >= ${AUDIT_TARGET_RATIO}   ${verdict(pass)}`)
    return { name: 'audit', target: `with/without audit >= ${AUDIT_TARGET_RATIO}`, pass, measured: `ratio ${ratio.toFixed(2)} (${fmtNum(on, 1)} vs ${fmtNum(off, 1)} us per call)` }
  })
}
