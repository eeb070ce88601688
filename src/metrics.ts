import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { ProposalStatus } from './governance/state.ts'
import type { RateLimitRefusal } from './platform/rate-limiter.ts'
import type { BreakerState } from './routing/circuit-breaker.ts'
import type { UsageEvent } from './routing/usage.ts'
import type { PeerState } from './telemetry/failure-detector.ts'

/** The states of a node's own billing log, one of them current. */
export const BILLING_LOG_STATES = ['confirming', 'confirmed', 'alone', 'unusable'] as const
export type BillingLogState = typeof BILLING_LOG_STATES[number]

export type GossipOutcome = 'published' | 'received' | 'rejected'

/** What the scraped gauges read, from the services built at the node's start. */
export interface ScrapedSources {
  replication: () => { laggingAuthors: number, maxLagEntries: number }
  proposals: () => Partial<Record<ProposalStatus, number>>
}

/**
 * The node's Prometheus metrics, in a registry of its own so that several nodes can share a
 * process (tests, simulations). Label values come from small fixed sets only.
 */
export class MeshMetrics {
  readonly registry = new Registry()
  readonly gossipMessages: Counter<'topic' | 'outcome' | 'reason'>
  private readonly peers: Gauge<'state'>
  private readonly billingRecords: Counter<'source'>
  private readonly billingForks: Counter
  private readonly billingRejected: Counter
  private readonly billingHeldBack: Counter
  private readonly billingConflicts: Gauge
  private readonly billingLostEntries: Counter<'kind'>
  private readonly billingLostRecords: Counter
  private readonly billingRecoveredEntries: Counter
  private readonly billingUnrecoveredEntries: Gauge
  private readonly billingLogState: Gauge<'state'>
  private readonly routedRequests: Counter<'status_class'>
  private readonly routedBytes: Counter<'direction'>
  private readonly routedDuration: Histogram<'status_class'>
  private sources: ScrapedSources | undefined
  private readonly streamRejections: Counter<'protocol' | 'reason'>
  private readonly keyRefusals: Counter<'reason'>
  private readonly breakers: Gauge<'state'>
  private breakerStates: () => readonly BreakerState[] = () => []
  private readonly rateLimited: Counter<'reason'>
  private rateLimitedCount = 0
  private readonly webhookAttempts: Counter<'outcome'>
  private webhookPending: () => number = () => 0

  private counter<L extends string = never> (name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] })
  }

  private gauge<L extends string = never> (name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge<L>({ name, help, labelNames, registers: [this.registry] })
  }

  constructor (peerCounts: () => Record<PeerState, number>) {
    collectDefaultMetrics({ register: this.registry })
    this.gossipMessages = this.counter('meshnode_gossip_messages_total', 'Gossip messages by topic and outcome (published, received, rejected with the reason)', ['topic', 'outcome', 'reason'])
    this.billingRecords = this.counter('meshnode_billing_records_total', 'Usage records stored in the billing log, appended here or replicated from peers', ['source'])
    this.billingForks = this.counter('meshnode_billing_forks_total', 'Forks detected: an author signed two different entries at one sequence')
    this.billingRejected = this.counter('meshnode_billing_rejected_batches_total', 'Sync batches rejected whole because an entry was forged or malformed')
    this.billingHeldBack = this.counter('meshnode_billing_held_back_batches_total', 'Sync heads and batches refused because their author is not a member of the network (or past a revoked member\'s cut)')
    this.billingConflicts = this.gauge('meshnode_billing_conflicting_keys', 'Idempotency keys held with different contents by different entries (each content counted under its own authors)')
    this.billingLostEntries = this.counter('meshnode_billing_lost_entries_total', 'Log entries found lost at start, by kind: corrupt (failed verification or unreadable), missing (a gap), head_backwards (own head behind the head file)', ['kind'])
    this.billingLostRecords = this.counter('meshnode_billing_lost_records_total', 'Records of this node\'s own log found lost at start, as counted by its head file')
    this.billingRecoveredEntries = this.counter('meshnode_billing_recovered_entries_total', 'Lost log entries taken back from peers')
    this.billingUnrecoveredEntries = this.gauge('meshnode_billing_unrecovered_entries', 'Log entries found lost at start and not (yet) taken back from a peer')
    this.billingLogState = this.gauge('meshnode_billing_log_state', 'State of this node\'s own log (1 for the current one): confirming its head with peers, confirmed, alone (no peer answered), unusable', ['state'])
    this.routedRequests = this.counter('meshnode_routed_requests_total', 'Requests routed through this node, by status class of the answer', ['status_class'])
    this.routedBytes = this.counter('meshnode_routed_bytes_total', 'Body bytes of routed requests and responses', ['direction'])
    this.streamRejections = this.counter('meshnode_stream_rejections_total', 'Requests on stream protocols (route, sync, gov-sync, genesis) refused, by protocol and reason', ['protocol', 'reason'])
    this.routedDuration = new Histogram({
      name: 'meshnode_routed_request_duration_seconds',
      help: 'Duration of requests routed through this node, from their arrival to the end of the answer (0 for one refused before its body was read), by status class',
      labelNames: ['status_class'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry]
    })
    const scraped = <L extends string>(name: string, help: string, labelNames: readonly L[], read: (s: ScrapedSources) => Array<[Partial<Record<L, string>>, number]>): void => {
      const gauge: Gauge<L> = new Gauge<L>({
        name,
        help,
        labelNames,
        registers: [this.registry],
        collect: () => {
          if (this.sources !== undefined) for (const [labels, value] of read(this.sources)) gauge.set(labels, value)
        }
      })
    }
    scraped('meshnode_billing_lagging_authors', 'Billing log authors whose announced head this node does not hold yet', [], s => [[{}, s.replication().laggingAuthors]])
    scraped('meshnode_billing_replication_lag_entries', 'Entries this node still lacks of the author it lags most', [], s => [[{}, s.replication().maxLagEntries]])
    scraped('meshnode_governance_proposals', 'Governance proposals this node holds, by status', ['status'], s => Object.entries(s.proposals()).map(([status, n]) => [{ status }, n ?? 0]))
    this.keyRefusals = this.counter('meshnode_route_key_refusals_total', 'Routed requests refused by the API key check (401), by reason', ['reason'])
    this.breakers = new Gauge({
      name: 'meshnode_circuit_breakers',
      help: 'Circuit breakers (one per peer and service routed to) by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect: () => {
        const counts: Record<BreakerState, number> = { closed: 0, open: 0, half_open: 0 }
        for (const s of this.breakerStates()) counts[s]++
        for (const [state, n] of Object.entries(counts)) this.breakers.set({ state }, n)
      }
    })
    this.rateLimited = this.counter('meshnode_rate_limited_requests_total', 'Routed requests refused with 429 by the rate limiter: limit (the tenant spent its limit) or share (this node spent its share until its peers report)', ['reason'])
    this.webhookAttempts = this.counter('meshnode_webhook_attempts_total', 'Webhook delivery attempts by outcome: delivered, retry (failed, tried again later) or failed (past the maximum age)', ['outcome'])
    const backlog: Gauge = new Gauge({ name: 'meshnode_webhook_backlog', help: 'Webhook deliveries pending (waiting for an attempt or a retry)', registers: [this.registry], collect: () => { backlog.set(this.webhookPending()) } })
    this.peers = new Gauge({
      name: 'meshnode_peers',
      help: 'Peers in the peer table by failure-detector state',
      labelNames: ['state'],
      registers: [this.registry],
      collect: () => {
        for (const [state, count] of Object.entries(peerCounts())) this.peers.set({ state }, count)
      }
    })
  }

  /** The services the scraped gauges read, once the node has built them. */
  observe (sources: ScrapedSources): void {
    this.sources = sources
  }

  /** Where the breakers' states are read from, once the router exists. */
  breakersFrom (states: () => readonly BreakerState[]): void {
    this.breakerStates = states
  }

  webhookAttempt (outcome: 'delivered' | 'retry' | 'failed'): void {
    this.webhookAttempts.inc({ outcome })
  }

  /** Where the webhook backlog gauge reads, at each scrape, the deliveries pending. */
  webhookBacklog (read: () => number): void {
    this.webhookPending = read
  }

  rateLimitRefused (reason: RateLimitRefusal): void {
    this.rateLimited.inc({ reason })
    this.rateLimitedCount++
  }

  /** Requests refused by the rate limiter since start, read synchronously (the alert figure's rate is taken from it each evaluation). */
  get rateLimitedTotal (): number {
    return this.rateLimitedCount
  }

  /** Routed requests by status class only: service names come from the network and are unbounded. */
  routed (e: UsageEvent): void {
    const labels = { status_class: `${Math.floor(e.status / 100)}xx` }
    this.routedRequests.inc(labels)
    this.routedBytes.inc({ direction: 'request' }, e.requestBytes)
    this.routedBytes.inc({ direction: 'response' }, e.responseBytes)
    this.routedDuration.observe(labels, e.durationMs / 1000)
  }

  billing (event: 'appended' | 'replicated' | 'forks' | 'rejected' | 'held_back', n: number): void {
    if (event === 'forks') this.billingForks.inc(n)
    else if (event === 'rejected') this.billingRejected.inc(n)
    else if (event === 'held_back') this.billingHeldBack.inc(n)
    else this.billingRecords.inc({ source: event }, n)
  }

  /** How many idempotency keys the ledger holds with conflicting contents now. */
  billingConflictingKeys (keys: number): void {
    this.billingConflicts.set(keys)
  }

  /** Entries (and, for the own log, records) found lost at start. */
  billingLoss (kind: 'corrupt' | 'missing' | 'head_backwards', entries: number, records: number | undefined): void {
    this.billingLostEntries.inc({ kind }, entries)
    if (records !== undefined) this.billingLostRecords.inc(records)
  }

  billingRecovered (entries: number, unrecovered: number): void {
    this.billingRecoveredEntries.inc(entries)
    this.billingUnrecoveredEntries.set(unrecovered)
  }

  billingUnrecovered (entries: number): void {
    this.billingUnrecoveredEntries.set(entries)
  }

  billingLog (state: BillingLogState): void {
    for (const s of BILLING_LOG_STATES) this.billingLogState.set({ state: s }, s === state ? 1 : 0)
  }

  /** A routed request refused by the key check; `reason` is one of KEY_REFUSALS (src/platform/platform.ts). */
  keyRefused (reason: string): void {
    this.keyRefusals.inc({ reason })
  }

  /** A stream request refused; `protocol` is the short name (route, sync, ...), `reason` one of a fixed set. */
  streamRejected (protocol: string, reason: string): void {
    this.streamRejections.inc({ protocol, reason })
  }

  /** Routed requests refused since start, by reason: by the rate limiter (429) and by the API key check (401). */
  async requestRefusals (): Promise<{ rateLimited: Record<string, number>, keyRefusals: Record<string, number> }> {
    const byReason = async (c: Counter<'reason'>): Promise<Record<string, number>> =>
      Object.fromEntries((await c.get()).values.map(v => [String(v.labels.reason ?? ''), v.value]))
    return { rateLimited: await byReason(this.rateLimited), keyRefusals: await byReason(this.keyRefusals) }
  }

  /** What the node refused as forged or malformed since start: gossip by topic and reason, sync batches, stream requests. */
  async refusals (): Promise<{ gossip: Array<{ topic: string, reason: string, count: number }>, billingBatches: number, billingHeldBack: number, streams: Array<{ protocol: string, reason: string, count: number }> }> {
    const gossip = (await this.gossipMessages.get()).values
      .filter(v => v.labels.outcome === 'rejected')
      .map(v => ({ topic: String(v.labels.topic ?? ''), reason: String(v.labels.reason ?? ''), count: v.value }))
    const streams = (await this.streamRejections.get()).values
      .map(v => ({ protocol: String(v.labels.protocol ?? ''), reason: String(v.labels.reason ?? ''), count: v.value }))
    const total = async (c: Counter): Promise<number> => (await c.get()).values.reduce((n, v) => n + v.value, 0)
    return { gossip, billingBatches: await total(this.billingRejected), billingHeldBack: await total(this.billingHeldBack), streams }
  }

  gossip (topic: string, outcome: GossipOutcome, reason = ''): void {
    this.gossipMessages.inc({ topic, outcome, reason })
  }
}
