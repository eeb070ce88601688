import { Hono } from 'hono'
import { z } from 'zod'
import { DAY_MS, GRANULARITIES, WEEK_MS, seriesWindow, usageSeries } from '../../src/billing/analytics.ts'
import { periodEnd, periodOf, periodStart, priceOf } from '../../src/billing/pricing.ts'
import { HOUR_MS } from '../../src/billing/usage-index.ts'
import type { PeriodFigures } from '../../src/billing/analytics.ts'
import { MeshError } from '../../src/errors.ts'
import { toNumber } from '../../src/network/amount.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { query } from '../validation.ts'
import { isoTime } from '../views.ts'
import { Period } from './billing.ts'

const SPAN_MS = { h: HOUR_MS, d: DAY_MS, w: WEEK_MS } as const
const MAX_SPAN_MS = 366 * DAY_MS

const spanMs = (s: string): number => Number(s.slice(0, -1)) * SPAN_MS[s.slice(-1) as keyof typeof SPAN_MS]

/** A span back from now: `24h`, `7d`, `12w`; at most 366 days. */
const Span = z.string().regex(/^[1-9]\d{0,3}[hdw]$/, 'a span such as 24h, 7d or 12w')
  .refine(s => spanMs(s) <= MAX_SPAN_MS, { message: 'at most 366 days' })

/** `GET /v1/analytics/usage`: a resource's usage per bucket over a span back from now, everyone's or one tenant's. */
export const AnalyticsUsageQuery = z.object({
  metric: z.string().min(1).max(64).default('request'),
  unit: z.string().min(1).max(32).optional(),
  period: Span.default('7d'),
  granularity: z.enum(GRANULARITIES).default('day'),
  tenant: z.string().min(1).max(128).optional()
}).strict()

const Iso = z.string()

export const AnalyticsUsageResponse = z.object({
  metric: z.string(),
  unit: z.string(),
  tenant: z.string().nullable(),
  period: z.string(),
  granularity: z.enum(GRANULARITIES),
  from: Iso,
  to: Iso,
  data: z.array(z.object({ timestamp: Iso, value: z.number(), records: z.number().int() })),
  total: z.object({ value: z.number(), records: z.number().int() })
})

/** `GET /v1/analytics/business`: a month's figures against the month before, with `months` of history up to it. */
export const AnalyticsBusinessQuery = z.object({
  period: Period.optional(),
  months: z.coerce.number().int().min(2).max(36).default(6)
}).strict()

const Covered = z.object({ period: Period, from: Iso, to: Iso })

export const AnalyticsBusinessResponse = z.object({
  period: Covered,
  previous_period: Covered,
  currency: z.string(),
  revenue: z.object({ invoiced: z.number(), collected: z.number(), previous_invoiced: z.number(), growth: z.number().nullable() }),
  tenants: z.object({ active: z.number().int(), previous_active: z.number().int(), growth: z.number().nullable() }),
  churn: z.object({ cancelled: z.number().int(), active_at_start: z.number().int(), rate: z.number().nullable() }),
  history: z.array(Covered.extend({ invoiced: z.number(), collected: z.number(), active_tenants: z.number().int() }))
})

const covered = (period: string): z.infer<typeof Covered> => ({
  period, from: isoTime(periodStart(period)), to: isoTime(periodEnd(period))
})

const figuresView = (f: PeriodFigures): z.infer<typeof AnalyticsBusinessResponse>['history'][number] => ({
  ...covered(f.period), invoiced: toNumber(f.invoiced), collected: toNumber(f.collected), active_tenants: f.activeTenants
})

/**
 * Usage and business analytics, computed from the replicated ledger, subscriptions and
 * payments (through the ledger's hour index and the invoices), so that two nodes holding the
 * same state answer with the same bytes.
 */
export const analyticsOperations = operations(
  { id: 'analyticsUsage', method: 'get', path: '/v1/analytics/usage', tag: 'billing', summary: 'Usage of one resource over time, per bucket, for one tenant or everyone', query: AnalyticsUsageQuery, responses: { 200: { AnalyticsUsageResponse } } },
  { id: 'analyticsBusiness', method: 'get', path: '/v1/analytics/business', tag: 'billing', summary: 'Revenue, tenants and tiers over the months covered', query: AnalyticsBusinessQuery, responses: { 200: { AnalyticsBusinessResponse } } }
)

export function analyticsRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.get('/usage', c => {
    const q = query(c, AnalyticsUsageQuery)
    const mesh = c.var.mesh
    const now = mesh.clock.now()
    const listed = priceOf(mesh.params().price_list, q.metric)
    const unit = q.unit ?? listed?.unit
    if (unit === undefined) {
      throw new MeshError('VALIDATION_ERROR', `metric "${q.metric}" is not in the price list: name its unit`, { field: 'unit', reason: 'required for a metric the price list does not price' })
    }
    const window = seriesWindow(now, spanMs(q.period), q.granularity)
    const points = usageSeries(mesh.running().billing.ledger.index, { resourceType: q.metric, unit, tenant: q.tenant, from: window.from, to: window.to, granularity: q.granularity })
    const body: z.infer<typeof AnalyticsUsageResponse> = {
      metric: q.metric,
      unit,
      tenant: q.tenant ?? null,
      period: q.period,
      granularity: q.granularity,
      from: isoTime(window.from),
      to: isoTime(window.to),
      data: points.map(p => ({ timestamp: isoTime(p.start), value: toNumber(p.value), records: p.records })),
      total: { value: toNumber(points.reduce((a, p) => a + p.value, 0n)), records: points.reduce((n, p) => n + p.records, 0) }
    }
    return c.json(body)
  })

  app.get('/business', c => {
    const q = query(c, AnalyticsBusinessQuery)
    const mesh = c.var.mesh
    const period = q.period ?? periodOf(mesh.clock.now())
    const f = mesh.running().invoicing.business(period, q.months)
    const body: z.infer<typeof AnalyticsBusinessResponse> = {
      period: covered(f.current.period),
      previous_period: covered(f.previous.period),
      currency: f.currency,
      revenue: { invoiced: toNumber(f.current.invoiced), collected: toNumber(f.current.collected), previous_invoiced: toNumber(f.previous.invoiced), growth: f.revenueGrowth },
      tenants: { active: f.current.activeTenants, previous_active: f.previous.activeTenants, growth: f.tenantGrowth },
      churn: { cancelled: f.churn.cancelled, active_at_start: f.churn.activeAtStart, rate: f.churn.rate },
      history: f.history.map(figuresView)
    }
    return c.json(body)
  })
  return app
}
