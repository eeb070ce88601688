/**
 * `npm run bench` runs every benchmark in sequence; `npm run bench -- <name> [<name>...]` runs
 * the named ones (gossip, api, memory, cpu, membership, routing, peers, billing, replication, governance, ratelimit, webhooks, sim, sim-compare, sim-live, analytics, alerts, audit). Each prints its own table, target and PASS/MISS; a
 * summary follows. The exit code is 0 when every benchmark ran (whatever PASS/MISS), 1 when
 * one failed to run, 2 on an unknown name.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'
import { runAlertEvaluation, runAuditOverhead } from './alerts-audit.ts'
import { runAnalytics } from './analytics.ts'
import { runApiOverhead } from './api-overhead.ts'
import { runBillingAppend } from './billing-append.ts'
import { runGossipConvergence } from './gossip-convergence.ts'
import { runGovernance } from './governance.ts'
import { runIdleCpu } from './idle-cpu.ts'
import { runHeterogeneousPeers } from './heterogeneous-peers.ts'
import { runIdleMemory } from './idle-memory.ts'
import { runMembership } from './membership.ts'
import { runRateLimits } from './rate-limits.ts'
import { runReplicationLag } from './replication-lag.ts'
import { runRoutingOverhead } from './routing-overhead.ts'
import { runSimCompare } from './sim-compare.ts'
import { runSimLive } from './sim-live.ts'
import { runSimScale } from './sim-scale.ts'
import { table, verdict, type BenchOutcome } from './stats.ts'
import { runWebhooks } from './webhooks.ts'

const BENCHMARKS: Record<string, () => Promise<BenchOutcome>> = {
  gossip: runGossipConvergence,
  api: runApiOverhead,
  memory: runIdleMemory,
  cpu: runIdleCpu,
  membership: runMembership,
  routing: runRoutingOverhead,
  peers: runHeterogeneousPeers,
  billing: runBillingAppend,
  replication: runReplicationLag,
  governance: runGovernance,
  ratelimit: runRateLimits,
  webhooks: runWebhooks,
  sim: runSimScale,
  'sim-compare': runSimCompare,
  'sim-live': runSimLive,
  analytics: runAnalytics,
  alerts: runAlertEvaluation,
  audit: runAuditOverhead
}

const names = process.argv.slice(2).filter(a => a !== '--')
const unknown = names.filter(n => !(n in BENCHMARKS))
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`)
  process.exit(2)
}
const selected = names.length === 0 ? Object.keys(BENCHMARKS) : names

console.log(`meshnode benchmarks: ${selected.join(', ')}`)
console.log(`node ${process.version} on ${process.platform}/${process.arch}, ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), ` +
  `${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
console.log('measurements are noisy: the machine is small and may be shared; every ratio is against a baseline of the same run.')

const outcomes: Array<BenchOutcome | { name: string, error: string }> = []
for (const name of selected) {
  const bench = BENCHMARKS[name]
  if (bench === undefined) continue
  const started = Date.now()
  try {
    outcomes.push(await bench())
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err)
    console.log(`\n!! ${name} failed: ${error}`)
    outcomes.push({ name, error: err instanceof Error ? err.message : String(err) })
  }
  console.log(`(${name} took ${((Date.now() - started) / 1000).toFixed(0)} s)`)
}

console.log('\n== summary ==')
console.log(table(['benchmark', 'target', 'measured', 'result'], outcomes.map(o =>
  'error' in o ? [o.name, '-', o.error.split('\n')[0] ?? '', 'ERROR'] : [o.name, o.target, o.measured, verdict(o.pass)])))

process.exitCode = outcomes.some(o => 'error' in o) ? 1 : 0
// Every node was stopped; if some library still holds a handle open, do not hang on it.
setTimeout(() => {
  console.log('(handles were still open 5 s after the last benchmark; exiting)')
  process.exit()
}, 5_000).unref()
