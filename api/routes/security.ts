import { Hono } from 'hono'
import { z } from 'zod'
import { KEY_REFUSALS, type KeyRefusal } from '../../src/platform/platform.ts'
import { RATE_LIMIT_REFUSALS, type RateLimitRefusal } from '../../src/platform/rate-limiter.ts'
import { AUDIT_ACTIONS, type AuditEntry } from '../../src/security/audit-log.ts'
import type { AuthThrottlePolicy } from '../../src/security/auth-throttle.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { query } from '../validation.ts'

const Time = z.iso.datetime()

export const SecurityAuditQuery = z.object({
  actor: z.string().min(1).max(128).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  date_from: Time.optional(),
  date_to: Time.optional(),
  cursor: z.string().regex(/^[0-9.]{1,64}$/, 'a next_cursor of a previous page').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100)
}).strict()

export const AuditEntryView = z.object({
  id: z.string(),
  time: Time,
  actor: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  source_address: z.string(),
  request_id: z.string()
})

export const SecurityAuditResponse = z.object({
  entries: z.array(AuditEntryView),
  /** Pass as `cursor` for the next, older page; null on the last one. */
  next_cursor: z.string().nullable(),
  retention_days: z.number()
})

const Count = z.number().int().min(0)

export const SecurityStatusResponse = z.object({
  authentication: z.object({
    failed: z.object({ last_1m: Count, last_15m: Count, last_1h: Count, total: Count }),
    /** Requests answered 429 because their address was refused. */
    refused_requests: Count,
    throttled_addresses: z.array(z.object({ address: z.string(), failures: Count, state: z.enum(['slowed', 'refused']), refused_until: Time.nullable() })),
    policy: z.object({ window_seconds: z.number(), free_failures: Count, delay_base_ms: Count, delay_max_ms: Count, refuse_after_failures: Count, refuse_seconds: z.number() })
  }),
  peers: z.object({
    refused_total: Count,
    refused_by_reason: z.record(z.string(), Count),
    refused_now: z.array(z.object({ peer_id: z.string(), reason: z.string(), until: Time }))
  }),
  rejected: z.object({
    gossip_messages: z.array(z.object({ topic: z.string(), reason: z.string(), count: Count })),
    billing_batches_forged_or_malformed: Count,
    billing_batches_from_non_members: Count,
    stream_requests: z.array(z.object({ protocol: z.string(), reason: z.string(), count: Count }))
  }),
  /** Routed requests refused since start, by reason: 429 by the rate limiter, 401 by the API key check. */
  requests: z.object({
    rate_limited: z.object({ total: Count, by_reason: z.object(Object.fromEntries(RATE_LIMIT_REFUSALS.map(r => [r, Count])) as Record<RateLimitRefusal, typeof Count>) }),
    key_refusals: z.object({ total: Count, by_reason: z.object(Object.fromEntries(KEY_REFUSALS.map(r => [r, Count])) as Record<KeyRefusal, typeof Count>) })
  }),
  audit: z.object({ entries_recorded_since_start: Count })
})

/** Each reason with its count, zero for one not seen yet. */
function byReason<R extends string> (reasons: readonly R[], counted: Record<string, number>): { total: number, by_reason: Record<R, number> } {
  const out = Object.fromEntries(reasons.map(r => [r, counted[r] ?? 0])) as Record<R, number>
  return { total: Object.values<number>(out).reduce((a, b) => a + b, 0), by_reason: out }
}

function entryView (e: AuditEntry): z.infer<typeof AuditEntryView> {
  return {
    id: e.id,
    time: new Date(e.time).toISOString(),
    actor: e.actor,
    action: e.action,
    method: e.method,
    path: e.path,
    status: e.status,
    source_address: e.source,
    request_id: e.requestId
  }
}

function policyView (p: AuthThrottlePolicy): z.infer<typeof SecurityStatusResponse>['authentication']['policy'] {
  return {
    window_seconds: p.windowMs / 1000,
    free_failures: p.freeFailures,
    delay_base_ms: p.delayBaseMs,
    delay_max_ms: p.delayMaxMs,
    refuse_after_failures: p.refuseAfterFailures,
    refuse_seconds: p.refuseForMs / 1000
  }
}

/** The audit trail and the node's security figures: both need the operator token, reads included. */
export const securityOperations = operations(
  { id: 'securityAudit', method: 'get', path: '/v1/security/audit', tag: 'operations', summary: 'The audit log of operator actions and refusals, paged by cursor', access: 'operator', query: SecurityAuditQuery, responses: { 200: { SecurityAuditResponse } }, errors: [429] },
  { id: 'securityStatus', method: 'get', path: '/v1/security/status', tag: 'operations', summary: 'Authentication failures and throttling, refusals by kind, routed requests rate-limited or refused by the key check', access: 'operator', responses: { 200: { SecurityStatusResponse } }, errors: [429] }
)

export function securityRoutes (opts: { retentionMs: number, policy: AuthThrottlePolicy }): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.get('/audit', async c => {
    const q = query(c, SecurityAuditQuery)
    const page = await c.var.mesh.audit.query({
      actor: q.actor,
      action: q.action,
      from: q.date_from === undefined ? undefined : Date.parse(q.date_from),
      to: q.date_to === undefined ? undefined : Date.parse(q.date_to),
      cursor: q.cursor,
      limit: q.limit
    })
    return c.json({
      entries: page.entries.map(entryView),
      next_cursor: page.nextCursor,
      retention_days: opts.retentionMs / 86_400_000
    } satisfies z.infer<typeof SecurityAuditResponse>)
  })

  app.get('/status', async c => {
    const mesh = c.var.mesh
    const now = mesh.clock.now()
    const auth = mesh.authThrottle.stats(now)
    const refusals = await mesh.metrics.refusals()
    const requests = await mesh.metrics.requestRefusals()
    return c.json({
      authentication: {
        failed: { last_1m: auth.failures['1m'], last_15m: auth.failures['15m'], last_1h: auth.failures['1h'], total: auth.failuresTotal },
        refused_requests: auth.refusedRequests,
        throttled_addresses: mesh.authThrottle.throttled(now).map(t => ({
          address: t.address,
          failures: t.failures,
          state: t.state,
          refused_until: t.refusedUntil === null ? null : new Date(t.refusedUntil).toISOString()
        })),
        policy: policyView(opts.policy)
      },
      peers: {
        refused_total: mesh.guard.refusedTotal,
        refused_by_reason: mesh.guard.refusalsByReason(),
        refused_now: mesh.guard.refusedNow().map(r => ({ peer_id: r.peerId, reason: r.reason, until: new Date(r.until).toISOString() }))
      },
      rejected: {
        gossip_messages: refusals.gossip,
        billing_batches_forged_or_malformed: refusals.billingBatches,
        billing_batches_from_non_members: refusals.billingHeldBack,
        stream_requests: refusals.streams
      },
      requests: { rate_limited: byReason(RATE_LIMIT_REFUSALS, requests.rateLimited), key_refusals: byReason(KEY_REFUSALS, requests.keyRefusals) },
      audit: { entries_recorded_since_start: mesh.audit.recorded }
    } satisfies z.infer<typeof SecurityStatusResponse>)
  })
  return app
}
