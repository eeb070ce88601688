import { decodeJson } from '../codec/json-bytes.ts'
import type { Verifier } from '../network/signing.ts'
import { accept, ignore, reject, type GossipVerdict } from '../p2p/gossip-validation.ts'
import { SignedSchema, authentic, type Signed } from './objects.ts'
import type { GovernanceRule, GovernanceState } from './state.ts'

/** Why the governance topic drops an object (besides the common `unsigned` and `invalid`): its form, or a rule it breaks. */
export type GovernanceGossipReason = 'malformed' | 'forged' | 'spoofed_author' | GovernanceRule

/** What a gossiped object is judged against: its gossip signer, the time, and the state held, read and never written. */
export interface GovernanceGossipContext {
  signer: string
  now: number
  maxSkewMs: number
  verifier: Verifier
  state: Pick<GovernanceState, 'judge'>
}

/**
 * The governance topic's validator. A malformed, forged or spoofed object is its sender's
 * fault (rejected); one that breaks a rule is ignored without penalty, since the rules read
 * replicated state (operators, proposals) that an honest relay may not hold yet.
 */
export function validateGovernanceObject (bytes: Uint8Array, ctx: GovernanceGossipContext): GossipVerdict<Signed, GovernanceGossipReason> {
  const o = decodeJson(bytes, SignedSchema)
  if (o === undefined) return reject('malformed')
  if (!authentic(o, ctx.verifier)) return reject('forged')
  // Nodes gossip only their own objects: another signer's object under this gossip signature is spoofed.
  if (o.body.author !== ctx.signer) return reject('spoofed_author')
  const verdict = ctx.state.judge(o, ctx.now, ctx.maxSkewMs)
  return verdict.ok ? accept(o) : ignore(verdict.rule)
}
