import { createHash } from 'node:crypto'
import { totalWeight } from '../network/weights.ts'

/**
 * The election of the bootstrap operators of an epoch: a pure function of replicated state
 * (candidacies, endorsements, the operator weights) and of a seed chained from the previous
 * epoch, so that every node that holds the same state elects the same operators.
 *
 * - A candidate stands in epoch e only with a candidacy for exactly e. Candidacies are renewed
 *   every epoch, so a node that crashed or left stops standing one epoch later.
 * - Approval voting: an operator may endorse any number of candidates; for each (operator,
 *   candidate) pair its latest endorsement counts (later time, then larger id), and only if it is
 *   not withdrawn. A candidate's score is the sum of those operators' weights; endorsers outside
 *   the weights snapshot count 0. Which endorsements are "in" (e.g. made before the epoch began)
 *   is the caller's choice: it passes the set as of the epoch boundary.
 * - The top `seats` by score are elected; ties by tieBreak = sha256(seed + ':' + candidate)
 *   ascending, then candidate id. The seed changes every epoch, so a tie is not always lost by
 *   the same candidate, and nobody can pick an id that wins ties for good.
 * - A candidate with score 0 is still elected while seats remain: a network must always have
 *   bootstrap operators while anyone stands (a new network has no endorsements yet).
 */

export interface Candidacy {
  candidate: string
  /** The epoch it stands for. */
  epoch: number
}

export interface Endorsement {
  endorser: string
  candidate: string
  time: number
  withdrawn: boolean
  id: string
}

export interface ElectionInput {
  epoch: number
  candidacies: readonly Candidacy[]
  endorsements: readonly Endorsement[]
  weights: Readonly<Record<string, number>>
  /** Hex, from the previous epoch. */
  seed: string
  seats: number
}

export interface Standing {
  candidate: string
  score: number
  tieBreak: string
}

export interface ElectionResult {
  epoch: number
  /** In rank order. */
  elected: string[]
  /** Every standing candidate, in rank order. */
  standings: Standing[]
  nextSeed: string
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

/** Whether `b` supersedes `a` for one (endorser, candidate): later time, larger id, then withdrawn. */
function supersedes (b: Endorsement, a: Endorsement): boolean {
  if (b.time !== a.time) return b.time > a.time
  if (b.id !== a.id) return b.id > a.id
  // Only for two endorsements with one id, which hashing rules out; keeps the order total.
  return b.withdrawn && !a.withdrawn
}

/** Code-unit order, the same on every node whatever its locale. */
const compareIds = (a: string, b: string): number => a < b ? -1 : a > b ? 1 : 0

export function elect (input: ElectionInput): ElectionResult {
  const { epoch, weights, seed, seats } = input
  if (!Number.isSafeInteger(seats) || seats < 0) throw new RangeError(`seats must be a non-negative integer, got ${seats}`)
  totalWeight(weights) // validates the snapshot: positive integer weights with an exact sum

  const standing = new Set<string>()
  for (const c of input.candidacies) if (c.epoch === epoch) standing.add(c.candidate)

  // The latest endorsement of each (candidate, operator) pair, among standing candidates.
  const latest = new Map<string, Map<string, Endorsement>>()
  for (const e of input.endorsements) {
    if (!standing.has(e.candidate) || !Object.hasOwn(weights, e.endorser)) continue
    let byEndorser = latest.get(e.candidate)
    if (byEndorser === undefined) latest.set(e.candidate, byEndorser = new Map())
    const prev = byEndorser.get(e.endorser)
    if (prev === undefined || supersedes(e, prev)) byEndorser.set(e.endorser, e)
  }

  const score = (candidate: string): number => {
    let sum = 0
    // Integer sums below 2^53: exact, hence independent of the order of the endorsements.
    for (const e of latest.get(candidate)?.values() ?? []) if (!e.withdrawn) sum += weights[e.endorser] ?? 0
    return sum
  }

  const standings: Standing[] = [...standing].map(candidate => ({
    candidate,
    score: score(candidate),
    tieBreak: sha256(`${seed}:${candidate}`)
  }))
  standings.sort((a, b) => b.score - a.score || compareIds(a.tieBreak, b.tieBreak) || compareIds(a.candidate, b.candidate))

  const elected = standings.slice(0, seats).map(s => s.candidate)
  return { epoch, elected, standings, nextSeed: sha256(`${seed}:${epoch}:${elected.join(',')}`) }
}
