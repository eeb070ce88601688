import { createHash } from 'node:crypto'
import { canonicalJson } from '../codec/canonical-json.ts'
import { decimal, parseDecimal, type Decimal } from '../network/amount.ts'
import type { LogEntry } from './log-entry.ts'
import { UsageIndex, hourOf } from './usage-index.ts'
import type { UsageRecord } from './usage-record.ts'

/** Where a record sits in the replicated log. */
export interface Position { author: string, seq: number }

/** The total of one resource type in one unit, exact: amounts in different units are never added. */
export interface Total { resourceType: string, unit: string, amount: Decimal, records: number }

/** One content of an idempotency key, counted once, with every position that holds it (smallest first). */
export interface Copy { record: UsageRecord, positions: Position[] }

/** An idempotency key held with different contents: every content counts, under its own authors. */
export interface Conflict { id: string, copies: Copy[] }

interface Occurrence { record: UsageRecord, at: Position }

const before = (a: Position, b: Position): boolean => a.author < b.author || (a.author === b.author && a.seq < b.seq)
const byPosition = (a: Position, b: Position): number => (before(a, b) ? -1 : before(b, a) ? 1 : 0)

/** The canonical bytes of a record, hashed: equal for equal content on every node. */
export function recordDigest (r: UsageRecord): string {
  return createHash('sha256').update(canonicalJson(r)).digest('hex')
}

/**
 * Whether two records have the same content: what equal canonical bytes mean, compared field
 * by field (records are flat but for metadata's scalars), without encoding or hashing.
 */
export function sameRecord (a: UsageRecord, b: UsageRecord): boolean {
  if (a.id !== b.id || a.user_id !== b.user_id || a.resource_type !== b.resource_type || a.amount !== b.amount || a.unit !== b.unit || a.timestamp !== b.timestamp) return false
  const keys = Object.keys(a.metadata)
  return keys.length === Object.keys(b.metadata).length && keys.every(k => Object.hasOwn(b.metadata, k) && a.metadata[k] === b.metadata[k])
}

/**
 * The usage that the log holds. An idempotency key may appear in several logs (a client
 * retried on another node): copies with identical content are one record, counted once
 * wherever they were accepted. Copies that share a key but differ in content are a conflict:
 * each content counts once, under the authors that signed it, so that no author can alter or
 * remove a record another node acknowledged; the conflict is reported. Amounts are exact, so
 * totals do not depend on the order in which entries arrived. Entries of an author from a
 * detected fork on are excluded.
 */
export class Ledger {
  private readonly occurrences = new Map<string, Occurrence[]>()
  private readonly counted = new Map<string, Copy[]>()
  private readonly byUser = new Map<string, Set<string>>()
  private readonly excludedFrom = new Map<string, number>()
  /** Per author, the first sequence its membership does not cover (see governance/membership.ts). */
  private readonly membershipCut = new Map<string, number>()
  private readonly unrepresentable: Array<{ id: string, at: Position }> = []
  private conflicting = 0
  /** The counted records by hour and user, kept in step with `counted` (see UsageIndex). */
  readonly index = new UsageIndex()

  /** Adds an entry's records; returns the ids that were new to the ledger. */
  apply (entry: LogEntry): string[] {
    const fresh: string[] = []
    for (const record of entry.records) {
      const at = { author: entry.author, seq: entry.seq }
      // Only logs written before amounts were bounded can hold such an amount: it cannot be summed exactly.
      if (parseDecimal(record.amount) === undefined) {
        this.unrepresentable.push({ id: record.id, at })
        continue
      }
      const list = this.occurrences.get(record.id) ?? []
      if (list.length === 0) fresh.push(record.id)
      list.push({ record, at })
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

  /** The smallest position at which a key is counted, if it is. */
  position (id: string): Position | undefined {
    return this.counted.get(id)?.[0]?.positions[0]
  }

  /** The counted contents of a key, by smallest position. */
  copies (id: string): Copy[] {
    return this.counted.get(id) ?? []
  }

  /** Keys held with different contents, by id. */
  conflicts (): Conflict[] {
    return [...this.counted].filter(([, copies]) => copies.length > 1)
      .map(([id, copies]) => ({ id, copies })).sort((a, b) => (a.id < b.id ? -1 : 1))
  }

  get conflictCount (): number {
    return this.conflicting
  }

  /** Records whose amount has no exact value (from a log older than the bound): not counted. */
  uncounted (): Array<{ id: string, at: Position }> {
    return [...this.unrepresentable]
  }

  totalsOf (user: string): Total[] {
    return sum([...this.byUser.get(user) ?? []].flatMap(id => this.copies(id).map(c => c.record).filter(r => r.user_id === user)))
  }

  users (): string[] {
    return [...this.byUser.keys()].sort()
  }

  /** Every counted record, in (timestamp, id) order; conflicting copies by position. */
  records (): UsageRecord[] {
    return [...this.ordered()]
  }

  /**
   * The counted records from `from` (inclusive) to `to` (exclusive), everyone's or one user's,
   * in (timestamp, id) order, conflicting copies by position: read hour by hour from the index,
   * each hour sorted when it is reached, so that a reader that stops early sorts only the hours
   * it read, and one user's listing reads only that user's hours.
   */
  * ordered (from = -Infinity, to = Infinity, user?: string): Generator<UsageRecord> {
    const start = hourOf(Math.max(from, 0))
    const rank = (r: UsageRecord): number => this.copies(r.id).findIndex(c => c.record === r)
    const inOrder = (held: Iterable<UsageRecord>): UsageRecord[] =>
      [...held].sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : rank(a) - rank(b)))
    if (user !== undefined) {
      for (const month of this.index.monthsOf(user)) {
        const hoursOfMonth = this.index.userMonth(user, month)
        if (hoursOfMonth === undefined) continue
        for (const hour of [...hoursOfMonth.keys()].sort((a, b) => a - b)) {
          if (hour < start) continue
          if (hour >= to) return
          const buckets = hoursOfMonth.get(hour)
          if (buckets === undefined) continue
          for (const r of inOrder([...buckets.values()].flatMap(b => [...b.copies]))) if (r.timestamp >= from && r.timestamp < to) yield r
        }
      }
      return
    }
    const hours = this.index.hoursHeld()
    // The first hour at or after `from`'s hour.
    let lo = 0
    let hi = hours.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((hours[mid] as number) < start) lo = mid + 1
      else hi = mid
    }
    for (let i = lo; i < hours.length; i++) {
      const hour = hours[i] as number
      if (hour >= to) return
      const held = this.index.recordsIn(hour)
      if (held === undefined) continue
      for (const r of inOrder(held)) if (r.timestamp >= from && r.timestamp < to) yield r
    }
  }

  /** The number of counted records. */
  get size (): number {
    let n = 0
    for (const copies of this.counted.values()) n += copies.length
    return n
  }

  private recount (id: string): void {
    // A key has one occurrence, or a few (retries): comparing each with the contents found is cheap.
    const copies: Copy[] = []
    for (const o of this.occurrences.get(id) ?? []) {
      const cut = Math.min(this.excludedFrom.get(o.at.author) ?? Infinity, this.membershipCut.get(o.at.author) ?? Infinity)
      if (o.at.seq >= cut) continue
      const copy = copies.find(c => sameRecord(c.record, o.record))
      if (copy === undefined) copies.push({ record: o.record, positions: [o.at] })
      else copy.positions.push(o.at)
    }
    if (copies.length > 1 || (copies[0]?.positions.length ?? 0) > 1) {
      for (const c of copies) c.positions.sort(byPosition)
      copies.sort((a, b) => byPosition(a.positions[0] as Position, b.positions[0] as Position))
    }
    const old = this.counted.get(id)
    if (old !== undefined) {
      if (old.length > 1) this.conflicting--
      for (const c of old) {
        this.index.remove(c.record)
        const ids = this.byUser.get(c.record.user_id)
        ids?.delete(id)
        if (ids?.size === 0) this.byUser.delete(c.record.user_id)
      }
    }
    if (copies.length === 0) {
      this.counted.delete(id)
      return
    }
    if (copies.length > 1) this.conflicting++
    this.counted.set(id, copies)
    for (const c of copies) {
      this.index.add(c.record)
      const ids = this.byUser.get(c.record.user_id)
      if (ids === undefined) this.byUser.set(c.record.user_id, new Set([id]))
      else ids.add(id)
    }
  }
}

/** Exact totals by resource type and unit, listed by resource type then unit. */
export function sum (records: UsageRecord[]): Total[] {
  const totals = new Map<string, Total>()
  for (const r of records) {
    const key = `${r.resource_type}\n${r.unit}`
    const t = totals.get(key) ?? { resourceType: r.resource_type, unit: r.unit, amount: 0n, records: 0 }
    t.amount += decimal(r.amount)
    t.records++
    totals.set(key, t)
  }
  return [...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t)
}
