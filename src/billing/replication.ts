import type { PeerId } from '@libp2p/interface'
import { decodeJson, encodeJson } from '../codec/json-bytes.ts'
import { MeshError, errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'
import type { MeshMetrics } from '../metrics.ts'
import { dialTarget } from '../p2p/dial-target.ts'
import { requestFrame, serveFrames } from '../p2p/frames.ts'
import { gossipValidator } from '../p2p/gossip-validation.ts'
import type { MeshLibp2p } from '../p2p/libp2p.ts'
import type { Authorship, ChainStore, OwnAhead } from './chain-store.ts'
import { validateHeadAnnouncement } from './head-announcement.ts'
import { checkBatch, checkEntry, type BatchFault, type LogEntry } from './log-entry.ts'
import type { Head } from './log-store.ts'
import {
  HeadsResponseSchema, RANGE_BYTES, RANGE_LIMIT, RangeResponseSchema, SYNC_LIMITS, type RangeResponse, SyncRequestSchema
} from './sync-protocol.ts'

export interface ReplicationComponents extends Authorship {
  libp2p: MeshLibp2p
  log: Logger
  metrics: MeshMetrics
  selfId: string
  /** The chains replicated into, and served from. */
  chains: ChainStore
  /** A peer sent forged or malformed data: drop it for a while. */
  penalize: (peerId: string, reason: string) => void
}

export interface ReplicationInit {
  topic: string
  protocol: string
  /** How often a random peer is asked what it holds, so that silent gaps close. */
  antiEntropyMs: number
  /** This node's head is announced at most once per this period. */
  announceEveryMs: number
}

/**
 * Replicates every author's chain between peers: serves the sync protocol (heads and ranges),
 * announces this node's head on gossip, compares heads with each peer that connects and with
 * a random one now and then (anti-entropy), pulls what is missing in verified batches, fills
 * gaps, and tells a fork (the author signed two entries at one sequence) from a forgery.
 */
export class Replication {
  private readonly c: ReplicationComponents
  private readonly opts: ReplicationInit
  private readonly announced = new Map<string, number>()
  /** Per author: the highest sequence heard of, and a peer that has it. */
  private readonly wanted = new Map<string, { seq: number, peerId: string }>()
  private readonly pulling = new Set<string>()
  /** Authors whose gap is being filled from a peer. */
  private readonly filling = new Set<string>()
  /** Replication work under way, awaited by `stop` so that nothing touches a closed database. */
  private readonly tasks = new Set<Promise<unknown>>()
  /** Aborted on stop: sync requests under way end at once. */
  private readonly stopping = new AbortController()
  private timer: NodeJS.Timeout | undefined
  private announceTimer: NodeJS.Timeout | undefined
  private unannounced: LogEntry | undefined
  private running = false

  constructor (components: ReplicationComponents, init: ReplicationInit) {
    this.c = components
    this.opts = init
  }

  async start (): Promise<void> {
    const { libp2p } = this.c
    this.running = true
    await serveFrames(libp2p, this.opts.protocol, async req => await this.answerSync(req), SYNC_LIMITS, this.c.log,
      reason => { this.c.metrics.streamRejected('sync', reason) })
    libp2p.services.pubsub.topicValidators.set(this.opts.topic, gossipValidator({
      topic: this.opts.topic,
      validate: validateHeadAnnouncement,
      context: signer => ({ signer: signer.toString(), authoredThrough: this.c.authoredThrough, announced: author => this.announced.get(author) ?? 0 }),
      handle: (head, author) => {
        this.noteAnnounced(head.author, head.seq)
        this.want(head.author, head.seq, author.toString())
      }
    }, this.c))
    libp2p.services.pubsub.subscribe(this.opts.topic)
    libp2p.addEventListener('peer:identify', this.onIdentify)
    this.timer = setInterval(() => { this.track(this.antiEntropy()) }, this.opts.antiEntropyMs)
  }

  /** Stops asking and answering; the work under way ends soon after (see `drained`). */
  async stop (): Promise<void> {
    this.running = false
    clearInterval(this.timer)
    clearTimeout(this.announceTimer)
    this.stopping.abort()
    const { libp2p } = this.c
    libp2p.removeEventListener('peer:identify', this.onIdentify)
    libp2p.services.pubsub.topicValidators.delete(this.opts.topic)
  }

  /** Resolves once the replication work under way is done. */
  async drained (): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks])
  }

  get isRunning (): boolean {
    return this.running
  }

  private track (task: Promise<unknown>): void {
    const settled = task.catch((err: unknown) => this.c.log.debug({ err: errorMessage(err) }, 'billing replication task failed'))
      .finally(() => this.tasks.delete(settled))
    this.tasks.add(settled)
  }

  /** Compares heads with every connected peer. */
  askPeers (): void {
    for (const peer of this.c.libp2p.getPeers()) this.track(this.exchangeHeads(peer.toString()))
  }

  /** A peer's first snapshot arrived: it is a node of the network now, and may hold entries. */
  peerJoined (peerId: string): void {
    this.track(this.exchangeHeads(peerId))
  }

  /** The highest sequence of `author`'s log heard announced. */
  announcedSeq (author: string): number {
    return this.announced.get(author) ?? 0
  }

  announcedAuthors (): string[] {
    return [...this.announced.keys()]
  }

  /** Per own log: a peer holds more of it than this node does; appending now would fork it. */
  ownAhead (): OwnAhead | undefined {
    const wanted = this.wanted.get(this.c.selfId)
    const held = this.c.chains.held.head(this.c.selfId)?.seq ?? 0
    return wanted !== undefined && wanted.seq > held ? { held, ...wanted } : undefined
  }

  /**
   * Announces this node's head, at most once per `announceEveryMs`: under a stream of appends
   * one announcement covers many entries, and peers pull them in one range.
   */
  announce (entry: LogEntry): void {
    this.unannounced = entry
    this.announceTimer ??= setTimeout(() => {
      this.announceTimer = undefined
      const head = this.unannounced
      this.unannounced = undefined
      if (head === undefined || !this.running) return
      const message = encodeJson({ author: head.author, seq: head.seq, hash: head.hash })
      this.c.libp2p.services.pubsub.publish(this.opts.topic, message)
        .catch((err: unknown) => this.c.log.debug({ err: errorMessage(err) }, 'head announcement not sent'))
    }, this.opts.announceEveryMs)
  }

  private async answerSync (bytes: Uint8Array): Promise<Uint8Array> {
    const req = decodeJson(bytes, SyncRequestSchema)
    if (req === undefined) throw new MeshError('BAD_REQUEST', 'malformed sync request')
    const { held } = this.c.chains
    if (req.type === 'heads') {
      return encodeJson({ heads: [...held.allHeads()].map(([author, h]) => ({ author, seq: h.seq, hash: h.hash })) })
    }
    const entries: LogEntry[] = []
    let bytesOut = 0
    for (const e of await held.range(req.author, req.from, Math.min(req.limit, RANGE_LIMIT))) {
      const size = JSON.stringify(e).length
      if (entries.length > 0 && bytesOut + size > RANGE_BYTES) break
      entries.push(e)
      bytesOut += size
    }
    return encodeJson({ entries })
  }

  /** On a new connection, compare what both sides hold: a node back from offline catches up. */
  private readonly onIdentify = (evt: CustomEvent<{ peerId: PeerId }>): void => {
    this.track(this.exchangeHeads(evt.detail.peerId.toString()))
  }

  private async antiEntropy (): Promise<void> {
    const peers = this.c.libp2p.getPeers()
    const peer = peers[Math.floor(Math.random() * peers.length)]
    if (peer !== undefined) await this.exchangeHeads(peer.toString())
  }

  private async exchangeHeads (peerId: string): Promise<void> {
    if (!this.running) return
    const { chains } = this.c
    let response: Uint8Array
    try {
      response = await this.ask(peerId, { type: 'heads' })
    } catch (err) {
      this.c.log.debug({ peer: peerId, err: errorMessage(err) }, 'heads exchange failed')
      return
    }
    const heads = decodeJson(response, HeadsResponseSchema)
    if (heads === undefined) {
      this.c.penalize(peerId, 'malformed heads response')
      return
    }
    chains.noteAnswered(peerId)
    for (const h of heads.heads) {
      const through = this.c.authoredThrough(h.author)
      if (h.seq > through && h.author !== this.c.selfId) {
        this.c.metrics.billing('held_back', 1)
        // Still pull what counts of a revoked author's log, up to the cut.
        if (through > (chains.held.head(h.author)?.seq ?? 0)) this.want(h.author, through, peerId)
        continue
      }
      const gap = chains.held.gap(h.author)
      if (gap !== undefined && h.seq >= gap.from) this.track(this.fillGap(h.author, peerId))
      const mine = chains.held.head(h.author)
      if (mine === undefined || h.seq > mine.seq) {
        this.noteAnnounced(h.author, h.seq)
        this.want(h.author, h.seq, peerId)
      } else {
        const held = await chains.held.get(h.author, h.seq)
        if (held !== undefined && held.hash !== h.hash) await this.checkFork(h.author, h.seq, peerId)
      }
    }
    chains.checkConfirmed()
  }

  /** Notes that `peerId` holds `author`'s log up to `seq`, and pulls what is missing. */
  private want (author: string, seq: number, peerId: string): void {
    if (peerId === this.c.selfId || seq <= (this.c.chains.held.head(author)?.seq ?? 0)) return
    const current = this.wanted.get(author)
    if (current === undefined || seq > current.seq) this.wanted.set(author, { seq, peerId })
    if (!this.pulling.has(author)) this.track(this.pull(author))
  }

  /**
   * Pulls an author's missing entries, in bounded batches, from the peer that announced the
   * highest sequence, until this node holds it; each batch is verified whole before storing.
   */
  private async pull (author: string): Promise<void> {
    const { chains } = this.c
    this.pulling.add(author)
    try {
      for (;;) {
        const target = this.wanted.get(author)
        const held = chains.held.head(author)
        if (!this.running || target === undefined || (held?.seq ?? 0) >= target.seq) return
        const from = (held?.seq ?? 0) + 1
        // A revoked author's log counts up to its cut: ask for no more, or the batch would be refused whole.
        const limit = Math.max(1, Math.min(RANGE_LIMIT, this.c.authoredThrough(author) - from + 1))
        const range = await this.range(target.peerId, author, from, limit)
        // The head moved meanwhile (this node's own chain went on past a gap): ask again from there.
        if (chains.held.head(author)?.seq !== held?.seq) continue
        const verdict = range === undefined
          ? { seq: from, fault: 'malformed' as const, signedByAuthor: false }
          : range.entries.length === 0 ? undefined : this.verifyBatch(author, from, held, range.entries)
        if (range === undefined || range.entries.length === 0 || verdict !== undefined) {
          this.wanted.delete(author)
          if (verdict !== undefined) await this.refuseBatch(author, from, verdict, target.peerId)
          return
        }
        await chains.appendPulled(author, range.entries, target.peerId)
        this.replicated(range.entries)
        this.c.log.debug({ author, from, entries: range.entries.length, peer: target.peerId }, 'replicated log entries')
      }
    } catch (err) {
      this.wanted.delete(author)
      this.c.log.debug({ author, err: errorMessage(err) }, 'pull failed')
    } finally {
      this.pulling.delete(author)
      if (author === this.c.selfId) chains.checkConfirmed()
    }
  }

  /** One sync request to a peer, cancelled when replication stops. */
  private async ask (peerId: string, request: Record<string, unknown>): Promise<Uint8Array> {
    return await requestFrame(this.c.libp2p, await dialTarget(this.c.libp2p, peerId), this.opts.protocol, encodeJson(request), SYNC_LIMITS, this.stopping.signal)
  }

  /** A range of an author's entries from a peer; undefined when the answer is malformed. */
  private async range (peerId: string, author: string, from: number, limit: number): Promise<RangeResponse | undefined> {
    return decodeJson(await this.ask(peerId, { type: 'range', author, from, limit }), RangeResponseSchema)
  }

  /** A batch that failed verification at `from`: a fork where the author signed it, held back for a non-member, else the peer forged it. */
  private async refuseBatch (author: string, from: number, fault: { seq: number, fault: BatchFault['fault'] | 'malformed', signedByAuthor: boolean }, peerId: string): Promise<void> {
    if (fault.fault === 'chain' && fault.signedByAuthor) await this.checkFork(author, from - 1, peerId)
    else if (fault.fault === 'author') this.holdBack(author, peerId)
    else this.reject(peerId, `entry ${author}/${fault.seq}: ${fault.fault}`)
  }

  private replicated (entries: LogEntry[]): void {
    this.c.metrics.billing('replicated', entries.reduce((n, e) => n + e.records.length, 0))
  }

  /** Checks consecutive entries against the chain held (or a gap's anchor); the first fault rejects the whole batch. */
  private verifyBatch (author: string, from: number, held: Head | undefined, entries: LogEntry[], anchor?: Head): BatchFault | undefined {
    // checkBatch refuses entries of any other author first, so one membership read serves the batch.
    const through = this.c.authoredThrough(author)
    return checkBatch(author, from, held, entries, this.c.chains.verifier, (_, seq) => seq <= through, anchor)
  }

  /**
   * Takes an author's gap back from a peer that holds entries in it, in bounded batches, each
   * verified whole: chained to the entry before the gap, and the last one to the anchor. An
   * authentic entry at the gap's end with another hash than the anchor is a fork. A peer that
   * does not hold them answers an empty range; another peer may.
   */
  private async fillGap (author: string, peerId: string): Promise<void> {
    const { chains } = this.c
    if (this.filling.has(author)) return
    this.filling.add(author)
    try {
      for (;;) {
        const gap = chains.held.gap(author)
        if (!this.running || gap === undefined) return
        const range = await this.range(peerId, author, gap.from, Math.min(RANGE_LIMIT, gap.to - gap.from + 1))
        if (range !== undefined && range.entries.length === 0) return
        const before = gap.from === 1 ? undefined : { seq: gap.from - 1, hash: gap.prev }
        const verdict = range === undefined
          ? { seq: gap.from, fault: 'malformed' as const, signedByAuthor: false }
          : this.verifyBatch(author, gap.from, before, range.entries, { seq: gap.to, hash: gap.hash })
        if (verdict?.fault === 'anchor') {
          const theirs = range?.entries.find(e => e.seq === gap.to) as LogEntry
          await chains.recordFork(author, gap.to, [gap.hash, theirs.hash])
          return
        }
        if (verdict !== undefined) await this.refuseBatch(author, gap.from, verdict, peerId)
        if (verdict !== undefined || range === undefined) return
        await chains.fillGap(author, range.entries, peerId)
        this.replicated(range.entries)
        if (chains.held.gap(author) === undefined) this.c.log.warn({ author, from_seq: gap.from, to_seq: gap.to, peer: peerId }, 'billing log gap filled from a peer')
      }
    } catch (err) {
      this.c.log.debug({ author, peer: peerId, err: errorMessage(err) }, 'gap fill failed')
    } finally {
      this.filling.delete(author)
    }
  }

  /**
   * A peer holds another entry than ours at (author, seq). If the author signed both, the
   * author forked its log: record it and stop counting that author from there. Otherwise the
   * peer forged it.
   */
  private async checkFork (author: string, seq: number, peerId: string): Promise<void> {
    const { chains } = this.c
    const ours = await chains.held.get(author, seq)
    if (ours === undefined) return
    let theirs: LogEntry | undefined
    try {
      theirs = (await this.range(peerId, author, seq, 1))?.entries[0]
    } catch (err) {
      this.c.log.debug({ peer: peerId, err: errorMessage(err) }, 'fork check failed')
      return
    }
    if (theirs === undefined || theirs.hash === ours.hash) return
    const authentic = theirs.author === author && theirs.seq === seq &&
      checkEntry(theirs, undefined, chains.verifier, () => true) !== 'signature' &&
      chains.verifier.verify(author, Buffer.from(theirs.hash, 'hex'), Buffer.from(theirs.sig, 'base64'))
    if (!authentic) {
      this.reject(peerId, `forged entry ${author}/${seq}`)
      return
    }
    await chains.recordFork(author, seq, [ours.hash, theirs.hash])
  }

  /**
   * Entries of an author that is not a member (or past a revoked member's cut) are not
   * stored. Membership is replicated state that may not have reached this node yet, so the
   * peer that served them is not blamed: they are fetched again when an admission arrives.
   */
  private holdBack (author: string, peerId: string): void {
    this.c.metrics.billing('held_back', 1)
    this.c.log.debug({ author, peer: peerId }, 'entries of a non-member refused')
  }

  private reject (peerId: string, reason: string): void {
    this.c.metrics.billing('rejected', 1)
    this.c.log.warn({ peer: peerId, reason }, 'rejected billing data from a peer')
    this.c.penalize(peerId, reason)
  }

  private noteAnnounced (author: string, seq: number): void {
    if (seq > (this.announced.get(author) ?? 0)) this.announced.set(author, seq)
  }
}
