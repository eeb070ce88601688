import { randomBytes } from 'node:crypto'
import type { Clock } from '../clock.ts'
import { MeshError, errorMessage } from '../errors.ts'
import { deliverable, type DeliverableEvent, type NodeEvent, type WebhookEventType } from '../events/node-event.ts'
import { BackgroundTasks, type Startable } from '../lifecycle.ts'
import type { Logger } from '../logging.ts'
import type { MeshMetrics } from '../metrics.ts'
import type { Sublevel } from '../storage/database.ts'
import type { Tuning } from '../tuning.ts'
import { VERSION } from '../version.ts'
import { nextAttemptAt } from './retry.ts'
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from './signature.ts'
import { postWebhook } from './post.ts'
import { checkLiteralTarget, checkTarget } from './target.ts'

/** A webhook as stored: the secret signs each delivery and never leaves the node. */
export interface Webhook {
  id: string
  url: string
  /** The event types delivered; `*` is every type. */
  events: Array<WebhookEventType | '*'>
  secret: string
  createdAt: number
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed'

/** One event to one webhook: the unit of the outbox, kept until it is delivered or expires. */
export interface Delivery {
  id: string
  webhookId: string
  event: DeliverableEvent
  status: DeliveryStatus
  attempts: number
  /** When the next attempt is due (pending only). */
  nextAttemptAt: number | null
  /** The maximum age counts from here: the event, or the last redelivery asked for. */
  since: number
  lastError: string | null
  responseCode: number | null
  createdAt: number
  deliveredAt: number | null
}

export interface WebhookComponents {
  webhooks: Sublevel<Webhook>
  deliveries: Sublevel<Delivery>
  /** The node's event feed; returns the unsubscribe. */
  subscribe: (listener: (e: NodeEvent) => void) => () => void
  clock: Clock
  random: () => number
  log: Logger
  metrics: Pick<MeshMetrics, 'webhookAttempt'>
}

export type WebhookInit = Tuning['webhooks'] & {
  /** Deliver to loopback and private addresses too (the node's --webhook-allow-private). */
  allowPrivateTargets: boolean
}

export interface WebhookSpec { url: string, events: Array<WebhookEventType | '*'>, secret: string }

/**
 * Signed webhooks with a durable outbox. Every event of the node's feed that a webhook asks
 * for becomes a delivery, written to level before any attempt, so that a crash between the
 * event and its delivery loses nothing: a restarted node goes on with the pending ones. Each
 * attempt is one signed JSON POST with a timeout; failures are retried with exponential
 * backoff and jitter up to a maximum age; attempts run in the background, a bounded number
 * at once and a few per webhook, so that a slow or dead receiver never holds up the node.
 */
export class WebhookService implements Startable {
  private readonly c: WebhookComponents
  private readonly opts: WebhookInit
  private readonly hooks = new Map<string, Webhook>()
  private readonly pending = new Map<string, Delivery>()
  private readonly inFlight = new Map<string, number>()
  private tasks: BackgroundTasks | undefined
  private unsubscribe: (() => void) | undefined
  private timer: NodeJS.Timeout | undefined
  private pruneTimer: NodeJS.Timeout | undefined
  private running = 0

  constructor (components: WebhookComponents, init: WebhookInit) {
    this.c = components
    this.opts = init
  }

  /** Loads the webhooks and the deliveries still pending. */
  async open (): Promise<void> {
    for await (const hook of this.c.webhooks.values()) this.hooks.set(hook.id, hook)
    for await (const d of this.c.deliveries.values()) if (d.status === 'pending') this.pending.set(d.id, d)
  }

  async start (): Promise<void> {
    if (this.tasks !== undefined) return
    this.tasks = new BackgroundTasks(err => { this.c.log.warn({ err: errorMessage(err) }, 'webhook task failed') })
    this.unsubscribe = this.c.subscribe(e => {
      const d = deliverable(e)
      if (d !== undefined) this.enqueue(d)
    })
    this.timer = setInterval(() => { this.dispatch() }, this.opts.pollMs)
    this.pruneTimer = setInterval(() => { this.tasks?.track(this.prune()) }, PRUNE_EVERY_MS)
    this.tasks.track(this.prune())
    this.dispatch()
  }

  async stop (): Promise<void> {
    this.unsubscribe?.()
    clearInterval(this.timer)
    clearInterval(this.pruneTimer)
    // In-flight attempts are aborted: they stay pending and are tried again after a restart.
    await this.tasks?.stop()
    this.tasks = undefined
  }

  async create (spec: WebhookSpec): Promise<Webhook> {
    await checkTarget(new URL(spec.url), this.opts.allowPrivateTargets)
    const hook: Webhook = { id: `wh_${randomBytes(12).toString('hex')}`, url: spec.url, events: [...new Set(spec.events)], secret: spec.secret, createdAt: this.c.clock.now() }
    await this.c.webhooks.put(hook.id, hook)
    this.hooks.set(hook.id, hook)
    return hook
  }

  list (): Webhook[] {
    return [...this.hooks.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
  }

  get (id: string): Webhook {
    const hook = this.hooks.get(id)
    if (hook === undefined) throw new MeshError('NOT_FOUND', `no webhook ${id}`, { id })
    return hook
  }

  /** Deletes a webhook with its deliveries: what is pending is not sent. */
  async remove (id: string): Promise<void> {
    this.get(id)
    this.hooks.delete(id)
    await this.c.webhooks.del(id)
    for (const d of this.pending.values()) if (d.webhookId === id) this.pending.delete(d.id)
    const keys: string[] = []
    for await (const key of this.c.deliveries.keys(prefixRange(id))) keys.push(key)
    await this.c.deliveries.batch(keys.map(key => ({ type: 'del' as const, key })))
  }

  /** A webhook's deliveries, newest first. */
  async deliveries (webhookId: string, limit: number): Promise<Delivery[]> {
    this.get(webhookId)
    const all: Delivery[] = []
    for await (const d of this.c.deliveries.values(prefixRange(webhookId))) all.push(this.pending.get(d.id) ?? d)
    return all.sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id)).slice(0, limit)
  }

  /** Sends a delivery again, whatever became of it, with the same event id; its maximum age counts from now. */
  async redeliver (webhookId: string, deliveryId: string): Promise<Delivery> {
    this.get(webhookId)
    const stored = this.pending.get(deliveryId) ?? await this.c.deliveries.get(deliveryId)
    if (stored?.webhookId !== webhookId) throw new MeshError('NOT_FOUND', `no delivery ${deliveryId} of webhook ${webhookId}`, { id: deliveryId })
    const now = this.c.clock.now()
    const d: Delivery = { ...stored, status: 'pending', nextAttemptAt: now, since: now }
    await this.c.deliveries.put(d.id, d)
    this.pending.set(d.id, d)
    this.dispatch()
    return d
  }

  /** Deliveries waiting for an attempt or a retry. */
  get backlog (): number {
    return this.pending.size
  }

  /** Deletes the deliveries done (delivered or failed) whose event is older than keepMs. */
  private async prune (): Promise<void> {
    const before = this.c.clock.now() - this.opts.keepMs
    const old: string[] = []
    for await (const d of this.c.deliveries.values()) if (d.status !== 'pending' && d.createdAt < before) old.push(d.id)
    await this.c.deliveries.batch(old.map(key => ({ type: 'del' as const, key })))
  }

  private enqueue (event: DeliverableEvent): void {
    const hooks = [...this.hooks.values()].filter(h => h.events.includes('*') || h.events.includes(event.type))
    if (hooks.length === 0 || this.tasks === undefined) return
    const now = this.c.clock.now()
    const deliveries = hooks.map((h): Delivery => ({
      id: `${h.id}:${event.id}`,
      webhookId: h.id,
      event,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      since: now,
      lastError: null,
      responseCode: null,
      createdAt: now,
      deliveredAt: null
    }))
    this.tasks.track((async () => {
      // An event a node saw before (a replicated fact, after a restart) has its delivery already.
      const fresh = (await this.c.deliveries.getMany(deliveries.map(d => d.id))).map((known, i) => known === undefined ? deliveries[i] : undefined)
        .filter(d => d !== undefined)
      await this.c.deliveries.batch(fresh.map(d => ({ type: 'put' as const, key: d.id, value: d })))
      for (const d of fresh) this.pending.set(d.id, d)
      this.dispatch()
    })())
  }

  /** Starts the attempts that are due, within the concurrency bounds. */
  private dispatch (): void {
    const tasks = this.tasks
    if (tasks === undefined) return
    const now = this.c.clock.now()
    const due = [...this.pending.values()].filter(d => d.nextAttemptAt !== null && d.nextAttemptAt <= now)
      .sort((a, b) => (a.nextAttemptAt ?? 0) - (b.nextAttemptAt ?? 0))
    for (const d of due) {
      if (this.running >= this.opts.concurrency) return
      const perHook = this.inFlight.get(d.webhookId) ?? 0
      if (perHook >= this.opts.perWebhook) continue
      const hook = this.hooks.get(d.webhookId)
      if (hook === undefined) {
        this.pending.delete(d.id)
        continue
      }
      // Not due again while this attempt runs.
      d.nextAttemptAt = null
      this.running++
      this.inFlight.set(d.webhookId, perHook + 1)
      tasks.track(this.attempt(hook, d, tasks.bounded(this.opts.timeoutMs)).finally(() => {
        this.running--
        this.inFlight.set(d.webhookId, (this.inFlight.get(d.webhookId) ?? 1) - 1)
        this.dispatch()
      }))
    }
  }

  private async attempt (hook: Webhook, d: Delivery, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify({ id: d.event.id, type: d.event.type, created_at: new Date(d.event.at).toISOString(), data: d.event.data })
    const timestamp = Math.floor(this.c.clock.now() / 1000)
    let code: number | null = null
    let error: string | null = null
    try {
      const url = new URL(hook.url)
      checkLiteralTarget(url, this.opts.allowPrivateTargets)
      const headers = {
        'content-type': 'application/json',
        'user-agent': `meshnode/${VERSION}`,
        'X-Meshnode-Event': d.event.type,
        'X-Meshnode-Event-Id': d.event.id,
        'X-Meshnode-Delivery': d.id,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: webhookSignature(hook.secret, timestamp, body)
      }
      code = await postWebhook(url, headers, body, signal, this.opts.allowPrivateTargets)
      if (code < 200 || code >= 300) error = `the receiver answered ${code}`
    } catch (err) {
      error = signal.aborted ? `no answer within ${this.opts.timeoutMs} ms` : errorMessage(err)
    }
    // A stop aborts the attempt: it is no verdict, and the delivery stays due for the next start. A deleted webhook keeps nothing.
    if (this.tasks?.signal.aborted !== false || !this.hooks.has(hook.id)) return
    const now = this.c.clock.now()
    const attempts = d.attempts + 1
    const next = error === null ? undefined : nextAttemptAt(this.opts, attempts, now, d.since, this.c.random())
    const status: DeliveryStatus = error === null ? 'delivered' : next === undefined ? 'failed' : 'pending'
    const done: Delivery = { ...d, status, attempts, nextAttemptAt: next ?? null, lastError: error, responseCode: code, deliveredAt: error === null ? now : null }
    if (status === 'pending') this.pending.set(d.id, done)
    else this.pending.delete(d.id)
    this.c.metrics.webhookAttempt(status === 'delivered' ? 'delivered' : status === 'failed' ? 'failed' : 'retry')
    if (status === 'failed') this.c.log.warn({ webhook: hook.id, delivery: d.id, attempts, err: error }, 'webhook delivery failed for good')
    else if (error !== null) this.c.log.debug({ webhook: hook.id, delivery: d.id, attempts, err: error }, 'webhook delivery failed, to be retried')
    await this.c.deliveries.put(d.id, done)
  }
}

const PRUNE_EVERY_MS = 3_600_000

/** The keys of one webhook's deliveries: `<webhook id>:<event id>`. */
function prefixRange (webhookId: string): { gt: string, lt: string } {
  return { gt: `${webhookId}:`, lt: `${webhookId};` }
}
