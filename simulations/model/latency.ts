import type { Latency } from '../scenario/schema.ts'

/**
 * Link latency and loss of the modelled network. One uniform draw decides both: below `loss`
 * the message is lost, above it the rest of the draw, rescaled to [0, 1), is a quantile of the
 * latency distribution. A lognormal is read from a table of its inverse CDF (4,096 quantiles,
 * linearly interpolated): one lookup per message instead of a logarithm, a square root and a
 * cosine, which matters at 10^8 transmissions.
 */
const TABLE_SIZE = 4096

/** z such that P(Z <= z) = p for a standard normal Z (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile (p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
  const poly = (k: number[], x: number): number => k.reduce((s, v) => s * x + v, 0)
  const low = 0.02425
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p))
    return poly(c, q) / (poly(d, q) * q + 1)
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p))
    return -poly(c, q) / (poly(d, q) * q + 1)
  }
  const q = p - 0.5
  const r = q * q
  return poly(a, r) * q / (poly(b, r) * r + 1)
}

/** The 99th percentile of a standard normal. */
const Z99 = normalQuantile(0.99)

export class LinkModel {
  readonly loss: number
  /** The smallest latency a message can take: a lower bound used to skip hopeless paths. */
  readonly minMs: number
  private readonly quantile: (u: number) => number

  constructor (latency: Latency, loss: number) {
    this.loss = loss
    switch (latency.distribution) {
      case 'constant':
        this.quantile = () => latency.ms
        this.minMs = latency.ms
        break
      case 'uniform': {
        const lo = Math.min(latency.min_ms, latency.max_ms)
        const span = Math.abs(latency.max_ms - latency.min_ms)
        this.quantile = u => lo + u * span
        this.minMs = lo
        break
      }
      case 'lognormal': {
        const mu = Math.log(latency.median_ms)
        const sigma = Math.max(0, Math.log(latency.p99_ms / latency.median_ms) / Z99)
        // Quantiles at the middle of each of TABLE_SIZE equal slices: the extreme tails are clamped there.
        const table = new Float64Array(TABLE_SIZE)
        for (let i = 0; i < TABLE_SIZE; i++) table[i] = Math.exp(mu + sigma * normalQuantile((i + 0.5) / TABLE_SIZE))
        this.quantile = u => {
          const x = u * (TABLE_SIZE - 1)
          const i = Math.floor(x)
          const lo = table[i] as number
          return lo + (x - i) * ((table[i + 1] as number) - lo)
        }
        this.minMs = table[0] as number
        break
      }
    }
  }

  /** One latency draw from a uniform `u` in [0, 1). */
  latency (u: number): number {
    return this.quantile(u)
  }

  /** One transmission: its latency, or -1 when it is lost. */
  transmit (u: number): number {
    if (u < this.loss) return -1
    return this.quantile((u - this.loss) / (1 - this.loss))
  }
}
