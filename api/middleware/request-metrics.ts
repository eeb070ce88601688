import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import { Histogram, type Registry } from 'prom-client'
import type { RequestCounters } from '../../src/telemetry/load-sampler.ts'

/**
 * Times every request into a histogram labelled by route pattern (never the raw path, so
 * that label sets stay bounded) and status, and keeps the node's request counters.
 */
export function requestMetrics (registry: Registry, counters: RequestCounters): MiddlewareHandler {
  const duration = new Histogram({
    name: 'meshnode_api_request_duration_seconds',
    help: 'Local API request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry]
  })
  return async (c, next) => {
    const start = process.hrtime.bigint()
    counters.started()
    try {
      await next()
    } finally {
      counters.finished(c.res.status)
      // The last matched route is the handler's pattern; only middleware matched: no route.
      const last = routePath(c, -1)
      const route = last === '*' || last === '/*' ? 'unmatched' : last
      duration.observe({ method: c.req.method, route, status: String(c.res.status) }, Number(process.hrtime.bigint() - start) / 1e9)
    }
  }
}
