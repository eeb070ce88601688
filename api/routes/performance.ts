import { Hono } from 'hono'
import { z } from 'zod'
import { DurationSchema } from '../../src/duration.ts'
import { findings, figuresOf, type Figure } from '../../src/performance/findings.ts'
import { forecastRing, METHOD, type HistoryForecast } from '../../src/performance/forecast.ts'
import { METRICS, type MetricName } from '../../src/telemetry/metric-history.ts'
import type { ApiEnv, ApiNode } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { query } from '../validation.ts'
import { PeerCounts, TRAILING_WINDOWS, TrailingWindow, isoTimeOrNull, round } from '../views.ts'

export const PerformanceStatusQuery = z.object({ window: TrailingWindow.default('5m') }).strict()

const FigureView = z.object({ current: z.number(), mean: z.number(), max: z.number(), samples: z.number().int(), window_seconds: z.number() })

/** The node's measured figures over the window (null before its first sample), its peers and its breakers. */
export const PerformanceStatusResponse = z.object({
  peer_id: z.string(),
  window: TrailingWindow,
  measured_at: z.string(),
  figures: z.record(z.enum(METRICS), FigureView).nullable(),
  peers: PeerCounts,
  breakers: z.object({ open: z.number().int(), half_open: z.number().int(), closed: z.number().int() })
})

/** The horizon: a duration from 10 s to 24 h (default 15m). */
export const PredictionsQuery = z.object({
  horizon: DurationSchema.refine(ms => ms >= 10_000 && ms <= 86_400_000, { message: 'the horizon is from 10s to 24h' }).default(900_000)
}).strict()

const PredictionView = z.object({
  metric: z.enum(METRICS),
  /** The history it is made from: bucket width and points, from the node's own samples. */
  history: z.object({ step_ms: z.number().int(), points: z.number().int(), from: z.string().nullable(), to: z.string().nullable() }),
  /** Null, with `reason`, when the history is too short. */
  forecast: z.object({
    value: z.number(),
    low: z.number(),
    high: z.number(),
    trend_per_hour: z.number(),
    confidence: z.number(),
    backtest: z.object({ steps: z.number().int(), origins: z.number().int(), mae: z.number(), rmse: z.number(), wape: z.number() }),
    smoothing: z.object({ alpha: z.number(), beta: z.number() })
  }).nullable(),
  reason: z.string().optional()
})

export const PredictionsResponse = z.object({
  method: z.literal(METHOD),
  horizon_ms: z.number().int(),
  for: z.string(),
  confidence_method: z.string(),
  predictions: z.array(PredictionView)
})

export const RecommendationsResponse = z.object({
  measured_at: z.string(),
  window_seconds: z.number(),
  recommendations: z.array(z.object({
    id: z.string(),
    severity: z.enum(['info', 'warning', 'critical']),
    message: z.string(),
    measurement: z.object({ name: z.string(), value: z.number(), threshold: z.number(), window_seconds: z.number().optional(), samples: z.number().int().optional() })
  }))
})

/** The figures forecast, and the range each lives in. */
const FORECAST: Array<{ metric: MetricName, bounds: { min: number, max: number } }> = [
  { metric: 'cpu', bounds: { min: 0, max: 1 } },
  { metric: 'memory', bounds: { min: 0, max: 1 } },
  { metric: 'request_rate', bounds: { min: 0, max: Infinity } }
]
/** The recommendations read the figures of this window and the memory forecast of this horizon. */
const RECOMMENDATION_WINDOW_MS = TRAILING_WINDOWS['5m']
const RECOMMENDATION_HORIZON_MS = 900_000

const figureView = (f: Figure): z.infer<typeof FigureView> =>
  ({ current: round(f.current), mean: round(f.mean), max: round(f.max), samples: f.samples, window_seconds: f.windowMs / 1000 })

function measuredFigures (mesh: ApiNode, windowMs: number): Record<MetricName, Figure> | undefined {
  const now = mesh.clock.now()
  return figuresOf(mesh.history.ring.points(now - windowMs, Infinity), METRICS, windowMs)
}

function breakerCounts (mesh: ApiNode): { open: number, half_open: number, closed: number } {
  const counts = { open: 0, half_open: 0, closed: 0 }
  const router = mesh.built?.router
  const now = mesh.clock.now()
  for (const b of router?.breakerStates() ?? []) counts[b.breaker.state(now)]++
  return counts
}

function forecastOf (mesh: ApiNode, metric: MetricName, horizonMs: number, bounds: { min: number, max: number }): HistoryForecast {
  return forecastRing(mesh.history.ring, metric, horizonMs, mesh.runtimeSettings().telemetryIntervalMs, bounds)
}


export const performanceOperations = operations(
  { id: 'performanceStatus', method: 'get', path: '/v1/performance/status', tag: 'operations', summary: 'Each load figure over a window, peers and breakers by state', query: PerformanceStatusQuery, responses: { 200: { PerformanceStatusResponse } } },
  { id: 'predictions', method: 'get', path: '/v1/performance/predictions', tag: 'operations', summary: 'Forecasts of cpu, memory and request rate, with back-tested confidence', query: PredictionsQuery, responses: { 200: { PredictionsResponse } } },
  { id: 'recommendations', method: 'get', path: '/v1/performance/recommendations', tag: 'operations', summary: 'Findings of rules over the last 5 minutes, each with its measurement', responses: { 200: { RecommendationsResponse } } }
)

export function performanceRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.get('/status', c => {
    const mesh = c.var.mesh
    const { window } = query(c, PerformanceStatusQuery)
    const figures = measuredFigures(mesh, TRAILING_WINDOWS[window])
    const body: z.infer<typeof PerformanceStatusResponse> = {
      peer_id: mesh.peerId.toString(),
      window,
      measured_at: new Date(mesh.clock.now()).toISOString(),
      figures: figures === undefined ? null : Object.fromEntries(METRICS.map(m => [m, figureView(figures[m])])) as Record<MetricName, z.infer<typeof FigureView>>,
      peers: mesh.peerTable.countByState(),
      breakers: breakerCounts(mesh)
    }
    return c.json(body)
  })

  app.get('/predictions', c => {
    const mesh = c.var.mesh
    const { horizon } = query(c, PredictionsQuery)
    const body: z.infer<typeof PredictionsResponse> = {
      method: METHOD,
      horizon_ms: horizon,
      for: new Date(mesh.clock.now() + horizon).toISOString(),
      confidence_method: 'confidence = 1 - WAPE (absolute error over absolute actual values) of the same method\'s rolling-origin back-test on this history at this horizon; low and high are the forecast ±1.96 back-test RMSE',
      predictions: FORECAST.map(({ metric, bounds }) => {
        const h = forecastOf(mesh, metric, horizon, bounds)
        const f = h.forecast
        const stepsPerHour = 3_600_000 / h.stepMs
        return {
          metric,
          history: { step_ms: h.stepMs, points: h.points, from: isoTimeOrNull(h.from), to: isoTimeOrNull(h.to) },
          forecast: !f.ok
            ? null
            : {
                value: round(f.value),
                low: round(f.low),
                high: round(f.high),
                trend_per_hour: round(f.trendPerStep * stepsPerHour),
                confidence: round(f.confidence),
                backtest: { steps: f.backtest.steps, origins: f.backtest.origins, mae: round(f.backtest.mae), rmse: round(f.backtest.rmse), wape: round(f.backtest.wape) },
                smoothing: { alpha: f.alpha, beta: f.beta }
              },
          ...(f.ok ? {} : { reason: f.reason })
        }
      })
    }
    return c.json(body)
  })

  app.get('/recommendations', c => {
    const mesh = c.var.mesh
    const figures = measuredFigures(mesh, RECOMMENDATION_WINDOW_MS)
    const memory = forecastOf(mesh, 'memory', RECOMMENDATION_HORIZON_MS, { min: 0, max: 1 }).forecast
    const list = figures === undefined
      ? []
      : findings({
        figures,
        peers: mesh.peerTable.countByState(),
        breakersOpen: breakerCounts(mesh).open,
        ...(memory.ok ? { memoryForecast: { high: memory.high, horizonMs: RECOMMENDATION_HORIZON_MS, confidence: memory.confidence } } : {})
      })
    const body: z.infer<typeof RecommendationsResponse> = {
      measured_at: new Date(mesh.clock.now()).toISOString(),
      window_seconds: RECOMMENDATION_WINDOW_MS / 1000,
      recommendations: list.map(f => ({
        id: f.id,
        severity: f.severity,
        message: f.message,
        measurement: {
          name: f.measurement.name,
          value: round(f.measurement.value),
          threshold: f.measurement.threshold,
          ...(f.measurement.windowMs === undefined ? {} : { window_seconds: f.measurement.windowMs / 1000 }),
          ...(f.measurement.samples === undefined ? {} : { samples: f.measurement.samples })
        }
      }))
    }
    return c.json(body)
  })
  return app
}
