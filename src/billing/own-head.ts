import { open, readFile, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { errorMessage } from '../errors.ts'

/**
 * The head of this node's own chain, as far as it ever wrote or took back: sequence, hash and
 * the number of records up to there. Kept in a file apart from the database, so that a
 * database that lost its newest writes (a damaged write-ahead log) is seen to have gone back.
 */
export const OwnHeadSchema = z.object({
  seq: z.number().int().min(0),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  records: z.number().int().min(0)
}).strict()

export type OwnHead = z.infer<typeof OwnHeadSchema>

/**
 * Written in place at offset 0 in one write of a fixed size, within the first disk sector (a
 * disk writes a sector whole): a crash leaves the old or the new record. A record torn anyway
 * fails the schema and is reported as a fault, never read as a head.
 */
const RECORD_BYTES = 256

export type OwnHeadRead = { head: OwnHead | undefined, fault?: undefined } | { head: undefined, fault: string }

/**
 * The file is written and synced after each durable append, before the append is acknowledged:
 * after a power cut it still tells how far the log went, so a node alone sees the loss of its
 * last writes. Group commit makes that one more sync per group, not per record; the file's
 * size never changes after it is created, so a data sync is enough.
 */
export class OwnHeadFile {
  private readonly path: string
  private handle: FileHandle | undefined
  private written = -1
  private queue: Promise<void> = Promise.resolve()

  constructor (path: string) {
    this.path = path
  }

  async read (): Promise<OwnHeadRead> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { head: undefined }
      return { head: undefined, fault: `cannot read ${this.path}: ${errorMessage(err)}` }
    }
    let value: unknown
    try {
      value = JSON.parse(text.trim())
    } catch {
      value = undefined
    }
    const parsed = OwnHeadSchema.safeParse(value)
    if (!parsed.success) return { head: undefined, fault: `${this.path} is not a head record` }
    this.written = parsed.data.seq
    return { head: parsed.data }
  }

  /**
   * Records a head beyond the one written, durably; heads arrive in order, so a lower one is
   * stale (a node never goes back below its head file: a lost tail stays a gap).
   */
  async write (head: OwnHead): Promise<void> {
    const next = this.queue.then(async () => {
      if (head.seq <= this.written) return
      const bytes = Buffer.alloc(RECORD_BYTES, ' ')
      bytes.write(JSON.stringify(head))
      this.handle ??= await openInPlace(this.path)
      await this.handle.write(bytes, 0, RECORD_BYTES, 0)
      await this.handle.datasync()
      this.written = head.seq
    })
    this.queue = next.catch(() => undefined)
    await next
  }

  async close (): Promise<void> {
    await this.queue
    const handle = this.handle
    this.handle = undefined
    if (handle === undefined) return
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }
}

/**
 * Opens the file for writing in place: truncating it first would leave an empty file after a
 * crash. A new file's name is made durable in its directory; a data sync covers its size.
 */
async function openInPlace (path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r+')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const handle = await open(path, 'w', 0o600)
  const dir = await open(dirname(path), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
  return handle
}
