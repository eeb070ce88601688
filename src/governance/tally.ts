import { createHash } from 'node:crypto'
import { totalWeight, type Weights } from '../network/weights.ts'

/**
 * The tally of a proposal: a pure function of the vote set, the weights snapshot taken when the
 * proposal was made, the end of voting and the rules. Every node that holds the same votes
 * computes the same outcome, whatever order the votes arrived in.
 *
 * The rules are those of the Cosmos SDK gov module (x/gov/keeper/tally.go, v0.46 to v0.50),
 * with the same comparisons, in the same order:
 *   1. quorum:  `if percentVoting.LT(quorum)` fails, so voted / total >= quorum is enough;
 *   2. nobody but abstainers voted (yes + no + veto = 0): rejected;
 *   3. veto:    `if veto.Quo(totalVotingPower).GT(vetoThreshold)` rejects, so a veto share
 *               exactly at the parameter does NOT veto (abstain is in the denominator);
 *   4. pass:    `if yes.Quo(total - abstain).GT(threshold)` passes, so a yes share exactly at
 *               the threshold does NOT pass (0.5 needs a strict majority of yes + no + veto);
 *   5. otherwise rejected.
 * One consequence kept from Cosmos: with threshold 1 nothing passes.
 *
 * Cosmos rounds its quotients to 18 decimals; here every comparison is exact: weights are
 * integers, a share parameter is read as the exact fraction of its decimal form (0.334 is
 * 334/1000, as Cosmos reads the string "0.334"), and ratios are compared by cross-multiplying
 * in bigint. So a boundary case is decided the same way on every node and by the rule above,
 * never by float rounding.
 */

export type VoteOption = 'yes' | 'no' | 'abstain' | 'veto'

export interface TallyVote {
  voter: string
  option: VoteOption
  time: number
  /** The hash of the signed vote: unique. */
  id: string
}

/** Shares in [0, 1]. */
export interface TallyRules {
  quorum: number
  threshold: number
  veto: number
}

export type Outcome = 'passed' | 'rejected' | 'rejected_veto' | 'failed_quorum'

export interface Tally {
  yes: number
  no: number
  abstain: number
  veto: number
  /** The weight of every operator in the snapshot. */
  totalWeight: number
  /** The weight of the operators whose vote counts, abstain included. */
  votedWeight: number
  /** votedWeight / totalWeight, for display only: the outcome never uses floats. */
  turnout: number
  voters: number
  outcome: Outcome
  /** sha256 hex of the counted votes' ids, sorted, joined by '\n': equal hashes, equal vote sets. */
  countedHash: string
}

/**
 * Whether `b` supersedes `a` as a voter's latest vote: later time, then the larger id, so that
 * two votes signed in the same millisecond are resolved alike everywhere. The option compare
 * only matters for two votes with one id, which hashing rules out; it keeps the order total.
 */
function supersedes (b: TallyVote, a: TallyVote): boolean {
  if (b.time !== a.time) return b.time > a.time
  if (b.id !== a.id) return b.id > a.id
  return b.option > a.option
}

/**
 * The votes that count: the latest vote (at or before `endsAt`) of each operator in the snapshot.
 * Sorted by voter, so the result does not depend on the order of `votes`.
 */
export function countedVotes (votes: readonly TallyVote[], weights: Weights, endsAt: number): TallyVote[] {
  const latest = new Map<string, TallyVote>()
  for (const v of votes) {
    // Object.hasOwn, not `in` or a lookup: a voter named "constructor" is not an operator.
    if (!(v.time <= endsAt) || !Object.hasOwn(weights, v.voter)) continue
    const prev = latest.get(v.voter)
    if (prev === undefined || supersedes(v, prev)) latest.set(v.voter, v)
  }
  // Code-unit order (not localeCompare), so every node sorts alike whatever its locale.
  return [...latest.values()].sort((a, b) => a.voter < b.voter ? -1 : a.voter > b.voter ? 1 : 0)
}

/** An exact fraction num/den for a share parameter, from its shortest decimal form. */
function decimalShare (name: string, share: number): { num: bigint, den: bigint } {
  if (!Number.isFinite(share) || share < 0 || share > 1) throw new RangeError(`${name} must be a share in [0, 1], got ${share}`)
  // String(x) is the shortest decimal that reads back as x: "0.334", "1", "1e-7", "1.5e-7".
  const m = /^(\d+)(?:\.(\d+))?(?:e-(\d+))?$/.exec(String(share))
  if (m === null) throw new RangeError(`${name}: cannot read ${String(share)} as a decimal`)
  const frac = m[2] ?? ''
  return { num: BigInt((m[1] ?? '0') + frac), den: 10n ** BigInt(frac.length + Number(m[3] ?? '0')) }
}

/** Whether part / whole > share (whole > 0), exactly. */
function above (part: number, whole: number, share: { num: bigint, den: bigint }): boolean {
  return BigInt(part) * share.den > share.num * BigInt(whole)
}

/** Whether part / whole < share (whole > 0), exactly. */
function below (part: number, whole: number, share: { num: bigint, den: bigint }): boolean {
  return BigInt(part) * share.den < share.num * BigInt(whole)
}

export function tally (votes: readonly TallyVote[], weights: Weights, endsAt: number, rules: TallyRules): Tally {
  const quorum = decimalShare('quorum', rules.quorum)
  const threshold = decimalShare('threshold', rules.threshold)
  const veto = decimalShare('veto', rules.veto)
  const total = totalWeight(weights)

  const counted = countedVotes(votes, weights, endsAt)
  const sums: Record<VoteOption, number> = { yes: 0, no: 0, abstain: 0, veto: 0 }
  for (const v of counted) {
    if (!Object.hasOwn(sums, v.option)) throw new RangeError(`vote ${v.id} has an unknown option ${String(v.option)}`)
    // Integer sums below 2^53 (checked by totalWeight): exact, hence order-independent.
    sums[v.option] += weights[v.voter] ?? 0
  }
  const voted = sums.yes + sums.no + sums.abstain + sums.veto
  const active = sums.yes + sums.no + sums.veto

  let outcome: Outcome
  // An empty snapshot has no quorum to reach (Cosmos fails a tally with nothing bonded).
  if (total === 0 || below(voted, total, quorum)) outcome = 'failed_quorum'
  else if (active === 0) outcome = 'rejected'
  else if (above(sums.veto, voted, veto)) outcome = 'rejected_veto'
  else if (above(sums.yes, active, threshold)) outcome = 'passed'
  else outcome = 'rejected'

  const ids = counted.map(v => v.id).sort()
  return {
    ...sums,
    totalWeight: total,
    votedWeight: voted,
    turnout: total === 0 ? 0 : voted / total,
    voters: counted.length,
    outcome,
    countedHash: createHash('sha256').update(ids.join('\n')).digest('hex')
  }
}
