import { randomUUID } from 'node:crypto'
import type { NodeComponents } from '../components.ts'
import { MeshError } from '../errors.ts'
import { signerOf } from '../network/signing.ts'
import { ChainStore, type ChainStoreInit, type Corruption, type OwnHeadReport } from './chain-store.ts'
import { GroupCommitWriter, type Appended } from './group-commit.ts'
import type { Ledger } from './ledger.ts'
import type { ForkReport, Gap, Head, Loss } from './log-store.ts'
import { Replication, type ReplicationComponents, type ReplicationInit } from './replication.ts'
import type { UsageRecord } from './usage-record.ts'

export type { Appended } from './group-commit.ts'
export type { Corruption, OwnHeadReport, OwnHeadState } from './chain-store.ts'

/** The node's components, with membership (see Authorship) and the penalty for a peer that sent forged data. */
export type BillingComponents = NodeComponents & Pick<ReplicationComponents, 'authoredThrough' | 'penalize'>

export type BillingOptions = ReplicationInit & ChainStoreInit

export interface AuthorState {
  author: string
  held: Head | undefined
  /** Entries below the head that this node does not hold (see Gap). */
  gap: Gap | undefined
  announced: number
  forks: ForkReport[]
}

export interface BillingReadiness { ready: boolean, reason: string | undefined }

/**
 * The replicated billing log of one node, composed of three parts with one job each: the
 * chain store (every chain held, verified and repaired at start, this node's own head
 * confirmed with its peers), the group-commit writer (this node's records into its own signed
 * chain) and replication (sync server, announcements, anti-entropy, pulls, fork detection).
 * This class decides when appends are taken, and answers for the log as a whole.
 */
export class BillingService {
  private readonly c: BillingComponents
  private readonly chains: ChainStore
  private readonly writer: GroupCommitWriter
  private readonly replication: Replication
  readonly ledger: Ledger

  constructor (components: BillingComponents, opts: BillingOptions) {
    this.c = components
    this.chains = new ChainStore({
      ...components,
      askPeers: () => { this.replication.askPeers() },
      ownAhead: () => this.replication.ownAhead()
    }, { headFile: opts.headFile })
    this.ledger = this.chains.ledger
    this.replication = new Replication({ ...components, chains: this.chains }, opts)
    this.writer = new GroupCommitWriter({
      selfId: components.selfId,
      clock: components.clock,
      sign: signerOf(components.privateKey),
      ledger: this.ledger,
      ownHead: () => this.chains.held.head(components.selfId),
      refusal: () => this.appendRefusal(),
      write: async entry => {
        await this.chains.appendOwn(entry)
        components.metrics.billing('appended', entry.records.length)
        this.replication.announce(entry)
      }
    })
  }

  /**
   * Loads and verifies every chain held, before anything is served, and compares this node's
   * own head with its head file: what is gone or damaged is reported as a loss.
   */
  async open (): Promise<void> {
    await this.chains.open()
  }

  async start (): Promise<void> {
    await this.replication.start()
  }

  async stop (): Promise<void> {
    await this.replication.stop()
    this.chains.stopConfirming()
    await this.writer.drained()
    await this.replication.drained()
    await this.chains.close()
  }

  /** See ChainStore.confirmOwnHead: appends wait for it. */
  async confirmOwnHead (expected: string[], timeoutMs: number): Promise<void> {
    await this.chains.confirmOwnHead(expected, timeoutMs)
  }

  /**
   * An author's membership changed (admitted or revoked), or the log was just opened. Entries
   * past what it may author stop counting: a revoked member's past its cut, also those stored
   * before the revocation arrived, and a non-member's held from before membership existed.
   * Admitted: its entries count, and those refused until now are pulled again from peers.
   */
  membershipChanged (author: string): void {
    this.chains.membershipCut(author)
    if (!Number.isFinite(this.c.authoredThrough(author)) && this.replication.isRunning) this.replication.askPeers()
  }

  /** A peer's first snapshot arrived: it is a node of the network now, and may hold entries. */
  peerJoined (peerId: string): void {
    this.replication.peerJoined(peerId)
  }

  /** Why an append cannot be taken now: the 503's message and the readiness reason, or undefined. */
  private refusal (): { message: string, reason: string } | undefined {
    if (!this.replication.isRunning) return { message: 'billing is not running', reason: 'billing: not running' }
    const unusable = this.chains.unusable
    if (unusable !== undefined) {
      return { message: `this node's billing log cannot be written (${unusable}); fix the storage and restart the node`, reason: `billing: log unusable (${unusable})` }
    }
    if (this.chains.confirming) return { message: 'billing: confirming this node\'s own log head with its peers; retry shortly', reason: 'billing: confirming own head' }
    const behind = this.replication.ownAhead()
    if (behind !== undefined) {
      return {
        message: `billing: this node holds its own log up to seq ${behind.held} and peer ${behind.peerId} up to seq ${behind.seq}; taking those entries back before appending`,
        reason: 'billing: taking back own entries from peers'
      }
    }
    return undefined
  }

  private appendRefusal (): MeshError | undefined {
    const refusal = this.refusal()
    return refusal === undefined ? undefined : new MeshError('UNAVAILABLE', refusal.message)
  }

  readiness (): BillingReadiness {
    const reason = this.refusal()?.reason
    return { ready: reason === undefined, reason }
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
    const next = (this.chains.held.head(this.c.selfId)?.seq ?? 0) + 1
    if (next > this.c.authoredThrough(this.c.selfId)) {
      throw new MeshError('AUTHORIZATION_ERROR', 'this node is not a member of the network: its records would count nowhere; an operator admits it with `meshnode admit PEERID`')
    }
    return await this.writer.append(records)
  }

  authors (): AuthorState[] {
    const { held } = this.chains
    const forks = held.forks()
    const names = new Set([...held.allHeads().keys(), ...this.replication.announcedAuthors()])
    return [...names].sort().map(author => ({
      author,
      held: held.head(author),
      gap: held.gap(author),
      announced: Math.max(this.replication.announcedSeq(author), held.head(author)?.seq ?? 0),
      forks: forks.filter(f => f.author === author)
    }))
  }

  forks (): ForkReport[] {
    return this.chains.held.forks()
  }

  corruptions (): Corruption[] {
    return this.chains.corruptions()
  }

  lossReport (): Loss[] {
    return this.chains.lossReport()
  }

  ownHead (): OwnHeadReport {
    return this.chains.ownHead()
  }

  newRecordId (): string {
    return randomUUID()
  }
}
