import { Hono } from 'hono'
import { z } from 'zod'
import { DurationSchema } from '../../src/duration.ts'
import { MeshError } from '../../src/errors.ts'
import type { LoadTestView } from '../../src/load-test/load-tests.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { jsonBody } from '../validation.ts'
import { round } from '../views.ts'

/**
 * An open-loop load test through the mesh from this node: `rate` requests a second for
 * `duration_ms` (or `duration`, such as 30s) to `service`, at most `concurrency` in flight.
 * The network parameter `load_test` bounds rate, duration and concurrency.
 */
export const LoadTestRequest = z.object({
  service: z.string().min(1).max(64),
  rate: z.number().positive().max(100_000),
  duration_ms: z.number().int().min(100).max(3_600_000).optional(),
  duration: DurationSchema.optional(),
  concurrency: z.number().int().min(1).max(10_000).default(8),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  path: z.string().startsWith('/').max(2048).default('/')
}).strict()
  .refine(b => b.duration_ms !== undefined || b.duration !== undefined, { message: 'give duration_ms or duration', path: ['duration_ms'] })
  .refine(b => b.duration_ms === undefined || b.duration === undefined, { message: 'give duration_ms or duration, not both', path: ['duration'] })

export const LoadTestAccepted = z.object({ test_id: z.string(), status: z.literal('running'), scheduled: z.number().int(), results_url: z.string() })

/** A test's state; the figures count what has ended so far, and are final once `status` is `done`. */
export const LoadTestResult = z.object({
  test_id: z.string(),
  status: z.enum(['running', 'done', 'cancelled']),
  config: z.object({ service: z.string(), rate: z.number(), duration_ms: z.number().int(), concurrency: z.number().int(), method: z.string(), path: z.string() }),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  scheduled: z.number().int(),
  /** Sent: requests started; skipped: arrivals due while `concurrency` requests were in flight (open loop: never delayed, never queued). */
  sent: z.number().int(),
  skipped: z.number().int(),
  /** Requests that ended (answered, or failed with no peer answering). */
  requests: z.number().int(),
  errors: z.number().int(),
  errors_by_status: z.record(z.string(), z.number().int()),
  latency_ms: z.object({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number(), mean: z.number() }).nullable(),
  achieved_rate: z.number(),
  /** Per peer: the requests it answered and their share of the answered ones; `unrouted` ended with no peer answering. */
  peers: z.record(z.string(), z.object({ requests: z.number().int(), share: z.number() })),
  unrouted: z.number().int()
})

function resultView (v: LoadTestView): z.infer<typeof LoadTestResult> {
  const s = v.summary
  return {
    test_id: v.id,
    status: v.status,
    config: { service: v.spec.service, rate: v.spec.rate, duration_ms: v.spec.durationMs, concurrency: v.spec.concurrency, method: v.spec.method, path: v.spec.path },
    started_at: new Date(v.startedAt).toISOString(),
    ended_at: v.endedAt === undefined ? null : new Date(v.endedAt).toISOString(),
    scheduled: s.scheduled,
    sent: s.sent,
    skipped: s.skipped,
    requests: s.completed,
    errors: s.errors,
    errors_by_status: s.errorsByStatus,
    latency_ms: s.latencyMs === null ? null : { p50: round(s.latencyMs.p50, 3), p95: round(s.latencyMs.p95, 3), p99: round(s.latencyMs.p99, 3), max: round(s.latencyMs.max, 3), mean: round(s.latencyMs.mean, 3) },
    achieved_rate: round(v.achievedRate, 3),
    peers: Object.fromEntries(Object.entries(s.byPeer).map(([id, p]) => [id, { requests: p.requests, share: round(p.share, 6) }])),
    unrouted: s.unrouted
  }
}

export const testingOperations = operations(
  { id: 'startLoadTest', method: 'post', path: '/v1/testing/load', tag: 'operations', summary: 'Send an open-loop load through this node\'s router to a service of the mesh', body: { LoadTestRequest }, responses: { 202: { LoadTestAccepted } }, errors: [404, 409] },
  { id: 'loadTestResult', method: 'get', path: '/v1/testing/results/:id', tag: 'operations', summary: 'A load test\'s progress or result', responses: { 200: { LoadTestResult } } }
)

export function testingRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.post('/load', c => {
    const body = jsonBody(c, LoadTestRequest)
    const view = c.var.mesh.running().loadTests.begin({
      service: body.service,
      rate: body.rate,
      durationMs: body.duration_ms ?? body.duration ?? 0,
      concurrency: body.concurrency,
      method: body.method,
      path: body.path
    })
    const accepted: z.infer<typeof LoadTestAccepted> = { test_id: view.id, status: 'running', scheduled: view.summary.scheduled, results_url: `/v1/testing/results/${view.id}` }
    return c.json(accepted, 202)
  })

  app.get('/results/:id', c => {
    const id = c.req.param('id')
    const view = c.var.mesh.running().loadTests.get(id)
    if (view === undefined) throw new MeshError('NOT_FOUND', `no load test ${id} on this node`, { test_id: id })
    return c.json(resultView(view))
  })
  return app
}
