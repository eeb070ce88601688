import type { Clock } from '../clock.ts'
import { errorMessage } from '../errors.ts'
import type { Startable } from '../lifecycle.ts'
import type { Logger } from '../logging.ts'
import type { Sublevel } from '../storage/database.ts'

/** What an audited call did: a mutating method's kind, or a failed authentication (any method). */
export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'auth_failed'] as const
export type AuditAction = typeof AUDIT_ACTIONS[number]

export interface AuditEntry {
  /** Its key: ordered by time, unique. */
  id: string
  time: number
  /** `operator` (the node's API token), `key:<id>` (a tenant's API key), or `anonymous` (no valid credential). */
  actor: string
  action: AuditAction
  method: string
  path: string
  status: number
  /** The client's address as the server saw it. */
  source: string
  requestId: string
}

export type AuditRecord = Omit<AuditEntry, 'id'>

export interface AuditQuery {
  actor?: string
  action?: AuditAction
  from?: number
  to?: number
  /** The id of the last entry of the previous page: the next page is older. */
  cursor?: string
  limit: number
}

export interface AuditComponents {
  /** The audit sublevel; asked for at start, once the database is open. Each value is one batch, under its first entry's id. */
  store: () => Sublevel<AuditEntry[]>
  clock: Clock
  log: Logger
}

export interface AuditOptions {
  retentionMs: number
  flushMs: number
  maxBatch: number
  /** Entries one query reads at most (default MAX_SCAN). */
  maxScan?: number
}

const PRUNE_EVERY_MS = 3_600_000
/** Entries one query reads at most: a filter that matches rarely answers a short page with a cursor, not a scan of the whole log. */
const MAX_SCAN = 100_000

function timeKey (ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(15, '0')
}

/**
 * The node's append-only audit trail in level. The API path only queues an entry; queued
 * entries are written as one value per `flushMs` (or per `maxBatch` entries), unsynced, under
 * the id of its first entry: one write per batch, not per entry, so auditing costs a request
 * little more than a push into an array. Batches that began before the retention are deleted
 * whole; nothing is ever changed.
 */
export class AuditLog implements Startable {
  private readonly c: AuditComponents
  private readonly opts: AuditOptions
  private readonly incarnation: string
  /** Entries recorded since start: each entry's sequence number. */
  private seq = 0
  private queue: AuditEntry[] = []
  private store: Sublevel<AuditEntry[]> | undefined
  private flushTimer: NodeJS.Timeout | undefined
  private pruneTimer: NodeJS.Timeout | undefined
  private writing: Promise<void> = Promise.resolve()
  private readonly listeners = new Set<(e: AuditEntry) => void>()

  constructor (components: AuditComponents, opts: AuditOptions) {
    this.c = components
    this.opts = opts
    // Keys stay unique across restarts within one millisecond.
    this.incarnation = timeKey(components.clock.now())
  }

  async start (): Promise<void> {
    if (this.store !== undefined) return
    this.store = this.c.store()
    await this.prune()
    this.pruneTimer = setInterval(() => { void this.prune() }, PRUNE_EVERY_MS)
    this.pruneTimer.unref()
    if (this.queue.length > 0) this.schedule()
  }

  async stop (): Promise<void> {
    clearInterval(this.pruneTimer)
    await this.flush()
    this.store = undefined
  }

  /** Entries recorded since start (queued or written). */
  get recorded (): number {
    return this.seq
  }

  /** Every entry as it is recorded (for the WebSocket `audit` channel). */
  subscribe (listener: (e: AuditEntry) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  record (r: AuditRecord): AuditEntry {
    const entry: AuditEntry = { id: `${timeKey(r.time)}.${this.incarnation}.${String(++this.seq).padStart(9, '0')}`, ...r }
    this.queue.push(entry)
    for (const l of this.listeners) l(entry)
    if (this.queue.length >= this.opts.maxBatch) void this.flush()
    else this.schedule()
    return entry
  }

  /** Writes what is queued; resolves once it (and every earlier write) is in the database. */
  async flush (): Promise<void> {
    clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    const store = this.store
    if (store !== undefined && this.queue.length > 0) {
      const batch = this.queue
      this.queue = []
      this.writing = this.writing.then(async () => {
        await store.put(batch[0]?.id ?? '', batch)
      }).catch((err: unknown) => { this.c.log.error({ err: errorMessage(err), entries: batch.length }, 'audit entries not written') })
    }
    await this.writing
  }

  /** Newest first, with the cursor of the next (older) page when there may be one (also after MAX_SCAN entries read, however few matched). */
  async query (q: AuditQuery): Promise<{ entries: AuditEntry[], nextCursor: string | null }> {
    await this.flush()
    const store = this.store
    if (store === undefined) return { entries: [], nextCursor: null }
    // A batch under a key below the bound may still hold entries past it: those are filtered out.
    const toKey = q.to === undefined ? undefined : timeKey(q.to + 1)
    const upper = q.cursor !== undefined && (toKey === undefined || q.cursor < toKey) ? q.cursor : toKey
    const entries: AuditEntry[] = []
    const maxScan = this.opts.maxScan ?? MAX_SCAN
    let scanned = 0
    let scannedTo: string | undefined
    scan: for await (const batch of store.values(upper === undefined ? { reverse: true } : { reverse: true, lt: upper })) {
      for (let i = batch.length - 1; i >= 0; i--) {
        const e = batch[i]
        if (e === undefined || (upper !== undefined && e.id >= upper)) continue
        // Batches are in time order: past the lower bound, every older one is too.
        if (q.from !== undefined && e.time < q.from) break scan
        if (++scanned > maxScan) break scan
        scannedTo = e.id
        if (q.actor !== undefined && e.actor !== q.actor) continue
        if (q.action !== undefined && e.action !== q.action) continue
        entries.push(e)
        if (entries.length > q.limit) break scan
      }
    }
    const more = entries.length > q.limit
    if (more) entries.pop()
    if (more) return { entries, nextCursor: entries[entries.length - 1]?.id ?? null }
    return { entries, nextCursor: scanned > maxScan ? scannedTo ?? null : null }
  }

  private schedule (): void {
    if (this.flushTimer !== undefined || this.store === undefined) return
    this.flushTimer = setTimeout(() => { void this.flush() }, this.opts.flushMs)
    this.flushTimer.unref()
  }

  private async prune (): Promise<void> {
    const store = this.store
    if (store === undefined) return
    try {
      await store.clear({ lt: timeKey(this.c.clock.now() - this.opts.retentionMs) })
    } catch (err) {
      this.c.log.error({ err: errorMessage(err) }, 'audit entries past their retention not deleted')
    }
  }
}
