import { accept, ignore, reject, type GossipVerdict } from '../p2p/gossip-validation.ts'
import { decodeSnapshot, isNewer, type SnapshotPosition, type TelemetrySnapshot } from './snapshot.ts'

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
  const s = decoded.snapshot
  if (s.time > ctx.now + ctx.maxSkewMs) return { accept: false, reason: 'future' }
  if (s.time < ctx.now - ctx.maxAgeMs) return { accept: false, reason: 'stale' }
  if (!isNewer(s, last)) return { accept: false, reason: 'replayed' }
  return { accept: true, snapshot: s }
}

/** What the telemetry topic judges a snapshot against: the author's last position, and the time. */
export interface TelemetryContext extends ValidationContext {
  last: SnapshotPosition | undefined
}

/**
 * The telemetry topic's validator. A replayed or stale snapshot is not the relayer's fault: it
 * is ignored without penalty; the other reasons are the sender's and rejected.
 */
export function validateTelemetry (bytes: Uint8Array, ctx: TelemetryContext): GossipVerdict<TelemetrySnapshot, RejectReason> {
  const verdict = validateSnapshot(bytes, ctx.last, ctx)
  if (verdict.accept) return accept(verdict.snapshot)
  return verdict.reason === 'replayed' || verdict.reason === 'stale' ? ignore(verdict.reason) : reject(verdict.reason)
}
