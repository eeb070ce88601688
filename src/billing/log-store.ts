import type { BatchPut, MeshDatabase, Sublevel } from '../storage/database.ts'
import type { LogEntry } from './log-entry.ts'

export interface Head { seq: number, hash: string }
export interface ForkReport { author: string, seq: number, hashes: string[], detectedAt: number }

/** corrupt: damaged (an entry fails verification, or level reported corruption); missing: a gap; head_backwards: a tail gone silently. */
export type LossKind = 'corrupt' | 'missing' | 'head_backwards'

/**
 * Entries of one author's chain that this node held once and found gone or damaged at a
 * start, and what peers gave back since.
 */
export interface Loss {
  author: string
  kind: LossKind
  fromSeq: number
  toSeq: number
  /** Records in the lost entries: known for this node's own log, from its head file. */
  records: number | undefined
  detectedAt: number
  recovered: { toSeq: number, entries: number, records: number, from: string[] }
}

const pad = (seq: number): string => String(seq).padStart(12, '0')
const entryKey = (author: string, seq: number): string => `${author}!${pad(seq)}`

/**
 * Every author's log as this node holds it, in level: entries by (author, seq), the head of
 * each author, and detected forks. Entries and head move together in one batch, so a crash
 * never leaves a head without its entry.
 */
export class LogStore {
  private readonly db: MeshDatabase
  private readonly entries: Sublevel<LogEntry>
  private readonly headsDb: Sublevel<Head>
  private readonly forksDb: Sublevel<ForkReport>
  private readonly lossesDb: Sublevel<Loss>
  private readonly lossList: Loss[] = []
  private readonly heads = new Map<string, Head>()
  private readonly forkList = new Map<string, ForkReport>()

  constructor (db: MeshDatabase) {
    this.db = db
    this.entries = db.sublevel('billing-entries')
    this.headsDb = db.sublevel('billing-heads')
    this.forksDb = db.sublevel('billing-forks')
    this.lossesDb = db.sublevel('billing-losses')
  }

  async open (): Promise<void> {
    for await (const [author, head] of this.headsDb.iterator()) this.heads.set(author, head)
    for await (const [key, fork] of this.forksDb.iterator()) this.forkList.set(key, fork)
    for await (const loss of this.lossesDb.values()) this.lossList.push(loss)
  }

  head (author: string): Head | undefined {
    return this.heads.get(author)
  }

  allHeads (): Map<string, Head> {
    return new Map(this.heads)
  }

  /** Appends consecutive entries (of one or more authors) durably, in one write. */
  async append (entries: LogEntry[], sync: boolean): Promise<void> {
    const last = new Map<string, Head>()
    for (const e of entries) last.set(e.author, { seq: e.seq, hash: e.hash })
    await this.db.batch([
      ...entries.map((e): BatchPut<LogEntry> => ({ type: 'put', sublevel: this.entries, key: entryKey(e.author, e.seq), value: e })),
      ...[...last].map(([author, head]): BatchPut<Head> => ({ type: 'put', sublevel: this.headsDb, key: author, value: head }))
    ] as Array<BatchPut<unknown>>, sync)
    for (const [author, head] of last) this.heads.set(author, head)
  }

  /** Moves an author's head back, when the tail beyond it failed verification at start. */
  async truncate (author: string, head: Head | undefined): Promise<void> {
    if (head === undefined) {
      await this.headsDb.del(author)
      this.heads.delete(author)
    } else {
      await this.headsDb.put(author, head)
      this.heads.set(author, head)
    }
  }

  async get (author: string, seq: number): Promise<LogEntry | undefined> {
    return await this.entries.get(entryKey(author, seq))
  }

  /** Entries of `author` from `from`, up to the head held, at most `limit`. */
  async range (author: string, from: number, limit: number): Promise<LogEntry[]> {
    const head = this.heads.get(author)
    if (head === undefined || from > head.seq) return []
    const to = Math.min(head.seq, from + limit - 1)
    return await this.entries.values({ gte: entryKey(author, from), lte: entryKey(author, to) }).all()
  }

  /** Every entry of one author in order, up to the head held. */
  async * chain (author: string): AsyncGenerator<LogEntry> {
    const head = this.heads.get(author)
    if (head === undefined) return
    yield * this.entries.values({ gte: entryKey(author, 1), lte: entryKey(author, head.seq) })
  }

  async recordFork (report: ForkReport): Promise<void> {
    const key = entryKey(report.author, report.seq)
    const known = this.forkList.get(key)
    const merged = known === undefined ? report : { ...known, hashes: [...new Set([...known.hashes, ...report.hashes])] }
    this.forkList.set(key, merged)
    await this.forksDb.put(key, merged)
  }

  forks (): ForkReport[] {
    return [...this.forkList.values()]
  }

  /** Keeps a loss report (new, or with more taken back) across restarts. */
  async recordLoss (loss: Loss): Promise<void> {
    await this.lossesDb.put(`${loss.author}!${pad(loss.fromSeq)}!${loss.detectedAt}`, loss)
  }

  /** The loss reports of earlier starts, as stored. */
  losses (): Loss[] {
    return [...this.lossList]
  }
}
