import { z } from 'zod'
import { DurationSchema } from '../../src/duration.ts'
import { MeshError } from '../../src/errors.ts'

/**
 * A scenario: a network, and the steps a simulation drives it through. The same scenario
 * runs live (real nodes on 127.0.0.1) or in the model (virtual nodes in virtual time); each
 * step is an object with exactly one key, its kind (read into a tagged union: see Tagged).
 * Nodes are named by their index, in the order they were started (0 is the first).
 */

const NodeIndex = z.number().int().min(0)
const NodeSet = z.union([NodeIndex, z.array(NodeIndex).min(1), z.literal('all')])
export type NodeSet = z.infer<typeof NodeSet>

const VoteOption = z.enum(['yes', 'no', 'abstain', 'veto'])

/** Link latency between two nodes: the model draws one value per message; live ignores it (loopback). */
const LatencySchema = z.discriminatedUnion('distribution', [
  z.object({ distribution: z.literal('constant'), ms: z.number().min(0) }).strict(),
  z.object({ distribution: z.literal('uniform'), min_ms: z.number().min(0), max_ms: z.number().min(0) }).strict(),
  /** Log-normal with this median and 99th percentile: long tails, as on real networks. */
  z.object({ distribution: z.literal('lognormal'), median_ms: z.number().positive(), p99_ms: z.number().positive() }).strict()
])
export type Latency = z.infer<typeof LatencySchema>

export const NetworkSchema = z.object({
  latency: LatencySchema.default({ distribution: 'lognormal', median_ms: 20, p99_ms: 120 }),
  /** Share of messages lost on a link (model only; live loopback does not lose). */
  loss: z.number().min(0).max(0.5).default(0),
  /** The first `operators` nodes are the genesis operators (weight `10 + index`); at least 1. */
  operators: z.number().int().min(1).default(1),
  telemetry_interval: DurationSchema.default(1_000),
  /** Governance timings of the genesis parameters; short so that a scenario can see them. */
  epoch: DurationSchema.default(10_000),
  min_voting_period: DurationSchema.default(1_000),
  activation_delay: DurationSchema.default(1_000),
  certification_grace: DurationSchema.default(1_500),
  bootstrap_operator_count: z.number().int().min(1).max(100).default(3)
}).strict()
export type NetworkSpec = z.infer<typeof NetworkSchema>

/**
 * A step or condition as a scenario file writes it, an object with one key (its kind) holding
 * its settings, tagged with that kind once read: `{ kind, [kind]: settings }`. The tag makes the
 * kinds a discriminated union, so that a `switch` over them that leaves a kind out does not compile.
 */
export type Tagged<Settings> = { [K in keyof Settings & string]: { kind: K } & { [P in K]: Settings[K] } }[keyof Settings & string]

type SettingsOf<Schemas extends Record<string, z.ZodType>> = { [K in keyof Schemas]: z.output<Schemas[K]> }

/** Per kind, the schema of `{ kind: settings }` (that one key, nothing else), read into its tagged form. */
function taggedSchemas<Schemas extends Record<string, z.ZodType>> (schemas: Schemas): Record<keyof Schemas & string, z.ZodType<Tagged<SettingsOf<Schemas>>>> {
  const entries = Object.entries(schemas).map(([kind, settings]) => [
    kind,
    z.object({ [kind]: settings }).strict().transform(v => ({ kind, [kind]: v[kind] }))
  ])
  return Object.fromEntries(entries) as Record<keyof Schemas & string, z.ZodType<Tagged<SettingsOf<Schemas>>>>
}

/** Conditions an `assert` step waits for, each until its deadline: their settings by kind. */
const CONDITION_SETTINGS = {
  /** Every running node sees every other running node it can reach `healthy`, with a fresh snapshot. */
  converged: z.object({}).strict(),
  /** Every running node other than `node` that can reach... or not: sees `node` in `state`. */
  peer_state: z.object({ node: NodeIndex, state: z.enum(['healthy', 'suspect', 'down']), seen_by: NodeSet.default('all') }).strict(),
  /** Every running node has the same tally of the proposal (and this outcome, if given). */
  tally_agrees: z.object({ proposal: z.string().min(1), outcome: z.enum(['passed', 'rejected', 'rejected_veto', 'failed_quorum']).optional() }).strict(),
  /** Every running node elected the same bootstrap operators for the current epoch. */
  election_agrees: z.object({}).strict(),
  /** Every running node holds the same billing totals (live only). */
  billing_agrees: z.object({}).strict(),
  /** The last `load` step: error rate at most, requests served by at least this many nodes, p99 at most. */
  load: z.object({
    max_error_rate: z.number().min(0).max(1).optional(),
    min_nodes_serving: z.number().int().min(1).optional(),
    max_p99: DurationSchema.optional(),
    /** The named node served at most this share of the requests. */
    max_share: z.object({ node: NodeIndex, share: z.number().min(0).max(1) }).strict().optional()
  }).strict()
}
export type ConditionKind = keyof typeof CONDITION_SETTINGS
export type Condition = Tagged<SettingsOf<typeof CONDITION_SETTINGS>>

const CONDITION_SCHEMAS = Object.values(taggedSchemas(CONDITION_SETTINGS))
const ConditionSchema = z.union(CONDITION_SCHEMAS as [z.ZodType<Condition>, ...Array<z.ZodType<Condition>>])

/** The steps a scenario is made of: their settings by kind. */
const STEP_SETTINGS = {
  /** Start `count` new nodes; each bootstraps from the first node (node 0 founds the network). */
  start: z.object({ count: z.number().int().min(1).max(100_000), candidate: z.boolean().default(false) }).strict(),
  /** Wait until every running node sees every reachable running node healthy. */
  wait_converged: z.object({ within: DurationSchema.default(30_000) }).strict(),
  /** Wait this long. */
  wait: DurationSchema,
  /** Wait until `count` epoch boundaries have passed. */
  wait_epochs: z.number().int().min(1).max(1000),
  /** Stop nodes abruptly: connections reset, no goodbye, nothing flushed. */
  crash: NodeSet,
  /** Start crashed nodes again, with the same data directory and peer id. */
  restart: NodeSet,
  /** Split the mesh: a node reaches only the nodes of its own group; nodes in no group form one more group. */
  partition: z.array(z.array(NodeIndex).min(1)).min(1),
  /** Remove every partition. */
  heal: z.object({}).strict(),
  /** For `duration`: every `every`, crash one random running node (never node 0) and restart it after `down_for`. */
  churn: z.object({ duration: DurationSchema, every: DurationSchema, down_for: DurationSchema }).strict(),
  /** Live: serve `service` from a local upstream on these nodes, answering after `latency`, failing `error_rate` of requests. */
  offer_service: z.object({
    service: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    nodes: NodeSet,
    latency: DurationSchema.optional(),
    error_rate: z.number().min(0).max(1).default(0)
  }).strict(),
  /** Live: send requests for `service` through the mesh, at `rate` per second for `duration`, spread over `via` nodes. */
  load: z.object({
    service: z.string().min(1),
    rate: z.number().positive().max(10_000),
    duration: DurationSchema,
    via: NodeSet.default('all'),
    users: z.number().int().min(1).max(1000).default(1),
    method: z.enum(['GET', 'POST']).default('GET'),
    /** Go on to the next steps while the load runs (a crash under load); an `assert load` waits for it. */
    background: z.boolean().default(false)
  }).strict(),
  /** Set the routing strategy on every running node. */
  strategy: z.enum(['round_robin', 'weighted_round_robin', 'least_connections', 'adaptive']),
  /** An operator submits a proposal to change parameters; `id` names it in later steps. */
  propose: z.object({
    id: z.string().min(1).max(64),
    by: NodeIndex,
    params: z.record(z.string(), z.unknown()),
    voting_period: DurationSchema
  }).strict(),
  /** Operators vote; `at_remaining` waits until that much of the voting period is left. */
  vote: z.object({
    proposal: z.string().min(1),
    by: NodeSet,
    option: VoteOption,
    at_remaining: DurationSchema.optional()
  }).strict(),
  /** Wait until the condition holds, failing the run after `within`. */
  assert: z.object({ that: ConditionSchema, within: DurationSchema.default(10_000) }).strict()
}
export type StepKind = keyof typeof STEP_SETTINGS
export type Step = Tagged<SettingsOf<typeof STEP_SETTINGS>>
/** The step of one kind. */
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>

/** Each step kind's own schema, by its kind: parsing a step with its kind's schema rather than a union names the field that is wrong. */
export const STEP_SCHEMAS = taggedSchemas(STEP_SETTINGS)

export const ScenarioSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  description: z.string().min(1).max(200),
  mode: z.enum(['live', 'model']).default('live'),
  seed: z.number().int().min(0).default(1),
  network: NetworkSchema.default(NetworkSchema.parse({})),
  /** Model only: how long to run in virtual time after the last step. */
  tail: DurationSchema.default(0),
  steps: z.array(z.unknown()).min(1)
}).strict()

export type Mode = 'live' | 'model'

export interface Scenario extends Omit<z.infer<typeof ScenarioSchema>, 'steps'> {
  steps: Step[]
}

/** The node indexes a set names, once `started` nodes exist. */
export function nodesOf (set: NodeSet, started: number): number[] {
  if (set === 'all') return Array.from({ length: started }, (_, i) => i)
  return typeof set === 'number' ? [set] : set
}

/** The default of an exhaustive `switch` over kinds: a kind left out makes its argument not `never`, which fails to compile. */
export function unhandledKind (value: never): never {
  throw new MeshError('SYSTEM_ERROR', `no handler for ${JSON.stringify(value)}`)
}
