import { z } from 'zod'
import { MAX_AMOUNT, MAX_UNIT_PRICE, exactNumber } from './amount.ts'

export const TIER_NAME = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'lowercase letters, digits, _ and -, at most 32')

/**
 * A subscription tier: what a tenant pays a month, the routed requests that price includes,
 * and the rate its requests are admitted at across the whole mesh (a sustained rate per hour
 * and a burst above it).
 */
export const TierSchema = z.object({
  monthly_price: exactNumber(MAX_AMOUNT, false),
  included_units: z.number().int().min(0).max(1e12),
  requests_per_hour: z.number().int().min(1).max(1e9),
  burst: z.number().int().min(1).max(1e9)
}).strict()

export type Tier = z.infer<typeof TierSchema>

export const LoadTestLimitsSchema = z.object({
  max_rate: z.number().int().min(1).max(100_000),
  max_duration_ms: z.number().int().min(1_000).max(3_600_000),
  max_concurrency: z.number().int().min(1).max(10_000)
}).strict()

export type LoadTestLimits = z.infer<typeof LoadTestLimitsSchema>

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
    unit_price: exactNumber(MAX_UNIT_PRICE, false)
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
  open_membership: z.boolean().optional(),
  /** Subscription tiers by name; the rate limits follow the DataMesh policy, the prices are meshnode's. */
  tiers: z.record(TIER_NAME, TierSchema).default({
    free: { monthly_price: 0, included_units: 1_000, requests_per_hour: 100, burst: 20 },
    basic: { monthly_price: 10, included_units: 50_000, requests_per_hour: 1_000, burst: 100 },
    pro: { monthly_price: 50, included_units: 1_000_000, requests_per_hour: 10_000, burst: 500 },
    enterprise: { monthly_price: 500, included_units: 20_000_000, requests_per_hour: 100_000, burst: 2_000 }
  }),
  /** Whether a routed request without an API key is served (billed to its bearer token's hash). */
  anonymous_routing: z.boolean().default(false),
  /**
   * Bounds of the load tests an operator runs through the mesh from a node (POST
   * /v1/testing/load): requests per second, length and requests in flight, so that no node
   * can be turned into a traffic cannon against its peers' services.
   */
  load_test: LoadTestLimitsSchema.default({ max_rate: 200, max_duration_ms: 60_000, max_concurrency: 32 }),
  /** The tax added to an invoice's subtotal, as a share (0.2 is 20 %), exact to millionths. */
  tax_rate: exactNumber(1, false).default(0),
  /** An issued invoice not paid this many days after its period closed is overdue. */
  invoice_due_days: z.number().int().min(0).max(365).default(30),
  /**
   * The window of the tiers' rate limits, aligned to the epoch: a tier admits
   * requests_per_hour scaled to it (an hour: exactly requests_per_hour), its burst at once
   * and the rest at its pace.
   */
  rate_limit_window_ms: z.number().int().min(1_000).max(86_400_000).default(3_600_000),
  /** Whether anonymous requests (under anonymous_routing) are held to the free tier's limit, per bearer token; off: not limited. */
  rate_limit_anonymous: z.boolean().default(false),
  /**
   * Load snapshots a node may receive a second from the whole mesh: each node publishes every
   * max(its base interval, peers / budget) seconds, so that an idle node's cost does not grow
   * with the mesh's size. Membership (probes, changes) does not count against it: its cost is
   * constant per node anyway.
   */
  telemetry_receive_budget: z.number().min(0.01).max(1_000).default(4)
}).strict()

export type NetworkParams = z.infer<typeof NetworkParamsSchema>

export const PRODUCTION_PARAMS: NetworkParams = NetworkParamsSchema.parse({})

/**
 * A development network lives on one machine or LAN: no IP-colocation penalty, and every node
 * that joins it is a member.
 */
export const DEVELOPMENT_PARAMS: NetworkParams = { ...PRODUCTION_PARAMS, gossip_ip_colocation_threshold: 0, open_membership: true, anonymous_routing: true }

/**
 * Parameters added after the first genesis files were written. A genesis hashes them only
 * where they differ from their default, so that a genesis pinned before a parameter existed
 * keeps its hash (and its data directory) when the node is upgraded. Their defaults must
 * therefore never change; add every new parameter here.
 */
export const LATER_PARAMS: readonly (keyof NetworkParams)[] = [
  'tiers', 'anonymous_routing', 'load_test', 'tax_rate', 'invoice_due_days', 'rate_limit_window_ms', 'rate_limit_anonymous',
  'telemetry_receive_budget'
]

/**
 * Parameters whose value is a map (by resource type): a change merges key by key, and a key
 * is removed only by a `null` value, so that changing one price leaves the others as they are.
 */
const MAP_PARAMS = new Set<string>(['price_list', 'tiers'])

/** Routed requests are billed as this resource, in this unit: the price list must keep pricing it. */
export const ROUTED_USAGE = { resource_type: 'request', unit: 'request' } as const

export type Merged = { ok: true, params: NetworkParams } | { ok: false, reason: string }

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The parameters after a change: map parameters merged key by key (null removes), the others replaced. */
export function mergeParams (params: NetworkParams, change: Record<string, unknown>): Merged {
  const next: Record<string, unknown> = { ...params }
  for (const [key, value] of Object.entries(change)) {
    const current: unknown = (params as Record<string, unknown>)[key]
    if (!MAP_PARAMS.has(key) || !isMap(value) || !isMap(current)) {
      next[key] = value
      continue
    }
    const merged = { ...current }
    for (const [k, v] of Object.entries(value)) {
      if (v !== null) merged[k] = v
      else if (k in merged) delete merged[k]
      else return { ok: false, reason: `invalid parameter ${key}.${k}: not in ${key}, nothing to remove` }
    }
    next[key] = merged
  }
  const parsed = NetworkParamsSchema.safeParse(next)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, reason: `invalid parameter ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}` }
  }
  return { ok: true, params: parsed.data }
}

/** The parameters from a time on: the genesis values from the start, then each passed change from when it took effect. */
export interface ParamsPeriod { from: number, params: NetworkParams }

/** The parameters in force at `at`, from periods in time order (the first from -Infinity). */
export function paramsAt (periods: readonly ParamsPeriod[], at: number): NetworkParams {
  let lo = 0
  let hi = periods.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((periods[mid] as ParamsPeriod).from <= at) lo = mid
    else hi = mid - 1
  }
  return (periods[lo] as ParamsPeriod).params
}
