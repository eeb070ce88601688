import { randomUUID } from 'node:crypto'
import { TopicValidatorResult, type Message, type PeerId } from '@libp2p/interface'
import type { NodeComponents } from '../components.ts'
import { MeshError, errorMessage } from '../errors.ts'
import { dialTarget } from '../p2p/dial-target.ts'
import { requestFrame, serveFrames } from '../p2p/frames.ts'
import { Ledger, type Position } from './ledger.ts'
import { GENESIS_PREV, MAX_RECORDS_PER_ENTRY, checkEntry, sealEntry, type EntryFault, type LogEntry } from './log-entry.ts'
import { LogStore, type ForkReport, type Head } from './log-store.ts'
import { Verifier, signerOf, type Sign } from './signing.ts'
import {
  HeadAnnouncementSchema, HeadsResponseSchema, RANGE_BYTES, RANGE_LIMIT, RangeResponseSchema, SYNC_LIMITS, SyncRequestSchema,
  decodeJson, encodeJson
} from './sync-protocol.ts'
import type { UsageRecord } from './usage-record.ts'

export interface BillingComponents extends NodeComponents {
  /** Whether an author may write to this network's billing log. */
  isMember: (author: string) => boolean
  /** A peer sent forged or malformed data: drop it for a while. */
  penalize: (peerId: string, reason: string) => void
}

export interface BillingOptions {
  topic: string
  protocol: string
  /** How often a random peer is asked what it holds, so that silent gaps close. */
  antiEntropyMs: number
}

export interface Appended { id: string, position: Position, duplicate: boolean }

export interface AuthorState {
  author: string
  held: Head | undefined
  announced: number
  forks: ForkReport[]
}

export interface Corruption { author: string, seq: number, fault: EntryFault | 'missing' }

const ANNOUNCE_EVERY_MS = 50

interface Pending { records: UsageRecord[], resolve: (r: Appended[]) => void, reject: (e: unknown) => void }

/**
 * The replicated billing log of one node: appends this node's records to its own signed chain
 * with group commit, replicates every author's chain by head announcements, anti-entropy and
 * range pulls, verifies everything it stores, and keeps the ledger that answers for users.
 */
export class BillingService {
  private readonly c: BillingComponents
  private readonly opts: BillingOptions
  private readonly store: LogStore
  readonly ledger = new Ledger()
  private readonly verifier = new Verifier()
  private readonly sign: Sign
  private readonly announced = new Map<string, number>()
  /** Per author: the highest sequence heard of, and a peer that has it. */
  private readonly wanted = new Map<string, { seq: number, peerId: string }>()
  private readonly pulling = new Set<string>()
  /** Replication work under way, awaited by `stop` so that nothing touches a closed database. */
  private readonly tasks = new Set<Promise<unknown>>()
  private readonly corruption: Corruption[] = []
  private pending: Pending[] = []
  private flushing: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  private announceTimer: NodeJS.Timeout | undefined
  /** Aborted on stop: sync requests under way end at once. */
  private readonly stopping = new AbortController()
  private unannounced: LogEntry | undefined
  private running = false

  constructor (components: BillingComponents, opts: BillingOptions) {
    this.c = components
    this.opts = opts
    this.store = new LogStore(components.db)
    this.sign = signerOf(components.privateKey)
  }

  /** Loads and verifies every chain held, before anything is served. */
  async open (): Promise<void> {
    await this.store.open()
    for (const [author] of this.store.allHeads()) await this.loadChain(author)
    for (const fork of this.store.forks()) this.ledger.exclude(fork.author, fork.seq)
  }

  async start (): Promise<void> {
    const { libp2p } = this.c
    this.running = true
    await serveFrames(libp2p, this.opts.protocol, async req => await this.answerSync(req), SYNC_LIMITS, this.c.log)
    libp2p.services.pubsub.topicValidators.set(this.opts.topic, this.validateAnnouncement)
    libp2p.services.pubsub.addEventListener('message', this.onMessage)
    libp2p.services.pubsub.subscribe(this.opts.topic)
    libp2p.addEventListener('peer:identify', this.onIdentify)
    this.timer = setInterval(() => { this.track(this.antiEntropy()) }, this.opts.antiEntropyMs)
  }

  async stop (): Promise<void> {
    this.running = false
    clearInterval(this.timer)
    clearTimeout(this.announceTimer)
    this.stopping.abort()
    const { libp2p } = this.c
    libp2p.removeEventListener('peer:identify', this.onIdentify)
    libp2p.services.pubsub.removeEventListener('message', this.onMessage)
    libp2p.services.pubsub.topicValidators.delete(this.opts.topic)
    await this.flushing
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks])
  }

  private track (task: Promise<unknown>): void {
    const settled = task.catch((err: unknown) => this.c.log.debug({ err: errorMessage(err) }, 'billing replication task failed'))
      .finally(() => this.tasks.delete(settled))
    this.tasks.add(settled)
  }

  /**
   * Appends records to this node's log; resolves once they are durable. Records whose id the
   * ledger already counts are not written again: they answer with their first position.
   */
  async append (records: UsageRecord[]): Promise<Appended[]> {
    if (!this.running) throw new MeshError('UNAVAILABLE', 'billing is not running')
    const ownCorruption = this.corruption.find(c => c.author === this.c.selfId)
    if (ownCorruption !== undefined) {
      throw new MeshError('STORAGE_ERROR', `this node's log is corrupt at seq ${ownCorruption.seq} (${ownCorruption.fault}); appends wait for repair`)
    }
    return await new Promise((resolve, reject) => {
      this.pending.push({ records, resolve, reject })
      this.kick()
    })
  }

  /**
   * Starts the writer unless it runs. It first yields one turn of the event loop, so that the
   * appends of the same turn share the first write; when it ends, anything queued meanwhile
   * starts it again.
   */
  private kick (): void {
    if (this.flushing !== undefined) return
    this.flushing = new Promise<void>(resolve => setImmediate(resolve))
      .then(async () => { await this.flush() })
      .finally(() => {
        this.flushing = undefined
        if (this.pending.length > 0) this.kick()
      })
  }

  /** Group commit: every request that queued during a write goes into the next entry. */
  private async flush (): Promise<void> {
    while (this.pending.length > 0) {
      const group: Pending[] = []
      let size = 0
      while (this.pending.length > 0 && (group.length === 0 || size + (this.pending[0]?.records.length ?? 0) <= MAX_RECORDS_PER_ENTRY)) {
        const next = this.pending.shift() as Pending
        group.push(next)
        size += next.records.length
      }
      try {
        await this.writeGroup(group)
      } catch (err) {
        for (const p of group) p.reject(err)
      }
    }
  }

  private async writeGroup (group: Pending[]): Promise<void> {
    const self = this.c.selfId
    const head = this.store.head(self)
    const seq = (head?.seq ?? 0) + 1
    const seen = new Map<string, Position>()
    const fresh: UsageRecord[] = []
    const answers = group.map(p => p.records.map(r => {
      const counted = this.ledger.position(r.id) ?? seen.get(r.id)
      if (counted !== undefined) return { id: r.id, position: counted, duplicate: true }
      const position = { author: self, seq }
      seen.set(r.id, position)
      fresh.push(r)
      return { id: r.id, position, duplicate: false }
    }))
    if (fresh.length > 0) {
      const entry = sealEntry({ author: self, seq, prev: head?.hash ?? GENESIS_PREV, time: this.c.clock.now(), records: fresh }, this.sign)
      await this.store.append([entry], true)
      this.ledger.apply(entry)
      this.c.metrics.billing('appended', fresh.length)
      this.announce(entry)
    }
    group.forEach((p, i) => { p.resolve(answers[i] ?? []) })
  }

  /**
   * Announces this node's head, at most once per ANNOUNCE_EVERY_MS: under a stream of appends
   * one announcement covers many entries, and peers pull them in one range.
   */
  private announce (entry: LogEntry): void {
    this.unannounced = entry
    this.announceTimer ??= setTimeout(() => {
      this.announceTimer = undefined
      const head = this.unannounced
      this.unannounced = undefined
      if (head === undefined || !this.running) return
      const message = encodeJson({ author: head.author, seq: head.seq, hash: head.hash })
      this.c.libp2p.services.pubsub.publish(this.opts.topic, message)
        .catch((err: unknown) => this.c.log.debug({ err: errorMessage(err) }, 'head announcement not sent'))
    }, ANNOUNCE_EVERY_MS)
  }

  authors (): AuthorState[] {
    const forks = this.store.forks()
    const names = new Set([...this.store.allHeads().keys(), ...this.announced.keys()])
    return [...names].sort().map(author => ({
      author,
      held: this.store.head(author),
      announced: Math.max(this.announced.get(author) ?? 0, this.store.head(author)?.seq ?? 0),
      forks: forks.filter(f => f.author === author)
    }))
  }

  forks (): ForkReport[] {
    return this.store.forks()
  }

  corruptions (): Corruption[] {
    return [...this.corruption]
  }

  /** Verifies one stored chain from its first entry; a bad tail is cut off and reported. */
  private async loadChain (author: string): Promise<void> {
    let previous: Head | undefined
    let expected = 1
    for await (const entry of this.store.chain(author)) {
      const fault = entry.seq !== expected ? 'missing' : checkEntry(entry, previous, this.verifier, () => true)
      if (fault !== undefined) {
        this.corruption.push({ author, seq: expected, fault })
        this.c.log.error({ author, seq: expected, fault }, 'corrupt billing log tail: cut off, not served')
        await this.store.truncate(author, previous)
        return
      }
      this.ledger.apply(entry)
      previous = { seq: entry.seq, hash: entry.hash }
      expected++
    }
    const head = this.store.head(author)
    if (head !== undefined && (previous === undefined || previous.seq !== head.seq)) {
      this.corruption.push({ author, seq: expected, fault: 'missing' })
      this.c.log.error({ author, seq: expected }, 'billing log head points past its entries: cut off')
      await this.store.truncate(author, previous)
    }
  }

  private async answerSync (bytes: Uint8Array): Promise<Uint8Array> {
    const req = decodeJson(bytes, SyncRequestSchema)
    if (req === undefined) throw new Error('malformed sync request')
    if (req.type === 'heads') {
      return encodeJson({ heads: [...this.store.allHeads()].map(([author, h]) => ({ author, seq: h.seq, hash: h.hash })) })
    }
    const entries: LogEntry[] = []
    let bytesOut = 0
    for (const e of await this.store.range(req.author, req.from, Math.min(req.limit, RANGE_LIMIT))) {
      const size = JSON.stringify(e).length
      if (entries.length > 0 && bytesOut + size > RANGE_BYTES) break
      entries.push(e)
      bytesOut += size
    }
    return encodeJson({ entries })
  }

  private readonly validateAnnouncement = (_from: PeerId, msg: Message): TopicValidatorResult => {
    const head = msg.type === 'signed' ? decodeJson(msg.data, HeadAnnouncementSchema) : undefined
    // Only an author announces its own head; relays pass it on unchanged.
    if (head === undefined || msg.type !== 'signed' || head.author !== msg.from.toString()) {
      this.c.metrics.gossip(this.opts.topic, 'rejected', 'malformed')
      return TopicValidatorResult.Reject
    }
    if (head.seq <= (this.announced.get(head.author) ?? 0)) return TopicValidatorResult.Ignore
    return TopicValidatorResult.Accept
  }

  private readonly onMessage = (evt: CustomEvent<Message>): void => {
    const msg = evt.detail
    if (msg.topic !== this.opts.topic || msg.type !== 'signed') return
    const head = decodeJson(msg.data, HeadAnnouncementSchema)
    if (head === undefined) return
    this.c.metrics.gossip(this.opts.topic, 'received')
    this.noteAnnounced(head.author, head.seq)
    this.want(head.author, head.seq, msg.from.toString())
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
    let response: Uint8Array
    try {
      response = await requestFrame(this.c.libp2p, await dialTarget(this.c.libp2p, peerId), this.opts.protocol, encodeJson({ type: 'heads' }), SYNC_LIMITS, this.stopping.signal)
    } catch (err) {
      this.c.log.debug({ peer: peerId, err: errorMessage(err) }, 'heads exchange failed')
      return
    }
    const heads = decodeJson(response, HeadsResponseSchema)
    if (heads === undefined) {
      this.c.penalize(peerId, 'malformed heads response')
      return
    }
    for (const h of heads.heads) {
      const mine = this.store.head(h.author)
      if (mine === undefined || h.seq > mine.seq) {
        this.noteAnnounced(h.author, h.seq)
        this.want(h.author, h.seq, peerId)
      } else {
        const held = await this.store.get(h.author, h.seq)
        if (held !== undefined && held.hash !== h.hash) await this.checkFork(h.author, h.seq, peerId)
      }
    }
    this.clearOwnCorruption()
  }

  /** Notes that `peerId` holds `author`'s log up to `seq`, and pulls what is missing. */
  private want (author: string, seq: number, peerId: string): void {
    if (peerId === this.c.selfId || seq <= (this.store.head(author)?.seq ?? 0)) return
    const current = this.wanted.get(author)
    if (current === undefined || seq > current.seq) this.wanted.set(author, { seq, peerId })
    if (!this.pulling.has(author)) this.track(this.pull(author))
  }

  /**
   * Pulls an author's missing entries, in bounded batches, from the peer that announced the
   * highest sequence, until this node holds it; each batch is verified whole before storing.
   */
  private async pull (author: string): Promise<void> {
    this.pulling.add(author)
    try {
      for (;;) {
        const target = this.wanted.get(author)
        const held = this.store.head(author)
        if (!this.running || target === undefined || (held?.seq ?? 0) >= target.seq) return
        const from = (held?.seq ?? 0) + 1
        const response = await requestFrame(this.c.libp2p, await dialTarget(this.c.libp2p, target.peerId), this.opts.protocol,
          encodeJson({ type: 'range', author, from, limit: RANGE_LIMIT }), SYNC_LIMITS, this.stopping.signal)
        const range = decodeJson(response, RangeResponseSchema)
        const verdict = range === undefined
          ? { seq: from, fault: 'malformed' as const, signedByAuthor: false }
          : range.entries.length === 0 ? undefined : this.verifyBatch(author, from, held, range.entries)
        if (range === undefined || range.entries.length === 0 || verdict !== undefined) {
          this.wanted.delete(author)
          if (verdict?.fault === 'chain' && verdict.signedByAuthor) await this.checkFork(author, from - 1, target.peerId)
          else if (verdict?.fault === 'author') this.holdBack(author, target.peerId)
          else if (verdict !== undefined) this.reject(target.peerId, `entry ${author}/${verdict.seq}: ${verdict.fault}`)
          return
        }
        await this.store.append(range.entries, false)
        for (const e of range.entries) this.ledger.apply(e)
        this.c.metrics.billing('replicated', range.entries.reduce((n, e) => n + e.records.length, 0))
        this.c.log.debug({ author, from, entries: range.entries.length, peer: target.peerId }, 'replicated log entries')
      }
    } catch (err) {
      this.wanted.delete(author)
      this.c.log.debug({ author, err: errorMessage(err) }, 'pull failed')
    } finally {
      this.pulling.delete(author)
    }
  }

  /** Checks consecutive entries against the chain held; the first fault rejects the whole batch. */
  private verifyBatch (author: string, from: number, held: Head | undefined, entries: LogEntry[]):
  { seq: number, fault: EntryFault | 'sequence', signedByAuthor: boolean } | undefined {
    let previous = held
    for (const [i, e] of entries.entries()) {
      if (e.author !== author || e.seq !== from + i) return { seq: from + i, fault: 'sequence', signedByAuthor: false }
      const fault = checkEntry(e, previous, this.verifier, this.c.isMember)
      if (fault !== undefined) {
        const signedByAuthor = fault === 'chain' && this.verifier.verify(e.author, Buffer.from(e.hash, 'hex'), Buffer.from(e.sig, 'base64'))
        return { seq: e.seq, fault, signedByAuthor }
      }
      previous = { seq: e.seq, hash: e.hash }
    }
    return undefined
  }

  /**
   * A peer holds another entry than ours at (author, seq). If the author signed both, the
   * author forked its log: record it and stop counting that author from there. Otherwise the
   * peer forged it.
   */
  private async checkFork (author: string, seq: number, peerId: string): Promise<void> {
    const ours = await this.store.get(author, seq)
    if (ours === undefined) return
    let theirs: LogEntry | undefined
    try {
      const response = await requestFrame(this.c.libp2p, await dialTarget(this.c.libp2p, peerId), this.opts.protocol,
        encodeJson({ type: 'range', author, from: seq, limit: 1 }), SYNC_LIMITS, this.stopping.signal)
      theirs = decodeJson(response, RangeResponseSchema)?.entries[0]
    } catch (err) {
      this.c.log.debug({ peer: peerId, err: errorMessage(err) }, 'fork check failed')
      return
    }
    if (theirs === undefined || theirs.hash === ours.hash) return
    const authentic = theirs.author === author && theirs.seq === seq &&
      checkEntry(theirs, undefined, this.verifier, () => true) !== 'signature' &&
      this.verifier.verify(author, Buffer.from(theirs.hash, 'hex'), Buffer.from(theirs.sig, 'base64'))
    if (!authentic) {
      this.reject(peerId, `forged entry ${author}/${seq}`)
      return
    }
    await this.store.recordFork({ author, seq, hashes: [ours.hash, theirs.hash].sort(), detectedAt: this.c.clock.now() })
    this.ledger.exclude(author, seq)
    this.c.metrics.billing('forks', 1)
    this.c.log.error({ author, seq }, 'fork: the author signed two different entries at one sequence')
  }

  /**
   * Entries of an author not known as a node of this network are not stored. A node that just
   * joined is not known yet either, so the peer that served them is not blamed: the entries
   * are fetched again once the author's telemetry has been seen (`peerJoined`).
   */
  private holdBack (author: string, peerId: string): void {
    this.c.metrics.billing('held_back', 1)
    this.c.log.debug({ author, peer: peerId }, 'entries of an unknown author held back')
  }

  /** A peer's first snapshot arrived: it is a node of the network now, and may hold entries. */
  peerJoined (peerId: string): void {
    this.track(this.exchangeHeads(peerId))
  }

  private reject (peerId: string, reason: string): void {
    this.c.metrics.billing('rejected', 1)
    this.c.log.warn({ peer: peerId, reason }, 'rejected billing data from a peer')
    this.c.penalize(peerId, reason)
  }

  private noteAnnounced (author: string, seq: number): void {
    if (seq > (this.announced.get(author) ?? 0)) this.announced.set(author, seq)
  }

  /**
   * After a corrupt tail of this node's own log was cut off, appends wait until a peer was
   * asked and this node holds at least every own entry that peers have seen: a new entry
   * then reuses no sequence number that a peer already holds.
   */
  private clearOwnCorruption (): void {
    const self = this.c.selfId
    const i = this.corruption.findIndex(c => c.author === self)
    if (i >= 0 && (this.store.head(self)?.seq ?? 0) >= (this.announced.get(self) ?? 0)) this.corruption.splice(i, 1)
  }

  newRecordId (): string {
    return randomUUID()
  }
}
