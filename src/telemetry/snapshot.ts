import { z } from 'zod'
import { parseJson } from '../codec/json-depth.ts'

/**
 * A node's load and health, gossiped every interval on the telemetry topic. The author is
 * the gossip message's signer, so the snapshot itself carries no peer id or signature.
 */
/**
 * The largest capacity a node may advertise. Capacity is a peer's own claim, so it is bounded
 * here and its effect on routing is bounded in the strategies (see MAX_CAPACITY_FACTOR).
 */
export const MAX_CAPACITY = 10_000

export const ServiceOfferSchema = z.object({
  name: z.string().min(1).max(64),
  capacity: z.number().int().min(0).max(MAX_CAPACITY)
}).strict()

const Share = z.number().min(0).max(1)
const NonNegative = z.number().finite().min(0)
const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)

export const TelemetrySnapshotSchema = z.object({
  /** Start time of the publishing process: a restart begins a new, higher incarnation. */
  incarnation: Count,
  seq: Count,
  time: Count,
  intervalMs: z.number().int().min(100).max(600_000),
  cpu: Share,
  memory: z.object({ rssBytes: Count, heapUsedBytes: Count, systemShare: Share }).strict(),
  eventLoopDelayMs: z.object({ p50: NonNegative, p99: NonNegative, max: NonNegative }).strict(),
  requests: z.object({ active: Count, served: Count, errors: Count }).strict(),
  services: z.array(ServiceOfferSchema).max(64),
  apiUrl: z.string().max(256),
  version: z.string().min(1).max(32),
  region: z.string().max(64),
  uptimeMs: Count
}).strict()

export type TelemetrySnapshot = z.infer<typeof TelemetrySnapshotSchema>
export type ServiceOffer = z.infer<typeof ServiceOfferSchema>

/** Larger messages are rejected before parsing: a snapshot is a few hundred bytes. */
export const MAX_SNAPSHOT_BYTES = 8 * 1024

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function encodeSnapshot (snapshot: TelemetrySnapshot): Uint8Array {
  return encoder.encode(JSON.stringify(snapshot))
}

export type DecodeResult =
  | { ok: true, snapshot: TelemetrySnapshot }
  | { ok: false, reason: 'oversized' | 'malformed' }

export function decodeSnapshot (bytes: Uint8Array): DecodeResult {
  if (bytes.byteLength > MAX_SNAPSHOT_BYTES) return { ok: false, reason: 'oversized' }
  let value: unknown
  try {
    value = parseJson(decoder.decode(bytes))
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  const parsed = TelemetrySnapshotSchema.safeParse(value)
  return parsed.success ? { ok: true, snapshot: parsed.data } : { ok: false, reason: 'malformed' }
}

/** Order of snapshots from one author: (incarnation, seq), compared lexicographically. */
export interface SnapshotPosition { incarnation: number, seq: number }

export function isNewer (candidate: SnapshotPosition, last: SnapshotPosition | undefined): boolean {
  if (last === undefined) return true
  if (candidate.incarnation !== last.incarnation) return candidate.incarnation > last.incarnation
  return candidate.seq > last.seq
}
