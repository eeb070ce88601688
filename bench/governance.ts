/**
 * Governance and election: the cost of the pure core on a large network, in this process.
 *   tally: 100,000 votes of 1,000 operators (weights 1..1000, ~100 votes each, ~9 % after the
 *          end of voting), the Cosmos rules, countedHash included;
 *   elect: 1,000 candidacies (~90 % renewed for the epoch) and 10,000 endorsements by the same
 *          1,000 operators (~10 % withdrawals).
 * Inputs come from a seeded PRNG, so every run measures the same work. Each case runs 3 times to
 * warm up, then 10 times; the figure is the median. Every node runs these on each proposal end
 * and each epoch, so they must stay well below a gossip round.
 */
import { createHash } from 'node:crypto'
import { elect, type Candidacy, type ElectionInput, type Endorsement } from '../src/election/elect.ts'
import { tally, type TallyRules, type TallyVote, type VoteOption } from '../src/governance/tally.ts'
import { fmtMs, median, summarize, table, verdict, type BenchOutcome } from './stats.ts'
import { seededRandom as prng } from '../src/random.ts'

const OPERATORS = 1_000
const VOTES = 100_000
const CANDIDATES = 1_000
const ENDORSEMENTS = 10_000
const WARMUP_RUNS = 3
const RUNS = 10
const TARGET_MS = 50
const ENDS_AT = 1_000_000
const RULES: TallyRules = { quorum: 0.334, threshold: 0.5, veto: 0.334 }
const OPTIONS: readonly VoteOption[] = ['yes', 'no', 'abstain', 'veto']


const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')
/** Peer-id-like names of the real length (52 characters). */
const peer = (kind: string, i: number): string => `12D3KooW${kind}${String(i).padStart(44 - kind.length, '0')}`

function tallyInput (): { votes: TallyVote[], weights: Record<string, number> } {
  const rand = prng(1)
  const pick = (n: number): number => Math.floor(rand() * n)
  const weights: Record<string, number> = {}
  for (let i = 0; i < OPERATORS; i++) weights[peer('op', i)] = 1 + pick(1000)
  const votes: TallyVote[] = []
  for (let i = 0; i < VOTES; i++) {
    const voter = peer('op', pick(OPERATORS))
    const option = OPTIONS[pick(OPTIONS.length)] ?? 'yes'
    const time = pick(ENDS_AT * 1.1)
    votes.push({ voter, option, time, id: sha256(`${voter}|${option}|${time}|${i}`) })
  }
  return { votes, weights }
}

function electionInput (): ElectionInput {
  const rand = prng(2)
  const pick = (n: number): number => Math.floor(rand() * n)
  const epoch = 42
  const weights: Record<string, number> = {}
  for (let i = 0; i < OPERATORS; i++) weights[peer('op', i)] = 1 + pick(1000)
  const candidacies: Candidacy[] = []
  for (let i = 0; i < CANDIDATES; i++) candidacies.push({ candidate: peer('cand', i), epoch: rand() < 0.9 ? epoch : epoch - 1 })
  const endorsements: Endorsement[] = []
  for (let i = 0; i < ENDORSEMENTS; i++) {
    const endorser = peer('op', pick(OPERATORS))
    const candidate = peer('cand', pick(CANDIDATES))
    const time = pick(1_000_000)
    const withdrawn = rand() < 0.1
    endorsements.push({ endorser, candidate, time, withdrawn, id: sha256(`${endorser}|${candidate}|${time}|${String(withdrawn)}|${i}`) })
  }
  return { epoch, candidacies, endorsements, weights, seed: sha256('bench seed'), seats: 3 }
}

/** Runs `fn` WARMUP_RUNS times, then RUNS times timed; returns the times in ms and the last result. */
function measure<T> (fn: () => T): { times: number[], result: T } {
  let result = fn()
  for (let i = 1; i < WARMUP_RUNS; i++) result = fn()
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    result = fn()
    times.push(performance.now() - t0)
  }
  return { times, result }
}

export async function runGovernance (): Promise<BenchOutcome> {
  console.log(`\n== governance: pure tally and election, median of ${RUNS} runs after ${WARMUP_RUNS} warm-up runs ==`)
  const t = tallyInput()
  const e = electionInput()

  const tallied = measure(() => tally(t.votes, t.weights, ENDS_AT, RULES))
  const elected = measure(() => elect(e))
  const tallyMs = median(tallied.times)
  const electMs = median(elected.times)
  const rows = [
    { name: 'tally', input: `${VOTES} votes, ${OPERATORS} operators`, times: tallied.times, ms: tallyMs },
    { name: 'elect', input: `${CANDIDATES} candidates, ${ENDORSEMENTS} endorsements`, times: elected.times, ms: electMs }
  ]
  console.log(table(['case', 'input', 'median', 'min', 'max', 'target', 'result'], rows.map(r => {
    const s = summarize(r.times)
    return [r.name, r.input, fmtMs(r.ms, 2), fmtMs(s.min, 2), fmtMs(s.max, 2), `< ${TARGET_MS} ms`, verdict(r.ms < TARGET_MS)]
  })))
  const tr = tallied.result
  console.log(`tally: ${tr.voters} voters counted, turnout ${(tr.turnout * 100).toFixed(1)} %, outcome ${tr.outcome}, countedHash ${tr.countedHash.slice(0, 16)}…`)
  console.log(`elect: ${elected.result.standings.length} standing, elected ${elected.result.elected.length}, ` +
    `top score ${elected.result.standings[0]?.score ?? 0}, nextSeed ${elected.result.nextSeed.slice(0, 16)}…`)

  const pass = tallyMs < TARGET_MS && electMs < TARGET_MS
  console.log(`target: each < ${TARGET_MS} ms: tally ${fmtMs(tallyMs, 2)}, elect ${fmtMs(electMs, 2)}   ${verdict(pass)}`)
  return { name: 'governance', target: `tally and elect < ${TARGET_MS} ms each`, pass, measured: `tally ${fmtMs(tallyMs, 2)}, elect ${fmtMs(electMs, 2)}` }
}
