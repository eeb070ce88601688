import { createHash } from 'node:crypto'
import { z } from 'zod'
import { canonicalJson } from '../codec/canonical-json.ts'
import type { Sign, Verifier } from '../network/signing.ts'
import { UsageRecordSchema } from './usage-record.ts'

/**
 * An entry of one node's append-only log: a group of usage records, chained to the previous
 * entry of the same author by hash and signed by the author. Group commit puts every record
 * of one durable write in one entry, so hashing and signing are paid per group.
 */
export const GENESIS_PREV = '0'.repeat(64)
export const MAX_RECORDS_PER_ENTRY = 10_000

export const LogEntrySchema = z.object({
  author: z.string().min(1).max(128),
  seq: z.number().int().min(1),
  prev: z.string().regex(/^[0-9a-f]{64}$/),
  time: z.number().int().min(0),
  records: z.array(UsageRecordSchema).min(1).max(MAX_RECORDS_PER_ENTRY),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  sig: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).max(200)
}).strict()

export type LogEntry = z.infer<typeof LogEntrySchema>
export type UnsignedEntry = Omit<LogEntry, 'hash' | 'sig'>

export function entryHash (e: UnsignedEntry): string {
  const body = { author: e.author, seq: e.seq, prev: e.prev, time: e.time, records: e.records }
  return createHash('sha256').update(canonicalJson(body)).digest('hex')
}

export function sealEntry (e: UnsignedEntry, sign: Sign): LogEntry {
  const hash = entryHash(e)
  return { ...e, hash, sig: Buffer.from(sign(Buffer.from(hash, 'hex'))).toString('base64') }
}

export type EntryFault = 'hash' | 'signature' | 'chain' | 'author'

/**
 * Checks one entry against the one before it of the same author (undefined for seq 1):
 * content hash, signature, chain link, and that the author may write to this network.
 */
export function checkEntry (
  e: LogEntry,
  previous: { seq: number, hash: string } | undefined,
  verifier: Verifier,
  isMember: (author: string) => boolean
): EntryFault | undefined {
  if (!isMember(e.author)) return 'author'
  if (entryHash(e) !== e.hash) return 'hash'
  if (!verifier.verify(e.author, Buffer.from(e.hash, 'hex'), Buffer.from(e.sig, 'base64'))) return 'signature'
  const expectedPrev = e.seq === 1 ? GENESIS_PREV : previous?.seq === e.seq - 1 ? previous.hash : undefined
  if (expectedPrev === undefined || e.prev !== expectedPrev) return 'chain'
  return undefined
}

/** Why a batch of entries is refused: `anchor`, an authentic entry at a gap's end whose hash is not the one this node signed there (a fork). */
export interface BatchFault { seq: number, fault: EntryFault | 'sequence' | 'anchor', signedByAuthor: boolean }

/**
 * Checks consecutive entries of `author` from `from` against the entry held just before them
 * (undefined before seq 1); the first fault rejects the whole batch. With an `anchor` (the end
 * of a known gap: the seq and hash of an entry not held, that later entries chain to), no
 * entry may go beyond it and the entry at its seq must have its hash.
 */
export function checkBatch (
  author: string,
  from: number,
  held: { seq: number, hash: string } | undefined,
  entries: LogEntry[],
  verifier: Verifier,
  mayAuthor: (author: string, seq: number) => boolean,
  anchor?: { seq: number, hash: string }
): BatchFault | undefined {
  let previous = held
  for (const [i, e] of entries.entries()) {
    if (e.author !== author || e.seq !== from + i || (anchor !== undefined && e.seq > anchor.seq)) return { seq: from + i, fault: 'sequence', signedByAuthor: false }
    const fault = checkEntry(e, previous, verifier, a => mayAuthor(a, e.seq))
    if (fault !== undefined) {
      const signedByAuthor = fault === 'chain' && verifier.verify(e.author, Buffer.from(e.hash, 'hex'), Buffer.from(e.sig, 'base64'))
      return { seq: e.seq, fault, signedByAuthor }
    }
    if (anchor !== undefined && e.seq === anchor.seq && e.hash !== anchor.hash) return { seq: e.seq, fault: 'anchor', signedByAuthor: true }
    previous = { seq: e.seq, hash: e.hash }
  }
  return undefined
}
