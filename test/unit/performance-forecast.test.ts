import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { backtest, evenSeries, fitHolt, forecast, pointsNeeded } from '../../src/performance/forecast.ts'

/** A deterministic noise in [-amplitude, amplitude]: a linear congruential generator. */
function noise (seed: number, amplitude: number): () => number {
  let s = seed
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31
    return (s / 2 ** 31 * 2 - 1) * amplitude
  }
}

describe('Holt\'s linear trend', () => {
  test('recovers a known linear trend from a noisy history, and forecasts on it with high confidence', () => {
    const jitter = noise(7, 0.5)
    // 100 + 2 per step, with noise of ±0.5.
    const values = Array.from({ length: 80 }, (_, t) => 100 + 2 * t + jitter())
    const f = forecast(values, 10)
    assert.ok(f.ok, f.ok ? '' : f.reason)
    assert.ok(Math.abs(f.trendPerStep - 2) < 0.15, `trend ${f.trendPerStep}`)
    const truth = 100 + 2 * (79 + 10)
    assert.ok(Math.abs(f.value - truth) < 3, `forecast ${f.value} against ${truth}`)
    assert.ok(f.low <= truth && truth <= f.high, `${truth} in [${f.low}, ${f.high}]`)
    assert.ok(f.confidence > 0.98, `confidence ${f.confidence}`)
    assert.equal(f.method, 'holt_linear_trend')
  })

  test('an exact line is fitted exactly', () => {
    const values = Array.from({ length: 30 }, (_, t) => 5 - 0.25 * t)
    const m = fitHolt(values)
    assert.ok(Math.abs(m.trend + 0.25) < 1e-9)
    const f = forecast(values, 4)
    assert.ok(f.ok)
    assert.ok(Math.abs(f.value - (5 - 0.25 * 33)) < 1e-9)
    assert.equal(f.backtest.mae < 1e-9, true)
    assert.equal(f.confidence, 1)
  })

  test('noise without a trend gives a lower confidence than a clean trend, from the back-test', () => {
    const jitter = noise(3, 40)
    const noisy = Array.from({ length: 60 }, () => 50 + jitter())
    const clean = Array.from({ length: 60 }, (_, t) => 50 + t)
    const a = forecast(noisy, 5)
    const b = forecast(clean, 5)
    assert.ok(a.ok && b.ok)
    assert.ok(a.confidence < b.confidence, `${a.confidence} < ${b.confidence}`)
    assert.ok(a.backtest.rmse > b.backtest.rmse)
  })

  test('the forecast and its interval stay within the bounds of the figure', () => {
    const values = Array.from({ length: 40 }, (_, t) => Math.max(0, 0.5 - 0.02 * t))
    const f = forecast(values, 10, { min: 0, max: 1 })
    assert.ok(f.ok)
    assert.ok(f.value >= 0 && f.low >= 0 && f.high <= 1)
  })

  test('too little history gives no forecast, and says how much is needed', () => {
    const steps = 6
    const short = Array.from({ length: pointsNeeded(steps) - 1 }, (_, t) => t)
    const f = forecast(short, steps)
    assert.equal(f.ok, false)
    assert.match(f.ok ? '' : f.reason, new RegExp(`needs at least ${pointsNeeded(steps)}`))
    assert.equal(backtest(short, steps), undefined)
    assert.ok(forecast([...short, short.length], steps).ok)
  })
})

describe('evenSeries', () => {
  test('fills inner gaps by interpolation and drops empty ends', () => {
    assert.deepEqual(evenSeries([null, 1, null, null, 4, 5, null]), [1, 2, 3, 4, 5])
    assert.deepEqual(evenSeries([null, null]), [])
  })
})
