import { Hono } from 'hono'
import { z } from 'zod'
import { sum } from '../../src/billing/ledger.ts'
import { invoiceFor, periodOf } from '../../src/billing/pricing.ts'
import { UsageRecordSchema, type UsageRecord } from '../../src/billing/usage-record.ts'
import { MeshError } from '../../src/errors.ts'
import type { ApiEnv } from '../context.ts'
import { jsonValue, query, validate } from '../validation.ts'
import { round } from '../views.ts'
import { parseJson } from '../../src/codec/json-depth.ts'

const MAX_BATCH = 1000
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
    const records: UsageRecord[] = inputs.map((r, i) => {
      const timestamp = r.timestamp ?? now
      const field = batch ? `records.${i}.timestamp` : 'timestamp'
      if (timestamp > now + skew) throw new MeshError('VALIDATION_ERROR', `${field} is more than ${skew} ms in the future`, { field, reason: 'future' })
      if (timestamp < now - MAX_AGE_MS) throw new MeshError('VALIDATION_ERROR', `${field} is more than 31 days old`, { field, reason: 'too old' })
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
    const matching = c.var.mesh.billing.ledger.records().filter(r =>
      (q.user_id === undefined || r.user_id === q.user_id) &&
      (q.resource_type === undefined || r.resource_type === q.resource_type) &&
      (q.from === undefined || r.timestamp >= q.from) &&
      (q.to === undefined || r.timestamp < q.to) &&
      (after === undefined || r.timestamp > after.t || (r.timestamp === after.t && r.id > after.id)))
    const page = matching.slice(0, q.limit)
    const last = page[page.length - 1]
    return c.json({
      records: page.map(r => ({ ...r, timestamp: new Date(r.timestamp).toISOString() })),
      next_cursor: matching.length > q.limit && last !== undefined ? encodeCursor(last.timestamp, last.id) : null
    })
  })

  app.get('/overview', c => {
    const mesh = c.var.mesh
    const ledger = mesh.billing.ledger
    const records = ledger.records()
    const byResource = sum([...records].sort((a, b) => (a.id < b.id ? -1 : 1)))
    // Revenue is the sum of every invoice: one per user and month that has records, each priced
    // from that user's records of that month only.
    const groups = new Map<string, { user: string, period: string, records: UsageRecord[] }>()
    for (const r of records) {
      const period = periodOf(r.timestamp)
      const key = `${r.user_id}\n${period}`
      const group = groups.get(key) ?? { user: r.user_id, period, records: [] }
      group.records.push(r)
      groups.set(key, group)
    }
    const params = mesh.params()
    let revenue = 0
    for (const g of [...groups.keys()].sort().map(k => groups.get(k))) {
      if (g !== undefined) revenue += invoiceFor(g.user, g.period, g.records, params).total
    }
    const authors = mesh.billing.authors()
    return c.json({
      records: records.length,
      users: ledger.users().length,
      totals_by_resource: byResource.map(t => ({ resource_type: t.resourceType, amount: round(t.amount, 6), unit: t.unit, records: t.records })),
      revenue: { currency: mesh.params().currency, total: round(revenue, 6) },
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
    const period = q.period ?? periodOf(mesh.now())
    return c.json({ invoice: invoiceFor(q.user_id, period, mesh.billing.ledger.records(), mesh.params()) })
  })

  app.get('/log', c => {
    const billing = c.var.mesh.billing
    return c.json({
      authors: billing.authors().map(a => ({
        author: a.author,
        held_seq: a.held?.seq ?? 0,
        held_hash: a.held?.hash ?? null,
        announced_seq: a.announced,
        lag: a.announced - (a.held?.seq ?? 0),
        forks: a.forks.map(f => ({ seq: f.seq, hashes: f.hashes, detected_at: new Date(f.detectedAt).toISOString() }))
      })),
      forks: billing.forks().length,
      corrupt: billing.corruptions()
    })
  })
  return app
}

function encodeCursor (t: number, id: string): string {
  return Buffer.from(JSON.stringify([t, id])).toString('base64url')
}

const CursorSchema = z.tuple([z.number(), z.string()])

function decodeCursor (cursor: string): { t: number, id: string } {
  let value: unknown
  try {
    value = parseJson(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    value = undefined
  }
  const parsed = CursorSchema.safeParse(value)
  if (!parsed.success) throw new MeshError('VALIDATION_ERROR', 'invalid cursor', { field: 'cursor', reason: 'not a cursor of this API' })
  return { t: parsed.data[0], id: parsed.data[1] }
}
