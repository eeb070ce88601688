import { z } from 'zod'
import { LogEntrySchema } from './log-entry.ts'

/**
 * The sync protocol: one request and one response per stream. `heads` asks what a peer holds;
 * `range` asks for consecutive entries of one author. Responses are bounded in entries and
 * bytes; the caller checks every entry before it stores any.
 */
export const SYNC_LIMITS = { maxRequestBytes: 1024, maxResponseBytes: 16 * 1024 * 1024, timeoutMs: 10_000 }
/** Entries per range response: with up to 10,000 records each, about a megabyte per entry at most. */
export const RANGE_LIMIT = 64
export const RANGE_BYTES = 8 * 1024 * 1024

const HeadSchema = z.object({ author: z.string().min(1).max(128), seq: z.number().int().min(1), hash: z.string().regex(/^[0-9a-f]{64}$/) }).strict()

export const SyncRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('heads') }).strict(),
  z.object({ type: z.literal('range'), author: z.string().min(1).max(128), from: z.number().int().min(1), limit: z.number().int().min(1).max(RANGE_LIMIT) }).strict()
])

export const HeadsResponseSchema = z.object({ heads: z.array(HeadSchema).max(100_000) }).strict()
export const RangeResponseSchema = z.object({ entries: z.array(LogEntrySchema).max(RANGE_LIMIT) }).strict()
export type RangeResponse = z.infer<typeof RangeResponseSchema>
/** A head announcement on the billing topic: the author's newest entry. */
export const HeadAnnouncementSchema = HeadSchema

export type SyncRequest = z.infer<typeof SyncRequestSchema>
export type HeadAnnouncement = z.infer<typeof HeadAnnouncementSchema>
