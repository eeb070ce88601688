import { z } from 'zod'
import { GENESIS_ORIGINS } from '../src/data-dir.ts'

/**
 * What tools read instead of the human banner: logged as the `"msg":"started"` record at start,
 * and printed as one JSON line by `start --json` (with `api_token` at the start that created it).
 */
export const StartupRecord = z.object({
  version: z.string(),
  peer_id: z.string().min(1),
  network_id: z.string().min(1),
  genesis_hash: z.string().regex(/^[0-9a-f]{64}$/),
  genesis_origin: z.enum(GENESIS_ORIGINS),
  key_created: z.boolean(),
  /** The addresses the node listens on (as bound: port 0 resolved). */
  listen: z.array(z.string()),
  /** The addresses peers are told to dial (--announce), else the listen addresses. */
  announce: z.array(z.string()),
  api_url: z.url(),
  /** The address another node bootstraps from: the one in `join`. */
  join_address: z.string().min(1),
  /** A command that starts another node of this network on this machine. */
  join: z.string().min(1)
})
export type StartupRecord = z.infer<typeof StartupRecord>

/** The line `start --json` prints. */
export const StartupLine = StartupRecord.extend({
  /** The API token, in the line of the start that created it (it is printed once, never logged). */
  api_token: z.string().min(1).optional()
})
export type StartupLine = z.infer<typeof StartupLine>

/** The start-up line of `start --json` output, checked; throws a ZodError naming the bad field. */
export function parseStartupLine (line: string): StartupLine {
  return StartupLine.parse(JSON.parse(line))
}
