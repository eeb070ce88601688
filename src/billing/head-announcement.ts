import { accept, ignore, reject, type GossipVerdict } from '../p2p/gossip-validation.ts'
import { decodeJson } from '../codec/json-bytes.ts'
import { HeadAnnouncementSchema, type HeadAnnouncement } from './sync-protocol.ts'

/** Why the billing topic drops a head announcement (besides the common `unsigned` and `invalid`). */
export type BillingGossipReason = 'malformed' | 'spoofed_author' | 'not_member' | 'not_newer'

/** What a head announcement is judged against: its gossip signer, and replicated state read, never written. */
export interface BillingGossipContext {
  signer: string
  /** The highest sequence of an author's log that counts (see BillingComponents.authoredThrough). */
  authoredThrough: (author: string) => number
  /** The highest sequence announced of an author so far; 0 for none. */
  announced: (author: string) => number
}

/** The billing topic's validator: an author announces its own head; relays pass it on unchanged. */
export function validateHeadAnnouncement (bytes: Uint8Array, ctx: BillingGossipContext): GossipVerdict<HeadAnnouncement, BillingGossipReason> {
  const head = decodeJson(bytes, HeadAnnouncementSchema)
  if (head === undefined) return reject('malformed')
  if (head.author !== ctx.signer) return reject('spoofed_author')
  // Membership is replicated state: a relay may not hold the revocation yet, so no penalty.
  if (head.seq > ctx.authoredThrough(head.author)) return ignore('not_member')
  if (head.seq <= ctx.announced(head.author)) return ignore('not_newer')
  return accept(head)
}
