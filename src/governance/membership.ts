/**
 * Who is a member of the network: a pure function of replicated state. Members may author
 * billing entries, offer services to other nodes' clients and have their telemetry used for
 * routing. Every node that holds the same operators, admissions and revocations decides alike.
 *
 * The rule, in order:
 * 1. an operator in force is a member (`operator`): governance outranks one operator's record;
 * 2. a peer revoked by any operator is not a member (`revoked`), whatever admissions exist and
 *    in whatever order or at whatever times they were made: a revocation is final, so an admit
 *    and a revoke of the same peer always end revoked. Its entries up to the revocation's
 *    `through_seq` stay counted (the smallest of the revocations, if several operators revoked
 *    it); later ones are refused everywhere;
 * 3. a former operator (removed by governance) stays a member (`former_operator`): its removal
 *    takes its vote, not the entries it wrote; revoke it to end its authorship;
 * 4. an admitted peer is a member (`admission`);
 * 5. on a network whose genesis admits every joiner (`open_membership`), anyone else is too (`open`).
 */
export interface Admission { id: string, author: string, peerId: string, time: number }
export interface Revocation { id: string, author: string, peerId: string, throughSeq: number, time: number }

export interface MembershipInput {
  operators: ReadonlySet<string>
  formerOperators: ReadonlySet<string>
  open: boolean
  admissions: readonly Admission[]
  revocations: readonly Revocation[]
}

export type Standing =
  | { member: true, via: 'operator' | 'former_operator' | 'open' }
  | { member: true, via: 'admission', admission: Admission }
  | { member: false, via: 'revoked', revocation: Revocation }
  | { member: false, via: 'not_admitted' }

/** The first of records by (time, id): the same on every node. */
function earliest<T extends { time: number, id: string }> (records: T[]): T | undefined {
  return [...records].sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0]
}

export function standing (peerId: string, m: MembershipInput): Standing {
  if (m.operators.has(peerId)) return { member: true, via: 'operator' }
  const revoked = m.revocations.filter(r => r.peerId === peerId)
  if (revoked.length > 0) {
    const strictest = [...revoked].sort((a, b) => a.throughSeq - b.throughSeq || a.time - b.time || (a.id < b.id ? -1 : 1))[0] as Revocation
    return { member: false, via: 'revoked', revocation: strictest }
  }
  if (m.formerOperators.has(peerId)) return { member: true, via: 'former_operator' }
  const admission = earliest(m.admissions.filter(a => a.peerId === peerId))
  if (admission !== undefined) return { member: true, via: 'admission', admission }
  return m.open ? { member: true, via: 'open' } : { member: false, via: 'not_admitted' }
}

/** The highest sequence of an author's billing log that counts: all of a member's, a revoked peer's up to the cut, none of anyone else's. */
export function authoredThrough (s: Standing): number {
  return s.member ? Number.POSITIVE_INFINITY : s.via === 'revoked' ? s.revocation.throughSeq : 0
}

/** Whether an author's entry at `seq` counts. */
export function mayAuthor (s: Standing, seq: number): boolean {
  return seq <= authoredThrough(s)
}

export interface Member { peerId: string, standing: Standing }

/**
 * Every member that the records name: operators, former operators and admitted peers, sorted
 * by peer id. On an open network anyone else is a member too, and cannot be listed.
 */
export function listMembers (m: MembershipInput): Member[] {
  const named = new Set([...m.operators, ...m.formerOperators, ...m.admissions.map(a => a.peerId)])
  return [...named].sort()
    .map(peerId => ({ peerId, standing: standing(peerId, m) }))
    .filter(x => x.standing.member)
}
