/**
 * Analytics and invoice reads at 1,000,000 counted records: a ledger in this process holds a
 * month of usage (1,000,000 records of 100 tenants over 30 days, three resources; every tenant
 * subscribed, a tier change for a tenth of them), and each read is timed as the API makes it:
 *
 *   usage series     GET /v1/analytics/usage, everyone's requests over 30 days by hour, and one
 *                    tenant's by day (the hour index: one lookup per hour covered);
 *   business         GET /v1/analytics/business: every invoice of the month and the month
 *                    before, priced from the index's hour totals;
 *   invoices         GET /v1/billing/invoices?tenant=: one tenant's invoice;
 *   usage page       GET /v1/billing/usage?user_id=&limit=100: the first page, read hour by hour;
 *   baseline sort    what every billing read did before the index: sort every counted record.
 *
 * Each read runs 5 times after a warm-up; the figure is the median of the process CPU time it
 * took (process.cpuUsage), which a busy shared machine disturbs far less than wall time. Target:
 * every analytics read < 200 ms.
 */
import { usageSeries, seriesWindow } from '../src/billing/analytics.ts'
import { Ledger } from '../src/billing/ledger.ts'
import { GENESIS_PREV, type LogEntry } from '../src/billing/log-entry.ts'
import { periodOf } from '../src/billing/pricing.ts'
import { usagePage } from '../src/billing/usage-query.ts'
import type { UsageRecord } from '../src/billing/usage-record.ts'
import { Invoicing } from '../src/invoicing.ts'
import { silentLogger } from '../src/logging.ts'
import { PRODUCTION_PARAMS, type ParamsPeriod } from '../src/network/params.ts'
import type { SubscriptionPeriod } from '../src/platform/state.ts'
import { fmtMs, median, table, type BenchOutcome } from './stats.ts'

const RECORDS = 1_000_000
const TENANTS = 100
const PER_ENTRY = 10_000
const DAY = 86_400_000
const START = Date.UTC(2026, 10, 1)
const NOW = Date.UTC(2026, 11, 1, 12)
const RUNS = 5
const TARGET_MS = 200

function cpuMs (run: () => unknown): number {
  const before = process.cpuUsage()
  run()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000
}

function timed (run: () => unknown): number {
  run()
  return median(Array.from({ length: RUNS }, () => cpuMs(run)))
}

export async function runAnalytics (): Promise<BenchOutcome> {
  console.log(`\n== analytics and invoice reads at ${RECORDS.toLocaleString('en')} records ==`)
  const ledger = new Ledger()
  const resources = [['request', 'request', 1], ['storage', 'GB', 0.25], ['bandwidth', 'GB', 0.5]] as const
  const build = cpuMs(() => {
    let seq = 0
    for (let i = 0; i < RECORDS; i += PER_ENTRY) {
      const records: UsageRecord[] = []
      for (let j = i; j < i + PER_ENTRY; j++) {
        const [resource, unit, amount] = resources[j % 3] as (typeof resources)[number]
        records.push({ id: `r${j}`, user_id: `tenant-${j % TENANTS}`, resource_type: resource, amount, unit, timestamp: START + Math.floor(j * (30 * DAY / RECORDS)), metadata: {} })
      }
      seq++
      const entry: LogEntry = { author: 'node-a', seq, prev: seq === 1 ? GENESIS_PREV : 'f'.repeat(64), time: START, records, hash: 'f'.repeat(64), sig: 'AAAA' }
      ledger.apply(entry)
    }
  })
  const periods: ParamsPeriod[] = [{ from: -Infinity, params: PRODUCTION_PARAMS }]
  const subscriptions = new Map<string, SubscriptionPeriod[]>()
  for (let t = 0; t < TENANTS; t++) {
    const change = START + 10 * DAY + t * 60_000
    subscriptions.set(`tenant-${t}`, t % 10 === 0
      ? [{ tier: 'basic', from: START - DAY, to: change, status: 'active' }, { tier: 'pro', from: change, to: null, status: 'active' }]
      : [{ tier: 'basic', from: START - DAY, to: null, status: 'active' }])
  }
  const invoicing = new Invoicing({
    index: ledger.index,
    paramsPeriods: () => periods,
    maxClockSkewMs: () => PRODUCTION_PARAMS.max_clock_skew_ms,
    payments: () => [],
    publishPayment: async () => { throw new Error('no payments in this benchmark') },
    subscriptions: { tenants: () => [...subscriptions.keys()], periodsOf: t => subscriptions.get(t) ?? [] },
    clock: { now: () => NOW },
    log: silentLogger(),
    selfId: 'node-a',
    emit: () => {},
    // Never started here: nothing is announced, nothing kept.
    meta: { get: async () => undefined, put: async () => {} },
    caughtUp: () => true
  }, { tickMs: 60_000 })
  const month = periodOf(START)
  const hourly = seriesWindow(NOW, 30 * DAY, 'hour')
  const daily = seriesWindow(NOW, 30 * DAY, 'day')
  const reads: Array<[string, () => unknown, boolean]> = [
    ['usage series: everyone, 30d by hour', () => usageSeries(ledger.index, { resourceType: 'request', unit: 'request', tenant: undefined, ...hourly, granularity: 'hour' }), true],
    ['usage series: one tenant, 30d by day', () => usageSeries(ledger.index, { resourceType: 'storage', unit: 'GB', tenant: 'tenant-7', ...daily, granularity: 'day' }), true],
    ['business: a month against the one before', () => invoicing.business(month, 2, NOW), true],
    ['invoices: one tenant\'s', () => invoicing.list({ tenant: 'tenant-10' }, NOW), false],
    ['usage page: one tenant, 100 records', () => usagePage(ledger.ordered(-Infinity, Infinity, 'tenant-3'), { userId: 'tenant-3' }, 100), false],
    ['baseline: sort every record (before the index)', () => [...ledger.index.hoursHeld()].flatMap(h => [...ledger.index.recordsIn(h) ?? []]).sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : 1)), false]
  ]
  const rows: string[][] = []
  let worst = 0
  for (const [name, run, analytics] of reads) {
    const ms = timed(run)
    if (analytics) worst = Math.max(worst, ms)
    rows.push([name, fmtMs(ms), analytics ? `< ${TARGET_MS} ms` : '-'])
  }
  console.log(`ledger of ${ledger.size.toLocaleString('en')} records built in ${fmtMs(build, 0)} CPU (apply + index)`)
  console.log(table(['read', 'CPU time (median of 5)', 'target'], rows))
  const pass = worst < TARGET_MS
  return { name: 'analytics', target: `analytics reads < ${TARGET_MS} ms at 1M records`, pass, measured: `slowest ${fmtMs(worst)}` }
}
