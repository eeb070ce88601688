import { join } from 'node:path'
import { Level } from 'level'
import { MeshError, errorMessage } from '../errors.ts'

type Json = unknown

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
