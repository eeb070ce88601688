import { paramsAt, type NetworkParams, type ParamsPeriod } from '../network/params.ts'
import { decimal, multiply, toNumber, type Decimal } from '../network/amount.ts'
import type { UsageRecord } from './usage-record.ts'

export interface LineItem {
  resource_type: string
  quantity: number
  unit: string
  unit_price: number | null
  total: number
  records: number
  /**
   * False when the price list in force at the records' time has no price for this resource in
   * this unit (records from before a price was removed, or from an older node): the line is
   * shown, with total 0, and left out of the invoice's total.
   */
  priced: boolean
}

export interface Invoice {
  user_id: string
  period: string
  currency: string
  line_items: LineItem[]
  /** The sum of the priced lines. */
  total: number
  records: number
  /** Records on unpriced lines, not in the total. */
  unpriced_records: number
}

interface Line { resourceType: string, unit: string, price: Decimal | undefined, quantity: Decimal, records: number, first: number }

/** The price list's entry for a resource type (own keys only: `constructor` is no resource). */
export function priceOf (list: NetworkParams['price_list'], resourceType: string): NetworkParams['price_list'][string] | undefined {
  return Object.hasOwn(list, resourceType) ? list[resourceType] : undefined
}

/** `YYYY-MM` of a timestamp, in UTC. */
export function periodOf (timestamp: number): string {
  return new Date(timestamp).toISOString().slice(0, 7)
}

/** The first millisecond after a `YYYY-MM` period. */
export function periodEnd (period: string): number {
  const [y, m] = period.split('-').map(Number)
  return Date.UTC(y ?? 1970, m ?? 1, 1)
}

/**
 * Lines of one user's records: one per resource, unit and unit price, each record priced with
 * the price list in force at its timestamp, so that a price change never reprices the past
 * and a period that spans a change shows each price on its own line. Quantities are exact
 * sums; a line's total is quantity x unit price rounded half up to millionths.
 */
function linesOf (records: UsageRecord[], periods: readonly ParamsPeriod[]): Line[] {
  const lines = new Map<string, Line>()
  for (const r of records) {
    const listed = priceOf(paramsAt(periods, r.timestamp).price_list, r.resource_type)
    const price = listed !== undefined && listed.unit === r.unit ? decimal(listed.unit_price) : undefined
    const key = `${r.resource_type}\n${r.unit}\n${price ?? ''}`
    const line = lines.get(key) ?? { resourceType: r.resource_type, unit: r.unit, price, quantity: 0n, records: 0, first: r.timestamp }
    line.quantity += decimal(r.amount)
    line.records++
    line.first = Math.min(line.first, r.timestamp)
    lines.set(key, line)
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
  return [...lines.values()].sort((a, b) => cmp(a.resourceType, b.resourceType) || cmp(a.unit, b.unit) || a.first - b.first ||
    Number((a.price ?? -1n) - (b.price ?? -1n)))
}

const totalOf = (l: Line): Decimal => (l.price === undefined ? 0n : multiply(l.quantity, l.price))

/**
 * A user's invoice for one month: a pure function of the records and the parameters by
 * period, so that every node that holds the same records and governance state answers with
 * the same bytes. The currency is the one in force at the end of the period.
 */
export function invoiceFor (user: string, period: string, records: UsageRecord[], periods: readonly ParamsPeriod[]): Invoice {
  const mine = records.filter(r => r.user_id === user && periodOf(r.timestamp) === period)
  const lines = linesOf(mine, periods)
  return {
    user_id: user,
    period,
    currency: paramsAt(periods, periodEnd(period) - 1).currency,
    line_items: lines.map(l => ({
      resource_type: l.resourceType,
      quantity: toNumber(l.quantity),
      unit: l.unit,
      unit_price: l.price === undefined ? null : toNumber(l.price),
      total: toNumber(totalOf(l)),
      records: l.records,
      priced: l.price !== undefined
    })),
    total: toNumber(lines.reduce((a, l) => a + totalOf(l), 0n)),
    records: mine.length,
    unpriced_records: lines.filter(l => l.price === undefined).reduce((n, l) => n + l.records, 0)
  }
}

/** Revenue: the exact sum of every invoice, one per user and month that has records. */
export function revenueOf (records: UsageRecord[], periods: readonly ParamsPeriod[]): Decimal {
  const groups = new Map<string, UsageRecord[]>()
  for (const r of records) {
    const key = `${r.user_id}\n${periodOf(r.timestamp)}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [r])
    else group.push(r)
  }
  let revenue = 0n
  for (const group of groups.values()) for (const l of linesOf(group, periods)) revenue += totalOf(l)
  return revenue
}
