import { randomBytes, randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { AlertService } from './alerts/alert-service.ts'
import { CounterRate } from './alerts/counter-rate.ts'
import { RATE_LIMITED_WINDOW_MS, sampleOf } from './alerts/node-sample.ts'
import { BillingService } from './billing/billing-service.ts'
import { replicationSummary } from './billing/replication-lag.ts'
import { systemClock, type Clock } from './clock.ts'
import type { NodeComponents } from './components.ts'
import { MeshError, errorMessage } from './errors.ts'
import { GovernanceEvents } from './events/governance-events.ts'
import { genesisHash, type Genesis, type Operator } from './network/genesis.ts'
import type { MeshEventType, NodeEvent } from './events/node-event.ts'
import { ElectionAnnouncer } from './governance/election-announcer.ts'
import { GovernanceService } from './governance/governance-service.ts'
import { Members } from './governance/members.ts'
import { PROPOSAL_STATUSES, type ProposalStatus } from './governance/state.ts'
import { LoadTests } from './load-test/load-tests.ts'
import { ServiceStack, type Startable } from './lifecycle.ts'
import type { NetworkParams } from './network/params.ts'
import type { Logger } from './logging.ts'
import { MeshMetrics } from './metrics.ts'
import { dialTarget } from './p2p/dial-target.ts'
import { serveGenesis } from './p2p/genesis-exchange.ts'
import { peersToDisconnect } from './p2p/gossip-scoring.ts'
import { createMeshLibp2p, type MeshLibp2p } from './p2p/libp2p.ts'
import { NetworkGuard } from './p2p/network-guard.ts'
import { NetworkView } from './p2p/network-view.ts'
import { PeerConnector } from './p2p/peer-connector.ts'
import { PeerMemory } from './p2p/peer-memory.ts'
import { platformEvent } from './platform/events.ts'
import { Platform } from './platform/platform.ts'
import { networkProtocols, type NetworkProtocols } from './p2p/protocols.ts'
import type { BreakerState } from './routing/circuit-breaker.ts'
import { loadReportOf } from './routing/load-report.ts'
import { LocalServices, type ServiceConfig } from './routing/local-services.ts'
import { serveRoutes } from './routing/route-server.ts'
import { Router } from './routing/router.ts'
import { RoutedUsage } from './routed-usage.ts'
import { Invoicing } from './invoicing.ts'
import { AuditLog } from './security/audit-log.ts'
import { AuthThrottle } from './security/auth-throttle.ts'
import { RateLimitService } from './platform/rate-limit-service.ts'
import { NodeStorage } from './storage/node-storage.ts'
import { LoadHistory } from './telemetry/load-history.ts'
import { LoadSampler, RequestCounters } from './telemetry/load-sampler.ts'
import { PeerMetricHistory } from './telemetry/metric-history.ts'
import { PeerTable, type PeerEvent } from './telemetry/peer-table.ts'
import { TelemetryService } from './telemetry/telemetry-service.ts'
import type { Tuning } from './tuning.ts'
import { VERSION } from './version.ts'
import { WebhookService } from './webhooks/webhook-service.ts'

export interface MeshNodeOptions {
  dataDir: string
  privateKey: PrivateKey
  peerId: PeerId
  genesis: Genesis
  listen: string[]
  /** Addresses to announce instead of the listen addresses (--announce). */
  announce?: string[]
  bootstrap: Multiaddr[]
  region: string
  /** Stand for election as a bootstrap operator (operators only). */
  candidate?: boolean
  /** Deliver webhooks to loopback and private addresses too (--webhook-allow-private). */
  webhookAllowPrivate?: boolean
  services?: ServiceConfig[]
  /** Every timing and size the node runs with: DEFAULT_TUNING with the operator's settings (node/config.ts tuningOf). */
  tuning: Tuning
  log: Logger
  clock?: Clock
  random?: () => number
}

/** The settings of a running node that its operator may change without a restart. */
export interface RuntimeSettings {
  telemetryIntervalMs: number
  maxPeers: number
}

/** One peer snapshot received: who published it, which one, and when it left and arrived. */
export interface SnapshotReceipt {
  peerId: string
  incarnation: number
  seq: number
  publishedAt: number
  receivedAt: number
}

export interface Readiness {
  ready: boolean
  libp2p: boolean
  database: boolean
  subscriptions: boolean
  /** The billing log can take appends: own head confirmed, database writable. */
  billing: boolean
  /** Why the node is not ready, one line per check that fails. */
  reasons: string[]
}

/** The services of a running node that are built at its start, once libp2p exists. */
export interface RunningServices {
  governance: GovernanceService
  election: ElectionAnnouncer
  billing: BillingService
  invoicing: Invoicing
  members: Members
  /** Tenants, API keys and subscriptions: replicated records, and the data plane's key check. */
  platform: Platform
  router: Router
  rateLimits: RateLimitService
  webhooks: WebhookService
  telemetry: TelemetryService
  connector: PeerConnector
  loadTests: LoadTests
  alerts: AlertService
}

const OWN_HEAD_FILE = 'billing-head.json'

/** A load of state into memory at start, which holds nothing that a stop must release. */
function loading (load: () => Promise<void>): Startable {
  return { start: load, stop: async () => {} }
}

/**
 * One meshnode: the composition root. It builds storage, the libp2p node and the domain
 * services, each from the parts it uses, starts them in dependency order (see `start`) and
 * stops them in reverse.
 */
export class MeshNode {
  readonly peerId: PeerId
  readonly genesis: Genesis
  readonly genesisHash: string
  readonly protocols: NetworkProtocols
  readonly requests: RequestCounters
  readonly metrics: MeshMetrics
  readonly startedAt: number
  readonly clock: Clock
  /** The services that exist from construction; the rest are built at start (see `running`). */
  readonly storage: NodeStorage
  readonly peerTable: PeerTable
  readonly guard: NetworkGuard
  readonly network = new NetworkView()
  readonly history: LoadHistory
  /** Every peer's gossiped load over time, at the times it was measured. */
  readonly peerHistory: PeerMetricHistory
  /** The services this node offers itself (the mesh-wide ones: router.peerServices()). */
  readonly localServices: LocalServices
  /** The API's audit trail (written once the database is open) and its throttle of failed operator authentications. */
  readonly audit: AuditLog
  readonly authThrottle: AuthThrottle
  private readonly opts: MeshNodeOptions
  private readonly log: Logger
  private readonly stack: ServiceStack
  private readonly events = new EventEmitter<{ event: [NodeEvent], snapshot: [SnapshotReceipt] }>()
  private readonly settings: RuntimeSettings
  private readonly tuning: Tuning
  private parts: RunningServices | undefined
  private libp2p: MeshLibp2p | undefined
  private apiUrl = ''
  private state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new'

  constructor (opts: MeshNodeOptions) {
    this.opts = opts
    this.clock = opts.clock ?? systemClock
    this.log = opts.log
    this.peerId = opts.peerId
    this.genesis = opts.genesis
    this.genesisHash = genesisHash(opts.genesis)
    this.protocols = networkProtocols(opts.genesis.network_id, this.genesisHash)
    this.startedAt = this.clock.now()
    this.tuning = opts.tuning
    const { telemetry } = opts.tuning
    this.requests = new RequestCounters(() => this.clock.now(), telemetry.errorWindowMs)
    this.settings = { telemetryIntervalMs: telemetry.intervalMs, maxPeers: opts.tuning.peers.maxPeers }
    this.storage = new NodeStorage({ dataDir: opts.dataDir, genesisHash: this.genesisHash })
    this.stack = new ServiceStack(this.log)
    this.peerTable = new PeerTable({
      detector: telemetry.detector,
      tickIntervalMs: telemetry.tickMs,
      forgetAfterMs: telemetry.forgetAfterMs,
      onEvent: e => this.onPeerEvent(e),
      onSnapshot: (peerId, snapshot, at) => {
        this.peerHistory.record(peerId, snapshot.time, snapshot)
        if (this.events.listenerCount('snapshot') > 0) this.events.emit('snapshot', { peerId, seq: snapshot.seq, incarnation: snapshot.incarnation, publishedAt: snapshot.time, receivedAt: at })
      }
    })
    this.metrics = new MeshMetrics(() => this.peerTable.countByState())
    this.history = new LoadHistory(telemetry.historySamples)
    this.peerHistory = new PeerMetricHistory({ samplesPerPeer: telemetry.peerHistorySamples, maxPeers: telemetry.peerHistoryPeers })
    this.localServices = new LocalServices(opts.services ?? [], opts.tuning.healthCheck, this.log, status => { this.requests.outcome(status) })
    const { operations } = opts.tuning
    this.audit = new AuditLog({ store: () => this.storage.db.sublevel('audit'), clock: this.clock, log: this.log }, {
      retentionMs: operations.auditRetentionMs,
      flushMs: operations.auditFlushMs,
      maxBatch: operations.auditMaxBatch
    })
    this.authThrottle = new AuthThrottle(operations.authThrottle)
    this.guard = new NetworkGuard({
      membershipProtocol: this.protocols.membership,
      refuseForMs: opts.tuning.peers.refuseForMs,
      now: () => this.clock.now(),
      log: this.log
    })
  }

  get networkId (): string {
    return this.genesis.network_id
  }

  /** The URL of this node's API, announced in its telemetry. */
  advertiseApiUrl (url: string): void {
    this.apiUrl = url
  }

  /**
   * Builds and starts the node's services in dependency order; each one is built from the
   * parts it uses and started before what uses it. A start that fails half-way stops what it
   * started, in reverse, and throws.
   */
  async start (): Promise<void> {
    if (this.state !== 'new') throw new MeshError('CONFLICT', `cannot start a node that is ${this.state}`)
    this.state = 'starting'
    const { routing, peers, billing: billingTuning } = this.tuning
    const stack = this.stack
    try {
      const { db } = await stack.start('storage', this.storage)
      await stack.start('audit log', this.audit)
      const libp2p = await createMeshLibp2p({
        privateKey: this.opts.privateKey,
        listen: this.opts.listen,
        announce: this.opts.announce,
        protocols: this.protocols,
        params: this.genesis.params,
        connectionGater: this.guard.gater,
        maxConnections: Math.max(this.settings.maxPeers * 2, peers.minConnectionCap),
        streamWindowBytes: this.tuning.streams.windowBytes,
        onInvalidGossip: (topic, error) => { this.metrics.gossip(topic, 'rejected', error) }
      })
      this.libp2p = libp2p
      this.guard.attach(libp2p)
      this.network.attach(libp2p)
      // GossipSub prunes peers whose invalid messages sank their score, but never hangs up.
      libp2p.services.pubsub.addEventListener('gossipsub:heartbeat', () => {
        for (const peerId of peersToDisconnect(libp2p.services.pubsub.dumpPeerScoreStats())) {
          this.guard.penalize(peerId, 'invalid gossip messages sank its score below the graylist threshold')
        }
      })
      libp2p.addEventListener('connection:open', ({ detail: c }) => { this.log.debug({ peer: c.remotePeer.toString(), addr: c.remoteAddr.toString(), direction: c.direction }, 'connection opened') })
      libp2p.addEventListener('connection:close', ({ detail: c }) => { this.log.debug({ peer: c.remotePeer.toString(), addr: c.remoteAddr.toString(), direction: c.direction }, 'connection closed') })
      await libp2p.handle(this.protocols.membership, ({ stream }) => { void stream.close() })
      await serveGenesis(libp2p, this.genesis, this.log, reason => { this.metrics.streamRejected('genesis', reason) })
      await serveRoutes(libp2p, this.protocols.route, {
        services: this.localServices,
        log: this.log,
        onRejected: reason => { this.metrics.streamRejected('route', reason) },
        load: () => loadReportOf(this.parts?.telemetry.published, this.requests.active),
        requests: this.requests
      }, {
        maxRequestBytes: routing.maxRequestBytes,
        maxResponseBytes: routing.maxResponseBytes,
        timeoutMs: routing.requestTimeoutMs,
        maxStreamsPerPeer: routing.maxStreamsPerPeer,
        idleMs: routing.serverIdleMs
      })
      // What the replicated services share; each adds its own store.
      const shared: Omit<NodeComponents, 'db'> = {
        libp2p,
        clock: this.clock,
        log: this.log,
        metrics: this.metrics,
        privateKey: this.opts.privateKey,
        selfId: this.peerId.toString()
      }
      // Governance and membership call billing, which is built after them from what they hold.
      const later: { billing?: BillingService, invoicing?: Invoicing, governanceEvents?: GovernanceEvents } = {}
      const governance = new GovernanceService({
        ...shared,
        store: db.sublevel('governance-objects'),
        genesis: this.genesis,
        genesisHash: this.genesisHash,
        onMembership: record => { later.billing?.membershipChanged(record.peer_id) },
        onPlatform: (id, record) => { this.events.emit('event', platformEvent(id, record)) },
        onPayment: payment => { later.invoicing?.paymentAccepted(payment) },
        onProposalOrVote: o => { later.governanceEvents?.accepted(o) }
      }, { topic: this.protocols.topics.governance, protocol: this.protocols.governanceSync, ...this.tuning.governance })
      // Loading replicated state into memory holds no resource: nothing to undo at stop.
      await stack.start('governance state', loading(async () => { await governance.open() }))
      const members = new Members({
        governance,
        clock: this.clock,
        selfId: this.peerId.toString(),
        heldThrough: author => later.billing?.authors().find(a => a.author === author)?.held?.seq ?? 0
      })
      const platform = new Platform({
        state: governance.state,
        publish: async body => await governance.publish(body),
        clock: this.clock,
        selfId: this.peerId.toString(),
        random: randomBytes,
        onRefused: reason => { this.metrics.keyRefused(reason) }
      })
      // After governance: which entries count depends on the membership records held.
      const billing = new BillingService({
        ...shared,
        db,
        authoredThrough: author => members.authoredThrough(author),
        penalize: (peerId, reason) => { this.guard.penalize(peerId, reason) }
      }, {
        topic: this.protocols.topics.billing,
        protocol: this.protocols.sync,
        antiEntropyMs: billingTuning.antiEntropyMs,
        announceEveryMs: billingTuning.announceEveryMs,
        headFile: join(this.opts.dataDir, OWN_HEAD_FILE)
      })
      later.billing = billing
      await stack.start('billing chains', loading(async () => { await billing.open() }))
      await stack.start('libp2p', { start: async () => { await libp2p.start() }, stop: async () => { await libp2p.stop() } })
      this.network.refresh()
      await stack.start('billing', billing)
      await stack.start('governance', governance)
      const election = await stack.start('election announcer', new ElectionAnnouncer({
        state: governance.state,
        publish: async body => await governance.publish(body),
        libp2p,
        clock: this.clock,
        log: this.log,
        selfId: this.peerId.toString()
      }, { genesisHash: this.genesisHash, candidate: this.opts.candidate ?? false, ...this.tuning.governance }))
      const invoicing = await stack.start('invoicing', new Invoicing({
        index: billing.ledger.index,
        paramsPeriods: until => governance.state.paramsPeriods(until),
        maxClockSkewMs: () => governance.state.params(this.clock.now()).max_clock_skew_ms,
        payments: () => governance.state.payments(),
        publishPayment: async body => await governance.publish(body),
        subscriptions: {
          tenants: () => [...new Set(governance.state.platform.subscriptions().map(s => s.tenantId))],
          periodsOf: tenant => governance.state.platform.periods(tenant)
        },
        clock: this.clock,
        log: this.log,
        selfId: this.peerId.toString(),
        emit: e => { this.publish(e) },
        meta: db.meta,
        caughtUp: () => replicationSummary(billing.authors()).laggingAuthors === 0
      }, { tickMs: billingTuning.invoiceTickMs }))
      later.invoicing = invoicing
      later.governanceEvents = await stack.start('governance events', new GovernanceEvents({
        state: governance.state,
        clock: this.clock,
        emit: (type, data, id) => { this.emitEvent(type, data, id) }
      }, { tickMs: this.tuning.governance.tickMs }))
      const webhooks = new WebhookService({
        webhooks: db.sublevel('webhooks'),
        deliveries: db.sublevel('webhook-deliveries'),
        subscribe: listener => this.onEvent(listener),
        clock: this.clock,
        random: this.opts.random ?? Math.random,
        log: this.log,
        metrics: this.metrics
      }, { ...this.tuning.webhooks, allowPrivateTargets: this.opts.webhookAllowPrivate ?? false })
      this.metrics.webhookBacklog(() => webhooks.backlog)
      await stack.start('webhook outbox', loading(async () => { await webhooks.open() }))
      await stack.start('webhooks', webhooks)
      const usage = await stack.start('routed usage', new RoutedUsage({ append: async records => await billing.append(records), log: this.log }, billingTuning))
      await stack.start('local services', this.localServices)
      const rateLimits = new RateLimitService({
        ...shared,
        store: db.sublevel('rate-limits'),
        params: () => this.params(),
        isMember: peerId => members.isMember(peerId),
        liveNodes: () => {
          const standing = members.standings()
          return 1 + this.peerTable.countHealthy(peerId => standing(peerId).member)
        }
      }, { topic: this.protocols.topics.rateLimit, ...this.tuning.rateLimit })
      await stack.start('rate-limit counts', loading(async () => { await rateLimits.open() }))
      await stack.start('rate limits', rateLimits)
      const router = new Router({
        openStream: async (peerId, signal) => await libp2p.dialProtocol(await dialTarget(libp2p, peerId), this.protocols.route, { signal }),
        selfId: this.peerId.toString(),
        // Only members' offers are candidates, and only members' telemetry weighs in a choice.
        peers: () => {
          const standing = members.standings()
          return this.peerTable.list(this.clock.now()).filter(p => standing(p.peerId).member)
        },
        ownLoad: () => {
          const own = this.parts?.telemetry.published
          return { cpu: own?.cpu ?? 0, activeRequests: own?.requests.active ?? 0 }
        },
        services: this.localServices,
        clock: this.clock,
        random: this.opts.random ?? Math.random,
        log: this.log,
        onUsage: e => {
          this.metrics.routed(e)
          usage.record(e)
        },
        onBreakerOpened: (peerId, service) => { this.emitEvent('breaker.opened', { peer_id: peerId, service }) }
      }, { ...routing, weights: {} })
      // After the router it sends through; stopped before it, which cancels a running test.
      const loadTests = await stack.start('load tests', new LoadTests({
        forward: async req => await router.forward(req),
        isKnown: service => router.isKnown(service),
        limits: () => governance.state.params(this.clock.now()).load_test,
        clock: this.clock,
        newId: randomUUID,
        log: this.log
      }))
      const sampler = await stack.start('load sampler', new LoadSampler(this.requests))
      const memory = await stack.start('peer memory', new PeerMemory({ meta: db, connections: libp2p, log: this.log }, peers))
      const telemetry = new TelemetryService({
        libp2p,
        clock: this.clock,
        random: this.opts.random ?? Math.random,
        selfId: this.peerId.toString(),
        peerTable: this.peerTable,
        sampler,
        history: this.history,
        metrics: this.metrics,
        log: this.log
      }, {
        ...this.tuning.telemetry,
        topic: this.protocols.topics.telemetry,
        probeProtocol: this.protocols.probe,
        intervalMs: this.settings.telemetryIntervalMs,
        probeIntervalMs: this.tuning.telemetry.detector.suspicion.probeIntervalMs,
        receiveBudget: () => governance.state.params(this.clock.now()).telemetry_receive_budget,
        maxSkewMs: () => governance.state.params(this.clock.now()).max_clock_skew_ms,
        describeSelf: () => ({ services: this.localServices.offers(), apiUrl: this.apiUrl, region: this.opts.region, version: VERSION })
      })
      const connector = new PeerConnector({ libp2p, isRefused: id => this.guard.isRefused(id), log: this.log }, {
        bootstrap: this.opts.bootstrap,
        remembered: memory.remembered,
        targetPeers: this.settings.maxPeers,
        maintainIntervalMs: peers.maintainIntervalMs,
        dialsPerRound: peers.dialsPerRound,
        dialTimeoutMs: peers.dialTimeoutMs,
        maxBackoffMs: peers.maxBackoffMs,
        walkEveryMs: peers.walkEveryMs,
        walkEveryMaxMs: peers.walkEveryMaxMs
      })
      const { operations } = this.tuning
      const rateLimited = new CounterRate(RATE_LIMITED_WINDOW_MS)
      const breakerStates = (): BreakerState[] => router.breakerStates().map(b => b.breaker.state(this.clock.now()))
      const alerts = new AlertService({
        rules: db.sublevel('alert-rules'),
        history: db.sublevel('alert-history'),
        meta: db.meta,
        clock: this.clock,
        log: this.log,
        sample: () => sampleOf({
          peers: this.peerTable.countByState(),
          breakers: breakerStates(),
          own: telemetry.published,
          replication: replicationSummary(billing.authors()),
          forks: billing.forks().length,
          rateLimitedPerSecond: rateLimited.observe(this.clock.now(), this.metrics.rateLimitedTotal)
        }),
        emit: t => { this.publish({ type: t.type, at: this.clock.now(), firing: t.firing }) },
        newId: () => randomUUID()
      }, { intervalMs: operations.alertIntervalMs, historyLimit: operations.alertHistory, maxRules: operations.maxAlertRules })
      this.metrics.breakersFrom(breakerStates)
      this.metrics.observe({
        replication: () => replicationSummary(billing.authors()),
        proposals: () => {
          const now = this.clock.now()
          const counts: Partial<Record<ProposalStatus, number>> = Object.fromEntries(PROPOSAL_STATUSES.map(s => [s, 0]))
          for (const id of governance.state.proposalIds()) {
            const status = governance.state.view(id, now)?.status
            if (status !== undefined) counts[status] = (counts[status] ?? 0) + 1
          }
          return counts
        }
      })
      this.parts = { governance, election, billing, invoicing, members, platform, router, rateLimits, webhooks, telemetry, connector, loadTests, alerts }
      await stack.start('telemetry', telemetry)
      await stack.start('peer connector', connector)
      await stack.start('alerts', alerts)
      // Before the first append: the peers it joins through or knew hold copies of its chain.
      const peerIds = [...this.opts.bootstrap, ...memory.remembered].map(a => a.getPeerId()).filter(p => p !== null)
      await billing.confirmOwnHead([...new Set(peerIds)], billingTuning.confirmOwnHeadMs)
      // A stop during the wait has already taken everything down.
      if (this.state !== 'starting') return
      this.state = 'running'
    } catch (err) {
      await this.stop()
      throw err
    }
  }

  /**
   * Stops as a killed process would, for simulations: every connection is reset at once, with
   * no goodbye, and no peer may reach the node while it stops. The database is still closed,
   * so that a restart can open the same data directory in this process.
   */
  async crash (): Promise<void> {
    if (this.state !== 'running') return
    this.guard.isolate()
    await this.halt()
  }

  /**
   * Announces that this node leaves the mesh (`left`, signed, with its incarnation): peers stop
   * routing to it at once and raise no `down`. It stays up for its operator (to stop it);
   * a restart brings it back `healthy`.
   */
  async leave (): Promise<{ incarnation: number, at: number }> {
    return await this.running().telemetry.leave()
  }

  /**
   * The first step of a graceful stop: a running node that has not left yet announces it (see
   * `leave`, which returns once the connected members acknowledged the goodbye, or after
   * `leaveTimeoutMs`), so that no connection closes before its peer knows. A failure is
   * logged: the stop goes on.
   */
  async departing (): Promise<void> {
    const telemetry = this.parts?.telemetry
    if (this.state !== 'running' || telemetry === undefined) return
    try {
      // Also after `POST /v1/network/leave`: a goodbye still being delivered is waited for.
      await telemetry.leave()
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'leave not announced')
    }
  }

  /** A graceful stop: announces that it leaves (`departing`), then stops everything it started, in reverse order; safe to call more than once. */
  async stop (): Promise<void> {
    await this.departing()
    await this.halt()
  }

  /** Stops everything this node started, in reverse order, with no goodbye. */
  private async halt (): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return
    this.state = 'stopping'
    try {
      await this.stack.stop()
    } finally {
      this.state = 'stopped'
    }
  }

  readiness (): Readiness {
    const libp2p = this.libp2p?.status === 'started'
    const database = this.storage.db.isOpen
    const subscriptions = this.parts?.telemetry.subscribed === true
    const billing = this.parts?.billing.readiness() ?? { ready: false, reason: 'billing: not started' }
    const reasons = [
      ...(libp2p ? [] : ['libp2p: not started']),
      ...(database ? [] : ['database: closed']),
      ...(subscriptions ? [] : ['subscriptions: not subscribed']),
      ...(billing.reason === undefined ? [] : [billing.reason])
    ]
    const ready = this.state === 'running' && reasons.length === 0
    // While it starts, the checks above say what it waits for; otherwise its state does.
    if (!ready && (reasons.length === 0 || this.state !== 'starting')) reasons.unshift(`node: ${this.state}`)
    return { ready, libp2p, database, subscriptions, billing: billing.ready, reasons }
  }

  runtimeSettings (): RuntimeSettings {
    return { ...this.settings }
  }

  updateSettings (change: Partial<RuntimeSettings>): RuntimeSettings {
    const { telemetry, connector } = this.running()
    if (change.telemetryIntervalMs !== undefined && change.telemetryIntervalMs !== this.settings.telemetryIntervalMs) {
      this.settings.telemetryIntervalMs = change.telemetryIntervalMs
      telemetry.setInterval(change.telemetryIntervalMs)
    }
    if (change.maxPeers !== undefined) {
      this.settings.maxPeers = change.maxPeers
      connector.setTargetPeers(change.maxPeers)
    }
    return this.runtimeSettings()
  }

  /** The network parameters in force now: the genesis values and every change governance passed. */
  params (): NetworkParams {
    return this.parts?.governance.state.params(this.clock.now()) ?? this.genesis.params
  }

  operators (): Operator[] {
    return this.parts?.governance.state.operators(this.clock.now()) ?? this.genesis.operators
  }

  /** The node's event feed (SSE, WebSocket, webhooks): peers, platform records, billing, alerts, mesh events. */
  onEvent (listener: (event: NodeEvent) => void): () => void {
    this.events.on('event', listener)
    return () => { this.events.off('event', listener) }
  }

  /** Every peer snapshot this node applies, as it applies it. */
  onSnapshot (listener: (receipt: SnapshotReceipt) => void): () => void {
    this.events.on('snapshot', listener)
    return () => { this.events.off('snapshot', listener) }
  }

  /** The services built at start, as soon as they are (before the node runs: for views that read them while it starts). */
  get built (): RunningServices | undefined {
    return this.parts
  }

  /** The services built at start; UNAVAILABLE (503 for the API) while the node starts or stops. */
  running (): RunningServices {
    if (this.state !== 'running' || this.parts === undefined) throw new MeshError('UNAVAILABLE', 'the node is not running')
    return this.parts
  }

  /**
   * Adds an event to the node's feed (SSE, webhooks). `id` names a replicated fact alike on
   * every node (derive it from the fact); by default the event gets a new one.
   */
  emitEvent (type: MeshEventType, data: Record<string, unknown>, id: string = randomUUID()): void {
    this.publish({ id, type, at: this.clock.now(), data })
  }

  private onPeerEvent (event: PeerEvent): void {
    this.log.info(event, event.type)
    if (event.type === 'peer:forgotten') this.peerHistory.forget(event.peerId)
    if (event.type === 'peer:joined') {
      this.parts?.billing.peerJoined(event.peerId)
      this.parts?.governance.peerJoined(event.peerId)
    }
    this.events.emit('event', event)
    if (event.type === 'peer:state' && event.to === 'down') this.emitEvent('peer.down', { peer_id: event.peerId, from: event.from })
    if (event.type === 'peer:state' && event.from === 'down' && event.to === 'healthy') this.emitEvent('peer.up', { peer_id: event.peerId })
  }

  /** Logs an event and puts it on the feed. */
  private publish (event: NodeEvent): void {
    this.log.info(event, event.type)
    this.events.emit('event', event)
  }
}
