import { Hono } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import { MeshError } from '../src/errors.ts'
import type { Logger } from '../src/logging.ts'
import type { MeshNode } from '../src/mesh.ts'
import type { ApiEnv } from './context.ts'
import { handleError, notFound } from './errors.ts'
import { requestMetrics } from './middleware/request-metrics.ts'
import { configRoutes, type StaticConfig } from './routes/config.ts'
import { eventRoutes } from './routes/events.ts'
import { healthRoutes } from './routes/health.ts'
import { networkRoutes } from './routes/network.ts'
import { systemRoutes } from './routes/system.ts'

export interface ApiOptions {
  mesh: MeshNode
  token: string
  log: Logger
  staticConfig: StaticConfig
  /** Aborted when the server shuts down, to end long-lived streams. */
  shutdown: AbortSignal
  maxBodyBytes?: number
}

const MUTATING = ['POST', 'PUT', 'PATCH', 'DELETE']

/** The node's local API: one route module per domain, mounted on one app. */
export function createApi (opts: ApiOptions): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.use(requestId())
  app.use(requestMetrics(opts.mesh.metrics.registry, opts.mesh.requests))
  app.use(async (c, next) => {
    c.set('mesh', opts.mesh)
    c.set('shutdown', opts.shutdown)
    await next()
  })
  app.on(MUTATING, '*', bearerAuth({ token: opts.token }))
  app.use(bodyLimit({
    maxSize: opts.maxBodyBytes ?? 1024 * 1024,
    onError: () => { throw new MeshError('PAYLOAD_TOO_LARGE', `the request body is larger than ${opts.maxBodyBytes ?? 1024 * 1024} bytes`) }
  }))

  app.route('/', healthRoutes())
  app.route('/v1/system', systemRoutes())
  app.route('/v1/network', networkRoutes())
  app.route('/v1/config', configRoutes(opts.staticConfig))
  app.route('/v1/events', eventRoutes())

  app.notFound(notFound)
  app.onError(handleError(opts.log))
  return app
}
