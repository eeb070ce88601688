import { open, readFile, type FileHandle } from 'node:fs/promises'
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

/** Written in place at offset 0 in one write of a fixed size: a crash leaves the old or the new record. */
const RECORD_BYTES = 256

export type OwnHeadRead = { head: OwnHead | undefined, fault?: undefined } | { head: undefined, fault: string }

/**
 * The file is written after each durable append, without a sync of its own (the database's
 * sync is what acknowledges a record; a second one would halve the write rate): it survives a
 * killed process, and after a power cut it may lag, so that a loss of the last writes then
 * goes unnoticed by a node alone. It is synced when the node stops.
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

  /** Records a head beyond the one written; heads arrive in order, so a lower one is stale. */
  async write (head: OwnHead): Promise<void> {
    await this.enqueue(head, false)
  }

  /** Records a head below the one written: the node goes on from there, having lost the rest. */
  async rewind (head: OwnHead): Promise<void> {
    await this.enqueue(head, true)
  }

  private async enqueue (head: OwnHead, rewind: boolean): Promise<void> {
    const next = this.queue.then(async () => {
      if (!rewind && head.seq <= this.written) return
      const bytes = Buffer.alloc(RECORD_BYTES, ' ')
      bytes.write(JSON.stringify(head))
      this.handle ??= await openInPlace(this.path)
      await this.handle.write(bytes, 0, RECORD_BYTES, 0)
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

/** Opens the file for writing in place: truncating it first would leave an empty file after a crash. */
async function openInPlace (path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r+')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    return await open(path, 'w', 0o600)
  }
}
