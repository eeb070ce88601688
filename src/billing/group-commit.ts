import type { Clock } from '../clock.ts'
import { MeshError } from '../errors.ts'
import type { Sign } from '../network/signing.ts'
import { sameRecord, type Ledger, type Position } from './ledger.ts'
import { GENESIS_PREV, MAX_RECORDS_PER_ENTRY, sealEntry, type LogEntry } from './log-entry.ts'
import type { Head } from './log-store.ts'
import type { UsageRecord } from './usage-record.ts'

export interface Appended { id: string, position: Position, duplicate: boolean }

/** What the writer uses: the ledger it answers duplicates from, and the chain it extends. */
export interface GroupCommitComponents {
  selfId: string
  clock: Clock
  sign: Sign
  ledger: Ledger
  /** This node's own head as held. */
  ownHead: () => Head | undefined
  /** Why an append cannot be taken now, or undefined; asked again before each write. */
  refusal: () => MeshError | undefined
  /** Stores one sealed entry durably; it throws when the database cannot be written. */
  write: (entry: LogEntry) => Promise<void>
}

interface Pending { records: UsageRecord[], resolve: (r: Appended[]) => void, reject: (e: unknown) => void }

/**
 * Appends this node's records to its own chain with group commit: the requests that queue
 * while one entry is written go together into the next one, so that many small appends cost
 * one durable write each turn rather than one each.
 */
export class GroupCommitWriter {
  private readonly c: GroupCommitComponents
  private pending: Pending[] = []
  private flushing: Promise<void> | undefined

  constructor (components: GroupCommitComponents) {
    this.c = components
  }

  /** Resolves once the records are durable (see BillingService.append). */
  async append (records: UsageRecord[]): Promise<Appended[]> {
    return await new Promise((resolve, reject) => {
      this.pending.push({ records, resolve, reject })
      this.kick()
    })
  }

  /** Resolves once the writes under way and queued are done. */
  async drained (): Promise<void> {
    await this.flushing
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
    const refusal = this.c.refusal()
    if (refusal !== undefined) throw refusal
    const self = this.c.selfId
    const head = this.c.ownHead()
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
      const entry = sealEntry({ author: self, seq, prev: head?.hash ?? GENESIS_PREV, time: this.c.clock.now(), records: fresh }, this.c.sign)
      try {
        await this.c.write(entry)
      } catch (err) {
        throw this.c.refusal() ?? err
      }
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
        ...this.c.ledger.copies(r.id).map(c => ({ record: c.record, position: c.positions[0] as Position })),
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
}
