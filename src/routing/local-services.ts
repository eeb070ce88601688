import { errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'
import type { ServiceOffer } from '../telemetry/snapshot.ts'
import { ServiceHealth, type HealthCheckConfig } from './service-health.ts'
import { UpstreamClient, type UpstreamRequest, type UpstreamResponse } from './upstream-client.ts'

/** A service this node offers: a name and the local upstream HTTP server behind it. */
export interface ServiceConfig {
  name: string
  url: string
  capacity: number
}

interface LocalService {
  config: ServiceConfig
  health: ServiceHealth
}

/**
 * The upstreams behind this node's services: checks their health on an interval and calls
 * them. Only healthy services are advertised in telemetry.
 */
export class LocalServices {
  private readonly services = new Map<string, LocalService>()
  private readonly check: HealthCheckConfig
  private readonly log: Logger
  private readonly client = new UpstreamClient()
  private timer: NodeJS.Timeout | undefined
  private started = false

  private readonly onOutcome: (status: number) => void

  /** `onOutcome` hears the status of every call served (502 for an upstream that failed or timed out). */
  constructor (services: ServiceConfig[], check: HealthCheckConfig, log: Logger, onOutcome: (status: number) => void = () => {}) {
    for (const config of services) this.services.set(config.name, { config, health: new ServiceHealth(check) })
    this.check = check
    this.log = log
    this.onOutcome = onOutcome
  }

  async start (): Promise<void> {
    this.started = true
    this.schedule()
  }

  async stop (): Promise<void> {
    this.started = false
    clearInterval(this.timer)
    this.timer = undefined
    this.client.close()
  }

  /**
   * Replaces the services offered (a config reload). One kept as it was (name, URL and
   * capacity) keeps its health; a new or changed one is checked at once and offered when its
   * check passes; a removed one is offered no more, and calls to it fail as for any unknown service.
   */
  configure (services: ServiceConfig[]): void {
    const before = new Map(this.services)
    this.services.clear()
    for (const config of services) {
      const old = before.get(config.name)
      const kept = old !== undefined && old.config.url === config.url && old.config.capacity === config.capacity
      this.services.set(config.name, kept ? old : { config, health: new ServiceHealth(this.check) })
    }
    if (!this.started) return
    if (this.services.size === 0) {
      clearInterval(this.timer)
      this.timer = undefined
    } else if (this.timer === undefined) this.schedule()
    else void this.checkAll()
  }

  private schedule (): void {
    if (this.services.size === 0 || this.timer !== undefined) return
    void this.checkAll()
    this.timer = setInterval(() => { void this.checkAll() }, this.check.intervalMs)
  }

  has (name: string): boolean {
    return this.services.has(name)
  }

  isHealthy (name: string): boolean {
    return this.services.get(name)?.health.healthy === true
  }

  offers (): ServiceOffer[] {
    return [...this.services.values()]
      .filter(s => s.health.healthy)
      .map(s => ({ name: s.config.name, capacity: s.config.capacity }))
  }

  list (): Array<ServiceConfig & { healthy: boolean, lastError: string | undefined }> {
    return [...this.services.values()].map(s => ({ ...s.config, healthy: s.health.healthy, lastError: s.health.lastError }))
  }

  /** Calls the upstream of `name`; the response body streams. */
  async call (name: string, req: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse> {
    const service = this.services.get(name)
    if (service === undefined) throw new Error(`no local service ${name}`)
    try {
      const res = await this.client.call(joinUrl(service.config.url, req.path), req, signal)
      this.onOutcome(res.status)
      return res
    } catch (err) {
      // A caller that went away is not a failure of this node; a deadline is.
      if (!signal.aborted || (signal.reason as Error | undefined)?.name === 'TimeoutError') this.onOutcome(502)
      throw err
    }
  }

  private async checkAll (): Promise<void> {
    await Promise.all([...this.services.values()].map(async s => {
      const result = await this.probe(s.config.url)
      if (s.health.record(result)) {
        this.log.info({ service: s.config.name, healthy: s.health.healthy, error: s.health.lastError }, 'service health changed')
      }
    }))
  }

  private async probe (url: string): Promise<{ ok: true } | { ok: false, error: string }> {
    try {
      // The client that serves the calls: one HTTP stack, and its keep-alive connections.
      const res = await this.client.call(joinUrl(url, this.check.path), { method: 'GET', path: this.check.path, headers: [], body: undefined }, AbortSignal.timeout(this.check.timeoutMs))
      // Read to the end, so that the connection can serve the next call.
      for await (const chunk of res.body) void chunk
      return res.status < 500 ? { ok: true } : { ok: false, error: `status ${res.status}` }
    } catch (err) {
      return { ok: false, error: errorMessage(err) }
    }
  }
}

function joinUrl (base: string, path: string): string {
  return base.replace(/\/+$/, '') + path
}
