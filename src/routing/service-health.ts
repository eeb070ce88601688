/**
 * Rise/fall health of one upstream, as HAProxy counts it: `rise` passing checks in a row make
 * it healthy, `fall` failing checks in a row make it unhealthy. It starts unhealthy, so that
 * nothing is advertised before a first check passed.
 */
export interface HealthCheckConfig {
  path: string
  intervalMs: number
  timeoutMs: number
  rise: number
  fall: number
}

export class ServiceHealth {
  private readonly rise: number
  private readonly fall: number
  private passes = 0
  private failures = 0
  healthy = false
  lastError: string | undefined

  constructor (config: Pick<HealthCheckConfig, 'rise' | 'fall'>) {
    this.rise = config.rise
    this.fall = config.fall
  }

  /** Records one check; returns whether the health changed. */
  record (result: { ok: true } | { ok: false, error: string }): boolean {
    const before = this.healthy
    if (result.ok) {
      this.passes++
      this.failures = 0
      this.lastError = undefined
      if (this.passes >= this.rise) this.healthy = true
    } else {
      this.failures++
      this.passes = 0
      this.lastError = result.error
      if (this.failures >= this.fall) this.healthy = false
    }
    return before !== this.healthy
  }
}
