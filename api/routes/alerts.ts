import { Hono } from 'hono'
import { z } from 'zod'
import { ALERT_METRICS, MAX_CONDITION_LENGTH } from '../../src/alerts/condition.ts'
import { ALERT_CHANNELS, SEVERITIES, type AlertRule, type RuleState } from '../../src/alerts/evaluator.ts'
import { DurationSchema } from '../../src/duration.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { jsonBody, query } from '../validation.ts'
import { firingPayload } from '../../src/events/node-event.ts'

/** A new alert rule; `for` is how long the condition must hold (`30s`; `0s`: at once). */
export const AlertRuleCreateRequest = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." and "-", at most 64'),
  condition: z.string().min(1).max(MAX_CONDITION_LENGTH),
  for: z.union([z.literal(0), DurationSchema]).default(0),
  severity: z.enum(SEVERITIES).default('warning'),
  channels: z.array(z.enum(ALERT_CHANNELS)).min(1).max(ALERT_CHANNELS.length).default(['events', 'log'])
    .transform(c => [...new Set(c)])
}).strict()

const Time = z.iso.datetime()

export const AlertRuleResponse = z.object({
  id: z.string(),
  name: z.string(),
  condition: z.string(),
  for_seconds: z.number(),
  severity: z.enum(SEVERITIES),
  channels: z.array(z.enum(ALERT_CHANNELS)),
  built_in: z.boolean(),
  created_at: Time,
  state: z.enum(['inactive', 'pending', 'firing']),
  /** Since when the condition holds (pending or firing). */
  active_since: Time.nullable()
})

export const AlertRuleListResponse = z.object({
  rules: z.array(AlertRuleResponse),
  /** The figures a condition may name, with what each measures. */
  metrics: z.record(z.string(), z.string()),
  evaluation_interval_seconds: z.number()
})

export const AlertRuleDeleteResponse = z.object({ deleted: AlertRuleResponse })

export const AlertHistoryQuery = z.object({
  rule_id: z.string().min(1).optional(),
  state: z.enum(['firing', 'resolved']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100)
}).strict()

export const AlertFiring = z.object({
  id: z.string(),
  rule_id: z.string(),
  rule_name: z.string(),
  severity: z.enum(SEVERITIES),
  condition: z.string(),
  state: z.enum(['firing', 'resolved']),
  triggered_at: Time,
  resolved_at: Time.nullable(),
  /** The first figure the condition names, as measured when it fired. */
  value: z.number().nullable(),
  values: z.record(z.string(), z.number())
})

export const AlertHistoryResponse = z.object({ firings: z.array(AlertFiring) })

function ruleView (r: AlertRule, state: RuleState): z.infer<typeof AlertRuleResponse> {
  const since = state.phase === 'pending' ? state.since : state.phase === 'firing' ? state.firing.triggeredAt : undefined
  return {
    id: r.id,
    name: r.name,
    condition: r.condition,
    for_seconds: r.forMs / 1000,
    severity: r.severity,
    channels: r.channels,
    built_in: r.builtIn,
    created_at: new Date(r.createdAt).toISOString(),
    state: state.phase,
    active_since: since === undefined ? null : new Date(since).toISOString()
  }
}

/** Alert rules over what the node measures (src/alerts/), and the history of their firings. */
export const alertOperations = operations(
  { id: 'alertRules', method: 'get', path: '/v1/alerts/rules', tag: 'operations', summary: 'The alert rules with their state, the metrics a condition may name, the evaluation interval', responses: { 200: { AlertRuleListResponse } } },
  { id: 'createAlertRule', method: 'post', path: '/v1/alerts/rules', tag: 'operations', summary: 'Add an alert rule (its condition in the rule grammar)', body: { AlertRuleCreateRequest }, responses: { 201: { AlertRuleResponse } }, errors: [409] },
  { id: 'deleteAlertRule', method: 'delete', path: '/v1/alerts/rules/:id', tag: 'operations', summary: 'Remove an alert rule', responses: { 200: { AlertRuleDeleteResponse } } },
  { id: 'alertHistory', method: 'get', path: '/v1/alerts/history', tag: 'operations', summary: 'Alert firings and resolutions, newest first', query: AlertHistoryQuery, responses: { 200: { AlertHistoryResponse } } }
)

export function alertRoutes (intervalMs: number): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.get('/rules', c => {
    const alerts = c.var.mesh.running().alerts
    return c.json({
      rules: alerts.list().map(r => ruleView(r, alerts.state(r.id))),
      metrics: ALERT_METRICS,
      evaluation_interval_seconds: intervalMs / 1000
    } satisfies z.infer<typeof AlertRuleListResponse>)
  })

  app.post('/rules', async c => {
    const body = jsonBody(c, AlertRuleCreateRequest)
    const alerts = c.var.mesh.running().alerts
    const rule = await alerts.add({ name: body.name, condition: body.condition, forMs: body.for, severity: body.severity, channels: body.channels })
    return c.json(ruleView(rule, alerts.state(rule.id)), 201)
  })

  app.delete('/rules/:id', async c => {
    const alerts = c.var.mesh.running().alerts
    const rule = await alerts.remove(c.req.param('id'))
    return c.json({ deleted: ruleView(rule, { phase: 'inactive' }) } satisfies z.infer<typeof AlertRuleDeleteResponse>)
  })

  app.get('/history', c => {
    const q = query(c, AlertHistoryQuery)
    const firings = c.var.mesh.running().alerts.history({ ruleId: q.rule_id, state: q.state, limit: q.limit })
    return c.json({ firings: firings.map(firingPayload) })
  })
  return app
}
