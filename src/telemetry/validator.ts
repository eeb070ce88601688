import { accept, ignore, reject, type GossipVerdict } from '../p2p/gossip-validation.ts'
import { MAX_MEMBERSHIP_EVENT_BYTES, MembershipEventSchema, judgeMembershipEvent, type MembershipEvent, type MembershipRejectReason } from './membership-event.ts'
import { decodeSnapshot, decodeTelemetryJson, isNewer, snapshotOf, type SnapshotPosition, type TelemetrySnapshot } from './snapshot.ts'

export type SnapshotVerdict =
  | { accept: true, snapshot: TelemetrySnapshot }
  | { accept: false, reason: RejectReason }

export type RejectReason = 'oversized' | 'malformed' | 'replayed' | 'future' | 'stale'

export interface ValidationContext {
  now: number
  maxSkewMs: number
  /** Snapshots older than this are not news any more, whoever relays them. */
  maxAgeMs: number
}

/**
 * Judges one gossiped snapshot. Synchronous and O(1): it runs on the gossip path for every
 * message, so it does no I/O and no work that grows with the number of peers.
 */
export function validateSnapshot (
  bytes: Uint8Array,
  last: SnapshotPosition | undefined,
  ctx: ValidationContext
): SnapshotVerdict {
  const decoded = decodeSnapshot(bytes)
  if (!decoded.ok) return { accept: false, reason: decoded.reason }
  return judgeSnapshot(decoded.snapshot, last, ctx)
}

/** The checks of a snapshot already parsed by its schema (one gossiped, or one handed over directly). */
export function judgeSnapshot (s: TelemetrySnapshot, last: SnapshotPosition | undefined, ctx: ValidationContext): SnapshotVerdict {
  if (s.time > ctx.now + ctx.maxSkewMs) return { accept: false, reason: 'future' }
  if (s.time < ctx.now - ctx.maxAgeMs) return { accept: false, reason: 'stale' }
  if (!isNewer(s, last)) return { accept: false, reason: 'replayed' }
  return { accept: true, snapshot: s }
}

/** What the telemetry topic judges a message against: its author, the author's last snapshot position, and the time. */
export interface TelemetryContext extends ValidationContext {
  author: string
  last: SnapshotPosition | undefined
}

/** What the telemetry topic carries: load snapshots, and membership events. */
export type TelemetryMessage =
  | { type: 'snapshot', snapshot: TelemetrySnapshot }
  | { type: 'membership', event: MembershipEvent }

export type TelemetryRejectReason = RejectReason | MembershipRejectReason

/** A small message whose top-level object has an `event` field is a membership event; anything else must be a snapshot. */
function membershipEventIn (bytes: Uint8Array, value: unknown): { ok: true, event: MembershipEvent } | { ok: false, reason: 'malformed' } | undefined {
  if (bytes.byteLength > MAX_MEMBERSHIP_EVENT_BYTES || typeof value !== 'object' || value === null || !('event' in value)) return undefined
  const parsed = MembershipEventSchema.safeParse(value)
  return parsed.success ? { ok: true, event: parsed.data } : { ok: false, reason: 'malformed' }
}

/**
 * The telemetry topic's validator. A replayed or stale message is not the relayer's fault: it
 * is ignored without penalty; the other reasons are the sender's and rejected.
 */
export function validateTelemetry (bytes: Uint8Array, ctx: TelemetryContext): GossipVerdict<TelemetryMessage, TelemetryRejectReason> {
  // Parsed once, for whichever kind of message the bytes turn out to be.
  const json = decodeTelemetryJson(bytes)
  if (!json.ok) return reject(json.reason)
  const event = membershipEventIn(bytes, json.value)
  if (event !== undefined) {
    if (!event.ok) return reject(event.reason)
    const judged = judgeMembershipEvent(event.event, ctx.author, ctx)
    if (judged.ok) return accept({ type: 'membership', event: event.event })
    return judged.reason === 'stale' ? ignore(judged.reason) : reject(judged.reason)
  }
  const decoded = snapshotOf(json.value)
  const verdict = decoded.ok ? judgeSnapshot(decoded.snapshot, ctx.last, ctx) : { accept: false as const, reason: decoded.reason }
  if (verdict.accept) return accept({ type: 'snapshot', snapshot: verdict.snapshot })
  return verdict.reason === 'replayed' || verdict.reason === 'stale' ? ignore(verdict.reason) : reject(verdict.reason)
}
