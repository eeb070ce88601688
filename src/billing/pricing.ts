import type { NetworkParams } from '../governance/params.ts'
import { sum } from './ledger.ts'
import type { UsageRecord } from './usage-record.ts'

export interface LineItem {
  resource_type: string
  quantity: number
  unit: string
  unit_price: number | null
  total: number
  records: number
}

export interface Invoice {
  user_id: string
  period: string
  currency: string
  line_items: LineItem[]
  total: number
  records: number
}

/** Money in millionths, so that every node rounds the same way. */
const money = (x: number): number => Math.round(x * 1e6) / 1e6

/** `YYYY-MM` of a timestamp, in UTC. */
export function periodOf (timestamp: number): string {
  return new Date(timestamp).toISOString().slice(0, 7)
}

/**
 * A user's invoice for one month, priced with the network's price list: a pure function of
 * the records and the parameters, so that every node that holds the same records answers
 * with the same invoice. A resource with no price, or in another unit, is listed unpriced.
 */
export function invoiceFor (user: string, period: string, records: UsageRecord[], params: Pick<NetworkParams, 'price_list' | 'currency'>): Invoice {
  const mine = records.filter(r => r.user_id === user && periodOf(r.timestamp) === period)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const line_items = sum(mine).map((t): LineItem => {
    const price = params.price_list[t.resourceType]
    const priced = price !== undefined && price.unit === t.unit
    return {
      resource_type: t.resourceType,
      quantity: money(t.amount),
      unit: t.unit,
      unit_price: priced ? price.unit_price : null,
      total: priced ? money(t.amount * price.unit_price) : 0,
      records: t.records
    }
  })
  return {
    user_id: user,
    period,
    currency: params.currency,
    line_items,
    total: money(line_items.reduce((a, l) => a + l.total, 0)),
    records: mine.length
  }
}
