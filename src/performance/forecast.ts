import { aggregate, type MetricName, type MetricRing } from '../telemetry/metric-history.ts'

/**
 * Forecasting of a node's own figures: Holt's linear trend (double exponential smoothing) on
 * an evenly spaced series, its smoothing factors chosen by the least one-step-ahead squared
 * error, and a confidence taken from the same method's back-test on the same history. Pure.
 */

export const METHOD = 'holt_linear_trend'

/** Smoothing factors tried for level (alpha) and trend (beta). */
const GRID = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]

/** Points a model is fitted on at the least, and back-test origins at the least. */
const MIN_TRAIN = 10
const MIN_ORIGINS = 5
/** Back-test origins at the most: the latest ones, closest to what the forecast follows. */
const MAX_ORIGINS = 30

export interface HoltModel {
  alpha: number
  beta: number
  /** Level and trend (per step) after the last point. */
  level: number
  trend: number
  /** Sum of squared one-step-ahead errors over the fit. */
  sse: number
}

function smooth (values: readonly number[], alpha: number, beta: number): HoltModel {
  let level = values[0] ?? 0
  let trend = (values[1] ?? level) - level
  let sse = 0
  for (let t = 1; t < values.length; t++) {
    const v = values[t] ?? 0
    const err = v - (level + trend)
    sse += err * err
    const next = alpha * v + (1 - alpha) * (level + trend)
    trend = beta * (next - level) + (1 - beta) * trend
    level = next
  }
  return { alpha, beta, level, trend, sse }
}

/** Holt's model of `values` (at least two), with the factors of least one-step-ahead error. */
export function fitHolt (values: readonly number[]): HoltModel {
  let best: HoltModel | undefined
  for (const alpha of GRID) {
    for (const beta of GRID) {
      const m = smooth(values, alpha, beta)
      if (best === undefined || m.sse < best.sse) best = m
    }
  }
  return best as HoltModel
}

function holtForecast (m: HoltModel, steps: number): number {
  return m.level + steps * m.trend
}

/** The method's errors forecasting `steps` ahead from past origins of the same series. */
export interface Backtest {
  steps: number
  origins: number
  /** Mean absolute error, root mean squared error, and absolute error over the absolute actual values (WAPE). */
  mae: number
  rmse: number
  wape: number
}

/**
 * Rolling-origin back-test: from each of the latest origins, the model is fitted on what came
 * before only and its forecast `steps` ahead is compared with what happened. Undefined when the
 * series is too short for MIN_ORIGINS origins after MIN_TRAIN points.
 */
export function backtest (values: readonly number[], steps: number): Backtest | undefined {
  const last = values.length - steps
  const first = Math.max(MIN_TRAIN, last - MAX_ORIGINS + 1)
  if (last - first + 1 < MIN_ORIGINS) return undefined
  let abs = 0
  let sq = 0
  let actual = 0
  for (let o = first; o <= last; o++) {
    const predicted = holtForecast(fitHolt(values.slice(0, o)), steps)
    const v = values[o - 1 + steps] ?? 0
    abs += Math.abs(v - predicted)
    sq += (v - predicted) ** 2
    actual += Math.abs(v)
  }
  const n = last - first + 1
  return { steps, origins: n, mae: abs / n, rmse: Math.sqrt(sq / n), wape: actual === 0 ? (abs === 0 ? 0 : 1) : abs / actual }
}

/** Points a forecast `steps` ahead needs. */
export function pointsNeeded (steps: number): number {
  return MIN_TRAIN + MIN_ORIGINS - 1 + steps
}

export type Forecast =
  | {
    ok: true
    method: typeof METHOD
    /** The forecast value `steps` ahead of the last point, and an interval of ±1.96 back-test RMSE, within `bounds`. */
    value: number
    low: number
    high: number
    /** The fitted trend, per step, and the latest level. */
    trendPerStep: number
    level: number
    alpha: number
    beta: number
    /** 1 − WAPE of the back-test at this horizon, within [0, 1]: the share of the actual values the forecasts got right. */
    confidence: number
    backtest: Backtest
  }
  | { ok: false, reason: string }

/** Forecasts `values` (evenly spaced) `steps` ahead, with its back-test; none when the series is too short. */
export function forecast (values: readonly number[], steps: number, bounds: { min: number, max: number } = { min: -Infinity, max: Infinity }): Forecast {
  const needed = pointsNeeded(steps)
  const test = values.length >= needed ? backtest(values, steps) : undefined
  if (test === undefined) return { ok: false, reason: `the history holds ${values.length} points; a forecast ${steps} steps ahead needs at least ${needed} (to fit and to back-test)` }
  const m = fitHolt(values)
  const clamp = (x: number): number => Math.min(bounds.max, Math.max(bounds.min, x))
  const value = holtForecast(m, steps)
  return {
    ok: true,
    method: METHOD,
    value: clamp(value),
    low: clamp(value - 1.96 * test.rmse),
    high: clamp(value + 1.96 * test.rmse),
    trendPerStep: m.trend,
    level: m.level,
    alpha: m.alpha,
    beta: m.beta,
    confidence: Math.min(1, Math.max(0, 1 - test.wape)),
    backtest: test
  }
}

/**
 * An evenly spaced series from bucket means: empty buckets inside it are filled by linear
 * interpolation between their neighbours, and those before the first sample or after the
 * last are left out (the series starts and ends with measured buckets).
 */
export function evenSeries (means: ReadonlyArray<number | null>): number[] {
  const first = means.findIndex(v => v !== null)
  if (first < 0) return []
  let lastIdx = means.length - 1
  while (means[lastIdx] === null) lastIdx--
  const out: number[] = []
  let prev = first
  for (let i = first; i <= lastIdx; i++) {
    const v = means[i]
    if (v !== null && v !== undefined) {
      const pv = means[prev] as number
      for (let j = prev + 1; j < i; j++) out.push(pv + (v - pv) * (j - prev) / (i - prev))
      out.push(v)
      prev = i
    }
  }
  return out
}

/** A forecast is made this many steps ahead: the history is bucketed in steps of horizon / FORECAST_STEPS. */
const FORECAST_STEPS = 6
/**
 * The latest points a forecast is fitted on at most: Holt's smoothing weighs older points
 * less and less, and the back-test refits for every origin, so this bounds a query's cost.
 */
const MAX_SERIES = 360

export interface HistoryForecast {
  /** The bucket width of the series and the series' length and span. */
  stepMs: number
  points: number
  from: number | undefined
  to: number | undefined
  forecast: Forecast
}

/**
 * Forecasts one figure of a ring `horizonMs` ahead: the ring's samples in buckets of
 * horizon / FORECAST_STEPS (at least `minStepMs`, the sampling interval), the last bucket
 * ending at the latest sample, their means as an even series.
 */
export function forecastRing (ring: MetricRing, metric: MetricName, horizonMs: number, minStepMs: number, bounds?: { min: number, max: number }): HistoryForecast {
  const stepMs = Math.max(minStepMs, Math.ceil(horizonMs / FORECAST_STEPS))
  const steps = Math.max(1, Math.round(horizonMs / stepMs))
  const span = ring.span
  if (span === undefined) return { stepMs, points: 0, from: undefined, to: undefined, forecast: { ok: false, reason: 'no sample taken yet' } }
  const buckets = Math.floor((span.to - span.from) / stepMs) + 1
  const end = span.to + 1
  const start = end - buckets * stepMs
  const series = evenSeries(aggregate(ring.points(start, end), start, end, stepMs).map(b => b.values[metric]?.mean ?? null)).slice(-MAX_SERIES)
  return { stepMs, points: series.length, from: start, to: end, forecast: forecast(series, steps, bounds) }
}
