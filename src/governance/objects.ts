import { createHash } from 'node:crypto'
import { z } from 'zod'
import { canonicalJson } from '../codec/canonical-json.ts'
import type { Sign, Verifier } from '../network/signing.ts'
import { MAX_AMOUNT, exactNumber } from '../network/amount.ts'
import { ApiKeyBodySchema, KeyRevocationBodySchema, SubscriptionBodySchema, TenantBodySchema } from '../platform/records.ts'

/**
 * The signed objects of governance and election. Each is a body signed by its author; its id
 * is the hash of the body. They travel by gossip and by the governance sync protocol, and
 * every node that holds the same set computes the same tallies and elections.
 */
const PeerId = z.string().min(1).max(128)
const Time = z.number().int().min(0)
const Share = z.number().min(0).max(1)

export const OperatorChangeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('param_change'), params: z.record(z.string(), z.unknown()) }).strict(),
  z.object({ type: z.literal('operator_add'), peer_id: PeerId, weight: z.number().int().positive(), name: z.string().min(1).max(64) }).strict(),
  z.object({ type: z.literal('operator_remove'), peer_id: PeerId }).strict(),
  z.object({ type: z.literal('operator_weight'), peer_id: PeerId, weight: z.number().int().positive() }).strict(),
  z.object({ type: z.literal('text') }).strict()
])

export const ProposalBodySchema = z.object({
  kind: z.literal('proposal'),
  author: PeerId,
  title: z.string().min(1).max(200),
  description: z.string().max(10_000),
  change: OperatorChangeSchema,
  created_at: Time,
  voting_ends_at: Time,
  quorum: Share,
  threshold: Share,
  veto: Share
}).strict()

export const VoteBodySchema = z.object({
  kind: z.literal('vote'),
  author: PeerId,
  proposal_id: z.string().regex(/^[0-9a-f]{64}$/),
  option: z.enum(['yes', 'no', 'abstain', 'veto']),
  reason: z.string().max(1000),
  time: Time
}).strict()

export const CandidacyBodySchema = z.object({
  kind: z.literal('candidacy'),
  author: PeerId,
  epoch: z.number().int().min(0),
  time: Time
}).strict()

export const EndorsementBodySchema = z.object({
  kind: z.literal('endorsement'),
  author: PeerId,
  candidate: PeerId,
  withdrawn: z.boolean(),
  time: Time
}).strict()

export const CertificateBodySchema = z.object({
  kind: z.literal('certificate'),
  author: PeerId,
  proposal_id: z.string().regex(/^[0-9a-f]{64}$/),
  outcome: z.enum(['passed', 'rejected', 'rejected_veto', 'failed_quorum']),
  counted_hash: z.string().regex(/^[0-9a-f]{64}$/),
  vote_ids: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(100_000),
  time: Time
}).strict()

/** An operator admits a peer as a member of the network (see membership.ts). */
export const AdmissionBodySchema = z.object({
  kind: z.literal('admission'),
  author: PeerId,
  peer_id: PeerId,
  time: Time
}).strict()

/**
 * An operator revokes a member. `through_seq` is the member's highest billing sequence the
 * revoking node held: entries up to it stay counted, later ones are refused everywhere.
 */
export const RevocationBodySchema = z.object({
  kind: z.literal('revocation'),
  author: PeerId,
  peer_id: PeerId,
  through_seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  time: Time
}).strict()

/** The id of a payment, its idempotency key: chosen by whoever records it, or by the node. */
export const PaymentIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits, . _ : and -, at most 128')
export const InvoiceIdSchema = z.string().regex(/^inv_[0-9a-f]{32}$/, 'an invoice id, inv_ and 32 hex digits')

/**
 * An operator attests that money was received elsewhere for an invoice: meshnode processes no
 * payment, it records the operator's signed word, in the invoice's currency.
 */
export const PaymentBodySchema = z.object({
  kind: z.literal('payment'),
  author: PeerId,
  payment_id: PaymentIdSchema,
  invoice_id: InvoiceIdSchema,
  amount: exactNumber(MAX_AMOUNT, true),
  /** How the money came: bank_transfer, card (taken by another processor), cash, ... */
  method: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'lowercase letters, digits and _, at most 32'),
  /** The payment's reference in the system that took the money. */
  reference: z.string().min(1).max(256),
  time: Time
}).strict()

/** Governance's own kinds, then the platform's records (src/platform/records.ts), signed and carried alike. */
export const GovBodySchema = z.discriminatedUnion('kind', [
  ProposalBodySchema, VoteBodySchema, CandidacyBodySchema, EndorsementBodySchema, CertificateBodySchema,
  AdmissionBodySchema, RevocationBodySchema,
  TenantBodySchema, ApiKeyBodySchema, KeyRevocationBodySchema, SubscriptionBodySchema,
  PaymentBodySchema
])

export const SignedSchema = z.object({
  body: GovBodySchema,
  id: z.string().regex(/^[0-9a-f]{64}$/),
  sig: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).max(200)
}).strict()

export type GovBody = z.infer<typeof GovBodySchema>
export type ProposalBody = z.infer<typeof ProposalBodySchema>
export type VoteBody = z.infer<typeof VoteBodySchema>
export type CandidacyBody = z.infer<typeof CandidacyBodySchema>
export type EndorsementBody = z.infer<typeof EndorsementBodySchema>
export type CertificateBody = z.infer<typeof CertificateBodySchema>
export type AdmissionBody = z.infer<typeof AdmissionBodySchema>
export type RevocationBody = z.infer<typeof RevocationBodySchema>
export type PaymentBody = z.infer<typeof PaymentBodySchema>
export type Signed<B extends GovBody = GovBody> = { body: B, id: string, sig: string }

export function objectId (body: GovBody): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex')
}

export function signObject<B extends GovBody> (body: B, sign: Sign): Signed<B> {
  const id = objectId(body)
  return { body, id, sig: Buffer.from(sign(Buffer.from(id, 'hex'))).toString('base64') }
}

/** Whether the id is the body's hash and the signature the author's. */
export function authentic (o: Signed, verifier: Verifier): boolean {
  return objectId(o.body) === o.id && verifier.verify(o.body.author, Buffer.from(o.id, 'hex'), Buffer.from(o.sig, 'base64'))
}
