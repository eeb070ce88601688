import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AbstractBatchPutOperation, AbstractSublevel } from 'abstract-level'
import type { ClassicLevel } from 'classic-level'
import { Level } from 'level'
import { MeshError, errorMessage } from '../errors.ts'

type Json = unknown

/** level's error for data it cannot read back: a checksum mismatch, a damaged block or log. */
export function isCorruption (err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause
  return code === 'LEVEL_CORRUPTION' || cause?.code === 'LEVEL_CORRUPTION'
}

export type Sublevel<V> = AbstractSublevel<Level<string, Json>, string | Buffer | Uint8Array, string, V>
export interface BatchPut<V> { type: 'put', sublevel: Sublevel<V>, key: string, value: V }

/** Bytes of a write-ahead log that level found corrupt and skipped while it replayed the log at open. */
export interface DroppedBytes { file: string, bytes: number, reason: string }

/** The database could not be read whole at open, and level's repair rebuilt it, dropping what it could not read. */
export interface Repair { reason: string, notes: string[] }

/** level says so only in its info log (`db/LOG`, rewritten at each open), as "(ignoring error) FILE: dropping N bytes; REASON". */
const DROPPED = /\(ignoring error\) (\S+): dropping (\d+) bytes; (.*)$/

/**
 * The node's level database. Each domain owns a sublevel; `meta` keeps small node-level
 * facts (the pinned genesis hash, peers to reconnect to).
 */
export class MeshDatabase {
  private readonly location: string
  /** Made at open: a level opens itself once made, and sublevels do not follow a reopened parent. */
  private level: Level<string, Json> | undefined
  private metaLevel: Sublevel<Json> | undefined
  private dropped: DroppedBytes[] = []
  private repairReport: Repair | undefined

  constructor (dataDir: string) {
    this.location = join(dataDir, 'db')
  }

  /**
   * Opens the database and reads every block of it once: level finds a damaged table only
   * when it reads it, and would then fail that read on every start. A database that does not
   * open or read for corruption is repaired (level keeps what it can read) and opened anew.
   */
  async open (): Promise<void> {
    const first = new Level<string, Json>(this.location, { valueEncoding: 'json' })
    const fault = await this.check(first)
    let db = first
    if (fault !== undefined) {
      if (first.status !== 'closed') await first.close()
      try {
        // In Node, `level` is classic-level, whose repair the Level type does not declare.
        await (Level as unknown as typeof ClassicLevel).repair(this.location)
      } catch (err) {
        throw new MeshError('STORAGE_ERROR', `the database is corrupt (${fault}) and could not be repaired: ${errorMessage(causeOf(err))}`)
      }
      // The repair writes its findings into level's info log, which the next open replaces.
      this.repairReport = { reason: fault, notes: await corruptionNotes(join(this.location, 'LOG')) }
      db = new Level<string, Json>(this.location, { valueEncoding: 'json' })
      try {
        await db.open()
      } catch (err) {
        throw new MeshError('STORAGE_ERROR', `cannot open the repaired database: ${errorMessage(causeOf(err))}`)
      }
    }
    this.level = db
    this.metaLevel = db.sublevel<string, Json>('meta', { valueEncoding: 'json' })
  }

  /** Opens `db`, notes what level skipped in its log, and reads every key; returns the corruption met. */
  private async check (db: Level<string, Json>): Promise<string | undefined> {
    try {
      await db.open()
    } catch (err) {
      if (isCorruption(err)) return errorMessage(causeOf(err))
      throw new MeshError('STORAGE_ERROR', `cannot open the database: ${errorMessage(causeOf(err))}`)
    }
    this.dropped = await droppedAtOpen(join(this.location, 'LOG'))
    const keys = db.keys({ keyEncoding: 'buffer', fillCache: false })
    try {
      let batch = await keys.nextv(1000)
      while (batch.length > 0) batch = await keys.nextv(1000)
    } catch (err) {
      if (isCorruption(err)) return errorMessage(causeOf(err))
      throw err
    } finally {
      await keys.close()
    }
    return undefined
  }

  private get db (): Level<string, Json> {
    if (this.level === undefined) throw new MeshError('STORAGE_ERROR', 'the database is not open')
    return this.level
  }

  /** Small node-level facts: the pinned genesis hash, peers to reconnect to. */
  get meta (): Sublevel<Json> {
    if (this.metaLevel === undefined) throw new MeshError('STORAGE_ERROR', 'the database is not open')
    return this.metaLevel
  }

  /** What level skipped as corrupt in its write-ahead log when it opened: writes lost without an error. */
  droppedAtOpen (): DroppedBytes[] {
    return [...this.dropped]
  }

  /** Set when the database was repaired at open. */
  get repaired (): Repair | undefined {
    return this.repairReport
  }

  /** level reported corruption at open (skipped log bytes, or a repair): what is gone was damaged, not just not written. */
  get corruptAtOpen (): boolean {
    return this.dropped.length > 0 || this.repairReport !== undefined
  }

  /** A domain's own part of the database, with JSON values. */
  sublevel<V> (name: string): Sublevel<V> {
    return this.db.sublevel<string, V>(name, { valueEncoding: 'json' })
  }

  /** Writes to several sublevels at once, atomically; `sync` makes it durable before it resolves. */
  async batch (ops: Array<BatchPut<unknown>>, sync: boolean): Promise<void> {
    // level types a batch by the sublevel of its first operation only; ours span several.
    await this.db.batch(ops as unknown as Array<AbstractBatchPutOperation<Level<string, Json>, string, Json>>, { sync })
  }

  get isOpen (): boolean {
    return this.level?.status === 'open'
  }

  async close (): Promise<void> {
    await this.level?.close()
  }

  async getMeta<T> (key: string): Promise<T | undefined> {
    return await this.meta.get(key) as T | undefined
  }

  async putMeta (key: string, value: Json): Promise<void> {
    await this.meta.put(key, value)
  }
}

async function droppedAtOpen (infoLog: string): Promise<DroppedBytes[]> {
  let text: string
  try {
    text = await readFile(infoLog, 'utf8')
  } catch (err) {
    // level writes no info log on some platforms: then nothing can be said.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const dropped: DroppedBytes[] = []
  for (const line of text.split('\n')) {
    const m = DROPPED.exec(line)
    if (m !== null) dropped.push({ file: (m[1] ?? '').split('/').pop() ?? '', bytes: Number(m[2]), reason: m[3] ?? '' })
  }
  return dropped
}

function causeOf (err: unknown): unknown {
  return (err as { cause?: unknown }).cause ?? err
}

/** The lines of level's info log that name a corruption (a repair lists each table it salvaged). */
async function corruptionNotes (infoLog: string): Promise<string[]> {
  try {
    return (await readFile(infoLog, 'utf8')).split('\n').filter(l => /corrupt/i.test(l)).map(l => l.replace(/^\S+ \S+ /, ''))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
}
