import { z } from 'zod'
import { encodeJson } from '../codec/json-bytes.ts'
import { parseJson } from '../codec/json-depth.ts'

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

/**
 * A node's load and health, gossiped every interval on the telemetry topic. The author is
 * the gossip message's signer, so the snapshot itself carries no peer id or signature.
 */
export const TelemetrySnapshotSchema = z.object({
  /** Start time of the publishing process: a restart begins a new, higher incarnation. */
  incarnation: Count,
  seq: Count,
  time: Count,
  intervalMs: z.number().int().min(100).max(600_000),
  cpu: Share,
  /**
   * The process's own memory: resident set (RSS) and V8 heap in use, against its limit, which
   * is its cgroup's (`cgroup`: a container or a systemd slice) or else the host's total (`host`);
   * `share` is rssBytes / limitBytes, the figure that routing weighs.
   */
  memory: z.object({
    rssBytes: Count,
    heapUsedBytes: Count,
    limitBytes: Count.min(1),
    limitSource: z.enum(['cgroup', 'host']),
    share: Share
  }).strict(),
  eventLoopDelayMs: z.object({ p50: NonNegative, p99: NonNegative, max: NonNegative }).strict(),
  /**
   * What the node served: API requests other than the probes (/health, /ready, /metrics) and the
   * routed ones, and the calls to its own upstreams (for a peer or for itself); a 5xx is an
   * error. `active` is in flight; `served`, `errors` over the process's life; `recent` over the
   * last `windowMs`, of which the error rate is reported.
   */
  requests: z.object({
    active: Count,
    served: Count,
    errors: Count,
    recent: z.object({ windowMs: z.number().int().min(1_000).max(3_600_000), served: Count, errors: Count }).strict()
  }).strict(),
  services: z.array(ServiceOfferSchema).max(64),
  apiUrl: z.string().max(256),
  version: z.string().min(1).max(32),
  region: z.string().max(64),
  uptimeMs: Count
}).strict()

export type TelemetrySnapshot = z.infer<typeof TelemetrySnapshotSchema>
export type MemoryLimitSource = TelemetrySnapshot['memory']['limitSource']
export type ServiceOffer = z.infer<typeof ServiceOfferSchema>

/** Larger messages are rejected before parsing: a snapshot is a few hundred bytes. */
export const MAX_SNAPSHOT_BYTES = 8 * 1024

const decoder = new TextDecoder('utf-8', { fatal: true })

export function encodeSnapshot (snapshot: TelemetrySnapshot): Uint8Array {
  return encodeJson(snapshot)
}

export type DecodeResult =
  | { ok: true, snapshot: TelemetrySnapshot }
  | { ok: false, reason: 'oversized' | 'malformed' }

export function decodeSnapshot (bytes: Uint8Array): DecodeResult {
  const json = decodeTelemetryJson(bytes)
  return json.ok ? snapshotOf(json.value) : json
}

/** The JSON value of a message of the telemetry topic (a snapshot or a smaller membership event), parsed once. */
export function decodeTelemetryJson (bytes: Uint8Array): { ok: true, value: unknown } | { ok: false, reason: 'oversized' | 'malformed' } {
  if (bytes.byteLength > MAX_SNAPSHOT_BYTES) return { ok: false, reason: 'oversized' }
  try {
    return { ok: true, value: parseJson(decoder.decode(bytes)) }
  } catch {
    return { ok: false, reason: 'malformed' }
  }
}

/** A parsed JSON value checked against the snapshot's schema. */
export function snapshotOf (value: unknown): DecodeResult {
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
