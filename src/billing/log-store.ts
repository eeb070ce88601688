import { MeshError } from '../errors.ts'
import type { BatchPut, MeshDatabase, Sublevel } from '../storage/database.ts'
import type { LogEntry } from './log-entry.ts'

export interface Head { seq: number, hash: string }
export interface ForkReport { author: string, seq: number, hashes: string[], detectedAt: number }

/**
 * Entries `from`..`to` of a chain that this node does not hold, but whose end it knows: the
 * head file's seq and hash from before a loss. The chain goes on after `to`, chained to `hash`
 * (the anchor), so that a node that lost its own tail never reuses a sequence number. `prev`
 * is the hash of entry `from - 1` (the genesis value for seq 1), `records` the number of
 * records in the entries not held. Filling moves `from` up; the last entry must match `hash`.
 */
export interface Gap { from: number, to: number, hash: string, prev: string, records: number }

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
  /** A filled gap is kept with nothing left in it (`from` past `to`), so that it closes in the batch that fills it. */
  private readonly gapsDb: Sublevel<Gap>
  private readonly lossList: Loss[] = []
  private readonly heads = new Map<string, Head>()
  private readonly forkList = new Map<string, ForkReport>()
  private readonly gapList = new Map<string, Gap>()

  constructor (db: MeshDatabase) {
    this.db = db
    this.entries = db.sublevel('billing-entries')
    this.headsDb = db.sublevel('billing-heads')
    this.forksDb = db.sublevel('billing-forks')
    this.lossesDb = db.sublevel('billing-losses')
    this.gapsDb = db.sublevel('billing-gaps')
  }

  async open (): Promise<void> {
    for await (const [author, head] of this.headsDb.iterator()) this.heads.set(author, head)
    for await (const [key, fork] of this.forksDb.iterator()) this.forkList.set(key, fork)
    for await (const loss of this.lossesDb.values()) this.lossList.push(loss)
    for await (const [author, gap] of this.gapsDb.iterator()) if (gap.from <= gap.to) this.gapList.set(author, gap)
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

  /**
   * Moves an author's head back, when the tail beyond it failed verification at start. A gap
   * above the new head is gone with the tail (its anchor no longer continues anything held).
   */
  async truncate (author: string, head: Head | undefined): Promise<void> {
    const gap = this.gapList.get(author)
    if (gap !== undefined && (head?.seq ?? 0) < gap.to) {
      await this.gapsDb.del(author)
      this.gapList.delete(author)
    }
    if (head === undefined) {
      await this.headsDb.del(author)
      this.heads.delete(author)
    } else {
      await this.headsDb.put(author, head)
      this.heads.set(author, head)
    }
  }

  gap (author: string): Gap | undefined {
    return this.gapList.get(author)
  }

  /**
   * Opens a gap above the head held and moves the head to its anchor, durably, in one write:
   * the next entry of the chain is at `gap.to + 1`. One gap per chain.
   */
  async openGap (author: string, gap: Gap): Promise<void> {
    const head = this.heads.get(author)
    if (this.gapList.has(author)) throw new MeshError('STORAGE_ERROR', `${author}'s chain already has a gap`)
    if ((head?.seq ?? 0) !== gap.from - 1 || gap.to < gap.from) throw new MeshError('STORAGE_ERROR', `a gap ${gap.from}..${gap.to} does not follow the head ${head?.seq ?? 0}`)
    const anchor = { seq: gap.to, hash: gap.hash }
    await this.db.batch([
      { type: 'put', sublevel: this.gapsDb, key: author, value: gap },
      { type: 'put', sublevel: this.headsDb, key: author, value: anchor }
    ] as Array<BatchPut<unknown>>, true)
    this.gapList.set(author, gap)
    this.heads.set(author, anchor)
  }

  /**
   * Stores entries at the start of an author's gap (verified by the caller, the anchor too) and
   * narrows the gap, or closes it with the entry at its end, in one write.
   */
  async fill (author: string, entries: LogEntry[]): Promise<void> {
    const gap = this.gapList.get(author)
    const last = entries[entries.length - 1]
    if (gap === undefined || last === undefined) return
    if (entries[0]?.seq !== gap.from || last.seq > gap.to) throw new MeshError('STORAGE_ERROR', `entries ${entries[0]?.seq}..${last.seq} do not start ${author}'s gap ${gap.from}..${gap.to}`)
    const records = entries.reduce((n, e) => n + e.records.length, 0)
    const rest: Gap = { ...gap, from: last.seq + 1, prev: last.hash, records: Math.max(0, gap.records - records) }
    await this.db.batch([
      ...entries.map((e): BatchPut<LogEntry> => ({ type: 'put', sublevel: this.entries, key: entryKey(e.author, e.seq), value: e })),
      { type: 'put', sublevel: this.gapsDb, key: author, value: rest }
    ] as Array<BatchPut<unknown>>, false)
    if (rest.from > rest.to) this.gapList.delete(author)
    else this.gapList.set(author, rest)
  }

  /** The entry held at (author, seq); none inside a gap (what is stored there is stale: a tail cut off before the gap opened). */
  async get (author: string, seq: number): Promise<LogEntry | undefined> {
    const gap = this.gapList.get(author)
    if (gap !== undefined && seq >= gap.from && seq <= gap.to) return undefined
    return await this.entries.get(entryKey(author, seq))
  }

  /**
   * Entries of `author` from `from`, up to the head held, at most `limit`. A range never
   * crosses a gap: from below it, it ends before it; inside it, it is empty.
   */
  async range (author: string, from: number, limit: number): Promise<LogEntry[]> {
    const head = this.heads.get(author)
    if (head === undefined || from > head.seq) return []
    let to = Math.min(head.seq, from + limit - 1)
    const gap = this.gapList.get(author)
    if (gap !== undefined && from <= gap.to) {
      if (from >= gap.from) return []
      to = Math.min(to, gap.from - 1)
    }
    return await this.entries.values({ gte: entryKey(author, from), lte: entryKey(author, to) }).all()
  }

  /** Every entry of one author in order, up to the head held, without the gap. */
  async * chain (author: string): AsyncGenerator<LogEntry> {
    const head = this.heads.get(author)
    if (head === undefined) return
    const gap = this.gapList.get(author)
    if (gap === undefined) {
      yield * this.entries.values({ gte: entryKey(author, 1), lte: entryKey(author, head.seq) })
      return
    }
    if (gap.from > 1) yield * this.entries.values({ gte: entryKey(author, 1), lte: entryKey(author, gap.from - 1) })
    if (head.seq > gap.to) yield * this.entries.values({ gte: entryKey(author, gap.to + 1), lte: entryKey(author, head.seq) })
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
