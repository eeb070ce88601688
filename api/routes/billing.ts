import { Hono } from 'hono'
import { z } from 'zod'
import { toNumber } from '../../src/network/amount.ts'
import type { OwnHeadReport } from '../../src/billing/billing-service.ts'
import { recordDigest } from '../../src/billing/ledger.ts'
import { INVOICE_STATUSES, type Invoice } from '../../src/billing/invoice.ts'
import type { PaymentRecord } from '../../src/billing/payments.ts'
import { lagOf, replicationSummary } from '../../src/billing/replication-lag.ts'
import { admitUsage } from '../../src/billing/usage-admission.ts'
import { usagePage, type UsageCursor } from '../../src/billing/usage-query.ts'
import { UsageRecordSchema } from '../../src/billing/usage-record.ts'
import { MeshError } from '../../src/errors.ts'
import { InvoiceIdSchema, PaymentIdSchema, PaymentBodySchema } from '../../src/governance/objects.ts'
import { cardNumberField, hasCardNumber } from '../../src/network/card-number.ts'
import { decimal } from '../../src/network/amount.ts'
import type { ParamsPeriod } from '../../src/network/params.ts'
import type { ApiEnv, ApiNode } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { jsonValue, query, validate } from '../validation.ts'
import { Time, isoTime } from '../views.ts'
import { parseJson } from '../../src/codec/json-depth.ts'

const MAX_BATCH = 1000
/** Conflicting keys and uncounted records listed in the log view; the counts are complete. */
const MAX_LISTED = 100

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

/** In a query string: milliseconds since the epoch, an ISO 8601 time, or a date (its UTC midnight). */
export const QueryTimestamp = z.string().transform((s, ctx) => {
  const t = /^\d+$/.test(s)
    ? Number(s)
    : z.iso.datetime({ offset: true }).safeParse(s).success || z.iso.date().safeParse(s).success ? Date.parse(s) : Number.NaN
  if (Number.isNaN(t)) {
    ctx.addIssue({ code: 'custom', message: 'milliseconds since the epoch, an ISO 8601 time or a date' })
    return z.NEVER
  }
  return t
})

export const UsageQuery = z.object({
  user_id: z.string().min(1).optional(),
  resource_type: z.string().min(1).optional(),
  from: QueryTimestamp.optional(),
  to: QueryTimestamp.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(512).optional()
}).strict()

export const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month, YYYY-MM')

/** `GET /v1/billing/invoices`: invoices whose period overlaps [date_from, date_to), by period then tenant. */
export const InvoiceListQuery = z.object({
  tenant: z.string().min(1).max(128).optional(),
  status: z.enum(INVOICE_STATUSES).optional(),
  period: Period.optional(),
  date_from: QueryTimestamp.optional(),
  date_to: QueryTimestamp.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0)
}).strict()

const Iso = z.string()
const Amount = z.number()

export const InvoiceSchema = z.object({
  id: InvoiceIdSchema,
  tenant_id: z.string(),
  period: Period,
  period_start: Iso,
  period_end: Iso,
  status: z.enum(INVOICE_STATUSES),
  currency: z.string(),
  subscription_items: z.array(z.object({
    tier: z.string(),
    from: Iso,
    to: Iso,
    seconds: z.number().int(),
    period_seconds: z.number().int(),
    monthly_price: Amount.nullable(),
    total: Amount,
    included_units: Amount,
    priced: z.boolean()
  })),
  line_items: z.array(z.object({
    resource_type: z.string(),
    quantity: Amount,
    included: Amount,
    unit: z.string(),
    unit_price: Amount.nullable(),
    total: Amount,
    records: z.number().int(),
    priced: z.boolean()
  })),
  subtotal: Amount,
  tax_rate: z.number(),
  tax: Amount,
  total: Amount,
  amount_paid: Amount,
  balance: Amount,
  payments: z.array(z.object({ payment_id: z.string(), amount: Amount, method: z.string(), reference: z.string(), recorded_at: Iso, recorded_by: z.string() })),
  records: z.number().int(),
  unpriced_records: z.number().int(),
  issued_at: Iso.nullable(),
  due_at: Iso,
  paid_at: Iso.nullable()
})

export const InvoiceListResponse = z.object({ invoices: z.array(InvoiceSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
export const InvoiceResponse = z.object({ invoice: InvoiceSchema })

/**
 * `POST /v1/billing/payments`: the operator attests a payment received elsewhere. `payment_id`
 * is the idempotency key (the node picks one when it is left out).
 */
export const PaymentCreateRequest = z.object({
  payment_id: PaymentIdSchema.optional(),
  invoice_id: InvoiceIdSchema,
  amount: PaymentBodySchema.shape.amount,
  payment_method: z.object({
    type: PaymentBodySchema.shape.method,
    reference: PaymentBodySchema.shape.reference
  }).strict()
}).strict()

export const PaymentSchema = z.object({
  payment_id: z.string(),
  invoice_id: InvoiceIdSchema,
  amount: Amount,
  payment_method: z.object({ type: z.string(), reference: z.string() }),
  recorded_at: Iso,
  recorded_by: z.string(),
  record_id: z.string()
})

export const PaymentResponse = z.object({ payment: PaymentSchema, duplicate: z.boolean(), invoice: InvoiceSchema })

export const PaymentListQuery = z.object({ invoice_id: InvoiceIdSchema.optional() }).strict()
export const PaymentListResponse = z.object({
  payments: z.array(PaymentSchema),
  conflicts: z.array(z.object({ payment_id: z.string(), counted: z.string(), ignored: z.array(z.string()) }))
})

/** One record, or a batch: the route picks the schema by the shape, so that errors name the field. */
export const UsageAppendRequest = z.union([RecordInput, BatchInput])

export const UsageAppendResponse = z.object({
  records: z.array(z.object({ id: z.string(), author: z.string(), seq: z.number().int(), duplicate: z.boolean() }))
})
export const UsageResponse = z.object({
  records: z.array(UsageRecordSchema.extend({ timestamp: Time })),
  next_cursor: z.string().nullable()
})
export const BillingOverviewResponse = z.object({
  records: z.number().int(),
  users: z.number().int(),
  totals_by_resource: z.array(z.object({ resource_type: z.string(), amount: z.number(), unit: z.string(), records: z.number().int() })),
  revenue: z.object({ currency: z.string(), total: z.number() }),
  replication: z.object({ authors: z.number().int(), lagging_authors: z.number().int(), max_lag_entries: z.number().int(), forks: z.number().int() })
})
const Seq = z.number().int()
export const BillingLogResponse = z.object({
  authors: z.array(z.object({
    author: z.string(),
    held_seq: Seq,
    held_hash: z.string().nullable(),
    gap: z.object({ from_seq: Seq, to_seq: Seq, anchor_hash: z.string(), records: z.number().int() }).nullable(),
    announced_seq: Seq,
    lag: z.number().int(),
    forks: z.array(z.object({ seq: Seq, hashes: z.array(z.string()), detected_at: Time }))
  })),
  forks: z.number().int(),
  corrupt: z.array(z.object({ author: z.string(), seq: Seq, fault: z.string() })),
  conflicts: z.number().int(),
  conflicting_keys: z.array(z.object({
    id: z.string(),
    copies: z.array(z.object({
      digest: z.string(),
      user_id: z.string(),
      resource_type: z.string(),
      amount: z.number(),
      unit: z.string(),
      timestamp: Time,
      positions: z.array(z.object({ author: z.string(), seq: Seq }))
    }))
  })),
  uncounted_records: z.array(z.object({ id: z.string(), author: z.string(), seq: Seq, reason: z.string() })),
  own_head: z.object({
    state: z.enum(['confirming', 'confirmed', 'alone']),
    answered_by: z.array(z.string()),
    held_seq_at_start: Seq,
    head_file: z.object({ seq: Seq, hash: z.string(), records: z.number().int() }).nullable(),
    head_file_fault: z.string().nullable(),
    finished_at: Time.nullable()
  }),
  database: z.object({
    dropped_at_open: z.array(z.object({ file: z.string(), bytes: z.number().int(), reason: z.string() })),
    repaired: z.object({ reason: z.string(), notes: z.array(z.string()) }).nullable()
  }),
  losses: z.array(z.object({
    author: z.string(),
    kind: z.string(),
    from_seq: Seq,
    to_seq: Seq,
    entries: z.number().int(),
    records: z.number().int().nullable(),
    detected_at: Time,
    recovered: z.object({ to_seq: Seq, entries: z.number().int(), records: z.number().int(), from: z.array(z.string()) }),
    still_lost_entries: z.number().int()
  }))
})

export const billingOperations = operations(
  {
    id: 'appendUsage',
    method: 'post',
    path: '/v1/billing/usage',
    tag: 'billing',
    summary: 'Record usage: one record or a batch, durable before 201; a retried id counts once',
    body: { UsageAppendRequest },
    responses: { 201: { UsageAppendResponse } },
    errors: [409]
  },
  { id: 'usage', method: 'get', path: '/v1/billing/usage', tag: 'billing', summary: 'Usage records of the whole mesh, filtered, paged by cursor', query: UsageQuery, responses: { 200: { UsageResponse } } },
  { id: 'billingOverview', method: 'get', path: '/v1/billing/overview', tag: 'billing', summary: 'Records, users, totals by resource, revenue and replication', responses: { 200: { BillingOverviewResponse } } },
  { id: 'invoices', method: 'get', path: '/v1/billing/invoices', tag: 'billing', summary: 'Invoices whose period overlaps the dates, by period then tenant', query: InvoiceListQuery, responses: { 200: { InvoiceListResponse } } },
  { id: 'invoice', method: 'get', path: '/v1/billing/invoices/:id', tag: 'billing', summary: 'One invoice', responses: { 200: { InvoiceResponse } }, errors: [422] },
  { id: 'recordPayment', method: 'post', path: '/v1/billing/payments', tag: 'billing', summary: 'Record a payment received elsewhere (no card data); a known payment_id answers 200', body: { PaymentCreateRequest }, responses: { 200: { PaymentResponse }, 201: { PaymentResponse } }, errors: [404, 409] },
  { id: 'payments', method: 'get', path: '/v1/billing/payments', tag: 'billing', summary: 'Payments recorded, and conflicting payment ids', query: PaymentListQuery, responses: { 200: { PaymentListResponse } } },
  { id: 'billingLog', method: 'get', path: '/v1/billing/log', tag: 'billing', summary: 'The replicated log: per author held and announced heads, forks, conflicts, losses', responses: { 200: { BillingLogResponse } } }
)

function paymentView (p: PaymentRecord): z.infer<typeof PaymentSchema> {
  return {
    payment_id: p.paymentId,
    invoice_id: p.invoiceId,
    amount: p.amount,
    payment_method: { type: p.method, reference: p.reference },
    recorded_at: isoTime(p.time),
    recorded_by: p.author,
    record_id: p.objectId
  }
}

function withoutInvoiceId (value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  const { invoice_id: id, ...rest } = value as Record<string, unknown>
  return InvoiceIdSchema.safeParse(id).success ? rest : value
}

export function billingRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.post('/usage', async c => {
    // One record, or {records: [...]}: the shape picks the schema, so that errors name the field.
    const value = jsonValue(c)
    const batch = typeof value === 'object' && value !== null && 'records' in value
    const inputs = batch ? validate(value, BatchInput, 'body').records : [validate(value, RecordInput, 'body')]
    const mesh = c.var.mesh
    const now = mesh.clock.now()
    const records = admitUsage(inputs, {
      now,
      maxClockSkewMs: mesh.params().max_clock_skew_ms,
      periods: knownPeriods(mesh, now),
      heldTimestamp: id => mesh.running().billing.ledger.copies(id)[0]?.record.timestamp,
      newId: () => mesh.running().billing.newRecordId(),
      field: (i, name) => (batch ? `records.${i}.${name}` : name)
    })
    const appended = await mesh.running().billing.append(records)
    return c.json({
      records: appended.map(a => ({ id: a.id, author: a.position.author, seq: a.position.seq, duplicate: a.duplicate }))
    }, 201)
  })

  app.get('/usage', c => {
    const q = query(c, UsageQuery)
    const filter = { userId: q.user_id, resourceType: q.resource_type, from: q.from, to: q.to }
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor)
    const from = Math.max(q.from ?? -Infinity, after?.t ?? -Infinity)
    const page = usagePage(c.var.mesh.running().billing.ledger.ordered(from, q.to, q.user_id), filter, q.limit, after)
    return c.json({
      records: page.records.map(r => ({ ...r, timestamp: new Date(r.timestamp).toISOString() })),
      next_cursor: page.next === undefined ? null : encodeCursor(page.next)
    })
  })

  app.get('/overview', c => {
    const mesh = c.var.mesh
    const ledger = mesh.running().billing.ledger
    // Revenue is the sum of every invoice: one per tenant and month with usage or a subscription,
    // each record priced with the price list in force at its timestamp.
    const invoices = mesh.running().invoicing.list({})
    const revenue = invoices.reduce((a, inv) => a + decimal(inv.total), 0n)
    const replication = replicationSummary(mesh.running().billing.authors())
    return c.json({
      records: ledger.size,
      users: ledger.users().length,
      totals_by_resource: ledger.index.totals().map(t => ({ resource_type: t.resourceType, amount: toNumber(t.quantity), unit: t.unit, records: t.records })),
      revenue: { currency: mesh.params().currency, total: toNumber(revenue) },
      replication: {
        authors: replication.authors,
        lagging_authors: replication.laggingAuthors,
        max_lag_entries: replication.maxLagEntries,
        forks: mesh.running().billing.forks().length
      }
    })
  })

  app.get('/invoices', c => {
    const q = query(c, InvoiceListQuery)
    const all: Invoice[] = c.var.mesh.running().invoicing.list({ tenant: q.tenant, status: q.status, period: q.period, dateFrom: q.date_from, dateTo: q.date_to })
    const body: z.infer<typeof InvoiceListResponse> = { invoices: all.slice(q.offset, q.offset + q.limit), total: all.length, limit: q.limit, offset: q.offset }
    return c.json(body)
  })

  app.get('/invoices/:id', c => {
    const id = validate(c.req.param('id'), InvoiceIdSchema, 'path')
    const invoice = c.var.mesh.running().invoicing.find(id)
    if (invoice === undefined) throw new MeshError('NOT_FOUND', `invoice ${id} not found`)
    const body: z.infer<typeof InvoiceResponse> = { invoice }
    return c.json(body)
  })

  app.post('/payments', async c => {
    const value = jsonValue(c)
    // No card data is taken, in any field, whatever else is wrong with the body; a well-formed
    // invoice id is a hash (hex digits may line up into a Luhn-valid run), not typed data.
    const card = cardNumberField(withoutInvoiceId(value))
    const invoicing = c.var.mesh.running().invoicing
    if (card !== undefined) {
      const fields = typeof value === 'object' && value !== null ? value as Record<string, unknown> : {}
      const err = new MeshError('VALIDATION_ERROR', `field "${card}" looks like a card number: meshnode takes no card data; record the payment processor's reference instead`,
        { field: card, reason: 'card number' })
      // The event names the payment and invoice only where they hold no card number themselves.
      const named = (k: string): string | undefined => (typeof fields[k] === 'string' && !hasCardNumber(fields[k]) ? fields[k] : undefined)
      invoicing.refused(named('payment_id'), named('invoice_id'), err)
      throw err
    }
    const input = validate(value, PaymentCreateRequest, 'body')
    const recorded = await invoicing.recordPayment({
      paymentId: input.payment_id, invoiceId: input.invoice_id, amount: input.amount, method: input.payment_method.type, reference: input.payment_method.reference
    })
    const body: z.infer<typeof PaymentResponse> = { payment: paymentView(recorded.payment), duplicate: recorded.duplicate, invoice: recorded.invoice }
    return c.json(body, recorded.duplicate ? 200 : 201)
  })

  app.get('/payments', c => {
    const q = query(c, PaymentListQuery)
    const book = c.var.mesh.running().invoicing.payments()
    const payments = [...book.byId.values()].filter(p => q.invoice_id === undefined || p.invoiceId === q.invoice_id)
      .sort((a, b) => a.time - b.time || (a.paymentId < b.paymentId ? -1 : 1))
    const body: z.infer<typeof PaymentListResponse> = {
      payments: payments.map(paymentView),
      conflicts: book.conflicts.map(k => ({ payment_id: k.paymentId, counted: k.counted, ignored: k.ignored }))
    }
    return c.json(body)
  })

  app.get('/log', c => {
    const billing = c.var.mesh.running().billing
    const ledger = billing.ledger
    return c.json({
      authors: billing.authors().map(a => ({
        author: a.author,
        held_seq: a.held?.seq ?? 0,
        held_hash: a.held?.hash ?? null,
        // Entries below the head not held (a lost tail of this node's own log, which it went on past).
        gap: a.gap === undefined ? null : { from_seq: a.gap.from, to_seq: a.gap.to, anchor_hash: a.gap.hash, records: a.gap.records },
        announced_seq: a.announced,
        lag: lagOf(a),
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
      database: c.var.mesh.storage.integrity(),
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

/** The price lists in force, known up to the clock skew a record may be dated ahead. */
function knownPeriods (mesh: ApiNode, now = mesh.clock.now()): readonly ParamsPeriod[] {
  return mesh.running().governance.state.paramsPeriods(now + mesh.params().max_clock_skew_ms)
}

function encodeCursor (cursor: UsageCursor): string {
  return Buffer.from(JSON.stringify([cursor.t, cursor.id, cursor.seen])).toString('base64url')
}

const CursorSchema = z.union([z.tuple([z.number(), z.string()]), z.tuple([z.number(), z.string(), z.number().int().min(1)])])

function decodeCursor (cursor: string): UsageCursor {
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
