import { z } from 'zod'
import { MAX_AMOUNT, exactNumber } from '../network/amount.ts'

/** One metered use of a resource by a user. `id` is the idempotency key. */
export const UsageRecordSchema = z.object({
  id: z.string().min(1).max(128),
  user_id: z.string().min(1).max(128),
  resource_type: z.string().min(1).max(64),
  /** At most 6 decimals and at most MAX_AMOUNT, so that every sum of amounts is exact. */
  amount: exactNumber(MAX_AMOUNT, true),
  unit: z.string().min(1).max(32),
  /** Milliseconds since the epoch. */
  timestamp: z.number().int().min(0),
  metadata: z.record(z.string(), z.union([z.string().max(256), z.number(), z.boolean(), z.null()]))
    .refine(m => Object.keys(m).length <= 16, { message: 'at most 16 metadata keys' })
}).strict()

export type UsageRecord = z.infer<typeof UsageRecordSchema>
