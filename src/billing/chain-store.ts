import type { Clock } from '../clock.ts'
import { MeshError, errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'
import type { MeshMetrics } from '../metrics.ts'
import { Verifier } from '../network/signing.ts'
import { isCorruption, type MeshDatabase } from '../storage/database.ts'
import { Ledger } from './ledger.ts'
import { GENESIS_PREV, checkEntry, type EntryFault, type LogEntry } from './log-entry.ts'
import { LogStore, type Gap, type Head, type Loss, type LossKind } from './log-store.ts'
import { OwnHeadFile, type OwnHead } from './own-head.ts'

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

/** A peer holds more of this node's own chain than this node does. */
export interface OwnAhead { held: number, seq: number, peerId: string }

/** What the chains are read through; every write goes through ChainStore, which keeps the ledger in step. */
export type HeldChains = Pick<LogStore, 'head' | 'allHeads' | 'gap' | 'get' | 'range' | 'forks'>

/** Which entries of an author's log count: membership, decided by governance. */
export interface Authorship {
  /**
   * The highest sequence of an author's log that counts: Infinity for a member, the
   * revocation's `through_seq` for a revoked one, 0 for a peer that is not a member.
   */
  authoredThrough: (author: string) => number
}

export interface ChainStoreComponents extends Authorship {
  db: MeshDatabase
  clock: Clock
  log: Logger
  metrics: MeshMetrics
  selfId: string
  /** Asks every connected peer for the heads it holds (replication). */
  askPeers: () => void
  /** What a peer was heard to hold of this node's own chain beyond its head (replication). */
  ownAhead: () => OwnAhead | undefined
}

export interface ChainStoreInit {
  /** The file that keeps this node's own head apart from the database (see OwnHeadFile). */
  headFile: string
}

/**
 * Every author's chain as this node holds it, verified: at open it verifies each chain from
 * its first entry and cuts off a damaged tail, compares this node's own head with its head
 * file and records what is lost; it then confirms its own head with its peers, going on after
 * a gap where they cannot give the lost entries back. Every stored entry is applied to the
 * ledger, and the losses count what peers gave back.
 */
export class ChainStore {
  private readonly c: ChainStoreComponents
  private readonly store: LogStore
  readonly held: HeldChains
  readonly ledger = new Ledger()
  readonly verifier = new Verifier()
  private readonly headFile: OwnHeadFile
  private readonly corruption: Corruption[] = []
  /** Losses found at this start and at earlier ones (kept in the store), with what was taken back. */
  private readonly losses: Loss[] = []
  private readonly foundNow = new Set<Loss>()
  private readonly own: OwnHeadReport = { state: 'confirming', answered: [], remembered: undefined, fault: undefined, heldAtStart: 0, finishedAt: undefined }
  /** Records in this node's own chain as held, for the head file. */
  private ownRecords = 0
  /** Peers whose answer the start-up confirmation waits for; empty: the first answer. */
  private expected = new Set<string>()
  private confirmation: { done: () => void, timer: NodeJS.Timeout } | undefined
  /** The end of the confirmation, under way: appends stay refused until it is done. */
  private settling: Promise<void> | undefined
  /** Why the log cannot be written; once set, appends answer 503 until a restart. */
  private unusableReason: string | undefined
  private headFileFailed = false
  private conflictsSeen = 0

  constructor (components: ChainStoreComponents, init: ChainStoreInit) {
    this.c = components
    this.store = new LogStore(components.db)
    this.held = this.store
    this.headFile = new OwnHeadFile(init.headFile)
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
    for (const [author] of this.store.allHeads()) this.membershipCut(author)
    this.countConflicts()
  }

  /** Entries of `author` past what it may author stop counting (see BillingService.membershipChanged). */
  membershipCut (author: string): void {
    const through = this.c.authoredThrough(author)
    this.ledger.setMembershipCut(author, Number.isFinite(through) ? through + 1 : undefined)
    this.countConflicts()
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
      this.c.askPeers()
    })
  }

  /** A peer answered with the heads it holds, this node's own among them, while confirming. */
  noteAnswered (peerId: string): void {
    if (this.own.state === 'confirming' && !this.own.answered.includes(peerId)) this.own.answered.push(peerId)
  }

  /** Ends the confirmation once the peers waited for answered and none holds more of the own chain. */
  checkConfirmed (): void {
    if (this.confirmation === undefined) return
    const answered = new Set(this.own.answered)
    const enough = this.expected.size > 0 ? [...this.expected].every(p => answered.has(p)) : answered.size > 0
    if (enough && this.c.ownAhead() === undefined) this.finishConfirmation('confirmed')
  }

  private finishConfirmation (state: OwnHeadState): void {
    if (this.own.state !== 'confirming' || this.settling !== undefined) return
    if (this.confirmation !== undefined) clearTimeout(this.confirmation.timer)
    this.settling = this.settleOwnHead(state)
      .catch((err: unknown) => { this.c.log.error({ err: errorMessage(err) }, 'own billing head confirmation failed') })
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
    this.c.askPeers()
  }

  get confirming (): boolean {
    return this.own.state === 'confirming'
  }

  /** Why the log cannot be written (a write failed), or undefined. */
  get unusable (): string | undefined {
    return this.unusableReason
  }

  /** A write failed: the database is read-only, full, gone or corrupt; level does not recover from that while open. */
  private markUnusable (err: unknown): void {
    if (this.unusableReason !== undefined) return
    this.unusableReason = errorMessage(err)
    this.c.metrics.billingLog('unusable')
    this.c.log.error({ err: this.unusableReason }, 'billing log cannot be written: not ready, appends refused until restart')
  }

  /** Stores an entry of this node's own chain durably: the ledger counts it and the head file follows. */
  async appendOwn (entry: LogEntry): Promise<void> {
    await this.write(async () => { await this.store.append([entry], true) })
    this.ledger.apply(entry)
    this.ownRecords += entry.records.length
    await this.recordOwnHead(entry)
  }

  /** Stores verified entries pulled from `peerId` that go on from `author`'s head. */
  async appendPulled (author: string, entries: LogEntry[], peerId: string): Promise<void> {
    await this.write(async () => { await this.store.append(entries, false) })
    for (const e of entries) this.ledger.apply(e)
    await this.noteRecovered(author, entries, peerId)
    if (author === this.c.selfId) {
      this.ownRecords += entries.reduce((n, e) => n + e.records.length, 0)
      await this.recordOwnHead(entries[entries.length - 1] as LogEntry)
    }
    this.countConflicts()
  }

  /** Stores verified entries from `peerId` into `author`'s gap (their records are counted in the head file already). */
  async fillGap (author: string, entries: LogEntry[], peerId: string): Promise<void> {
    await this.write(async () => { await this.store.fill(author, entries) })
    for (const e of entries) this.ledger.apply(e)
    await this.noteRecovered(author, entries, peerId)
    this.countConflicts()
  }

  private async write (put: () => Promise<void>): Promise<void> {
    try {
      await put()
    } catch (err) {
      this.markUnusable(err)
      throw err
    }
  }

  /** Two entries signed by `author` at `seq`, with these hashes: reported, and the author's log no longer counts from there. */
  async recordFork (author: string, seq: number, hashes: string[]): Promise<void> {
    // Anti-entropy meets a fork again and again: it is reported once.
    if (this.store.forks().some(f => f.author === author && f.seq === seq && hashes.every(h => f.hashes.includes(h)))) return
    await this.store.recordFork({ author, seq, hashes: [...hashes].sort(), detectedAt: this.c.clock.now() })
    this.ledger.exclude(author, seq)
    this.countConflicts()
    this.c.metrics.billing('forks', 1)
    this.c.log.error({ author, seq }, 'fork: the author signed two different entries at one sequence')
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

  /** Ends a confirmation under way (the node stops): whoever waits for it goes on. */
  stopConfirming (): void {
    if (this.confirmation === undefined) return
    clearTimeout(this.confirmation.timer)
    this.confirmation.done()
    this.confirmation = undefined
  }

  /** Waits for the end of the confirmation under way, then closes the head file. */
  async close (): Promise<void> {
    this.stopConfirming()
    await this.settling
    await this.headFile.close()
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
