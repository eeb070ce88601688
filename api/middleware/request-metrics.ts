import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import { Histogram, type Registry } from 'prom-client'
import type { RequestCounters } from '../../src/telemetry/load-sampler.ts'

const PROBES = new Set(['/health', '/ready', '/metrics'])

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
    // Probes are not load, and a failed /ready while the node starts is not an error it served;
    // a routed request is counted where it is served, by the upstream that answers it.
    const counted = !PROBES.has(c.req.path)
    if (counted) counters.started()
    try {
      await next()
    } finally {
      if (counted) {
        counters.finished()
        if (!c.req.path.startsWith('/v1/route/')) counters.outcome(c.res.status)
      }
      // The last matched route is the handler's pattern; only middleware matched: no route.
      const last = routePath(c, -1)
      const route = last === '*' || last === '/*' ? 'unmatched' : last
      duration.observe({ method: c.req.method, route, status: String(c.res.status) }, Number(process.hrtime.bigint() - start) / 1e9)
    }
  }
}
