import { join } from 'node:path'
import type { AbstractBatchPutOperation, AbstractSublevel } from 'abstract-level'
import { Level } from 'level'
import { MeshError, errorMessage } from '../errors.ts'

type Json = unknown

export type Sublevel<V> = AbstractSublevel<Level<string, Json>, string | Buffer | Uint8Array, string, V>
export interface BatchPut<V> { type: 'put', sublevel: Sublevel<V>, key: string, value: V }

/**
 * The node's level database. Each domain owns a sublevel; `meta` keeps small node-level
 * facts (the pinned genesis hash, peers to reconnect to).
 */
export class MeshDatabase {
  private readonly db: Level<string, Json>
  readonly meta

  constructor (dataDir: string) {
    this.db = new Level<string, Json>(join(dataDir, 'db'), { valueEncoding: 'json' })
    this.meta = this.db.sublevel<string, Json>('meta', { valueEncoding: 'json' })
  }

  async open (): Promise<void> {
    try {
      await this.db.open()
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause
      throw new MeshError('STORAGE_ERROR', `cannot open the database: ${errorMessage(cause ?? err)}`)
    }
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
