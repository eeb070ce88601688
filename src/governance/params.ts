import { z } from 'zod'

/**
 * Network parameters: values every node of a network must agree on. The genesis file holds
 * their initial values; governance changes them later.
 */
export const NetworkParamsSchema = z.object({
  /**
   * GossipSub's IP-colocation penalty starts above this many peers on one IP; 0 turns it off.
   * Production keeps it (Sybil resistance); local and test meshes, where every peer is on
   * 127.0.0.1, must turn it off or their gossip mesh never forms.
   */
  gossip_ip_colocation_threshold: z.number().int().min(0).max(1000).default(10),
  /** How far ahead of the receiver's clock a gossiped timestamp may be before it is rejected. */
  max_clock_skew_ms: z.number().int().min(100).max(600_000).default(30_000),
  /** Prices of metered resources, by resource type; the same on every node, changed by governance. */
  price_list: z.record(z.string().min(1).max(64), z.object({
    unit: z.string().min(1).max(32),
    unit_price: z.number().finite().min(0)
  }).strict()).default({
    request: { unit: 'request', unit_price: 0.0001 },
    storage: { unit: 'GB', unit_price: 0.02 },
    bandwidth: { unit: 'GB', unit_price: 0.01 }
  }),
  currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
  /** Tally rules (Cosmos SDK): share of all weight that must vote, yes share to pass, veto share to reject. */
  quorum: z.number().min(0).max(1).default(0.334),
  threshold: z.number().min(0).max(1).default(0.5),
  veto: z.number().min(0).max(1).default(0.334),
  min_voting_period_ms: z.number().int().min(1_000).default(10_000),
  max_voting_period_ms: z.number().int().min(1_000).default(14 * 24 * 3600_000),
  /** A passed change takes effect this long after the end of voting, on every node alike. */
  activation_delay_ms: z.number().int().min(0).default(5_000),
  /** After the end of voting, the bootstrap operators wait this long, then certify the tally. */
  certification_grace_ms: z.number().int().min(0).default(5_000),
  epoch_ms: z.number().int().min(1_000).default(60_000),
  bootstrap_operator_count: z.number().int().min(1).max(100).default(3),
  /**
   * Whether every node that holds the genesis is a member (may author billing, offer services
   * to other nodes' clients, have its telemetry used for routing) without an operator's
   * admission. Fixed in the genesis. Absent means closed: no default, so that genesis files
   * written before this parameter existed keep their hash, and a production file that never
   * said "open" does not become open.
   */
  open_membership: z.boolean().optional()
}).strict()

export type NetworkParams = z.infer<typeof NetworkParamsSchema>

export const PRODUCTION_PARAMS: NetworkParams = NetworkParamsSchema.parse({})

/**
 * A development network lives on one machine or LAN: no IP-colocation penalty, and every node
 * that joins it is a member.
 */
export const DEVELOPMENT_PARAMS: NetworkParams = { ...PRODUCTION_PARAMS, gossip_ip_colocation_threshold: 0, open_membership: true }
