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
 * ledger's (timestamp, id) order, which the cursor follows; they are read only up to the
 * record after the page, so that a page costs what it reads, not the size of the ledger.
 */
export function usagePage (records: Iterable<UsageRecord>, filter: UsageFilter, limit: number, after?: UsageCursor): UsagePage {
  // Records at the cursor's (timestamp, id) sort first among the rest: `seen` of them were listed.
  const at = (r: UsageRecord): boolean => after !== undefined && r.timestamp === after.t && r.id === after.id
  let skipped = 0
  const taken: UsageRecord[] = []
  for (const r of records) {
    if ((filter.userId !== undefined && r.user_id !== filter.userId) ||
      (filter.resourceType !== undefined && r.resource_type !== filter.resourceType) ||
      (filter.from !== undefined && r.timestamp < filter.from) ||
      (filter.to !== undefined && r.timestamp >= filter.to) ||
      (after !== undefined && (r.timestamp < after.t || (r.timestamp === after.t && r.id < after.id)))) continue
    if (after !== undefined && skipped < after.seen && at(r)) {
      skipped++
      continue
    }
    taken.push(r)
    if (taken.length > limit) break
  }
  const page = taken.slice(0, limit)
  const last = page[page.length - 1]
  if (last === undefined || taken.length <= limit) return { records: page, next: undefined }
  const seen = page.filter(r => r.timestamp === last.timestamp && r.id === last.id).length + (at(last) ? skipped : 0)
  return { records: page, next: { t: last.timestamp, id: last.id, seen } }
}
