import { errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'
import type { UsageRecord } from './usage-record.ts'

/**
 * Collects the usage records of routed requests and appends them in batches: one durable
 * write, one signed entry and one replication round per batch rather than per request, off
 * the request's path. A crash loses at most the last `flushMs` of routed usage, which has no
 * client waiting on its durability (records posted to the API are durable before their 201).
 */
export class UsageBuffer {
  private readonly append: (records: UsageRecord[]) => Promise<unknown>
  private readonly log: Logger
  private readonly flushMs: number
  private readonly maxRecords: number
  private records: UsageRecord[] = []
  private timer: NodeJS.Timeout | undefined
  private writing: Promise<void> = Promise.resolve()

  constructor (append: (records: UsageRecord[]) => Promise<unknown>, log: Logger, opts: { flushMs: number, maxRecords: number }) {
    this.append = append
    this.log = log
    this.flushMs = opts.flushMs
    this.maxRecords = opts.maxRecords
  }

  add (record: UsageRecord): void {
    this.records.push(record)
    if (this.records.length >= this.maxRecords) this.flush()
    else this.timer ??= setTimeout(() => { this.flush() }, this.flushMs)
  }

  /** Writes what is buffered; resolves when every write so far is done. */
  async drain (): Promise<void> {
    this.flush()
    await this.writing
  }

  private flush (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.records.length === 0) return
    const batch = this.records
    this.records = []
    this.writing = this.writing.then(async () => { await this.append(batch) })
      .catch((err: unknown) => this.log.warn({ err: errorMessage(err), records: batch.length }, 'routed usage not recorded'))
  }
}
