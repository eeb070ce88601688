import { z } from 'zod'
import type { HostEvent, NodeInfo } from './node-host.ts'

/** Requests a ProcessNodeHost sends to its child (host-process.ts) over IPC. */
export const HostRequestSchema = z.discriminatedUnion('op', [
  z.object({
    id: z.number(),
    op: z.literal('launch'),
    launch: z.object({
      index: z.number().int().min(0),
      dataDir: z.string(),
      genesisFile: z.string(),
      bootstrap: z.array(z.string()),
      candidate: z.boolean(),
      services: z.array(z.object({ name: z.string(), url: z.string(), capacity: z.number() })),
      telemetryIntervalMs: z.number().int().positive()
    })
  }),
  z.object({ id: z.number(), op: z.literal('crash'), index: z.number().int().min(0) }),
  z.object({ id: z.number(), op: z.literal('partition'), index: z.number().int().min(0), reachable: z.array(z.string()).nullable() }),
  z.object({ id: z.number(), op: z.literal('close') })
])
export type HostRequest = z.infer<typeof HostRequestSchema>

/** What the child observed since the last batch, and its resident memory now. */
export interface HostBatch { events: HostEvent[], rss: number }

export type HostReply =
  | { id: number, ok: true, result: NodeInfo | null }
  | { id: number, ok: false, error: string }
