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

/**
 * The work a service runs in the background (DHT queries, sync requests): a stop aborts what
 * is in flight and waits for its end, so that nothing touches a closed database or a stopped
 * libp2p node. A task that fails is reported to `onError`; one that ends because of the stop
 * is not a failure and is not reported.
 */
export class BackgroundTasks {
  private readonly tasks = new Set<Promise<unknown>>()
  private readonly stopping = new AbortController()
  private readonly onError: (err: unknown) => void

  constructor (onError: (err: unknown) => void) {
    this.onError = onError
  }

  /** Aborted at stop. */
  get signal (): AbortSignal {
    return this.stopping.signal
  }

  /** A deadline that also ends at stop. */
  bounded (ms: number): AbortSignal {
    return AbortSignal.any([this.stopping.signal, AbortSignal.timeout(ms)])
  }

  track (task: Promise<unknown>): void {
    const settled = task.catch((err: unknown) => { if (!this.stopping.signal.aborted) this.onError(err) })
      .finally(() => this.tasks.delete(settled))
    this.tasks.add(settled)
  }

  async stop (): Promise<void> {
    this.stopping.abort()
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks])
  }
}
