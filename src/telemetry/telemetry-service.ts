import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { z } from 'zod'
import type { Clock } from '../clock.ts'
import { decodeJson, encodeJson } from '../codec/json-bytes.ts'
import { MeshError, errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'
import { dialTarget } from '../p2p/dial-target.ts'
import { requestFrame, serveFrames, type FrameLimits } from '../p2p/frames.ts'
import { gossipValidator, type GossipCounter } from '../p2p/gossip-validation.ts'
import type { MeshLibp2p } from '../p2p/libp2p.ts'
import type { Tuning } from '../tuning.ts'
import { LocalHealth } from './local-health.ts'
import type { LoadHistory } from './load-history.ts'
import type { LoadSampler } from './load-sampler.ts'
import { MembershipEventSchema, encodeMembershipEvent, judgeMembershipEvent, type MembershipEvent } from './membership-event.ts'
import type { PeerTable } from './peer-table.ts'
import { ProbeScheduler, pickHelpers } from './probe-scheduler.ts'
import { earliestEarlyMs, isMaterialChange, jittered, publicationIntervalMs } from './publication.ts'
import { MAX_SNAPSHOT_BYTES, TelemetrySnapshotSchema, encodeSnapshot, type ServiceOffer, type TelemetrySnapshot } from './snapshot.ts'
import { judgeSnapshot, validateTelemetry, type TelemetryContext, type TelemetryMessage } from './validator.ts'

export interface TelemetryComponents {
  libp2p: MeshLibp2p
  clock: Clock
  random: () => number
  selfId: string
  peerTable: PeerTable
  sampler: LoadSampler
  history: LoadHistory
  /** The node's gossip counters: what it publishes, and through the validator what it receives and rejects. */
  metrics: GossipCounter
  log: Logger
}

type TelemetryTuning = Tuning['telemetry']

export interface TelemetryInit extends Pick<TelemetryTuning, 'tickMs' | 'probeTimeoutMs' | 'indirectProbes' | 'indirectTimeoutMs' | 'maxLocalHealth' | 'leaveTimeoutMs' | 'publishJitter' | 'materialChange' | 'helloRate'> {
  topic: string
  /** SWIM's indirect probe protocol. */
  probeProtocol: string
  /** The shortest publication interval (the operator's --telemetry-interval). */
  intervalMs: number
  probeIntervalMs: number
  /** Read per publication: governance may change it (telemetry_receive_budget). */
  receiveBudget: () => number
  /** Read per message: governance may change it. */
  maxSkewMs: () => number
  /** What the snapshot says of this node beyond its measured load. */
  describeSelf: () => { services: ServiceOffer[], apiUrl: string, region: string, version: string }
}

export interface DiagnosticsResult {
  peerId: string
  sent: number
  received: number
  rttsMs: Array<number | null>
  errors: string[]
}

/**
 * Over the probe protocol: ask a peer to ping `target` for us (SWIM's ping-req; it answers
 * whether the target answered); tell a peer that reconnected what this node holds against it
 * (a verdict or an accusation it could not hear while it was cut off), so that it refutes;
 * hand a (re)joining peer this node's snapshot (`hello`), which the peer would otherwise wait a
 * whole publication interval for; or hand a connected member this node's goodbye (`left`),
 * which it acknowledges once applied, so that the leaver closes no connection before its peer
 * knows (memberlist's Leave waits until its broadcast is sent). The sender is the stream's
 * authenticated peer, as the signer is the author of a gossiped event.
 */
export const ProbeRequestSchema = z.union([
  z.object({ target: z.string().min(1).max(128), timeoutMs: z.number().int().min(1).max(10_000) }).strict(),
  z.object({ notice: z.enum(['suspect', 'down']), incarnation: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict(),
  z.object({ hello: TelemetrySnapshotSchema }).strict(),
  z.object({ left: MembershipEventSchema.extend({ event: z.literal('left') }) }).strict()
])
/**
 * `incarnation`: the answer to a notice, the peer's own, which the teller may be behind on.
 * `left`: the answer of a helper to a ping-req of a target it holds `left` (see indirectProbe).
 */
export const ProbeResponseSchema = z.object({ ok: z.boolean(), incarnation: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(), left: z.literal(true).optional() }).strict()

const PROBE_LIMITS = (timeoutMs: number): FrameLimits => ({ maxRequestBytes: MAX_SNAPSHOT_BYTES + 64, maxResponseBytes: 64, timeoutMs })

/** What the helpers of an indirect probe said: one reached the target, one holds it left, all that answered did not reach it, or none answered. */
type IndirectOutcome = 'ack' | 'left' | 'nack' | 'unanswered'

/**
 * The node's membership and load telemetry. It publishes its snapshot at an interval that keeps
 * the mesh within its receive budget (and at once when what it offers changes, or soon when its
 * load changed materially); it probes one peer per probe interval (SWIM: direct, then
 * indirect through helpers, then an accusation), scaled by its local health (Lifeguard);
 * it disseminates accusations, verdicts, refutations and its own goodbye as membership events;
 * and it feeds all it hears to the peer table.
 */
export class TelemetryService {
  private readonly c: TelemetryComponents
  private readonly opts: TelemetryInit
  private readonly startedAt: number
  private readonly health: LocalHealth
  private readonly scheduler: ProbeScheduler
  /** This node's incarnation: its start time, raised past any accusation it refutes. */
  private ownIncarnation: number
  private seq = 0
  private intervalMs: number
  private publishTimer: NodeJS.Timeout | undefined
  private tickTimer: NodeJS.Timeout | undefined
  private probeTimer: NodeJS.Timeout | undefined
  private lastPublished: TelemetrySnapshot | undefined
  private lastPublishedAt = 0
  private hasLeft = false
  /** The leave under way or done: every call of `leave` waits for the same goodbye. */
  private leaving: Promise<{ incarnation: number, at: number }> | undefined
  /** This node's goodbye, once it left: handed also to a peer that connects afterwards. */
  private goodbyeEvent: MembershipEvent | undefined
  /** While the leave waits for acknowledgements: every handover of the goodbye begun, by the leave or by a connection. */
  private handovers: Array<Promise<boolean>> | undefined
  /** Hellos waiting to go to (re)joining peers, by peer. */
  private readonly hellos = new Map<string, NodeJS.Timeout>()
  subscribed = false

  constructor (components: TelemetryComponents, opts: TelemetryInit) {
    this.c = components
    this.opts = opts
    this.intervalMs = opts.intervalMs
    this.startedAt = components.clock.now()
    this.ownIncarnation = this.startedAt
    this.health = new LocalHealth(opts.maxLocalHealth)
    this.scheduler = new ProbeScheduler(components.random)
  }

  /** The shortest publication interval. */
  get interval (): number {
    return this.intervalMs
  }

  get published (): TelemetrySnapshot | undefined {
    return this.lastPublished
  }

  get incarnation (): number {
    return this.ownIncarnation
  }

  /** Lifeguard's local health score: 0 when this node is well. */
  get localHealth (): number {
    return this.health.score
  }

  /** Whether this node announced that it left the mesh. */
  get left (): boolean {
    return this.hasLeft
  }

  /** The publication interval now: the base, stretched so that the mesh stays within the receive budget. */
  publicationInterval (): number {
    return publicationIntervalMs(this.c.peerTable.memberCount(), this.opts.receiveBudget(), this.intervalMs)
  }

  async start (): Promise<void> {
    if (this.subscribed) return
    const { libp2p } = this.c
    const pubsub = libp2p.services.pubsub
    pubsub.topicValidators.set(this.opts.topic, gossipValidator({
      topic: this.opts.topic,
      validate: validateTelemetry,
      context: signer => this.context(signer.toString()),
      handle: (message, author) => { this.handle(message, author) }
    }, this.c))
    await serveFrames(libp2p, this.opts.probeProtocol, async (req, remote) => await this.answerProbe(req, remote), PROBE_LIMITS(this.opts.indirectTimeoutMs), this.c.log)
    libp2p.addEventListener('peer:connect', this.onConnect)
    libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    pubsub.subscribe(this.opts.topic)
    this.subscribed = true
    this.schedulePublish(0)
    this.tickTimer = setInterval(this.tick, this.opts.tickMs)
    this.scheduleProbe(this.opts.probeIntervalMs)
  }

  async stop (): Promise<void> {
    if (!this.subscribed) return
    const { libp2p } = this.c
    this.stopActivity()
    clearInterval(this.tickTimer)
    libp2p.removeEventListener('peer:connect', this.onConnect)
    libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    libp2p.services.pubsub.topicValidators.delete(this.opts.topic)
    await libp2p.unhandle(this.opts.probeProtocol)
    this.subscribed = false
  }

  /**
   * Announces that this node leaves the mesh (signed, with its incarnation), after it stopped
   * publishing and probing: peers mark it `left` at once and stop routing to it. It gossips the
   * goodbye, for every member, and hands it directly to the members it is connected to (see
   * `deliverGoodbye`); it resolves once those acknowledged it, or after `leaveTimeoutMs`. It
   * keeps answering probes until it stops. It comes back `healthy` when it starts again, with a
   * new incarnation.
   */
  async leave (): Promise<{ incarnation: number, at: number }> {
    if (!this.subscribed) throw new MeshError('UNAVAILABLE', 'the node is not in the mesh')
    this.leaving ??= this.goodbye()
    return await this.leaving
  }

  private async goodbye (): Promise<{ incarnation: number, at: number }> {
    const at = this.c.clock.now()
    this.hasLeft = true
    this.stopActivity()
    const event: MembershipEvent = { event: 'left', peerId: this.c.selfId, incarnation: this.ownIncarnation, time: at }
    this.goodbyeEvent = event
    await Promise.all([this.announce(event), this.deliverGoodbye(event)])
    return { incarnation: this.ownIncarnation, at }
  }

  /**
   * Hands the goodbye to every connected peer and waits for their acknowledgements, each at
   * most `leaveTimeoutMs`. A peer acknowledges only once it applied it: when its connection to
   * this node closes, it knows already, and neither the lost connection nor a failed probe
   * makes it suspect. A peer that connects meanwhile (to probe this node, say) is handed it
   * too and waited for, within `leaveTimeoutMs` of the start; one that connects later is
   * handed it without waiting (see onConnect). A gossiped copy may still be queued when the
   * connections close; the members this node is not connected to have no connection to lose
   * and hear it by gossip.
   */
  private async deliverGoodbye (event: MembershipEvent): Promise<void> {
    const handovers = this.c.libp2p.getPeers().map(async peer => await this.handGoodbye(peer.toString(), event))
    if (handovers.length === 0) return
    this.handovers = handovers
    const startedAt = this.c.clock.now()
    let acknowledged = 0
    let settled = 0
    while (settled < handovers.length && this.c.clock.now() - startedAt < this.opts.leaveTimeoutMs) {
      const batch = handovers.slice(settled)
      acknowledged += (await Promise.all(batch)).filter(Boolean).length
      settled += batch.length
    }
    this.handovers = undefined
    this.c.log[acknowledged === handovers.length ? 'info' : 'warn']({ peers: handovers.length, acknowledged, ms: this.c.clock.now() - startedAt }, 'goodbye delivered to the connected peers')
  }

  /** Changes the shortest publication interval at run time; the next snapshot announces it. */
  setInterval (ms: number): void {
    this.intervalMs = ms
    if (this.hasLeft) return
    clearTimeout(this.publishTimer)
    this.schedulePublish(this.nextPublicationInMs())
  }

  private stopActivity (): void {
    clearTimeout(this.publishTimer)
    clearTimeout(this.probeTimer)
    for (const timer of this.hellos.values()) clearTimeout(timer)
    this.hellos.clear()
  }

  /** Hands the goodbye to one peer: whether it acknowledged it within `leaveTimeoutMs`. */
  private async handGoodbye (peerId: string, event: MembershipEvent): Promise<boolean> {
    try {
      return decodeJson(await this.askPeer(peerId, encodeJson({ left: event }), this.opts.leaveTimeoutMs), ProbeResponseSchema)?.ok === true
    } catch (err) {
      this.c.log.debug({ err: errorMessage(err), peer: peerId }, 'goodbye not acknowledged')
      return false
    }
  }

  /** What a message from `author` is judged against, gossiped or handed over directly. */
  private context (author: string): TelemetryContext {
    const skew = this.opts.maxSkewMs()
    return { author, last: this.c.peerTable.position(author), now: this.c.clock.now(), maxSkewMs: skew, maxAgeMs: skew }
  }

  private handle (message: TelemetryMessage, author: PeerId): void {
    const now = this.c.clock.now()
    const from = author.toString()
    if (message.type === 'snapshot') {
      const known = this.c.peerTable.incarnationOf(from)
      this.c.peerTable.applySnapshot(from, message.snapshot, now, this.c.libp2p.getConnections(author).length > 0)
      // A newcomer, or a peer that restarted with an empty table: hand it this node's snapshot.
      if (known === undefined || message.snapshot.incarnation > known) this.scheduleHello(from)
      return
    }
    const e = message.event
    if (e.peerId !== this.c.selfId) {
      this.c.peerTable.applyMembership(e, from, now, this.members())
      return
    }
    if (e.event === 'suspect' || e.event === 'down') this.refute(e.incarnation)
  }

  /** Accused, or declared down, while alive: refute with a higher incarnation (SWIM). */
  private refute (accused: number): void {
    if (accused < this.ownIncarnation || this.hasLeft) return
    this.ownIncarnation = accused + 1
    this.health.record('refuted')
    void this.announce({ event: 'alive', peerId: this.c.selfId, incarnation: this.ownIncarnation, time: this.c.clock.now() })
  }

  /** The mesh's size as this node knows it: itself and the peers that may be probed. */
  private members (): number {
    return this.c.peerTable.memberCount() + 1
  }

  private async announce (event: MembershipEvent): Promise<void> {
    try {
      await this.c.libp2p.services.pubsub.publish(this.opts.topic, encodeMembershipEvent(event))
      this.c.metrics.gossip(this.opts.topic, 'published')
    } catch (err) {
      this.c.log.warn({ err: errorMessage(err), event: event.event, peer: event.peerId }, 'membership event not published')
    }
  }

  /** The wait until the next regular publication: the interval now, jittered. */
  private nextPublicationInMs (): number {
    return jittered(this.publicationInterval(), this.opts.publishJitter, this.c.random)
  }

  private schedulePublish (delayMs: number): void {
    this.publishTimer = setTimeout(() => {
      this.publish()
      this.schedulePublish(this.nextPublicationInMs())
    }, delayMs)
  }

  /** Publishes now instead of at the end of the interval, unless the last publication was too recent. */
  private publishEarly (): void {
    if (this.hasLeft || !this.subscribed) return
    if (this.c.clock.now() - this.lastPublishedAt < earliestEarlyMs(this.publicationInterval(), this.intervalMs)) return
    clearTimeout(this.publishTimer)
    this.schedulePublish(0)
  }

  /** This node's snapshot now: its load sampled now, the next seq. */
  private snapshotNow (): TelemetrySnapshot {
    const now = this.c.clock.now()
    const load = this.c.sampler.sample(now)
    this.c.history.add(now, load)
    const snapshot: TelemetrySnapshot = {
      incarnation: this.ownIncarnation,
      seq: ++this.seq,
      time: now,
      intervalMs: this.publicationInterval(),
      ...load,
      ...this.opts.describeSelf(),
      uptimeMs: now - this.startedAt
    }
    this.lastPublished = snapshot
    return snapshot
  }

  /**
   * Hands a (re)joining peer this node's snapshot directly, after a random share of
   * members / helloRate seconds, so that the peer receives the mesh's snapshots at about
   * helloRate a second rather than all at once (memberlist's push-pull at join, one author at a
   * time: the peer can trust each snapshot, as it comes from its author).
   */
  private scheduleHello (peerId: string): void {
    if (this.hasLeft || this.hellos.has(peerId)) return
    const delayMs = Math.round(this.c.random() * this.members() / this.opts.helloRate * 1000)
    this.hellos.set(peerId, setTimeout(() => {
      this.hellos.delete(peerId)
      const hello = encodeJson({ hello: this.snapshotNow() })
      void this.askPeer(peerId, hello, this.opts.indirectTimeoutMs)
        .catch((err: unknown) => { this.c.log.debug({ err: errorMessage(err), peer: peerId }, 'hello not delivered') })
    }, delayMs))
  }

  private publish (): void {
    const snapshot = this.snapshotNow()
    this.lastPublishedAt = snapshot.time
    this.c.libp2p.services.pubsub.publish(this.opts.topic, encodeSnapshot(snapshot))
      .then(() => this.c.metrics.gossip(this.opts.topic, 'published'))
      .catch((err: unknown) => this.c.log.warn({ err: errorMessage(err) }, 'telemetry publish failed'))
  }

  /** What this node offers changed since its last snapshot: peers must know at once, whatever the budget. */
  private offerChanged (): boolean {
    const last = this.lastPublished
    if (last === undefined) return false
    const self = this.opts.describeSelf()
    return self.apiUrl !== last.apiUrl || self.region !== last.region || self.version !== last.version ||
      JSON.stringify(self.services) !== JSON.stringify(last.services)
  }

  /**
   * A peer this node holds down or accused is connected again, or answers a probe (a partition
   * healed): it did not hear the verdict, gossip does not replay it, so this node tells it, and
   * it refutes. Once this node left, a peer that connects (to probe it, say) is handed the
   * goodbye, which it may not have heard yet, before this connection too closes.
   */
  private readonly onConnect = (evt: CustomEvent<PeerId>): void => {
    const id = evt.detail.toString()
    this.c.peerTable.connectionChanged(id, true, this.c.clock.now())
    if (this.goodbyeEvent !== undefined) {
      const handover = this.handGoodbye(id, this.goodbyeEvent)
      this.handovers?.push(handover)
    }
    this.tell(id)
  }

  /** Tells a peer that is reachable what this node holds against it, if anything, so that it refutes. */
  private tell (peerId: string): void {
    const held = this.c.peerTable.heldAgainst(peerId)
    if (held === undefined || this.hasLeft) return
    const notice = encodeJson({ notice: held.event, incarnation: held.incarnation })
    void this.askPeer(peerId, notice, this.opts.indirectTimeoutMs)
      .then(bytes => {
        // It may have refuted already, while this node could not hear it: its answer says so.
        const incarnation = decodeJson(bytes, ProbeResponseSchema)?.incarnation
        if (incarnation !== undefined) this.c.peerTable.applyMembership({ event: 'alive', peerId, incarnation, time: this.c.clock.now() }, peerId, this.c.clock.now(), this.members())
      })
      .catch((err: unknown) => { this.c.log.debug({ err: errorMessage(err), peer: peerId }, 'notice not delivered') })
  }

  /** A lost connection is a hint, not evidence: the peer is probed at once, out of turn. */
  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const id = evt.detail.toString()
    this.c.peerTable.connectionChanged(id, false, this.c.clock.now())
    if (!this.hasLeft && this.c.peerTable.isMember(id)) void this.probeMember(id)
  }

  private readonly tick = (): void => {
    const now = this.c.clock.now()
    const { verdicts, stallMs } = this.c.peerTable.tick(now)
    if (stallMs > 0) this.health.record('stalled')
    if (!this.hasLeft) {
      // Only the accusers announce their verdict: a few messages per failure, not one per node of the mesh.
      for (const v of verdicts) {
        if (v.accusers.includes(this.c.selfId)) void this.announce({ event: 'down', peerId: v.peerId, incarnation: v.incarnation, time: now })
      }
      if (this.offerChanged()) {
        clearTimeout(this.publishTimer)
        this.schedulePublish(0)
      } else if (this.lastPublished !== undefined && isMaterialChange(this.lastPublished, this.c.sampler.peek(now), this.opts.materialChange)) {
        this.publishEarly()
      }
    }
  }

  private scheduleProbe (delayMs: number): void {
    this.probeTimer = setTimeout(() => {
      const startedAt = this.c.clock.now()
      const target = this.scheduler.next(this.c.peerTable.probeTargets())
      void (target === undefined ? Promise.resolve() : this.probeMember(target)).finally(() => {
        if (this.hasLeft || !this.subscribed) return
        const interval = this.health.scale(this.opts.probeIntervalMs)
        this.scheduleProbe(Math.max(0, interval - (this.c.clock.now() - startedAt)))
      })
    }, delayMs)
  }

  /**
   * SWIM's probe of one member: a direct ping; if it fails, helpers ping it for us; if none
   * reaches it (and none holds it `left`), this node accuses it, unless the failure is more likely its own (Lifeguard:
   * no helper answered at all, or its own event loop stalled during the probe).
   */
  async probeMember (peerId: string): Promise<void> {
    const { peerTable, clock } = this.c
    const timeoutMs = this.health.scale(this.opts.probeTimeoutMs)
    const startedAt = clock.now()
    try {
      const rttMs = await this.ping(peerId, timeoutMs)
      peerTable.probeResult(peerId, { ok: true, rttMs }, clock.now())
      this.health.record('probe_ok')
      this.tell(peerId)
      return
    } catch {
      // Failed or timed out: ask helpers.
    }
    // A down peer that does not answer is still down: nothing to accuse.
    if (peerTable.get(peerId, clock.now())?.state === 'down') return
    // A timeout that fired more than a tick late means this node was not running: not the peer's fault.
    if (clock.now() - startedAt > timeoutMs + this.opts.tickMs) {
      this.health.record('stalled')
      return
    }
    const helpers = pickHelpers(peerTable.members().filter(id => this.c.libp2p.getConnections(peerIdFromString(id)).length > 0), this.opts.indirectProbes, peerId, this.c.random)
    const outcome = await this.indirectProbe(peerId, helpers)
    // A helper heard its goodbye, which is on its way here: a peer that left is not accused.
    if (outcome === 'ack' || outcome === 'left') return
    peerTable.probeResult(peerId, { ok: false }, clock.now())
    if (outcome === 'unanswered' && helpers.length > 0) {
      this.health.record('probe_failed_unanswered')
      return
    }
    if (this.hasLeft) return
    const incarnation = peerTable.accuse(peerId, this.c.selfId, clock.now(), this.members())
    if (incarnation !== undefined) await this.announce({ event: 'suspect', peerId, incarnation, time: clock.now() })
  }

  private async indirectProbe (target: string, helpers: string[]): Promise<IndirectOutcome> {
    const timeoutMs = this.health.scale(this.opts.indirectTimeoutMs)
    const request = encodeJson({ target, timeoutMs: Math.min(10_000, Math.max(1, timeoutMs - 100)) })
    const answers = await Promise.all(helpers.map(async helper => {
      try {
        const response = decodeJson(await this.askPeer(helper, request, timeoutMs), ProbeResponseSchema)
        if (response === undefined) return 'unanswered'
        return response.ok ? 'ack' : response.left === true ? 'left' : 'nack'
      } catch {
        return 'unanswered'
      }
    }))
    return (['ack', 'left', 'nack'] as const).find(outcome => answers.includes(outcome)) ?? 'unanswered'
  }

  private async answerProbe (req: Uint8Array, remotePeer: PeerId): Promise<Uint8Array> {
    const ask = decodeJson(req, ProbeRequestSchema)
    if (ask === undefined) throw new MeshError('VALIDATION_ERROR', 'malformed probe request')
    const remote = remotePeer.toString()
    if ('hello' in ask) {
      const ctx = this.context(remote)
      const verdict = judgeSnapshot(ask.hello, ctx.last, ctx)
      if (verdict.accept) this.c.peerTable.applySnapshot(remote, verdict.snapshot, ctx.now, true)
      return encodeJson({ ok: verdict.accept })
    }
    if ('left' in ask) {
      // Judged and applied as the gossiped copy is; the answer says that it was.
      const judged = judgeMembershipEvent(ask.left, remote, this.context(remote))
      if (judged.ok) this.handle({ type: 'membership', event: ask.left }, remotePeer)
      return encodeJson({ ok: judged.ok })
    }
    if ('notice' in ask) {
      this.refute(ask.incarnation)
      return encodeJson({ ok: true, incarnation: this.ownIncarnation })
    }
    // Only members this node knows: a peer cannot make it dial strangers.
    if (!this.c.peerTable.has(ask.target)) return encodeJson({ ok: false })
    // Its goodbye reached this node, maybe not the asker yet (gossip reaches some members a
    // heartbeat later): a target that left and closed must not be accused meanwhile. A helper
    // can only spare it an accusation so, as it could by answering ok; `left` stays the
    // target's own word.
    if (this.c.peerTable.get(ask.target, this.c.clock.now())?.state === 'left') return encodeJson({ ok: false, left: true })
    try {
      await this.ping(ask.target, ask.timeoutMs)
      return encodeJson({ ok: true })
    } catch {
      return encodeJson({ ok: false })
    }
  }

  /** One request over the probe protocol (a ping-req, a notice or a hello): the answer's bytes. */
  private async askPeer (peerId: string, request: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    return await requestFrame(this.c.libp2p, await dialTarget(this.c.libp2p, peerId), this.opts.probeProtocol, request, PROBE_LIMITS(timeoutMs))
  }

  /** One ping: the RTT in milliseconds. A probe must answer fast: no DHT lookup (see dialTarget). */
  async ping (peerId: string, timeoutMs: number): Promise<number> {
    return await this.c.libp2p.services.ping.ping(await dialTarget(this.c.libp2p, peerId), { signal: AbortSignal.timeout(timeoutMs) })
  }

  /** Pings a peer `count` times, one after the other, and reports every RTT. */
  async diagnose (peerId: string, count: number, timeoutMs: number): Promise<DiagnosticsResult> {
    try {
      peerIdFromString(peerId)
    } catch {
      throw new MeshError('VALIDATION_ERROR', 'peer_id is not a valid peer id', { field: 'peer_id' })
    }
    if (!this.c.peerTable.has(peerId) && !this.c.libp2p.getPeers().some(p => p.toString() === peerId)) {
      throw new MeshError('NOT_FOUND', `peer ${peerId} is not known to this node`, { peer_id: peerId })
    }
    const result: DiagnosticsResult = { peerId, sent: 0, received: 0, rttsMs: [], errors: [] }
    for (let i = 0; i < count; i++) {
      result.sent++
      try {
        result.rttsMs.push(await this.ping(peerId, timeoutMs))
        result.received++
      } catch (err) {
        result.rttsMs.push(null)
        result.errors.push(errorMessage(err))
      }
    }
    return result
  }
}
