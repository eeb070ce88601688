import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AbstractBatchPutOperation, AbstractSublevel } from 'abstract-level'
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

/** level says so only in its info log (`db/LOG`, rewritten at each open), as "(ignoring error) FILE: dropping N bytes; REASON". */
const DROPPED = /\(ignoring error\) (\S+): dropping (\d+) bytes; (.*)$/

/**
 * The node's level database. Each domain owns a sublevel; `meta` keeps small node-level
 * facts (the pinned genesis hash, peers to reconnect to).
 */
export class MeshDatabase {
  private readonly db: Level<string, Json>
  private readonly location: string
  private dropped: DroppedBytes[] = []
  readonly meta

  constructor (dataDir: string) {
    this.location = join(dataDir, 'db')
    this.db = new Level<string, Json>(this.location, { valueEncoding: 'json' })
    this.meta = this.db.sublevel<string, Json>('meta', { valueEncoding: 'json' })
  }

  async open (): Promise<void> {
    try {
      await this.db.open()
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause
      throw new MeshError('STORAGE_ERROR', `cannot open the database: ${errorMessage(cause ?? err)}`)
    }
    this.dropped = await droppedAtOpen(join(this.location, 'LOG'))
  }

  /** What level skipped as corrupt in its write-ahead log when it opened: writes lost without an error. */
  droppedAtOpen (): DroppedBytes[] {
    return [...this.dropped]
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
    return this.db.status === 'open'
  }

  async close (): Promise<void> {
    await this.db.close()
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
