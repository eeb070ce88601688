import { randomUUID } from 'node:crypto'
import type { PeerId } from '@libp2p/interface'
import type { NodeComponents } from '../components.ts'
import { MeshError, errorMessage } from '../errors.ts'
import { dialTarget } from '../p2p/dial-target.ts'
import { requestFrame, serveFrames } from '../p2p/frames.ts'
import { gossipValidator } from '../p2p/gossip-validation.ts'
import { isCorruption } from '../storage/database.ts'
import { validateHeadAnnouncement } from './head-announcement.ts'
import { Ledger, sameRecord, type Position } from './ledger.ts'
import { GENESIS_PREV, MAX_RECORDS_PER_ENTRY, checkBatch, checkEntry, sealEntry, type BatchFault, type EntryFault, type LogEntry } from './log-entry.ts'
import { LogStore, type ForkReport, type Gap, type Head, type Loss, type LossKind } from './log-store.ts'
import { OwnHeadFile, type OwnHead } from './own-head.ts'
import { Verifier, signerOf, type Sign } from '../network/signing.ts'
import {
  HeadsResponseSchema, RANGE_BYTES, RANGE_LIMIT, RangeResponseSchema, SYNC_LIMITS, SyncRequestSchema
} from './sync-protocol.ts'
import { decodeJson, encodeJson } from '../codec/json-bytes.ts'
import type { UsageRecord } from './usage-record.ts'

export interface BillingComponents extends NodeComponents {
  /**
   * The highest sequence of an author's log that counts: Infinity for a member, the
   * revocation's `through_seq` for a revoked one, 0 for a peer that is not a member.
   */
  authoredThrough: (author: string) => number
  /** A peer sent forged or malformed data: drop it for a while. */
  penalize: (peerId: string, reason: string) => void
}

export interface BillingOptions {
  topic: string
  protocol: string
  /** How often a random peer is asked what it holds, so that silent gaps close. */
  antiEntropyMs: number
  /** This node's head is announced at most once per this period. */
  announceEveryMs: number
  /** The file that keeps this node's own head apart from the database (see OwnHeadFile). */
  headFile: string
}

export interface Appended { id: string, position: Position, duplicate: boolean }

export interface AuthorState {
  author: string
  held: Head | undefined
  /** Entries below the head that this node does not hold (see Gap). */
  gap: Gap | undefined
  announced: number
  forks: ForkReport[]
}

/** A fault found at start: an entry that fails verification, a gap, or a block level cannot read. */
export interface Corruption { author: string, seq: number, fault: EntryFault | 'missing' | 'unreadable' }

/**
 * Whether this node's own head is confirmed against its peers' copies of its chain: until then
 * it appends nothing, so that it never reuses a sequence number a peer already holds.
 */
export type OwnHeadState = 'confirming' | 'confirmed' | 'alone'

export interface OwnHeadReport {
  state: OwnHeadState
  /** Peers that answered with their copy of this node's chain. */
  answered: string[]
  /** The head file's record at start; undefined when there was none (or it was unreadable: `fault`). */
  remembered: OwnHead | undefined
  fault: string | undefined
  heldAtStart: number
  finishedAt: number | undefined
}

export interface BillingReadiness { ready: boolean, reason: string | undefined }

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
  /** Authors whose gap is being filled from a peer. */
  private readonly filling = new Set<string>()
  /** Replication work under way, awaited by `stop` so that nothing touches a closed database. */
  private readonly tasks = new Set<Promise<unknown>>()
  private readonly corruption: Corruption[] = []
  /** Losses found at this start and at earlier ones (kept in the store), with what was taken back. */
  private readonly losses: Loss[] = []
  private readonly foundNow = new Set<Loss>()
  private readonly headFile: OwnHeadFile
  private readonly own: OwnHeadReport = { state: 'confirming', answered: [], remembered: undefined, fault: undefined, heldAtStart: 0, finishedAt: undefined }
  /** Records in this node's own chain as held, for the head file. */
  private ownRecords = 0
  /** Peers whose answer the start-up confirmation waits for; empty: the first answer. */
  private expected = new Set<string>()
  private confirmation: { done: () => void, timer: NodeJS.Timeout } | undefined
  /** The end of the confirmation, under way: appends stay refused until it is done. */
  private settling: Promise<void> | undefined
  /** Why the log cannot be written; once set, appends answer 503 until a restart. */
  private unusable: string | undefined
  private headFileFailed = false
  private pending: Pending[] = []
  private flushing: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  private announceTimer: NodeJS.Timeout | undefined
  /** Aborted on stop: sync requests under way end at once. */
  private readonly stopping = new AbortController()
  private unannounced: LogEntry | undefined
  private running = false
  private conflictsSeen = 0

  constructor (components: BillingComponents, opts: BillingOptions) {
    this.c = components
    this.opts = opts
    this.store = new LogStore(components.db)
    this.sign = signerOf(components.privateKey)
    this.headFile = new OwnHeadFile(opts.headFile)
  }

  /**
   * Loads and verifies every chain held, before anything is served, and compares this node's
   * own head with its head file: what is gone or damaged is reported as a loss.
   */
  async open (): Promise<void> {
    await this.store.open()
    this.losses.push(...this.store.losses())
    const self = this.c.selfId
    const remembered = await this.headFile.read()
    this.own.remembered = remembered.head
    this.own.fault = remembered.fault
    if (remembered.fault !== undefined) this.c.log.warn({ fault: remembered.fault }, 'own billing head file unreadable: a lost tail of this node\'s log is found only by asking peers')
    const { db } = this.c
    for (const d of db.droppedAtOpen()) {
      this.c.log.error({ file: d.file, bytes: d.bytes, reason: d.reason }, 'the database skipped a corrupt part of its write-ahead log at open: the writes in it are gone')
    }
    if (db.repaired !== undefined) this.c.log.error({ reason: db.repaired.reason, notes: db.repaired.notes }, 'the database was corrupt and level repaired it: what it could not read is gone')
    // Entries gone where level reported corruption were damaged, not merely never written.
    const gone: LossKind = db.corruptAtOpen ? 'corrupt' : 'missing'
    const found: Loss[] = []
    for (const [author, stored] of this.store.allHeads()) {
      const { held, records, fault } = await this.loadChain(author)
      // The head file counts the records up to its head, those of a gap too.
      if (author === self) this.ownRecords = records + (this.store.gap(self)?.records ?? 0)
      if (fault !== undefined) found.push(this.newLoss(author, fault === 'missing' ? gone : 'corrupt', (held?.seq ?? 0) + 1, stored.seq))
    }
    const heldSeq = this.store.head(self)?.seq ?? 0
    this.own.heldAtStart = heldSeq
    const mark = remembered.head
    const ownLoss = found.find(l => l.author === self)
    if (mark !== undefined && mark.seq > heldSeq) {
      if (ownLoss === undefined) found.push(this.newLoss(self, db.corruptAtOpen ? 'corrupt' : 'head_backwards', heldSeq + 1, mark.seq))
      else ownLoss.toSeq = Math.max(ownLoss.toSeq, mark.seq)
    }
    for (const loss of found) {
      // The head file counts the records up to its head: the difference is what was lost.
      if (loss.author === self && mark !== undefined && mark.seq >= loss.toSeq) loss.records = Math.max(0, mark.records - this.ownRecords)
      const entries = loss.toSeq - loss.fromSeq + 1
      this.c.metrics.billingLoss(loss.kind, entries, loss.records)
      this.c.log.error({ author: loss.author, kind: loss.kind, from_seq: loss.fromSeq, to_seq: loss.toSeq, entries, records: loss.records ?? null },
        'billing log entries lost at start: taking them back from peers')
      await this.store.recordLoss(loss)
    }
    this.losses.push(...found)
    for (const loss of found) this.foundNow.add(loss)
    this.c.metrics.billingUnrecovered(this.unrecovered())
    for (const fork of this.store.forks()) this.ledger.exclude(fork.author, fork.seq)
    for (const [author] of this.store.allHeads()) this.membershipChanged(author)
    this.countConflicts()
  }

  /**
   * An author's membership changed (admitted or revoked), or the log was just opened. Entries
   * past what it may author stop counting: a revoked member's past its cut, also those stored
   * before the revocation arrived, and a non-member's held from before membership existed.
   * Admitted: its entries count, and those refused until now are pulled again from peers.
   */
  membershipChanged (author: string): void {
    const through = this.c.authoredThrough(author)
    this.ledger.setMembershipCut(author, Number.isFinite(through) ? through + 1 : undefined)
    this.countConflicts()
    if (!Number.isFinite(through) && this.running) for (const peer of this.c.libp2p.getPeers()) this.track(this.exchangeHeads(peer.toString()))
  }

  /** Updates the gauge; a new conflict is also logged, since it means a member wrote another content under a key. */
  private countConflicts (): void {
    const count = this.ledger.conflictCount
    if (count > this.conflictsSeen) this.c.log.warn({ conflicting_keys: count }, 'idempotency keys held with different contents: each content counted under its own authors, see /v1/billing/log')
    this.conflictsSeen = count
    this.c.metrics.billingConflictingKeys(count)
  }

  private newLoss (author: string, kind: LossKind, fromSeq: number, toSeq: number): Loss {
    return { author, kind, fromSeq, toSeq, records: undefined, detectedAt: this.c.clock.now(), recovered: { toSeq: fromSeq - 1, entries: 0, records: 0, from: [] } }
  }

  private unrecovered (): number {
    return this.losses.reduce((n, l) => n + (l.toSeq - l.fromSeq + 1 - l.recovered.entries), 0)
  }

  /**
   * Confirms this node's own head against its peers before any append: asks every connected
   * peer (and each that connects) for its copy of this node's chain, takes back what they hold
   * beyond it, and ends once every peer of `expected` answered (with none expected: the first
   * answer) or after `timeoutMs`. With no peer to ask and nothing written before, there is
   * nothing to confirm.
   */
  async confirmOwnHead (expected: string[], timeoutMs: number): Promise<void> {
    const self = this.c.selfId
    this.expected = new Set(expected.filter(p => p !== self))
    const wrote = this.own.remembered !== undefined || this.store.head(self) !== undefined || this.losses.some(l => l.author === self)
    if (this.expected.size === 0 && !wrote) {
      this.finishConfirmation('alone')
      await this.settling
      return
    }
    this.c.metrics.billingLog('confirming')
    await new Promise<void>(resolve => {
      this.confirmation = {
        done: resolve,
        timer: setTimeout(() => { this.finishConfirmation(this.own.answered.length > 0 ? 'confirmed' : 'alone') }, timeoutMs)
      }
      for (const peer of this.c.libp2p.getPeers()) this.track(this.exchangeHeads(peer.toString()))
    })
  }

  private checkConfirmed (): void {
    if (this.confirmation === undefined) return
    const answered = new Set(this.own.answered)
    const enough = this.expected.size > 0 ? [...this.expected].every(p => answered.has(p)) : answered.size > 0
    if (enough && this.behind() === undefined) this.finishConfirmation('confirmed')
  }

  private finishConfirmation (state: OwnHeadState): void {
    if (this.own.state !== 'confirming' || this.settling !== undefined) return
    if (this.confirmation !== undefined) clearTimeout(this.confirmation.timer)
    this.settling = this.settleOwnHead(state)
    this.track(this.settling)
  }

  /** Appends stay refused until the chain goes on from where it must: past every sequence used. */
  private async settleOwnHead (state: OwnHeadState): Promise<void> {
    try {
      await this.openOwnGap()
    } catch (err) {
      this.markUnusable(err)
    }
    const self = this.c.selfId
    this.own.state = state
    this.own.finishedAt = this.c.clock.now()
    this.c.metrics.billingLog(state)
    const held = this.store.head(self)?.seq ?? 0
    if (state === 'alone') {
      this.c.log.warn({ held_seq: held, remembered_seq: this.own.remembered?.seq ?? null, expected: [...this.expected] },
        'no peer confirmed this node\'s own billing head: proceeding alone')
    } else {
      this.c.log.info({ held_seq: held, peers: this.own.answered }, 'own billing head confirmed with peers')
    }
    for (const loss of this.losses) {
      const entries = loss.toSeq - loss.fromSeq + 1
      if (!this.foundNow.has(loss) && loss.recovered.entries >= entries) continue
      this.c.log.error({
        author: loss.author, kind: loss.kind, from_seq: loss.fromSeq, to_seq: loss.toSeq, entries, records: loss.records ?? null,
        recovered_entries: loss.recovered.entries, recovered_records: loss.recovered.records, recovered_from: loss.recovered.from, still_lost: entries - loss.recovered.entries
      }, 'billing log loss at start: what peers gave back')
    }
    const confirmation = this.confirmation
    this.confirmation = undefined
    confirmation?.done()
  }

  /**
   * The head file shows this node wrote beyond the head it holds, and no peer gave the rest
   * back: a peer may still hold it, so appending after the held head could fork the chain.
   * The chain goes on after the head file's head instead, leaving a gap that peers fill later.
   */
  private async openOwnGap (): Promise<void> {
    const self = this.c.selfId
    const mark = this.own.remembered
    const head = this.store.head(self)
    const held = head?.seq ?? 0
    if (mark === undefined || mark.seq <= held) return
    if (this.store.gap(self) !== undefined) {
      throw new MeshError('STORAGE_ERROR', `own log lost entries ${held + 1}..${mark.seq} while its gap from an earlier loss is still open: a peer must give them back (restart next to one)`)
    }
    const gap = { from: held + 1, to: mark.seq, hash: mark.hash, prev: head?.hash ?? GENESIS_PREV, records: Math.max(0, mark.records - this.ownRecords) }
    await this.store.openGap(self, gap)
    this.ownRecords += gap.records
    this.c.log.error({ from_seq: gap.from, to_seq: gap.to, records: gap.records },
      'own billing log goes on after the head file\'s head: the lost entries stay a gap until a peer gives them back')
    // A peer whose answer came too late for the bound may hold them.
    for (const peer of this.c.libp2p.getPeers()) this.track(this.exchangeHeads(peer.toString()))
  }

  /** Per own log: a peer holds more of it than this node does; appending now would fork it. */
  private behind (): { held: number, seq: number, peerId: string } | undefined {
    const wanted = this.wanted.get(this.c.selfId)
    const held = this.store.head(this.c.selfId)?.seq ?? 0
    return wanted !== undefined && wanted.seq > held ? { held, ...wanted } : undefined
  }

  /** Why an append cannot be taken now (503), or undefined. */
  private appendRefusal (): MeshError | undefined {
    if (!this.running) return new MeshError('UNAVAILABLE', 'billing is not running')
    if (this.unusable !== undefined) {
      return new MeshError('UNAVAILABLE', `this node's billing log cannot be written (${this.unusable}); fix the storage and restart the node`)
    }
    if (this.own.state === 'confirming') return new MeshError('UNAVAILABLE', 'billing: confirming this node\'s own log head with its peers; retry shortly')
    const behind = this.behind()
    if (behind !== undefined) {
      return new MeshError('UNAVAILABLE', `billing: this node holds its own log up to seq ${behind.held} and peer ${behind.peerId} up to seq ${behind.seq}; taking those entries back before appending`)
    }
    return undefined
  }

  readiness (): BillingReadiness {
    const refusal = this.running ? this.appendRefusal() : undefined
    const reason = this.unusable !== undefined
      ? `billing: log unusable (${this.unusable})`
      : this.own.state === 'confirming' ? 'billing: confirming own head' : refusal === undefined ? undefined : 'billing: taking back own entries from peers'
    return { ready: this.running && reason === undefined, reason: this.running ? reason : 'billing: not running' }
  }

  /** A write failed: the database is read-only, full, gone or corrupt; level does not recover from that while open. */
  private markUnusable (err: unknown): void {
    if (this.unusable !== undefined) return
    this.unusable = errorMessage(err)
    this.c.metrics.billingLog('unusable')
    this.c.log.error({ err: this.unusable }, 'billing log cannot be written: not ready, appends refused until restart')
  }

  /** After a durable append or a take-back of own entries: the head file follows the head. */
  private async recordOwnHead (head: Head): Promise<void> {
    try {
      await this.headFile.write({ seq: head.seq, hash: head.hash, records: this.ownRecords })
    } catch (err) {
      if (!this.headFileFailed) this.c.log.error({ err: errorMessage(err) }, 'cannot write the own billing head file: a lost tail would go unnoticed by this node alone')
      this.headFileFailed = true
    }
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

  async stop (): Promise<void> {
    this.running = false
    clearInterval(this.timer)
    clearTimeout(this.announceTimer)
    this.stopping.abort()
    if (this.confirmation !== undefined) {
      clearTimeout(this.confirmation.timer)
      this.confirmation.done()
      this.confirmation = undefined
    }
    const { libp2p } = this.c
    libp2p.removeEventListener('peer:identify', this.onIdentify)
    libp2p.services.pubsub.topicValidators.delete(this.opts.topic)
    await this.flushing
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks])
    await this.headFile.close()
  }

  private track (task: Promise<unknown>): void {
    const settled = task.catch((err: unknown) => this.c.log.debug({ err: errorMessage(err) }, 'billing replication task failed'))
      .finally(() => this.tasks.delete(settled))
    this.tasks.add(settled)
  }

  /**
   * Appends records to this node's log; resolves once they are durable. A record whose id the
   * ledger already holds with the same content is not written again: it answers with the
   * position it is counted at. The same id with other content is refused (409), the whole
   * request with it: an acknowledged record is never altered.
   */
  async append (records: UsageRecord[]): Promise<Appended[]> {
    const refusal = this.appendRefusal()
    if (refusal !== undefined) throw refusal
    const next = (this.store.head(this.c.selfId)?.seq ?? 0) + 1
    if (next > this.c.authoredThrough(this.c.selfId)) {
      throw new MeshError('AUTHORIZATION_ERROR', 'this node is not a member of the network: its records would count nowhere; an operator admits it with `meshnode admit PEERID`')
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
    // Checked again here: a peer's answer may have shown this node behind since the request queued.
    const refusal = this.appendRefusal()
    if (refusal !== undefined) throw refusal
    const self = this.c.selfId
    const head = this.store.head(self)
    const seq = (head?.seq ?? 0) + 1
    const seen = new Map<string, { record: UsageRecord, position: Position }>()
    const fresh: UsageRecord[] = []
    const accepted: Array<{ p: Pending, answers: Appended[] }> = []
    for (const p of group) {
      const answers = this.answer(p.records, { author: self, seq }, seen)
      if (answers instanceof MeshError) {
        p.reject(answers)
        continue
      }
      for (const [i, a] of answers.entries()) {
        const record = p.records[i] as UsageRecord
        if (a.duplicate) continue
        seen.set(a.id, { record, position: a.position })
        fresh.push(record)
      }
      accepted.push({ p, answers })
    }
    if (fresh.length > 0) {
      const entry = sealEntry({ author: self, seq, prev: head?.hash ?? GENESIS_PREV, time: this.c.clock.now(), records: fresh }, this.sign)
      try {
        await this.store.append([entry], true)
      } catch (err) {
        this.markUnusable(err)
        throw this.appendRefusal() ?? err
      }
      this.ledger.apply(entry)
      this.ownRecords += fresh.length
      await this.recordOwnHead(entry)
      this.c.metrics.billing('appended', fresh.length)
      this.announce(entry)
    }
    for (const { p, answers } of accepted) p.resolve(answers)
  }

  /**
   * The answers to one request: duplicate where the ledger or this group already holds the
   * id with identical content, new otherwise; a MeshError if an id is held with other content.
   */
  private answer (records: UsageRecord[], position: Position, seen: Map<string, { record: UsageRecord, position: Position }>): Appended[] | MeshError {
    const mine = new Map<string, UsageRecord>()
    const answers: Appended[] = []
    for (const [index, r] of records.entries()) {
      const held = [
        ...this.ledger.copies(r.id).map(c => ({ record: c.record, position: c.positions[0] as Position })),
        ...[seen.get(r.id)].filter(x => x !== undefined),
        ...[mine.get(r.id)].filter(x => x !== undefined).map(record => ({ record, position }))
      ]
      if (held.length === 0) {
        mine.set(r.id, r)
        answers.push({ id: r.id, position, duplicate: false })
        continue
      }
      const same = held.find(h => sameRecord(h.record, r))
      if (same === undefined) {
        const at = held[0]?.position as Position
        return new MeshError('CONFLICT', `idempotency key ${r.id} is already recorded with other content (${at.author}/${at.seq}): retry with the same content, or use a new id`,
          { index, id: r.id, author: at.author, seq: at.seq })
      }
      answers.push({ id: r.id, position: same.position, duplicate: true })
    }
    return answers
  }

  /**
   * Announces this node's head, at most once per `announceEveryMs`: under a stream of appends
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
    }, this.opts.announceEveryMs)
  }

  authors (): AuthorState[] {
    const forks = this.store.forks()
    const names = new Set([...this.store.allHeads().keys(), ...this.announced.keys()])
    return [...names].sort().map(author => ({
      author,
      held: this.store.head(author),
      gap: this.store.gap(author),
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

  lossReport (): Loss[] {
    return this.losses.map(l => ({ ...l, recovered: { ...l.recovered, from: [...l.recovered.from] } }))
  }

  ownHead (): OwnHeadReport {
    return { ...this.own, answered: [...this.own.answered] }
  }

  /**
   * Verifies one stored chain from its first entry; from the first fault on, the tail is cut
   * off (not served, not counted) and reported.
   */
  private async loadChain (author: string): Promise<{ held: Head | undefined, records: number, fault: Corruption['fault'] | undefined }> {
    let previous: Head | undefined
    let expected = 1
    let records = 0
    let fault: Corruption['fault'] | undefined
    const gap = this.store.gap(author)
    try {
      for await (const entry of this.store.chain(author)) {
        // After a fault, read on without applying: level skips a block it cannot read and
        // reports it only further on, so a gap may be a corrupt block rather than lost writes.
        if (fault !== undefined) continue
        const across = acrossGap(gap, expected, previous)
        if (across === 'chain') {
          fault = across
          continue
        }
        if (across !== undefined) {
          previous = across
          expected = across.seq + 1
        }
        fault = entry.seq !== expected ? 'missing' : checkEntry(entry, previous, this.verifier, () => true)
        if (fault !== undefined) continue
        this.ledger.apply(entry)
        records += entry.records.length
        previous = { seq: entry.seq, hash: entry.hash }
        expected++
      }
    } catch (err) {
      if (!isCorruption(err)) throw err
      fault = 'unreadable'
    }
    const across = fault === undefined ? acrossGap(gap, expected, previous) : undefined
    if (across === 'chain') fault = across
    else if (across !== undefined) previous = across
    if (fault === undefined && (previous?.seq ?? 0) !== (this.store.head(author)?.seq ?? 0)) fault = 'missing'
    if (fault !== undefined) {
      this.corruption.push({ author, seq: expected, fault })
      this.c.log.error({ author, seq: expected, fault }, fault === 'missing'
        ? 'billing log entries missing: the tail from there is cut off, not served'
        : 'corrupt billing log entry: the tail from there is cut off, not served')
      await this.store.truncate(author, previous)
    }
    return { held: previous, records, fault }
  }

  /** Entries stored for an author that lost entries at start: counted as taken back. */
  private async noteRecovered (author: string, entries: LogEntry[], peerId: string): Promise<void> {
    for (const loss of this.losses) {
      if (loss.author !== author || loss.recovered.entries >= loss.toSeq - loss.fromSeq + 1) continue
      const back = entries.filter(e => e.seq >= loss.fromSeq && e.seq <= loss.toSeq)
      if (back.length === 0) continue
      loss.recovered.entries += back.length
      loss.recovered.records += back.reduce((n, e) => n + e.records.length, 0)
      loss.recovered.toSeq = Math.max(loss.recovered.toSeq, ...back.map(e => e.seq))
      if (!loss.recovered.from.includes(peerId)) loss.recovered.from.push(peerId)
      this.c.metrics.billingRecovered(back.length, this.unrecovered())
      await this.store.recordLoss(loss)
      if (loss.recovered.toSeq >= loss.toSeq) {
        this.c.log.warn({ author, kind: loss.kind, from_seq: loss.fromSeq, to_seq: loss.toSeq, records: loss.recovered.records, from: loss.recovered.from },
          'lost billing log entries all taken back from peers')
      }
    }
  }

  private async answerSync (bytes: Uint8Array): Promise<Uint8Array> {
    const req = decodeJson(bytes, SyncRequestSchema)
    if (req === undefined) throw new MeshError('BAD_REQUEST', 'malformed sync request')
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
    if (this.own.state === 'confirming' && !this.own.answered.includes(peerId)) this.own.answered.push(peerId)
    for (const h of heads.heads) {
      if (h.seq > this.c.authoredThrough(h.author) && h.author !== this.c.selfId) {
        this.c.metrics.billing('held_back', 1)
        // Still pull what counts of a revoked author's log, up to the cut.
        const through = this.c.authoredThrough(h.author)
        if (through > (this.store.head(h.author)?.seq ?? 0)) this.want(h.author, through, peerId)
        continue
      }
      const gap = this.store.gap(h.author)
      if (gap !== undefined && h.seq >= gap.from) this.track(this.fillGap(h.author, peerId))
      const mine = this.store.head(h.author)
      if (mine === undefined || h.seq > mine.seq) {
        this.noteAnnounced(h.author, h.seq)
        this.want(h.author, h.seq, peerId)
      } else {
        const held = await this.store.get(h.author, h.seq)
        if (held !== undefined && held.hash !== h.hash) await this.checkFork(h.author, h.seq, peerId)
      }
    }
    this.checkConfirmed()
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
        // A revoked author's log counts up to its cut: ask for no more, or the batch would be refused whole.
        const limit = Math.max(1, Math.min(RANGE_LIMIT, this.c.authoredThrough(author) - from + 1))
        const response = await requestFrame(this.c.libp2p, await dialTarget(this.c.libp2p, target.peerId), this.opts.protocol,
          encodeJson({ type: 'range', author, from, limit }), SYNC_LIMITS, this.stopping.signal)
        // The head moved meanwhile (this node's own chain went on past a gap): ask again from there.
        if (this.store.head(author)?.seq !== held?.seq) continue
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
        try {
          await this.store.append(range.entries, false)
        } catch (err) {
          this.markUnusable(err)
          throw err
        }
        for (const e of range.entries) this.ledger.apply(e)
        const records = range.entries.reduce((n, e) => n + e.records.length, 0)
        await this.noteRecovered(author, range.entries, target.peerId)
        if (author === this.c.selfId) {
          this.ownRecords += records
          await this.recordOwnHead(range.entries[range.entries.length - 1] as LogEntry)
        }
        this.countConflicts()
        this.c.metrics.billing('replicated', records)
        this.c.log.debug({ author, from, entries: range.entries.length, peer: target.peerId }, 'replicated log entries')
      }
    } catch (err) {
      this.wanted.delete(author)
      this.c.log.debug({ author, err: errorMessage(err) }, 'pull failed')
    } finally {
      this.pulling.delete(author)
      if (author === this.c.selfId) this.checkConfirmed()
    }
  }

  /** Checks consecutive entries against the chain held (or a gap's anchor); the first fault rejects the whole batch. */
  private verifyBatch (author: string, from: number, held: Head | undefined, entries: LogEntry[], anchor?: Head): BatchFault | undefined {
    return checkBatch(author, from, held, entries, this.verifier, (a, seq) => seq <= this.c.authoredThrough(a), anchor)
  }

  /**
   * Takes an author's gap back from a peer that holds entries in it, in bounded batches, each
   * verified whole: chained to the entry before the gap, and the last one to the anchor. An
   * authentic entry at the gap's end with another hash than the anchor is a fork. A peer that
   * does not hold them answers an empty range; another peer may.
   */
  private async fillGap (author: string, peerId: string): Promise<void> {
    if (this.filling.has(author)) return
    this.filling.add(author)
    try {
      for (;;) {
        const gap = this.store.gap(author)
        if (!this.running || gap === undefined) return
        const response = await requestFrame(this.c.libp2p, await dialTarget(this.c.libp2p, peerId), this.opts.protocol,
          encodeJson({ type: 'range', author, from: gap.from, limit: Math.min(RANGE_LIMIT, gap.to - gap.from + 1) }), SYNC_LIMITS, this.stopping.signal)
        const range = decodeJson(response, RangeResponseSchema)
        if (range !== undefined && range.entries.length === 0) return
        const before = gap.from === 1 ? undefined : { seq: gap.from - 1, hash: gap.prev }
        const verdict = range === undefined
          ? { seq: gap.from, fault: 'malformed' as const, signedByAuthor: false }
          : this.verifyBatch(author, gap.from, before, range.entries, { seq: gap.to, hash: gap.hash })
        if (verdict?.fault === 'anchor') {
          const theirs = range?.entries.find(e => e.seq === gap.to) as LogEntry
          await this.recordFork(author, gap.to, [gap.hash, theirs.hash])
          return
        }
        if (verdict?.fault === 'chain' && verdict.signedByAuthor) await this.checkFork(author, gap.from - 1, peerId)
        else if (verdict?.fault === 'author') this.holdBack(author, peerId)
        else if (verdict !== undefined) this.reject(peerId, `entry ${author}/${verdict.seq}: ${verdict.fault}`)
        if (verdict !== undefined || range === undefined) return
        try {
          await this.store.fill(author, range.entries)
        } catch (err) {
          this.markUnusable(err)
          throw err
        }
        for (const e of range.entries) this.ledger.apply(e)
        await this.noteRecovered(author, range.entries, peerId)
        this.countConflicts()
        this.c.metrics.billing('replicated', range.entries.reduce((n, e) => n + e.records.length, 0))
        if (this.store.gap(author) === undefined) this.c.log.warn({ author, from_seq: gap.from, to_seq: gap.to, peer: peerId }, 'billing log gap filled from a peer')
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
    await this.recordFork(author, seq, [ours.hash, theirs.hash])
  }

  /** Two entries signed by `author` at `seq`, with these hashes: reported, and the author's log no longer counts from there. */
  private async recordFork (author: string, seq: number, hashes: string[]): Promise<void> {
    // Anti-entropy meets a fork again and again: it is reported once.
    if (this.store.forks().some(f => f.author === author && f.seq === seq && hashes.every(h => f.hashes.includes(h)))) return
    await this.store.recordFork({ author, seq, hashes: [...hashes].sort(), detectedAt: this.c.clock.now() })
    this.ledger.exclude(author, seq)
    this.countConflicts()
    this.c.metrics.billing('forks', 1)
    this.c.log.error({ author, seq }, 'fork: the author signed two different entries at one sequence')
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

  newRecordId (): string {
    return randomUUID()
  }
}

/**
 * Where a chain being verified reaches its known gap (`expected` is its first seq), it goes on
 * from the anchor; an entry before the gap that is not the one the gap follows is a chain fault,
 * and the chain ends before it.
 */
function acrossGap (gap: Gap | undefined, expected: number, previous: Head | undefined): Head | 'chain' | undefined {
  if (gap === undefined || expected !== gap.from) return undefined
  if ((previous?.hash ?? GENESIS_PREV) !== gap.prev) return 'chain'
  return { seq: gap.to, hash: gap.hash }
}
