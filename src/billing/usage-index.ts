import { decimal, type Decimal } from '../network/amount.ts'
import { periodOf } from './pricing.ts'
import type { UsageRecord } from './usage-record.ts'

export const HOUR_MS = 3_600_000

/** The exact usage of one resource in one unit within one hour. */
export interface HourTotal { resourceType: string, unit: string, quantity: Decimal, records: number }

/** One user's usage of one resource in one unit within one hour, with the counted records themselves. */
export interface HourBucket extends HourTotal { copies: Set<UsageRecord> }

/** The start of the UTC hour of a timestamp. */
export const hourOf = (t: number): number => Math.floor(t / HOUR_MS) * HOUR_MS

const keyOf = (r: UsageRecord): string => `${r.resource_type}\n${r.unit}`

const numeric = (a: number, b: number): number => a - b

/**
 * The counted usage by hour: exact totals per (hour, resource, unit) for the whole ledger, and
 * per user by month and hour with the records in each, so that analytics, invoices and usage
 * listings read the hours they cover rather than sort every record. The ledger keeps it in step
 * with what it counts (added, retried, excluded by a fork or a membership cut), so it is a
 * function of the counted set alone, the same on every node that counts the same records.
 */
export class UsageIndex {
  private readonly hours = new Map<number, Map<string, HourTotal>>()
  private readonly users = new Map<string, Map<string, Map<number, Map<string, HourBucket>>>>()
  /** Per user and month, the totals by `resource\nunit`: a month's invoice where no price changes within it. */
  private readonly months = new Map<string, Map<string, Map<string, HourTotal>>>()
  /** Every counted record, by hour: the time order of usage listings. */
  private readonly records = new Map<number, Set<UsageRecord>>()
  private sortedHours: number[] | undefined
  /** Records arrive mostly in time order: the month of the last hour seen saves formatting a date per record. */
  private lastHour = Number.NaN
  private lastMonth = ''

  private monthOfHour (hour: number): string {
    if (hour !== this.lastHour) {
      this.lastHour = hour
      this.lastMonth = periodOf(hour)
    }
    return this.lastMonth
  }

  add (r: UsageRecord): void {
    const hour = hourOf(r.timestamp)
    const key = keyOf(r)
    const q = decimal(r.amount)
    let totals = this.hours.get(hour)
    if (totals === undefined) {
      totals = new Map()
      this.hours.set(hour, totals)
      this.sortedHours = undefined
    }
    const total = totals.get(key) ?? { resourceType: r.resource_type, unit: r.unit, quantity: 0n, records: 0 }
    total.quantity += q
    total.records++
    totals.set(key, total)
    const months = this.users.get(r.user_id) ?? new Map<string, Map<number, Map<string, HourBucket>>>()
    this.users.set(r.user_id, months)
    const month = this.monthOfHour(hour)
    const hoursOfMonth = months.get(month) ?? new Map<number, Map<string, HourBucket>>()
    months.set(month, hoursOfMonth)
    const buckets = hoursOfMonth.get(hour) ?? new Map<string, HourBucket>()
    hoursOfMonth.set(hour, buckets)
    const bucket = buckets.get(key) ?? { resourceType: r.resource_type, unit: r.unit, quantity: 0n, records: 0, copies: new Set() }
    bucket.quantity += q
    bucket.records++
    bucket.copies.add(r)
    buckets.set(key, bucket)
    const monthsOfUser = this.months.get(r.user_id) ?? new Map<string, Map<string, HourTotal>>()
    this.months.set(r.user_id, monthsOfUser)
    const monthTotals = monthsOfUser.get(month) ?? new Map<string, HourTotal>()
    monthsOfUser.set(month, monthTotals)
    const monthTotal = monthTotals.get(key) ?? { resourceType: r.resource_type, unit: r.unit, quantity: 0n, records: 0 }
    monthTotal.quantity += q
    monthTotal.records++
    monthTotals.set(key, monthTotal)
    const inHour = this.records.get(hour) ?? new Set()
    inHour.add(r)
    this.records.set(hour, inHour)
  }

  /** Removes a record that `add` added (the same object). */
  remove (r: UsageRecord): void {
    const hour = hourOf(r.timestamp)
    const key = keyOf(r)
    const q = decimal(r.amount)
    const totals = this.hours.get(hour)
    const total = totals?.get(key)
    if (totals === undefined || total === undefined) return
    total.quantity -= q
    total.records--
    if (total.records === 0) totals.delete(key)
    if (totals.size === 0) {
      this.hours.delete(hour)
      this.sortedHours = undefined
    }
    const months = this.users.get(r.user_id)
    const month = this.monthOfHour(hour)
    const hoursOfMonth = months?.get(month)
    const buckets = hoursOfMonth?.get(hour)
    const bucket = buckets?.get(key)
    if (bucket !== undefined) {
      bucket.quantity -= q
      bucket.records--
      bucket.copies.delete(r)
      if (bucket.records === 0) buckets?.delete(key)
      if (buckets?.size === 0) hoursOfMonth?.delete(hour)
      if (hoursOfMonth?.size === 0) months?.delete(month)
      if (months?.size === 0) this.users.delete(r.user_id)
    }
    const monthsOfUser = this.months.get(r.user_id)
    const monthTotals = monthsOfUser?.get(month)
    const monthTotal = monthTotals?.get(key)
    if (monthTotal !== undefined) {
      monthTotal.quantity -= q
      monthTotal.records--
      if (monthTotal.records === 0) monthTotals?.delete(key)
      if (monthTotals?.size === 0) monthsOfUser?.delete(month)
      if (monthsOfUser?.size === 0) this.months.delete(r.user_id)
    }
    const inHour = this.records.get(hour)
    inHour?.delete(r)
    if (inHour?.size === 0) this.records.delete(hour)
  }

  /** The whole ledger's exact totals, by resource type then unit. */
  totals (): HourTotal[] {
    const sums = new Map<string, HourTotal>()
    for (const totals of this.hours.values()) {
      for (const [key, t] of totals) {
        const sum = sums.get(key) ?? { resourceType: t.resourceType, unit: t.unit, quantity: 0n, records: 0 }
        sum.quantity += t.quantity
        sum.records += t.records
        sums.set(key, sum)
      }
    }
    return [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t)
  }

  /** The whole ledger's totals in one hour, by `resource\nunit`. */
  hourTotals (hour: number): ReadonlyMap<string, HourTotal> | undefined {
    return this.hours.get(hour)
  }

  /** Every hour that holds counted usage, in time order. */
  hoursHeld (): readonly number[] {
    this.sortedHours ??= [...this.hours.keys()].sort(numeric)
    return this.sortedHours
  }

  /** A user's usage in one month, by hour (unordered) then `resource\nunit`. */
  userMonth (user: string, month: string): ReadonlyMap<number, ReadonlyMap<string, HourBucket>> | undefined {
    return this.users.get(user)?.get(month)
  }

  /** A user's totals in one month, by `resource\nunit`. */
  userMonthTotals (user: string, month: string): ReadonlyMap<string, HourTotal> | undefined {
    return this.months.get(user)?.get(month)
  }

  /** The months in which a user has counted usage, sorted. */
  monthsOf (user: string): string[] {
    return [...this.users.get(user)?.keys() ?? []].sort()
  }

  /** Every user with counted usage, sorted. */
  usersHeld (): string[] {
    return [...this.users.keys()].sort()
  }

  /** The counted records of one hour, unordered. */
  recordsIn (hour: number): ReadonlySet<UsageRecord> | undefined {
    return this.records.get(hour)
  }
}
