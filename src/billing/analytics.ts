import { decimal, type Decimal } from '../network/amount.ts'
import type { SubscriptionPeriod } from '../platform/state.ts'
import type { Invoice } from './invoice.ts'
import { periodOf } from './pricing.ts'
import { HOUR_MS, hourOf, type UsageIndex } from './usage-index.ts'

export const DAY_MS = 24 * HOUR_MS
export const WEEK_MS = 7 * DAY_MS
/** 1970-01-05, the first Monday after the epoch: weeks start on Mondays, in UTC (ISO 8601). */
const FIRST_MONDAY = 4 * DAY_MS

export type Granularity = 'hour' | 'day' | 'week'
export const GRANULARITIES = ['hour', 'day', 'week'] as const satisfies readonly Granularity[]

/** The start of the bucket of `granularity` that holds `t`. */
export function bucketStart (t: number, granularity: Granularity): number {
  if (granularity === 'hour') return hourOf(t)
  if (granularity === 'day') return Math.floor(t / DAY_MS) * DAY_MS
  return Math.floor((t - FIRST_MONDAY) / WEEK_MS) * WEEK_MS + FIRST_MONDAY
}

function bucketAfter (start: number, granularity: Granularity): number {
  return start + (granularity === 'hour' ? HOUR_MS : granularity === 'day' ? DAY_MS : WEEK_MS)
}

/** The buckets a series covers: those that overlap the last `periodMs` before `now`, the bucket of `now` the last. */
export function seriesWindow (now: number, periodMs: number, granularity: Granularity): { from: number, to: number } {
  const to = bucketAfter(bucketStart(now, granularity), granularity)
  return { from: bucketStart(to - periodMs, granularity), to }
}

export interface SeriesQuery {
  resourceType: string
  unit: string
  /** One tenant's usage, or everyone's. */
  tenant: string | undefined
  from: number
  to: number
  granularity: Granularity
}

export interface SeriesPoint { start: number, value: Decimal, records: number }

/**
 * The usage of one resource in one unit per bucket over [from, to), every bucket listed (zero
 * where nothing was used): exact sums of the index's hour totals, so that the cost is one
 * lookup per hour covered, however many records the hours hold.
 */
export function usageSeries (index: UsageIndex, q: SeriesQuery): SeriesPoint[] {
  const key = `${q.resourceType}\n${q.unit}`
  const points: SeriesPoint[] = []
  const months = new Map<string, ReturnType<UsageIndex['userMonth']>>()
  for (let start = q.from; start < q.to; start = bucketAfter(start, q.granularity)) {
    const end = bucketAfter(start, q.granularity)
    const point: SeriesPoint = { start, value: 0n, records: 0 }
    for (let hour = start; hour < end; hour += HOUR_MS) {
      let total
      if (q.tenant === undefined) total = index.hourTotals(hour)?.get(key)
      else {
        const month = periodOf(hour)
        if (!months.has(month)) months.set(month, index.userMonth(q.tenant, month))
        total = months.get(month)?.get(hour)?.get(key)
      }
      if (total === undefined) continue
      point.value += total.quantity
      point.records += total.records
    }
    points.push(point)
  }
  return points
}

/** (current - previous) / previous, to 6 decimals; null without a previous figure to compare with. */
export function growth (current: Decimal, previous: Decimal): number | null {
  if (previous === 0n) return null
  return Math.round(Number(current - previous) / Number(previous) * 1e6) / 1e6
}

export interface PeriodFigures {
  period: string
  /** The sum of the period's invoice totals (tax included), and what payments covered of them. */
  invoiced: Decimal
  collected: Decimal
  /** Tenants with an invoice for the period: usage or a charged subscription in it. */
  activeTenants: number
}

/** A period's figures from its invoices. */
export function periodFigures (period: string, invoices: readonly Invoice[]): PeriodFigures {
  let invoiced = 0n
  let collected = 0n
  for (const inv of invoices) {
    invoiced += decimal(inv.total)
    collected += decimal(Math.min(inv.amount_paid, inv.total))
  }
  return { period, invoiced, collected, activeTenants: new Set(invoices.map(i => i.tenant_id)).size }
}

export interface Churn { cancelled: number, activeAtStart: number, rate: number | null }

/**
 * Churn over [from, to): tenants whose subscription was cancelled in it (a cancelled stretch
 * starts in it), against the tenants whose subscription was active when it began.
 */
export function churnOf (subscriptions: ReadonlyMap<string, readonly SubscriptionPeriod[]>, from: number, to: number): Churn {
  let cancelled = 0
  let activeAtStart = 0
  for (const periods of subscriptions.values()) {
    if (periods.some(p => p.status === 'active' && p.from <= from && (p.to === null || p.to > from))) activeAtStart++
    if (periods.some(p => p.status === 'cancelled' && p.from >= from && p.from < to)) cancelled++
  }
  return { cancelled, activeAtStart, rate: activeAtStart === 0 ? null : Math.round(cancelled / activeAtStart * 1e6) / 1e6 }
}
