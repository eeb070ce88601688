import { z } from 'zod'
import { decodeJson, encodeJson } from '../codec/json-bytes.ts'
import { Verifier, signerOf, type Sign } from '../network/signing.ts'
import { MeshError, errorMessage, type ErrorCode } from '../errors.ts'
import { BackgroundTasks } from '../lifecycle.ts'
import { dialTarget } from '../p2p/dial-target.ts'
import { requestFrame, serveFrames } from '../p2p/frames.ts'
import { gossipValidator } from '../p2p/gossip-validation.ts'
import type { NodeComponents } from '../components.ts'
import type { Sublevel } from '../storage/database.ts'
import type { Genesis } from '../network/genesis.ts'
import { validateGovernanceObject, type GovernanceGossipReason } from './gossip-validator.ts'
import { SignedSchema, authentic, signObject, type AdmissionBody, type GovBody, type PaymentBody, type ProposalBody, type RevocationBody, type Signed, type VoteBody } from './objects.ts'
import { GovernanceState, type Refusal } from './state.ts'
import { isPlatformBody, type PlatformBody } from '../platform/records.ts'

export interface GovernanceComponents extends Omit<NodeComponents, 'db'> {
  /** Where the governance objects held are kept. */
  store: Sublevel<Signed>
  genesis: Genesis
  genesisHash: string
  /** An admission or revocation was accepted (from the store, a peer or this node). */
  onMembership?: (record: AdmissionBody | RevocationBody) => void
  /** A platform record was accepted from a peer or this node (not when loaded from the store). */
  onPlatform?: (id: string, record: PlatformBody) => void
  /** A payment was accepted from a peer or this node (not one loaded from the store). */
  onPayment?: (payment: Signed<PaymentBody>) => void
  /** A proposal or a vote was accepted from a peer or this node (not one loaded from the store). */
  onProposalOrVote?: (o: Signed<ProposalBody> | Signed<VoteBody>) => void
}

export interface GovernanceInit {
  topic: string
  protocol: string
  /** How often due certificates and anti-entropy are checked. */
  tickMs: number
  antiEntropyMs: number
}

const SYNC_LIMITS = { maxRequestBytes: 64 * 1024, maxResponseBytes: 16 * 1024 * 1024, timeoutMs: 10_000 }
const IDS_PER_REQUEST = 256
const Id = z.string().regex(/^[0-9a-f]{64}$/)
const GovSyncRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('inventory') }).strict(),
  z.object({ type: z.literal('objects'), ids: z.array(Id).min(1).max(IDS_PER_REQUEST) }).strict()
])
const InventoryResponse = z.object({ ids: z.array(Id).max(1_000_000) }).strict()
const ObjectsResponse = z.object({ objects: z.array(SignedSchema).max(IDS_PER_REQUEST) }).strict()
const REFUSAL_CODE = { forbidden: 'AUTHORIZATION_ERROR', unknown: 'NOT_FOUND', invalid: 'VALIDATION_ERROR' } as const satisfies Record<Refusal, ErrorCode>
/** Proposals before the votes and certificates that refer to them. */
const ORDER: Record<GovBody['kind'], number> = {
  proposal: 0, candidacy: 1, endorsement: 1, admission: 1, revocation: 1, vote: 2, certificate: 3,
  tenant: 1, api_key: 1, key_revocation: 1, subscription: 1, payment: 1
}

/**
 * Governance on one node: signs this node's proposals, votes, endorsements and certificates;
 * spreads them by gossip; fetches what it lacks from peers (anti-entropy, and the votes a
 * certificate counted); certifies tallies when elected. The election's announcements in the
 * DHT are the ElectionAnnouncer's.
 */
export class GovernanceService {
  private readonly c: GovernanceComponents
  private readonly opts: GovernanceInit
  readonly state: GovernanceState
  private readonly verifier = new Verifier()
  private readonly sign: Sign
  private readonly store: Sublevel<Signed>
  /** Sync requests under way, ended at once by a stop. */
  private readonly tasks: BackgroundTasks
  private timer: NodeJS.Timeout | undefined
  private running = false

  constructor (components: GovernanceComponents, opts: GovernanceInit) {
    this.c = components
    this.opts = opts
    this.state = new GovernanceState(components.genesis, components.genesisHash)
    this.sign = signerOf(components.privateKey)
    this.store = components.store
    this.tasks = new BackgroundTasks(err => { this.c.log.debug({ err: errorMessage(err) }, 'governance task failed') })
  }

  async open (): Promise<void> {
    const all: Signed[] = []
    for await (const o of this.store.values()) all.push(o)
    this.addAll(all, 'store')
  }

  async start (): Promise<void> {
    const { libp2p } = this.c
    this.running = true
    await serveFrames(libp2p, this.opts.protocol, req => this.answerSync(req), SYNC_LIMITS, this.c.log,
      reason => { this.c.metrics.streamRejected('gov-sync', reason) })
    libp2p.services.pubsub.topicValidators.set(this.opts.topic, gossipValidator({
      topic: this.opts.topic,
      validate: validateGovernanceObject,
      context: signer => ({ signer: signer.toString(), now: this.now(), maxSkewMs: this.maxSkew(), verifier: this.verifier, state: this.state }),
      handle: o => { this.hold(o) }
    }, this.c))
    libp2p.services.pubsub.subscribe(this.opts.topic)
    this.timer = setInterval(() => { this.tick() }, this.opts.tickMs)
    this.tick()
  }

  async stop (): Promise<void> {
    this.running = false
    clearInterval(this.timer)
    this.c.libp2p.services.pubsub.topicValidators.delete(this.opts.topic)
    await this.tasks.stop()
  }

  now (): number {
    return this.c.clock.now()
  }

  /** Signs, stores and gossips an object of this node; the API's errors come from here. */
  async publish<B extends GovBody> (body: B): Promise<Signed<B>> {
    const o = signObject(body, this.sign)
    const verdict = this.state.add(o, this.now(), this.maxSkew())
    if (!verdict.ok) throw new MeshError(REFUSAL_CODE[verdict.refusal ?? 'invalid'], verdict.reason)
    this.accepted(o)
    await this.store.put(o.id, o)
    await this.c.libp2p.services.pubsub.publish(this.opts.topic, encodeJson(o))
      .catch((err: unknown) => this.c.log.debug({ err: errorMessage(err) }, 'governance gossip not sent'))
    return o
  }

  /**
   * Endorses a candidate, or withdraws an endorsement. A candidate stands for the coming epoch;
   * one that stood for the current epoch counts too, since it renews its candidacy only on its
   * first tick after the boundary. Only the API is held to this: peers accept any operator's
   * endorsement, so that one that arrives before its candidacy is not lost (the election
   * scores candidates only).
   */
  async endorse (candidate: string, withdrawn: boolean): Promise<Signed> {
    const now = this.now()
    const epoch = this.state.epochOf(now)
    if (!withdrawn && !this.state.candidates(epoch + 1).includes(candidate) && !this.state.candidates(epoch).includes(candidate)) {
      throw new MeshError('VALIDATION_ERROR', `${candidate} is not a candidate: no candidacy for epoch ${epoch} or ${epoch + 1}`,
        { field: 'candidate', reason: 'not a candidate' })
    }
    return await this.publish({ kind: 'endorsement', author: this.c.selfId, candidate, withdrawn, time: now })
  }

  /** A peer's first snapshot arrived: compare what both hold. */
  peerJoined (peerId: string): void {
    this.tasks.track(this.reconcile(peerId))
  }

  private maxSkew (): number {
    return this.state.params(this.now()).max_clock_skew_ms
  }

  /** Adds objects from the store or a peer, proposals first; returns how many were new. */
  private addAll (objects: Signed[], from: string): number {
    let added = 0
    for (const o of [...objects].sort((a, b) => ORDER[a.body.kind] - ORDER[b.body.kind])) {
      if (this.state.has(o.id)) continue
      if (from !== 'store' && !authentic(o, this.verifier)) {
        this.drop('forged')
        continue
      }
      const verdict = this.state.add(o, this.now(), this.maxSkew())
      if (verdict.ok) {
        added++
        this.accepted(o, from === 'store')
        this.logAdded(o, from)
      } else this.drop(verdict.rule)
    }
    return added
  }

  private logAdded (o: Signed, from: string): void {
    this.c.log.debug({ kind: o.body.kind, id: o.id, author: o.body.author, from }, 'governance object added')
  }

  /** Counts an object a peer sent that was dropped, as gossip's are (by one reason of a fixed list). */
  private drop (reason: GovernanceGossipReason): void {
    this.c.metrics.gossip(this.opts.topic, 'rejected', reason)
  }

  /** Holds an object the gossip validator accepted, judged just before against this same state. */
  private hold (o: Signed): void {
    this.state.hold(o)
    this.accepted(o)
    this.logAdded(o, 'gossip')
    this.tasks.track(this.store.put(o.id, o))
  }

  /** Tells who follows membership, platform records, payments, proposals and votes; a record loaded from the store is not news. */
  private accepted (o: Signed, loaded = false): void {
    if (o.body.kind === 'admission' || o.body.kind === 'revocation') this.c.onMembership?.(o.body)
    else if (loaded) return
    else if (isPlatformBody(o.body)) this.c.onPlatform?.(o.id, o.body)
    else if (o.body.kind === 'payment') this.c.onPayment?.(o as Signed<PaymentBody>)
    else if (o.body.kind === 'proposal' || o.body.kind === 'vote') this.c.onProposalOrVote?.(o as Signed<ProposalBody> | Signed<VoteBody>)
  }

  private answerSync (bytes: Uint8Array): Uint8Array {
    const req = decodeJson(bytes, GovSyncRequest)
    if (req === undefined) throw new MeshError('BAD_REQUEST', 'malformed governance sync request')
    if (req.type === 'inventory') return encodeJson({ ids: this.state.ids() })
    return encodeJson({ objects: req.ids.map(id => this.state.get(id)).filter(o => o !== undefined) })
  }

  private async fetch (peerId: string, ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
      const response = await requestFrame(this.c.libp2p, await dialTarget(this.c.libp2p, peerId), this.opts.protocol,
        encodeJson({ type: 'objects', ids: ids.slice(i, i + IDS_PER_REQUEST) }), SYNC_LIMITS, this.tasks.signal)
      const got = decodeJson(response, ObjectsResponse)
      if (got === undefined) throw new Error(`malformed objects from ${peerId}`)
      this.addAll(got.objects, peerId)
      await Promise.all(got.objects.filter(o => this.state.has(o.id)).map(async o => { await this.store.put(o.id, o) }))
    }
  }

  /** Anti-entropy: fetch whatever a peer holds and this node does not. */
  private async reconcile (peerId: string): Promise<void> {
    if (!this.running) return
    const response = await requestFrame(this.c.libp2p, await dialTarget(this.c.libp2p, peerId), this.opts.protocol, encodeJson({ type: 'inventory' }), SYNC_LIMITS, this.tasks.signal)
    const inventory = decodeJson(response, InventoryResponse)
    if (inventory === undefined) throw new Error(`malformed inventory from ${peerId}`)
    const missing = inventory.ids.filter(id => !this.state.has(id))
    if (missing.length > 0) await this.fetch(peerId, missing)
  }

  private tick (): void {
    if (!this.running) return
    const now = this.now()
    this.tasks.track(this.certifyDue(now))
    this.tasks.track(this.fetchCertifiedVotes())
    if (now % this.opts.antiEntropyMs < this.opts.tickMs) {
      const peers = this.c.libp2p.getPeers()
      const peer = peers[Math.floor(Math.random() * peers.length)]
      if (peer !== undefined) this.tasks.track(this.reconcile(peer.toString()))
    }
  }

  /** Once a proposal's grace period is over, a certifier signs the tally it counted. */
  private async certifyDue (now: number): Promise<void> {
    const grace = this.c.genesis.params.certification_grace_ms
    for (const id of this.state.proposalIds()) {
      const view = this.state.view(id, now)
      if (view === undefined) continue
      const p = view.proposal.body
      if (now < p.voting_ends_at + grace || view.certificates.some(c => c.body.author === this.c.selfId)) continue
      if (!this.state.certifiers(p).includes(this.c.selfId)) continue
      const counted = this.state.countedVoteIds(id)
      await this.publish({ kind: 'certificate', author: this.c.selfId, proposal_id: id, outcome: view.tally.outcome, counted_hash: view.tally.countedHash, vote_ids: counted, time: now })
    }
  }

  /** A certificate counted votes this node never got: fetch them from the certifier. */
  private async fetchCertifiedVotes (): Promise<void> {
    const now = this.now()
    for (const id of this.state.proposalIds()) {
      const view = this.state.view(id, now)
      if (view?.certificate === undefined || view.missingVotes.length === 0) continue
      await this.fetch(view.certificate.body.author, view.missingVotes)
    }
  }
}
