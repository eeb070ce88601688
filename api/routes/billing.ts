import { Hono } from 'hono'
import { z } from 'zod'
import { toNumber } from '../../src/network/amount.ts'
import type { OwnHeadReport } from '../../src/billing/billing-service.ts'
import { recordDigest, sum } from '../../src/billing/ledger.ts'
import { invoiceFor, periodOf, priceOf, revenueOf } from '../../src/billing/pricing.ts'
import { UsageRecordSchema, type UsageRecord } from '../../src/billing/usage-record.ts'
import { MeshError } from '../../src/errors.ts'
import { paramsAt } from '../../src/network/params.ts'
import type { ApiEnv } from '../context.ts'
import { jsonValue, query, validate } from '../validation.ts'
import { parseJson } from '../../src/codec/json-depth.ts'

const MAX_BATCH = 1000
/** Conflicting keys and uncounted records listed in the log view; the counts are complete. */
const MAX_LISTED = 100
/** How far back a record may be dated: late reports are normal, ancient ones are mistakes. */
const MAX_AGE_MS = 31 * 24 * 3600_000

const Timestamp = z.union([z.number().int().min(0), z.iso.datetime({ offset: true }).transform(s => Date.parse(s))])

const RecordInput = z.object({
  id: UsageRecordSchema.shape.id.optional(),
  user_id: UsageRecordSchema.shape.user_id,
  resource_type: UsageRecordSchema.shape.resource_type,
  amount: UsageRecordSchema.shape.amount,
  unit: UsageRecordSchema.shape.unit,
  timestamp: Timestamp.optional(),
  metadata: UsageRecordSchema.shape.metadata.optional()
}).strict()

const BatchInput = z.object({ records: z.array(RecordInput).min(1).max(MAX_BATCH) }).strict()

/** In a query string: milliseconds since the epoch, or an ISO 8601 time. */
const QueryTimestamp = z.string().transform((s, ctx) => {
  const t = /^\d+$/.test(s) ? Number(s) : z.iso.datetime({ offset: true }).safeParse(s).success ? Date.parse(s) : Number.NaN
  if (Number.isNaN(t)) {
    ctx.addIssue({ code: 'custom', message: 'milliseconds since the epoch or an ISO 8601 time' })
    return z.NEVER
  }
  return t
})

const UsageQuery = z.object({
  user_id: z.string().min(1).optional(),
  resource_type: z.string().min(1).optional(),
  from: QueryTimestamp.optional(),
  to: QueryTimestamp.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(512).optional()
}).strict()

const InvoiceQuery = z.object({
  user_id: z.string().min(1),
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month, YYYY-MM').optional()
}).strict()

export function billingRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.post('/usage', async c => {
    // One record, or {records: [...]}: the shape picks the schema, so that errors name the field.
    const value = await jsonValue(c)
    const batch = typeof value === 'object' && value !== null && 'records' in value
    const inputs = batch ? validate(value, BatchInput, 'body').records : [validate(value, RecordInput, 'body')]
    const mesh = c.var.mesh
    const now = mesh.now()
    const skew = mesh.params().max_clock_skew_ms
    const periods = mesh.governance.state.paramsPeriods(now + skew)
    const records: UsageRecord[] = inputs.map((r, i) => {
      const path = (name: string): string => (batch ? `records.${i}.${name}` : name)
      // A retry without a timestamp is the record already held under its id, not a new one.
      const timestamp = r.timestamp ?? (r.id === undefined ? undefined : mesh.billing.ledger.copies(r.id)[0]?.record.timestamp) ?? now
      const field = path('timestamp')
      if (timestamp > now + skew) throw new MeshError('VALIDATION_ERROR', `${field} is more than ${skew} ms in the future`, { field, reason: 'future' })
      if (timestamp < now - MAX_AGE_MS) throw new MeshError('VALIDATION_ERROR', `${field} is more than 31 days old`, { field, reason: 'too old' })
      // Only what the price list in force at the record's time prices is accepted: nothing is invoiced at no price.
      const listed = priceOf(paramsAt(periods, timestamp).price_list, r.resource_type)
      if (listed === undefined) {
        const f = path('resource_type')
        throw new MeshError('VALIDATION_ERROR', `${f} "${r.resource_type}" is not in the price list`, { field: f, reason: 'unknown resource type' })
      }
      if (listed.unit !== r.unit) {
        const f = path('unit')
        throw new MeshError('VALIDATION_ERROR', `${f} "${r.unit}": ${r.resource_type} is priced in ${listed.unit}`, { field: f, reason: `expected ${listed.unit}` })
      }
      return { ...r, id: r.id ?? mesh.billing.newRecordId(), timestamp, metadata: r.metadata ?? {} }
    })
    const appended = await mesh.billing.append(records)
    return c.json({
      records: appended.map(a => ({ id: a.id, author: a.position.author, seq: a.position.seq, duplicate: a.duplicate }))
    }, 201)
  })

  app.get('/usage', c => {
    const q = query(c, UsageQuery)
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor)
    const filtered = c.var.mesh.billing.ledger.records().filter(r =>
      (q.user_id === undefined || r.user_id === q.user_id) &&
      (q.resource_type === undefined || r.resource_type === q.resource_type) &&
      (q.from === undefined || r.timestamp >= q.from) &&
      (q.to === undefined || r.timestamp < q.to) &&
      (after === undefined || r.timestamp > after.t || (r.timestamp === after.t && r.id >= after.id)))
    // Conflicting copies share (timestamp, id): the cursor also counts those already listed.
    // Records at the cursor's (timestamp, id) sort first among the rest.
    const at = (r: UsageRecord): boolean => after !== undefined && r.timestamp === after.t && r.id === after.id
    const skip = after === undefined ? 0 : Math.min(after.seen, filtered.filter(at).length)
    const matching = filtered.slice(skip)
    const page = matching.slice(0, q.limit)
    const last = page[page.length - 1]
    const seen = last === undefined ? 0 : page.filter(r => r.timestamp === last.timestamp && r.id === last.id).length + (at(last) ? skip : 0)
    return c.json({
      records: page.map(r => ({ ...r, timestamp: new Date(r.timestamp).toISOString() })),
      next_cursor: matching.length > q.limit && last !== undefined ? encodeCursor(last.timestamp, last.id, seen) : null
    })
  })

  app.get('/overview', c => {
    const mesh = c.var.mesh
    const ledger = mesh.billing.ledger
    const records = ledger.records()
    const periods = mesh.governance.state.paramsPeriods(mesh.now() + mesh.params().max_clock_skew_ms)
    // Revenue is the sum of every invoice: one per user and month that has records, each record
    // priced with the price list in force at its timestamp.
    const revenue = revenueOf(records, periods)
    const authors = mesh.billing.authors()
    return c.json({
      records: records.length,
      users: ledger.users().length,
      totals_by_resource: sum(records).map(t => ({ resource_type: t.resourceType, amount: toNumber(t.amount), unit: t.unit, records: t.records })),
      revenue: { currency: mesh.params().currency, total: toNumber(revenue) },
      replication: {
        authors: authors.length,
        lagging_authors: authors.filter(a => (a.held?.seq ?? 0) < a.announced).length,
        max_lag_entries: Math.max(0, ...authors.map(a => a.announced - (a.held?.seq ?? 0))),
        forks: mesh.billing.forks().length
      }
    })
  })

  app.get('/invoices', c => {
    const q = query(c, InvoiceQuery)
    const mesh = c.var.mesh
    const now = mesh.now()
    const period = q.period ?? periodOf(now)
    const periods = mesh.governance.state.paramsPeriods(now + mesh.params().max_clock_skew_ms)
    return c.json({ invoice: invoiceFor(q.user_id, period, mesh.billing.ledger.records(), periods) })
  })

  app.get('/log', c => {
    const billing = c.var.mesh.billing
    const ledger = billing.ledger
    return c.json({
      authors: billing.authors().map(a => ({
        author: a.author,
        held_seq: a.held?.seq ?? 0,
        held_hash: a.held?.hash ?? null,
        // Entries below the head not held (a lost tail of this node's own log, which it went on past).
        gap: a.gap === undefined ? null : { from_seq: a.gap.from, to_seq: a.gap.to, anchor_hash: a.gap.hash, records: a.gap.records },
        announced_seq: a.announced,
        lag: a.announced - (a.held?.seq ?? 0),
        forks: a.forks.map(f => ({ seq: f.seq, hashes: f.hashes, detected_at: new Date(f.detectedAt).toISOString() }))
      })),
      forks: billing.forks().length,
      corrupt: billing.corruptions(),
      conflicts: ledger.conflictCount,
      // Bounded: a member that signs many conflicting copies cannot make this answer huge.
      conflicting_keys: ledger.conflicts().slice(0, MAX_LISTED).map(k => ({
        id: k.id,
        copies: k.copies.map(c => ({
          digest: recordDigest(c.record),
          user_id: c.record.user_id,
          resource_type: c.record.resource_type,
          amount: c.record.amount,
          unit: c.record.unit,
          timestamp: new Date(c.record.timestamp).toISOString(),
          positions: c.positions
        }))
      })),
      uncounted_records: ledger.uncounted().slice(0, MAX_LISTED).map(u => ({ id: u.id, author: u.at.author, seq: u.at.seq, reason: 'amount not exact' })),
      own_head: ownHeadView(billing.ownHead()),
      database: c.var.mesh.databaseIntegrity(),
      losses: billing.lossReport().map(l => ({
        author: l.author,
        kind: l.kind,
        from_seq: l.fromSeq,
        to_seq: l.toSeq,
        entries: l.toSeq - l.fromSeq + 1,
        records: l.records ?? null,
        detected_at: new Date(l.detectedAt).toISOString(),
        recovered: { to_seq: l.recovered.toSeq, entries: l.recovered.entries, records: l.recovered.records, from: l.recovered.from },
        still_lost_entries: l.toSeq - l.fromSeq + 1 - l.recovered.entries
      }))
    })
  })
  return app
}

function ownHeadView (own: OwnHeadReport): Record<string, unknown> {
  return {
    state: own.state,
    answered_by: own.answered,
    held_seq_at_start: own.heldAtStart,
    head_file: own.remembered === undefined ? null : { seq: own.remembered.seq, hash: own.remembered.hash, records: own.remembered.records },
    head_file_fault: own.fault ?? null,
    finished_at: own.finishedAt === undefined ? null : new Date(own.finishedAt).toISOString()
  }
}

/** After the `seen`-th record with timestamp `t` and id `id`. */
function encodeCursor (t: number, id: string, seen: number): string {
  return Buffer.from(JSON.stringify([t, id, seen])).toString('base64url')
}

const CursorSchema = z.union([z.tuple([z.number(), z.string()]), z.tuple([z.number(), z.string(), z.number().int().min(1)])])

function decodeCursor (cursor: string): { t: number, id: string, seen: number } {
  let value: unknown
  try {
    value = parseJson(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    value = undefined
  }
  const parsed = CursorSchema.safeParse(value)
  if (!parsed.success) throw new MeshError('VALIDATION_ERROR', 'invalid cursor', { field: 'cursor', reason: 'not a cursor of this API' })
  return { t: parsed.data[0], id: parsed.data[1], seen: parsed.data[2] ?? 1 }
}
