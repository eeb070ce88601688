import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { BillingService } from './billing/billing-service.ts'
import { UsageBuffer } from './billing/usage-buffer.ts'
import { systemClock, type Clock } from './clock.ts'
import type { NodeComponents } from './components.ts'
import { MeshError, errorMessage } from './errors.ts'
import { genesisHash, type Genesis, type Operator } from './network/genesis.ts'
import { GovernanceService } from './governance/governance-service.ts'
import { listMembers, standing, type Member, type Revocation, type Standing } from './governance/membership.ts'
import type { AdmissionBody, RevocationBody, Signed } from './governance/objects.ts'
import { ROUTED_USAGE, type NetworkParams } from './network/params.ts'
import type { Logger } from './logging.ts'
import { MeshMetrics } from './metrics.ts'
import { dialTarget } from './p2p/dial-target.ts'
import { serveGenesis } from './p2p/genesis-exchange.ts'
import { peersToDisconnect } from './p2p/gossip-scoring.ts'
import { createMeshLibp2p, type MeshLibp2p } from './p2p/libp2p.ts'
import { NetworkGuard } from './p2p/network-guard.ts'
import { PeerConnector } from './p2p/peer-connector.ts'
import { networkProtocols, type NetworkProtocols } from './p2p/protocols.ts'
import { LocalServices, type ServiceConfig } from './routing/local-services.ts'
import { serveRoutes } from './routing/route-server.ts'
import { Router } from './routing/router.ts'
import type { UsageEvent } from './routing/usage.ts'
import { MeshDatabase, type DroppedBytes, type Repair } from './storage/database.ts'
import { LoadHistory, type LoadSummary } from './telemetry/load-history.ts'
import { LoadSampler, RequestCounters } from './telemetry/load-sampler.ts'
import { PeerTable, type PeerEvent, type PeerSnapshot } from './telemetry/peer-table.ts'
import { TelemetryService } from './telemetry/telemetry-service.ts'
import type { Tuning } from './tuning.ts'
import { VERSION } from './version.ts'

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

export interface DiagnosticsResult {
  peerId: string
  sent: number
  received: number
  rttsMs: Array<number | null>
  errors: string[]
}

const KNOWN_PEERS_KEY = 'known_peers'
const GENESIS_HASH_KEY = 'genesis_hash'
const OWN_HEAD_FILE = 'billing-head.json'

/**
 * One meshnode: composes storage, the libp2p node and the domain services, and owns their
 * start and stop. The API and the CLI talk to the mesh only through this class.
 */
export class MeshNode {
  readonly peerId: PeerId
  readonly genesis: Genesis
  readonly genesisHash: string
  readonly protocols: NetworkProtocols
  readonly requests: RequestCounters
  readonly metrics: MeshMetrics
  readonly startedAt: number
  private readonly opts: MeshNodeOptions
  private readonly clock: Clock
  private readonly log: Logger
  private readonly db: MeshDatabase
  private readonly events = new EventEmitter<{ event: [PeerEvent], snapshot: [SnapshotReceipt] }>()
  private readonly peerTable: PeerTable
  private readonly guard: NetworkGuard
  private readonly history: LoadHistory
  private readonly settings: RuntimeSettings
  /** The services this node offers itself (the mesh-wide ones: router.peerServices()). */
  readonly localServices: LocalServices
  private readonly tuning: Tuning
  private routerInstance: Router | undefined
  private billingInstance: BillingService | undefined
  private routedUsage: UsageBuffer | undefined
  private governanceInstance: GovernanceService | undefined
  private libp2p: MeshLibp2p | undefined
  private telemetry: TelemetryService | undefined
  private connector: PeerConnector | undefined
  private sampler: LoadSampler | undefined
  private rememberTimer: NodeJS.Timeout | undefined
  private apiUrl = ''
  /** libp2p rebuilds its address list on every call: keep it, and refresh it when it changes. */
  private addresses: string[] = []
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
    this.db = new MeshDatabase(opts.dataDir)
    this.peerTable = new PeerTable({
      detector: telemetry.detector,
      tickIntervalMs: telemetry.tickMs,
      forgetAfterMs: telemetry.forgetAfterMs,
      onEvent: e => this.onPeerEvent(e),
      onSnapshot: (peerId, snapshot, at) => {
        if (this.events.listenerCount('snapshot') > 0) this.events.emit('snapshot', { peerId, seq: snapshot.seq, incarnation: snapshot.incarnation, publishedAt: snapshot.time, receivedAt: at })
      }
    })
    this.metrics = new MeshMetrics(() => this.peerTable.countByState())
    this.history = new LoadHistory(telemetry.historySamples)
    this.localServices = new LocalServices(opts.services ?? [], opts.tuning.healthCheck, this.log, status => { this.requests.outcome(status) })
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

  async start (): Promise<void> {
    if (this.state !== 'new') throw new MeshError('CONFLICT', `cannot start a node that is ${this.state}`)
    this.state = 'starting'
    const { routing, peers } = this.tuning
    try {
      await this.db.open()
      await this.checkGenesisPin()
      const libp2p = await createMeshLibp2p({
        privateKey: this.opts.privateKey,
        listen: this.opts.listen,
        announce: this.opts.announce,
        protocols: this.protocols,
        params: this.genesis.params,
        connectionGater: this.guard.gater,
        maxConnections: Math.max(this.settings.maxPeers * 2, this.tuning.peers.minConnectionCap),
        streamWindowBytes: this.tuning.streams.windowBytes,
        onInvalidGossip: (topic, error) => { this.metrics.gossip(topic, 'rejected', error) }
      })
      this.libp2p = libp2p
      this.guard.attach(libp2p)
      // GossipSub prunes peers whose invalid messages sank their score, but never hangs up.
      libp2p.services.pubsub.addEventListener('gossipsub:heartbeat', () => {
        for (const peerId of peersToDisconnect(libp2p.services.pubsub.dumpPeerScoreStats())) {
          this.penalize(peerId, 'invalid gossip messages sank its score below the graylist threshold')
        }
      })
      await libp2p.handle(this.protocols.membership, ({ stream }) => { void stream.close() })
      await serveGenesis(libp2p, this.genesis, this.log, reason => { this.metrics.streamRejected('genesis', reason) })
      await serveRoutes(libp2p, this.protocols.route, {
        services: this.localServices,
        log: this.log,
        onRejected: reason => { this.metrics.streamRejected('route', reason) }
      }, {
        maxRequestBytes: routing.maxRequestBytes,
        maxResponseBytes: routing.maxResponseBytes,
        timeoutMs: routing.requestTimeoutMs,
        maxStreamsPerPeer: routing.maxStreamsPerPeer,
        idleMs: routing.serverIdleMs
      })
      const components: NodeComponents = {
        libp2p,
        db: this.db,
        clock: this.clock,
        log: this.log,
        metrics: this.metrics,
        privateKey: this.opts.privateKey,
        selfId: this.peerId.toString()
      }
      const governance = new GovernanceService({
        ...components,
        genesis: this.genesis,
        genesisHash: this.genesisHash,
        onMembership: record => { this.billingInstance?.membershipChanged(record.peer_id) }
      }, { topic: this.protocols.topics.governance, protocol: this.protocols.governanceSync, candidate: this.opts.candidate ?? false, ...this.tuning.governance })
      await governance.open()
      this.governanceInstance = governance
      // After governance: which entries count depends on the membership records held.
      const billing = new BillingService({
        ...components,
        authoredThrough: author => this.authoredThrough(author),
        penalize: (peerId, reason) => { this.penalize(peerId, reason) }
      }, {
        topic: this.protocols.topics.billing,
        protocol: this.protocols.sync,
        antiEntropyMs: this.tuning.billing.antiEntropyMs,
        announceEveryMs: this.tuning.billing.announceEveryMs,
        headFile: join(this.opts.dataDir, OWN_HEAD_FILE)
      })
      await billing.open()
      this.billingInstance = billing
      this.routedUsage = new UsageBuffer(async records => await billing.append(records), this.log, { flushMs: this.tuning.billing.usageFlushMs, maxRecords: this.tuning.billing.usageMaxRecords })
      libp2p.addEventListener('self:peer:update', () => { this.addresses = libp2p.getMultiaddrs().map(a => a.toString()) })
      libp2p.addEventListener('connection:open', ({ detail: c }) => { this.log.debug({ peer: c.remotePeer.toString(), addr: c.remoteAddr.toString(), direction: c.direction }, 'connection opened') })
      libp2p.addEventListener('connection:close', ({ detail: c }) => { this.log.debug({ peer: c.remotePeer.toString(), addr: c.remoteAddr.toString(), direction: c.direction }, 'connection closed') })
      await libp2p.start()
      this.addresses = libp2p.getMultiaddrs().map(a => a.toString())
      await billing.start()
      await governance.start()
      this.localServices.start()
      this.routerInstance = new Router({
        openStream: async (peerId, signal) => await libp2p.dialProtocol(await dialTarget(libp2p, peerId), this.protocols.route, { signal }),
        selfId: this.peerId.toString(),
        // Only members' offers are candidates, and only members' telemetry weighs in a choice.
        peers: () => {
          const standing = this.membership()
          return this.peers().filter(p => standing(p.peerId).member)
        },
        ownLoad: () => {
          const own = this.telemetry?.published
          return { cpu: own?.cpu ?? 0, activeRequests: own?.requests.active ?? 0 }
        },
        services: this.localServices,
        clock: this.clock,
        random: this.opts.random ?? Math.random,
        log: this.log,
        onUsage: e => {
          this.metrics.routed(e)
          this.recordRoutedUsage(e)
        }
      }, { ...routing, weights: {} })
      this.sampler = new LoadSampler(this.requests)
      this.telemetry = new TelemetryService({
        libp2p,
        clock: this.clock,
        peerTable: this.peerTable,
        sampler: this.sampler,
        history: this.history,
        metrics: this.metrics,
        log: this.log
      }, {
        topic: this.protocols.topics.telemetry,
        intervalMs: this.settings.telemetryIntervalMs,
        tickIntervalMs: this.tuning.telemetry.tickMs,
        probeTimeoutMs: this.tuning.telemetry.probeTimeoutMs,
        rttEveryTicks: this.tuning.telemetry.rttEveryTicks,
        maxSkewMs: () => this.params().max_clock_skew_ms,
        describeSelf: () => ({ services: this.localServices.offers(), apiUrl: this.apiUrl, region: this.opts.region, version: VERSION })
      })
      this.telemetry.start()
      const remembered = await this.rememberedPeers()
      this.connector = new PeerConnector(libp2p, {
        bootstrap: this.opts.bootstrap,
        remembered,
        targetPeers: this.settings.maxPeers,
        maintainIntervalMs: peers.maintainIntervalMs,
        dialsPerRound: peers.dialsPerRound,
        dialTimeoutMs: peers.dialTimeoutMs,
        maxBackoffMs: peers.maxBackoffMs,
        walkEveryMs: peers.walkEveryMs,
        walkEveryMaxMs: peers.walkEveryMaxMs,
        isRefused: id => this.guard.isRefused(id),
        log: this.log
      })
      this.connector.start()
      this.rememberTimer = setInterval(() => { void this.rememberPeers() }, this.tuning.peers.rememberEveryMs)
      // Before the first append: the peers it joins through or knew hold copies of its chain.
      const peerIds = [...this.opts.bootstrap, ...remembered].map(a => a.getPeerId()).filter(p => p !== null)
      await billing.confirmOwnHead([...new Set(peerIds)], this.tuning.billing.confirmOwnHeadMs)
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
    if (this.state !== 'running' || this.libp2p === undefined) return
    this.guard.partition(new Set())
    for (const connection of this.libp2p.getConnections()) connection.abort(new Error('crashed'))
    await this.stop()
  }

  /** Stops everything this node started, in reverse order; safe to call more than once. */
  async stop (): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return
    this.state = 'stopping'
    clearInterval(this.rememberTimer)
    this.localServices.stop()
    await this.connector?.stop()
    await this.routedUsage?.drain()
    await this.billingInstance?.stop()
    await this.governanceInstance?.stop()
    this.telemetry?.stop()
    this.sampler?.stop()
    if (this.libp2p !== undefined && this.db.isOpen) await this.rememberPeers()
    await this.libp2p?.stop()
    if (this.db.isOpen) await this.db.close()
    this.state = 'stopped'
  }

  readiness (): Readiness {
    const libp2p = this.libp2p?.status === 'started'
    const database = this.db.isOpen
    const subscriptions = this.telemetry?.subscribed === true
    const billing = this.billingInstance?.readiness() ?? { ready: false, reason: 'billing: not started' }
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

  /** What the database skipped as corrupt in its write-ahead log when it opened, and what a repair at open found. */
  databaseIntegrity (): { dropped_at_open: DroppedBytes[], repaired: Repair | null } {
    return { dropped_at_open: this.db.droppedAtOpen(), repaired: this.db.repaired ?? null }
  }

  /** The node's clock, for the API's time-dependent views. */
  now (): number {
    return this.clock.now()
  }

  uptimeMs (): number {
    return this.clock.now() - this.startedAt
  }

  listenAddresses (): string[] {
    return this.addresses
  }

  connectedPeers (): string[] {
    return this.libp2p?.getPeers().map(p => p.toString()) ?? []
  }

  peers (): PeerSnapshot[] {
    return this.peerTable.list(this.clock.now())
  }

  peer (peerId: string): PeerSnapshot | undefined {
    return this.peerTable.get(peerId, this.clock.now())
  }

  peerCounts (): ReturnType<PeerTable['countByState']> {
    return this.peerTable.countByState()
  }

  /** This node's own latest snapshot, as its peers see it. */
  ownSnapshot (): TelemetryService['published'] {
    return this.telemetry?.published
  }

  loadSummary (periodMs: number): LoadSummary | undefined {
    return this.history.summary(periodMs, this.clock.now())
  }

  gossipTopics (): Array<{ topic: string, meshPeers: number, subscribers: number }> {
    const pubsub = this.libp2p?.services.pubsub
    if (pubsub === undefined) return []
    return pubsub.getTopics().map(topic => ({
      topic,
      meshPeers: pubsub.getMeshPeers(topic).length,
      subscribers: pubsub.getSubscribers(topic).length
    }))
  }

  refusedPeers (): number {
    return this.guard.refusedTotal
  }

  /** Pings a peer `count` times, one after the other, and reports every RTT. */
  async diagnose (peerId: string, count: number, timeoutMs: number): Promise<DiagnosticsResult> {
    const telemetry = this.requireRunning()
    try {
      peerIdFromString(peerId)
    } catch {
      throw new MeshError('VALIDATION_ERROR', 'peer_id is not a valid peer id', { field: 'peer_id' })
    }
    if (!this.peerTable.has(peerId) && !this.connectedPeers().includes(peerId)) {
      throw new MeshError('NOT_FOUND', `peer ${peerId} is not known to this node`, { peer_id: peerId })
    }
    const result: DiagnosticsResult = { peerId, sent: 0, received: 0, rttsMs: [], errors: [] }
    for (let i = 0; i < count; i++) {
      result.sent++
      try {
        result.rttsMs.push(await telemetry.ping(peerId, timeoutMs))
        result.received++
      } catch (err) {
        result.rttsMs.push(null)
        result.errors.push(errorMessage(err))
      }
    }
    return result
  }

  runtimeSettings (): RuntimeSettings {
    return { ...this.settings }
  }

  updateSettings (change: Partial<RuntimeSettings>): RuntimeSettings {
    const telemetry = this.requireRunning()
    if (change.telemetryIntervalMs !== undefined && change.telemetryIntervalMs !== this.settings.telemetryIntervalMs) {
      this.settings.telemetryIntervalMs = change.telemetryIntervalMs
      telemetry.setInterval(change.telemetryIntervalMs)
    }
    if (change.maxPeers !== undefined) {
      this.settings.maxPeers = change.maxPeers
      this.connector?.setTargetPeers(change.maxPeers)
    }
    return this.runtimeSettings()
  }

  /** The data plane; available while the node runs. */
  get router (): Router {
    return this.whileRunning(this.routerInstance)
  }

  /** The replicated billing log; available while the node runs. */
  get billing (): BillingService {
    return this.whileRunning(this.billingInstance)
  }

  /** Governance and election; available while the node runs. */
  get governance (): GovernanceService {
    return this.whileRunning(this.governanceInstance)
  }

  /** The network parameters in force now: the genesis values and every change governance passed. */
  params (): NetworkParams {
    return this.governanceInstance?.state.params(this.clock.now()) ?? this.genesis.params
  }

  operators (): Operator[] {
    return this.governanceInstance?.state.operators(this.clock.now()) ?? this.genesis.operators
  }

  /**
   * Cuts this node off from every peer outside `reachable` (undefined heals): the connection
   * gater refuses them and their connections are closed. For tests and simulations of
   * partitions; it needs no privileges.
   */
  partition (reachable: Set<string> | undefined): void {
    this.guard.partition(reachable)
    if (reachable === undefined || this.libp2p === undefined) return
    for (const peer of this.libp2p.getPeers()) {
      if (!reachable.has(peer.toString())) this.libp2p.hangUp(peer).catch((err: unknown) => this.log.debug({ err: errorMessage(err) }, 'hang-up failed'))
    }
  }

  /** Membership now, one replicated state read for many peers (see governance/membership.ts). */
  membership (): (peerId: string) => Standing {
    // Set early in start, before billing opens and the router exists: both read it.
    const state = this.governanceInstance?.state
    if (state === undefined) throw new MeshError('UNAVAILABLE', 'the node is not running')
    const input = state.membershipInput(this.clock.now())
    return peerId => standing(peerId, input)
  }

  isMember (peerId: string): boolean {
    return this.membership()(peerId).member
  }

  /** The highest sequence of an author's billing log that counts (see BillingComponents). */
  private authoredThrough (author: string): number {
    const s = this.membership()(author)
    return s.member ? Number.POSITIVE_INFINITY : s.via === 'revoked' ? s.revocation.throughSeq : 0
  }

  /** The members the records name, and whether anyone else is one (open membership). */
  members (): { open: boolean, members: Member[], revoked: Array<{ peerId: string, revocation: Revocation }> } {
    const governance = this.governance
    const now = this.clock.now()
    const input = governance.state.membershipInput(now)
    const revoked = [...new Set(input.revocations.map(r => r.peerId))].sort()
      .map(peerId => ({ peerId, standing: standing(peerId, input) }))
      .flatMap(x => x.standing.via === 'revoked' ? [{ peerId: x.peerId, revocation: x.standing.revocation }] : [])
    return { open: input.open, members: listMembers(input), revoked }
  }

  /** Admits a peer as a member: a record signed by this node's operator key, replicated like governance. */
  async admit (peerId: string): Promise<Signed<AdmissionBody>> {
    const governance = this.governance
    this.requireOperator('admit members')
    const target = validPeerId(peerId)
    const now = this.clock.now()
    const current = governance.state.standing(target, now)
    if (current.via === 'revoked') throw new MeshError('CONFLICT', `${target} was revoked; a revocation is final (the node needs a new key to be admitted)`, { peer_id: target })
    return await governance.publish({ kind: 'admission', author: this.peerId.toString(), peer_id: target, time: now })
  }

  /**
   * Revokes a member. Its entries up to the highest sequence this node holds stay counted on
   * every node; later ones are refused everywhere.
   */
  async revoke (peerId: string): Promise<Signed<RevocationBody>> {
    const governance = this.governance
    this.requireOperator('revoke members')
    const target = validPeerId(peerId)
    const throughSeq = this.billing.authors().find(a => a.author === target)?.held?.seq ?? 0
    return await governance.publish({ kind: 'revocation', author: this.peerId.toString(), peer_id: target, through_seq: throughSeq, time: this.clock.now() })
  }

  private requireOperator (what: string): void {
    if (!this.operators().some(o => o.peer_id === this.peerId.toString())) {
      throw new MeshError('AUTHORIZATION_ERROR', `this node is not an operator: only operators ${what}`)
    }
  }

  private penalize (peerId: string, reason: string): void {
    this.guard.refuse(peerId)
    this.log.warn({ peer: peerId, reason }, 'disconnecting a misbehaving peer')
    this.libp2p?.hangUp(peerIdFromString(peerId)).catch((err: unknown) => this.log.debug({ err: errorMessage(err) }, 'hang-up failed'))
  }

  /** A routed request is one usage record of the calling user, appended by the node that received it. */
  private recordRoutedUsage (e: UsageEvent): void {
    this.routedUsage?.add({
      id: randomUUID(),
      user_id: e.user,
      ...ROUTED_USAGE,
      amount: 1,
      timestamp: e.at,
      metadata: { service: e.service, peer: e.peerId, status: e.status, request_bytes: e.requestBytes, response_bytes: e.responseBytes, duration_ms: e.durationMs }
    })
  }

  onEvent (listener: (event: PeerEvent) => void): () => void {
    this.events.on('event', listener)
    return () => { this.events.off('event', listener) }
  }

  /** Every peer snapshot this node applies, as it applies it. */
  onSnapshot (listener: (receipt: SnapshotReceipt) => void): () => void {
    this.events.on('snapshot', listener)
    return () => { this.events.off('snapshot', listener) }
  }

  private requireRunning (): TelemetryService {
    return this.whileRunning(this.telemetry)
  }

  /** A service of the running node; 503 for the API while the node starts or stops. */
  private whileRunning<T> (service: T | undefined): T {
    if (this.state !== 'running' || service === undefined) throw new MeshError('UNAVAILABLE', 'the node is not running')
    return service
  }

  private onPeerEvent (event: PeerEvent): void {
    this.log.info(event, event.type)
    if (event.type === 'peer:joined') {
      this.billingInstance?.peerJoined(event.peerId)
      this.governanceInstance?.peerJoined(event.peerId)
    }
    this.events.emit('event', event)
  }

  /** The database belongs to one network: opening it with another genesis is refused. */
  private async checkGenesisPin (): Promise<void> {
    const pinned = await this.db.getMeta<string>(GENESIS_HASH_KEY)
    if (pinned === undefined) {
      await this.db.putMeta(GENESIS_HASH_KEY, this.genesisHash)
    } else if (pinned !== this.genesisHash) {
      throw new MeshError('NETWORK_MISMATCH', `the database in ${this.opts.dataDir} belongs to genesis ${pinned.slice(0, 16)}, not ${this.genesisHash.slice(0, 16)}`)
    }
  }

  private async rememberedPeers (): Promise<Multiaddr[]> {
    const stored = await this.db.getMeta<string[]>(KNOWN_PEERS_KEY) ?? []
    const addrs: Multiaddr[] = []
    for (const s of stored) {
      try {
        addrs.push(multiaddr(s))
      } catch (err) {
        this.log.warn({ address: s, err: errorMessage(err) }, 'ignoring a remembered address that does not parse')
      }
    }
    return addrs
  }

  private async rememberPeers (): Promise<void> {
    const libp2p = this.libp2p
    if (libp2p === undefined) return
    const addrs = libp2p.getConnections()
      .filter(c => c.direction === 'outbound')
      .map(c => c.remoteAddr.getPeerId() === null ? `${c.remoteAddr.toString()}/p2p/${c.remotePeer.toString()}` : c.remoteAddr.toString())
    if (addrs.length === 0) return
    try {
      await this.db.putMeta(KNOWN_PEERS_KEY, [...new Set(addrs)].slice(0, this.tuning.peers.rememberedPeers))
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'could not remember peers')
    }
  }
}

function validPeerId (peerId: string): string {
  try {
    return peerIdFromString(peerId).toString()
  } catch {
    throw new MeshError('VALIDATION_ERROR', 'peer_id is not a valid peer id', { field: 'peer_id' })
  }
}
