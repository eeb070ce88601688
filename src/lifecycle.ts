import { errorMessage } from './errors.ts'
import type { Logger } from './logging.ts'

/**
 * The one lifecycle shape of every long-lived part of a node, in the manner of js-libp2p's
 * `Startable`: both async, both idempotent (a second start or stop does nothing, a stop
 * before any start does nothing), and a stop undoes what a start did even half-way.
 */
export interface Startable {
  start: () => Promise<void>
  stop: () => Promise<void>
}

/**
 * The composition root's record of what it started: services start one at a time in
 * dependency order and stop in reverse. A stop goes through every started service even when
 * one fails to stop, then throws the first failure: a stop that gives up half-way would leave
 * a database open or a port bound.
 */
export class ServiceStack {
  private readonly log: Logger
  private started: Array<{ name: string, service: Startable }> = []

  constructor (log: Logger) {
    this.log = log
  }

  /** Starts `service` after every service started before it; a service whose start fails is stopped with them. */
  async start<T extends Startable> (name: string, service: T): Promise<T> {
    this.started.push({ name, service })
    await service.start()
    return service
  }

  /** The names of the services started, in start order. */
  names (): string[] {
    return this.started.map(s => s.name)
  }

  async stop (): Promise<void> {
    const started = this.started
    this.started = []
    let failure: { err: unknown } | undefined
    for (const { name, service } of started.reverse()) {
      try {
        await service.stop()
      } catch (err) {
        this.log.error({ service: name, err: errorMessage(err) }, 'a service failed to stop')
        failure ??= { err }
      }
    }
    if (failure !== undefined) throw failure.err
  }
}
