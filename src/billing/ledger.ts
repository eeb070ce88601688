import type { LogEntry } from './log-entry.ts'
import type { UsageRecord } from './usage-record.ts'

/** Where a record sits in the replicated log. */
export interface Position { author: string, seq: number }

/** The total of one resource type in one unit: amounts in different units are never added. */
export interface Total { resourceType: string, unit: string, amount: number, records: number }

interface Occurrence { record: UsageRecord, at: Position }

const before = (a: Position, b: Position): boolean => a.author < b.author || (a.author === b.author && a.seq < b.seq)

/**
 * The usage that the log holds, counted once per idempotency key. Sums are taken at read time
 * over records in id order, so that floating-point addition gives the same bits on every node. A key may appear in several
 * logs (a client retried on another node): the occurrence at the smallest (author, seq)
 * counts, a choice that every node makes alike once it holds the same entries, whatever the
 * order in which they arrived. Entries of an author from a detected fork on are excluded.
 */
export class Ledger {
  private readonly occurrences = new Map<string, Occurrence[]>()
  private readonly counted = new Map<string, Occurrence>()
  private readonly byUser = new Map<string, Set<string>>()
  private readonly excludedFrom = new Map<string, number>()
  /** Per author, the first sequence its membership does not cover (see governance/membership.ts). */
  private readonly membershipCut = new Map<string, number>()

  /** Adds an entry's records; returns the ids that were new to the ledger. */
  apply (entry: LogEntry): string[] {
    const fresh: string[] = []
    for (const record of entry.records) {
      const list = this.occurrences.get(record.id) ?? []
      if (list.length === 0) fresh.push(record.id)
      list.push({ record, at: { author: entry.author, seq: entry.seq } })
      this.occurrences.set(record.id, list)
      this.recount(record.id)
    }
    return fresh
  }

  /** Stops counting an author's entries from `seq` on (a fork was found there). */
  exclude (author: string, seq: number): void {
    const current = this.excludedFrom.get(author)
    if (current !== undefined && current <= seq) return
    this.excludedFrom.set(author, seq)
    for (const [id, list] of this.occurrences) if (list.some(o => o.at.author === author)) this.recount(id)
  }

  /**
   * Counts an author's entries only below `seq` (a non-member: 1; revoked: its cut + 1), or
   * all of them again (undefined: admitted). Unlike a fork, membership may widen later.
   */
  setMembershipCut (author: string, seq: number | undefined): void {
    if (this.membershipCut.get(author) === seq) return
    if (seq === undefined) this.membershipCut.delete(author)
    else this.membershipCut.set(author, seq)
    for (const [id, list] of this.occurrences) if (list.some(o => o.at.author === author)) this.recount(id)
  }

  /** The position at which a key is counted, if it is. */
  position (id: string): Position | undefined {
    return this.counted.get(id)?.at
  }

  totalsOf (user: string): Total[] {
    return sum([...this.byUser.get(user) ?? []].sort().map(id => this.counted.get(id)?.record).filter(r => r !== undefined))
  }

  users (): string[] {
    return [...this.byUser.keys()].sort()
  }

  /** Every counted record, in (timestamp, id) order. */
  records (): UsageRecord[] {
    return [...this.counted.values()].map(o => o.record)
      .sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  get size (): number {
    return this.counted.size
  }

  private recount (id: string): void {
    const list = this.occurrences.get(id) ?? []
    let best: Occurrence | undefined
    for (const o of list) {
      const cut = Math.min(this.excludedFrom.get(o.at.author) ?? Infinity, this.membershipCut.get(o.at.author) ?? Infinity)
      if (o.at.seq >= cut) continue
      if (best === undefined || before(o.at, best.at)) best = o
    }
    const old = this.counted.get(id)
    if (old === best) return
    if (old !== undefined) {
      const ids = this.byUser.get(old.record.user_id)
      ids?.delete(id)
      if (ids?.size === 0) this.byUser.delete(old.record.user_id)
    }
    if (best === undefined) {
      this.counted.delete(id)
      return
    }
    this.counted.set(id, best)
    const ids = this.byUser.get(best.record.user_id) ?? new Set<string>()
    ids.add(id)
    this.byUser.set(best.record.user_id, ids)
  }
}

/** Totals by resource type and unit, summed in the order given, listed by resource type then unit. */
export function sum (records: UsageRecord[]): Total[] {
  const totals = new Map<string, Total>()
  for (const r of records) {
    const key = `${r.resource_type}\n${r.unit}`
    const t = totals.get(key) ?? { resourceType: r.resource_type, unit: r.unit, amount: 0, records: 0 }
    t.amount += r.amount
    t.records++
    totals.set(key, t)
  }
  return [...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t)
}
