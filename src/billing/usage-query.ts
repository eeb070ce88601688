import type { UsageRecord } from './usage-record.ts'

/** Which records a usage listing asks for; each field unset matches every record, `to` is exclusive. */
export interface UsageFilter {
  userId?: string
  resourceType?: string
  from?: number
  to?: number
}

/**
 * Where a page ended: after the `seen`-th record with timestamp `t` and id `id`. Conflicting
 * copies of one record share both, so the cursor also counts those already listed.
 */
export interface UsageCursor { t: number, id: string, seen: number }

export interface UsagePage {
  records: UsageRecord[]
  /** Where the next page starts; undefined on the last page. */
  next: UsageCursor | undefined
}

/**
 * One page of at most `limit` records matching `filter`, after `after`. `records` are in the
 * ledger's (timestamp, id) order, which the cursor follows.
 */
export function usagePage (records: readonly UsageRecord[], filter: UsageFilter, limit: number, after?: UsageCursor): UsagePage {
  const filtered = records.filter(r =>
    (filter.userId === undefined || r.user_id === filter.userId) &&
    (filter.resourceType === undefined || r.resource_type === filter.resourceType) &&
    (filter.from === undefined || r.timestamp >= filter.from) &&
    (filter.to === undefined || r.timestamp < filter.to) &&
    (after === undefined || r.timestamp > after.t || (r.timestamp === after.t && r.id >= after.id)))
  // Records at the cursor's (timestamp, id) sort first among the rest.
  const at = (r: UsageRecord): boolean => after !== undefined && r.timestamp === after.t && r.id === after.id
  const skip = after === undefined ? 0 : Math.min(after.seen, filtered.filter(at).length)
  const matching = filtered.slice(skip)
  const page = matching.slice(0, limit)
  const last = page[page.length - 1]
  if (last === undefined || matching.length <= limit) return { records: page, next: undefined }
  const seen = page.filter(r => r.timestamp === last.timestamp && r.id === last.id).length + (at(last) ? skip : 0)
  return { records: page, next: { t: last.timestamp, id: last.id, seen } }
}
