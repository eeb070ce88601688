import { z } from 'zod'
import { encodeJson } from '../codec/json-bytes.ts'

/**
 * A membership change (SWIM's alive, suspect and dead messages, and Serf's leave), gossiped on
 * the telemetry topic as a small message that GossipSub signs: its signer is the author.
 * `alive` (a refutation) and `left` (a goodbye) are only ever the peer's own word; `suspect`
 * (an accusation after a failed probe round) and `down` (a verdict after an accusation outlived
 * its timeout) are another node's. Every event carries the incarnation it speaks of, so that
 * an event about an older incarnation (a replay, a late accusation) is void.
 */
export const MEMBERSHIP_EVENTS = ['alive', 'suspect', 'down', 'left'] as const
export type MembershipEventKind = typeof MEMBERSHIP_EVENTS[number]

const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)

export const MembershipEventSchema = z.object({
  event: z.enum(MEMBERSHIP_EVENTS),
  /** The peer the event is about. */
  peerId: z.string().min(1).max(128),
  incarnation: Count,
  time: Count
}).strict()

export type MembershipEvent = z.infer<typeof MembershipEventSchema>

/** Larger messages are not membership events: one is about a hundred bytes. */
export const MAX_MEMBERSHIP_EVENT_BYTES = 512

export function encodeMembershipEvent (event: MembershipEvent): Uint8Array {
  return encodeJson(event)
}

export type MembershipRejectReason = 'oversized' | 'malformed' | 'forged' | 'future' | 'stale'

/**
 * Judges an event already parsed by its schema, from `author`. Pure and O(1). The events a peer
 * may only say of itself said by another are forged; an accusation of oneself is malformed.
 */
export function judgeMembershipEvent (
  e: MembershipEvent,
  author: string,
  ctx: { now: number, maxSkewMs: number, maxAgeMs: number }
): { ok: true } | { ok: false, reason: MembershipRejectReason } {
  const own = e.peerId === author
  if ((e.event === 'alive' || e.event === 'left') && !own) return { ok: false, reason: 'forged' }
  if ((e.event === 'suspect' || e.event === 'down') && own) return { ok: false, reason: 'malformed' }
  if (e.time > ctx.now + ctx.maxSkewMs) return { ok: false, reason: 'future' }
  if (e.time < ctx.now - ctx.maxAgeMs) return { ok: false, reason: 'stale' }
  return { ok: true }
}
