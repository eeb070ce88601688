import { MeshError } from '../errors.ts'
import { paramsAt, type ParamsPeriod } from '../network/params.ts'
import { priceOf } from './pricing.ts'
import type { UsageRecord } from './usage-record.ts'

/** How far back a record may be dated: late reports are normal, ancient ones are mistakes. */
export const MAX_RECORD_AGE_MS = 31 * 24 * 3600_000

/** A record as a client reports it: id, time and metadata may be left to the node. */
export type ReportedUsage = Omit<UsageRecord, 'id' | 'timestamp' | 'metadata'> & Partial<Pick<UsageRecord, 'id' | 'timestamp' | 'metadata'>>

export interface AdmissionContext {
  now: number
  maxClockSkewMs: number
  /** The price lists in force, known up to `now + maxClockSkewMs`. */
  periods: readonly ParamsPeriod[]
  /** The timestamp of the record already held under an id, if any. */
  heldTimestamp: (id: string) => number | undefined
  newId: () => string
  /** The name of field `name` of the `index`-th record, for errors. */
  field: (index: number, name: string) => string
}

/**
 * The usage records to append for what a client reported, or a VALIDATION_ERROR naming the
 * first bad field: a time too far in the future or the past, a resource the price list in
 * force at the record's time does not price, or a unit it is not priced in.
 */
export function admitUsage (reported: readonly ReportedUsage[], ctx: AdmissionContext): UsageRecord[] {
  const { now, maxClockSkewMs: skew } = ctx
  return reported.map((r, i) => {
    // A retry without a timestamp is the record already held under its id, not a new one.
    const timestamp = r.timestamp ?? (r.id === undefined ? undefined : ctx.heldTimestamp(r.id)) ?? now
    const field = ctx.field(i, 'timestamp')
    if (timestamp > now + skew) throw new MeshError('VALIDATION_ERROR', `${field} is more than ${skew} ms in the future`, { field, reason: 'future' })
    if (timestamp < now - MAX_RECORD_AGE_MS) throw new MeshError('VALIDATION_ERROR', `${field} is more than 31 days old`, { field, reason: 'too old' })
    // Only what the price list in force at the record's time prices is accepted: nothing is invoiced at no price.
    const listed = priceOf(paramsAt(ctx.periods, timestamp).price_list, r.resource_type)
    if (listed === undefined) {
      const f = ctx.field(i, 'resource_type')
      throw new MeshError('VALIDATION_ERROR', `${f} "${r.resource_type}" is not in the price list`, { field: f, reason: 'unknown resource type' })
    }
    if (listed.unit !== r.unit) {
      const f = ctx.field(i, 'unit')
      throw new MeshError('VALIDATION_ERROR', `${f} "${r.unit}": ${r.resource_type} is priced in ${listed.unit}`, { field: f, reason: `expected ${listed.unit}` })
    }
    return { ...r, id: r.id ?? ctx.newId(), timestamp, metadata: r.metadata ?? {} }
  })
}
