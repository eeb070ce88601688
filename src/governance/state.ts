import type { Genesis, Operator } from '../network/genesis.ts'
import { standing, type Admission, type MembershipInput, type Revocation, type Standing } from './membership.ts'
import type { CandidacyBody, CertificateBody, EndorsementBody, GovBody, PaymentBody, ProposalBody, Signed, VoteBody } from './objects.ts'
import { cardNumberField } from '../network/card-number.ts'
import { ROUTED_USAGE, mergeParams, paramsAt, type NetworkParams, type ParamsPeriod } from '../network/params.ts'
import { countedVotes, tally, type Outcome, type Tally, type TallyVote } from './tally.ts'
import { elect, type ElectionResult } from '../election/elect.ts'
import { isPlatformBody, shapeError, type PlatformBody } from '../platform/records.ts'
import { PlatformState, type PlatformRecord } from '../platform/state.ts'

export const PROPOSAL_STATUSES = ['voting', 'tallying', 'passed', 'rejected', 'rejected_veto', 'failed_quorum'] as const
export type ProposalStatus = typeof PROPOSAL_STATUSES[number]

export interface ProposalView {
  proposal: Signed<ProposalBody>
  status: ProposalStatus
  tally: Tally
  /** The certificate the result rests on, once there is one. */
  certificate: Signed<CertificateBody> | undefined
  certificates: Array<Signed<CertificateBody>>
  /** Vote ids a certificate counted that this node does not hold yet. */
  missingVotes: string[]
  activatesAt: number
  /** The weights the proposal is tallied with. */
  weights: Record<string, number>
}

/** Why an object was refused: its author may not do this, what it refers to is unknown, or it is invalid. */
export type Refusal = 'forbidden' | 'unknown' | 'invalid'

/**
 * Each rule an object can break, as one fixed word: the metric label of a dropped object
 * (`reason` says the same for people, with the figures).
 */
export const GOVERNANCE_RULES = [
  'duplicate', 'future', 'before_genesis', 'only_operators_propose', 'voting_period', 'looser_than_params', 'fixed_param', 'no_param',
  'invalid_param', 'not_an_operator', 'operator_already', 'unknown_proposal', 'only_operators_vote', 'voting_ended',
  'vote_before_proposal', 'only_operators_stand', 'candidacy_epoch', 'only_operators_endorse', 'only_operators_certify',
  'only_operators_admit_members', 'only_operators_revoke_members', 'operator_revoked',
  'only_operators_manage_tenants', 'only_operators_issue_keys', 'only_operators_revoke_keys', 'only_operators_manage_subscriptions',
  'platform_record_shape', 'unknown_tier', 'only_operators_record_payments', 'card_number'
] as const
export type GovernanceRule = typeof GOVERNANCE_RULES[number]

export type Verdict = { ok: true } | { ok: false, rule: GovernanceRule, reason: string, refusal?: Refusal }

/** The rule a non-operator's platform record breaks, by kind. */
const PLATFORM_RULE = {
  tenant: 'only_operators_manage_tenants',
  api_key: 'only_operators_issue_keys',
  key_revocation: 'only_operators_revoke_keys',
  subscription: 'only_operators_manage_subscriptions'
} as const satisfies Record<PlatformBody['kind'], GovernanceRule>

const invalid = (rule: GovernanceRule, reason: string): Verdict => ({ ok: false, rule, reason })
const forbidden = (rule: GovernanceRule, reason: string): Verdict => ({ ok: false, rule, reason, refusal: 'forbidden' })
const unknown = (rule: GovernanceRule, reason: string): Verdict => ({ ok: false, rule, reason, refusal: 'unknown' })

/**
 * Parameters that governance may not change: they define the network's clock, and when a
 * result settles and takes effect (so that no result depends on another one's timing), and
 * whether the network admits every joiner (closing an open network later would take back
 * the authorship of every joiner, and with it records that were acknowledged).
 */
const FIXED_PARAMS = new Set(['epoch_ms', 'activation_delay_ms', 'certification_grace_ms', 'open_membership'])

/**
 * Everything governance and election know, as a pure function of the signed objects held:
 * the operators and parameters in force at any time, every proposal's tally and result, and
 * each epoch's elected bootstrap operators. Two nodes that hold the same objects agree on all
 * of it, whatever the order in which the objects arrived.
 *
 * The state at a time is defined by recursion, computed on demand:
 *   params(t), operators(t), weights(t)      the results in force at t: each proposal whose
 *     -> activations() up to t                 activation (activationOf) is at or before t,
 *     -> settledOutcome(p)                     with the outcome it settled on;
 *     -> certificateOf(p) -> certifiers(p)     certified by the first certifier that did, read at
 *                                              p's grace end g: operators(g - 1), or
 *     -> election(epochOf(g))                  the epoch's elected, from weights and params read
 *                                              before the epoch starts (computeElection);
 *     -> tallyOf(p) -> snapshot(p)             else its tally, with weights(p.created_at).
 * Termination rule: settling a proposal reads only the state strictly before its activation,
 * so each step goes strictly back in time over the finite set of proposals held, and ends at
 * the genesis. It holds because activationOf is no earlier than the grace end (certifiers read
 * before it), an epoch's election reads before the epoch starts, a voting period is at least
 * min_voting_period_ms (>= 1 s) long, the timing parameters are fixed (FIXED_PARAMS), and no
 * proposal is made before the genesis (`before_genesis` in check): before it, epochOf is 0
 * and election(0) reads the state just before the genesis, which would be after such a
 * proposal's grace end, so its result would depend on itself.
 */
export class GovernanceState {
  private readonly genesis: Genesis
  private readonly genesisHash: string
  private readonly start: number
  private readonly objects = new Map<string, Signed>()
  private readonly proposals = new Map<string, Signed<ProposalBody>>()
  private readonly votes = new Map<string, Map<string, Signed<VoteBody>>>()
  private readonly candidacies: Array<Signed<CandidacyBody>> = []
  private readonly endorsements: Array<Signed<EndorsementBody>> = []
  private readonly certificates = new Map<string, Array<Signed<CertificateBody>>>()
  private readonly admissions: Admission[] = []
  private readonly revocations: Revocation[] = []
  private readonly paymentList: Array<Signed<PaymentBody>> = []
  /** The platform's records (tenants, keys, subscriptions), read through this model. */
  readonly platform = new PlatformState()
  private readonly elections = new Map<number, ElectionResult>()
  /** Outcomes by proposal, computed on demand and dropped whenever an object is added. */
  private readonly outcomes = new Map<string, Outcome>()
  /** The parameters by period up to a time, computed on demand and dropped whenever an object is added. */
  private periods: { nextActivation: number, list: ParamsPeriod[] } | undefined
  /** The membership input between two activations: operators change only where a change takes effect. */
  private membership: { from: number, nextActivation: number, input: MembershipInput } | undefined

  constructor (genesis: Genesis, genesisHash: string) {
    this.genesis = genesis
    this.genesisHash = genesisHash
    this.start = Date.parse(genesis.created_at)
  }

  has (id: string): boolean {
    return this.objects.has(id)
  }

  ids (): string[] {
    return [...this.objects.keys()]
  }

  get (id: string): Signed | undefined {
    return this.objects.get(id)
  }

  /** Judges an authentic object against the rules and the objects held, and holds nothing (the gossip validator asks this). */
  judge (o: Signed, now: number, maxSkewMs: number): Verdict {
    if (this.objects.has(o.id)) return invalid('duplicate', 'duplicate')
    return this.check(o.body, now, maxSkewMs)
  }

  /** Checks an authentic object against the rules and, if it passes, holds it. */
  add (o: Signed, now: number, maxSkewMs: number): Verdict {
    const verdict = this.judge(o, now, maxSkewMs)
    if (!verdict.ok) return verdict
    this.hold(o)
    return { ok: true }
  }

  /**
   * Holds an object that `judge` accepted against this same state (the gossip validator judges,
   * the handler right after holds): judging it twice would only repeat the work.
   */
  hold (o: Signed): void {
    this.objects.set(o.id, o)
    const b = o.body
    // Platform records touch no membership, tally or election: holding one keeps the
    // membership cache that every routed request reads.
    if (isPlatformBody(b)) {
      this.platform.add(o as PlatformRecord)
      return
    }
    // Payments touch only invoices.
    if (b.kind === 'payment') {
      this.paymentList.push(o as Signed<PaymentBody>)
      return
    }
    this.membership = undefined
    // Membership records touch no tally and no election.
    if (b.kind === 'admission') {
      this.admissions.push({ id: o.id, author: b.author, peerId: b.peer_id, time: b.time })
      return
    }
    if (b.kind === 'revocation') {
      this.revocations.push({ id: o.id, author: b.author, peerId: b.peer_id, throughSeq: b.through_seq, time: b.time })
      return
    }
    this.forgetElectionsAfter(this.earliestEffect(b))
    // Any object can change an outcome: a vote for one proposal can change who is elected,
    // and so who certifies another.
    this.outcomes.clear()
    this.periods = undefined
    if (b.kind === 'proposal') this.proposals.set(o.id, o as Signed<ProposalBody>)
    else if (b.kind === 'vote') {
      const byVoter = this.votes.get(b.proposal_id) ?? new Map<string, Signed<VoteBody>>()
      byVoter.set(o.id, o as Signed<VoteBody>)
      this.votes.set(b.proposal_id, byVoter)
    } else if (b.kind === 'candidacy') this.candidacies.push(o as Signed<CandidacyBody>)
    else if (b.kind === 'endorsement') this.endorsements.push(o as Signed<EndorsementBody>)
    else this.certificates.set(b.proposal_id, [...this.certificates.get(b.proposal_id) ?? [], o as Signed<CertificateBody>])
  }

  private check (b: GovBody, now: number, maxSkewMs: number): Verdict {
    const at = b.kind === 'proposal' ? b.created_at : b.time
    if (at > now + maxSkewMs) return invalid('future', 'time is in the future')
    switch (b.kind) {
      case 'proposal': {
        // The termination rule of the state's recursion (see the class): nothing settles before the genesis.
        if (at < this.start) return invalid('before_genesis', 'a proposal is made after the genesis')
        if (!this.isOperator(b.author, at)) return forbidden('only_operators_propose', 'only operators propose')
        const p = this.params(at)
        const period = b.voting_ends_at - b.created_at
        if (period < p.min_voting_period_ms || period > p.max_voting_period_ms) return invalid('voting_period', `voting period must be within ${p.min_voting_period_ms}..${p.max_voting_period_ms} ms`)
        if (b.quorum < p.quorum || b.threshold < p.threshold || b.veto > p.veto) return invalid('looser_than_params', 'quorum, threshold and veto may only be stricter than the network parameters')
        if (b.change.type === 'param_change') return this.checkParamChange(b.change.params, at)
        if ((b.change.type === 'operator_remove' || b.change.type === 'operator_weight') && !this.isOperator(b.change.peer_id, at)) return invalid('not_an_operator', `${b.change.peer_id} is not an operator`)
        if (b.change.type === 'operator_add' && this.isOperator(b.change.peer_id, at)) return invalid('operator_already', `${b.change.peer_id} is an operator already`)
        return { ok: true }
      }
      case 'vote': {
        const proposal = this.proposals.get(b.proposal_id)?.body
        if (proposal === undefined) return unknown('unknown_proposal', 'unknown proposal')
        if (this.snapshot(proposal)[b.author] === undefined) return forbidden('only_operators_vote', 'only operators vote')
        if (b.time > proposal.voting_ends_at) return invalid('voting_ended', 'voting has ended')
        if (b.time < proposal.created_at) return invalid('vote_before_proposal', 'vote older than the proposal')
        return { ok: true }
      }
      case 'candidacy':
        if (!this.isOperator(b.author, b.time)) return forbidden('only_operators_stand', 'only operators stand for election')
        if (b.epoch !== this.epochOf(b.time) + 1) return invalid('candidacy_epoch', 'a candidacy stands for the next epoch')
        return { ok: true }
      case 'endorsement':
        return this.isOperator(b.author, b.time) ? { ok: true } : forbidden('only_operators_endorse', 'only operators endorse')
      case 'certificate': {
        const proposal = this.proposals.get(b.proposal_id)?.body
        if (proposal === undefined) return unknown('unknown_proposal', 'unknown proposal')
        return this.isOperator(b.author, b.time) ? { ok: true } : forbidden('only_operators_certify', 'only operators certify')
      }
      case 'admission':
        return this.isOperator(b.author, b.time) ? { ok: true } : invalid('only_operators_admit_members', 'only operators admit members')
      case 'revocation':
        if (!this.isOperator(b.author, b.time)) return invalid('only_operators_revoke_members', 'only operators revoke members')
        if (this.isOperator(b.peer_id, b.time)) return invalid('operator_revoked', 'an operator is removed by governance, not revoked')
        return { ok: true }
      case 'payment':
        if (!this.isOperator(b.author, b.time)) return forbidden('only_operators_record_payments', 'only operators record payments')
        // No card data is held anywhere, whoever signed it. Only the fields a person typed are
        // looked at: the time (13 digits, Luhn-valid one time in ten), the author and the derived
        // invoice id are the node's own.
        if (cardNumberField({ payment_id: b.payment_id, method: b.method, reference: b.reference }) !== undefined) {
          return invalid('card_number', 'a payment holds no card number')
        }
        return { ok: true }
      default:
        return this.checkPlatform(b)
    }
  }

  /** A platform record: an operator's, well-formed for its action, naming a tier the network has at its time. */
  private checkPlatform (b: PlatformBody): Verdict {
    if (!this.isOperator(b.author, b.time)) return forbidden(PLATFORM_RULE[b.kind], `only operators sign ${b.kind} records`)
    const shape = shapeError(b)
    if (shape !== undefined) return invalid('platform_record_shape', shape)
    if (b.kind === 'subscription' && b.tier !== null && this.params(b.time).tiers[b.tier] === undefined) {
      return invalid('unknown_tier', `no tier ${b.tier}: the tiers are ${Object.keys(this.params(b.time).tiers).join(', ')}`)
    }
    return { ok: true }
  }

  /** Every payment held, in the order received (see billing/payments.ts for which count). */
  payments (): ReadonlyArray<Signed<PaymentBody>> {
    return this.paymentList
  }

  /** The replicated records that decide membership at `at` (see membership.ts). */
  membershipInput (at: number): MembershipInput {
    // Asked for every routed request and every billing entry: kept until the next activation.
    const cached = this.membership
    if (cached !== undefined && cached.from <= at && at < cached.nextActivation) return cached.input
    const operators = new Set(this.operators(at).map(o => o.peer_id))
    const everOperators = new Set(this.genesis.operators.map(o => o.peer_id))
    let from = -Infinity
    let nextActivation = Infinity
    for (const a of this.activations()) {
      if (a.at > at) {
        nextActivation = a.at
        break
      }
      from = a.at
      if (a.proposal.change.type === 'operator_add' && this.settledOutcome(a.id) === 'passed') everOperators.add(a.proposal.change.peer_id)
    }
    const formerOperators = new Set([...everOperators].filter(p => !operators.has(p)))
    const input = { operators, formerOperators, open: this.genesis.params.open_membership === true, admissions: this.admissions, revocations: this.revocations }
    this.membership = { from, nextActivation, input }
    return input
  }

  standing (peerId: string, at: number): Standing {
    return standing(peerId, this.membershipInput(at))
  }

  private checkParamChange (change: Record<string, unknown>, at: number): Verdict {
    const fixed = Object.keys(change).find(k => FIXED_PARAMS.has(k))
    if (fixed !== undefined) return invalid('fixed_param', `${fixed} cannot be changed by governance`)
    if (Object.keys(change).length === 0) return invalid('no_param', 'no parameter to change')
    const merged = mergeParams(this.params(at), change)
    if (!merged.ok) return invalid('invalid_param', merged.reason)
    const routed = merged.params.price_list[ROUTED_USAGE.resource_type]
    if (routed?.unit !== ROUTED_USAGE.unit) {
      return invalid('invalid_param', `invalid parameter price_list.${ROUTED_USAGE.resource_type}: routed requests are billed as ${ROUTED_USAGE.resource_type} in unit ${ROUTED_USAGE.unit}, which must keep a price`)
    }
    return { ok: true }
  }

  epochOf (at: number): number {
    return Math.max(0, Math.floor((at - this.start) / this.genesis.params.epoch_ms))
  }

  epochStart (epoch: number): number {
    return this.start + epoch * this.genesis.params.epoch_ms
  }

  /** When a proposal's result takes effect: after the grace period for certification, at the earliest. */
  private activationOf (p: ProposalBody): number {
    return p.voting_ends_at + Math.max(this.genesis.params.activation_delay_ms, this.genesis.params.certification_grace_ms)
  }

  /** Proposals in the order their results take effect, with the time they do. */
  private activations (): Array<{ at: number, proposal: ProposalBody, id: string }> {
    return [...this.proposals].map(([id, p]) => ({ at: this.activationOf(p.body), proposal: p.body, id }))
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
  }

  /** The network parameters in force at `at`: the genesis values, then every passed change that took effect by then. */
  params (at: number): NetworkParams {
    return paramsAt(this.paramsPeriods(at), at)
  }

  /**
   * The parameters by period, in time order, up to `until`: what prices a record at its
   * timestamp. A change that no longer applies where it takes effect (an earlier change
   * removed the price it removes) is skipped, alike on every node. Only changes that take
   * effect by `until` are settled: settling one reads the parameters before it, never after.
   */
  paramsPeriods (until: number): readonly ParamsPeriod[] {
    // The list changes only where a change takes effect: it holds until the next activation
    // (until an object is added, which drops it), however far the clock moves.
    if (this.periods !== undefined && until < this.periods.nextActivation) return this.periods.list
    const list: ParamsPeriod[] = [{ from: -Infinity, params: this.genesis.params }]
    let nextActivation = Infinity
    for (const a of this.activations()) {
      if (a.at > until) {
        nextActivation = a.at
        break
      }
      if (a.proposal.change.type !== 'param_change' || this.settledOutcome(a.id) !== 'passed') continue
      const merged = mergeParams((list[list.length - 1] as ParamsPeriod).params, a.proposal.change.params)
      if (merged.ok) list.push({ from: a.at, params: merged.params })
    }
    this.periods = { nextActivation, list }
    return list
  }

  /**
   * What a parameter change would make of the parameters it names, applied to those in force
   * just before it takes effect: the whole price list as it would be, before anyone votes.
   */
  resultingParams (id: string): Record<string, unknown> | undefined {
    const p = this.proposals.get(id)?.body
    if (p?.change.type !== 'param_change') return undefined
    const merged = mergeParams(this.params(this.activationOf(p) - 1), p.change.params)
    if (!merged.ok) return undefined
    return Object.fromEntries(Object.keys(p.change.params).map(k => [k, (merged.params as Record<string, unknown>)[k]]))
  }

  /** The peers that stand for election in an epoch. */
  candidates (epoch: number): string[] {
    return [...new Set(this.candidacies.filter(c => c.body.epoch === epoch).map(c => c.body.author))].sort()
  }

  operators (at: number): Operator[] {
    const ops = new Map(this.genesis.operators.map(o => [o.peer_id, { ...o }]))
    for (const a of this.activations()) {
      if (a.at > at) break
      const c = a.proposal.change
      if (c.type === 'param_change' || c.type === 'text' || this.settledOutcome(a.id) !== 'passed') continue
      if (c.type === 'operator_add') ops.set(c.peer_id, { peer_id: c.peer_id, weight: c.weight, name: c.name })
      else if (c.type === 'operator_remove') ops.delete(c.peer_id)
      else {
        const op = ops.get(c.peer_id)
        if (op !== undefined) op.weight = c.weight
      }
    }
    return [...ops.values()].sort((a, b) => (a.peer_id < b.peer_id ? -1 : 1))
  }

  isOperator (peerId: string, at: number): boolean {
    return this.operators(at).some(o => o.peer_id === peerId)
  }

  /**
   * The weights a proposal is tallied with: the operators' weights when it was made, as the
   * replicated state says, never what its proposer claims. Later changes do not affect it.
   */
  snapshot (p: ProposalBody): Record<string, number> {
    return this.weights(p.created_at)
  }

  weights (at: number): Record<string, number> {
    return Object.fromEntries(this.operators(at).map(o => [o.peer_id, o.weight]))
  }

  /** Pending changes: passed or still open, not yet in force at `now`. */
  pending (now: number): Array<{ id: string, proposal: ProposalBody, activatesAt: number }> {
    return this.activations().filter(a => a.at > now && a.proposal.change.type !== 'text')
      .map(a => ({ id: a.id, proposal: a.proposal, activatesAt: a.at }))
  }

  /** When an object can first change an election: its own time, or when the result it touches takes effect. */
  private earliestEffect (b: GovBody): number {
    if (b.kind === 'proposal') return b.created_at
    if (b.kind === 'certificate') {
      const p = this.proposals.get(b.proposal_id)?.body
      return p === undefined ? b.time : Math.min(b.time, this.activationOf(p))
    }
    return b.time
  }

  /** Elections of epochs that start after `t` may change; earlier ones cannot. */
  private forgetElectionsAfter (t: number): void {
    const first = this.epochOf(t)
    for (const epoch of this.elections.keys()) if (epoch > first) this.elections.delete(epoch)
  }

  /**
   * The elected bootstrap operators of an epoch: a pure function of the objects held. Each
   * epoch's seed comes from the one before, so the chain is built forward from the last epoch
   * still known, in a loop (a long-lived network has many epochs).
   */
  election (epoch: number): ElectionResult {
    let from = epoch
    while (from > 0 && !this.elections.has(from - 1)) from--
    for (let e = from; e <= epoch; e++) if (!this.elections.has(e)) this.elections.set(e, this.computeElection(e))
    return this.elections.get(epoch) as ElectionResult
  }

  private computeElection (epoch: number): ElectionResult {
    const boundary = this.epochStart(epoch)
    const seed = epoch === 0 ? this.genesisHash : (this.elections.get(epoch - 1) as ElectionResult).nextSeed
    return elect({
      epoch,
      candidacies: this.candidacies.filter(c => c.body.epoch === epoch && c.body.time < boundary)
        .map(c => ({ candidate: c.body.author, epoch: c.body.epoch })),
      endorsements: this.endorsements.filter(e => e.body.time < boundary)
        .map(e => ({ endorser: e.body.author, candidate: e.body.candidate, time: e.body.time, withdrawn: e.body.withdrawn, id: e.id })),
      weights: this.weights(boundary - 1),
      seed,
      seats: this.params(boundary - 1).bootstrap_operator_count
    })
  }

  /**
   * Who may certify a proposal's tally: the operators elected for the epoch in which its grace
   * period ends, or any operator if none was elected. Both are read from the state just before
   * that moment, and an election from the state just before its epoch begins: a result takes
   * effect at the end of its grace period at the earliest, so no result ever depends on itself.
   */
  certifiers (p: ProposalBody): string[] {
    const at = p.voting_ends_at + this.genesis.params.certification_grace_ms
    const elected = this.election(this.epochOf(at)).elected
    return elected.length > 0 ? elected : this.operators(at - 1).map(o => o.peer_id)
  }

  private certificateOf (id: string, p: ProposalBody): Signed<CertificateBody> | undefined {
    const certs = this.certificates.get(id) ?? []
    // The first certifier, in the elected order, that certified is the one every node follows.
    for (const certifier of this.certifiers(p)) {
      const cert = certs.filter(c => c.body.author === certifier).sort((a, b) => (a.id < b.id ? -1 : 1))[0]
      if (cert !== undefined) return cert
    }
    return undefined
  }

  /**
   * The outcome a change rests on when it takes effect: certified if certified, else computed.
   * The recursion's step (see the class): it reads only the state before the change's activation.
   */
  private settledOutcome (id: string): Outcome | undefined {
    const cached = this.outcomes.get(id)
    if (cached !== undefined) return cached
    const p = this.proposals.get(id)?.body
    if (p === undefined) return undefined
    const outcome = this.certificateOf(id, p)?.body.outcome ?? this.tallyOf(id, p).outcome
    this.outcomes.set(id, outcome)
    return outcome
  }

  private tallyVotes (id: string, only?: Set<string>): TallyVote[] {
    return [...(this.votes.get(id)?.values() ?? [])]
      .filter(v => only === undefined || only.has(v.id))
      .map(v => ({ voter: v.body.author, option: v.body.option, time: v.body.time, id: v.id }))
  }

  private tallyOf (id: string, p: ProposalBody, only?: Set<string>): Tally {
    return tally(this.tallyVotes(id, only), this.snapshot(p), p.voting_ends_at, { quorum: p.quorum, threshold: p.threshold, veto: p.veto })
  }

  /** The ids of the votes a tally of this proposal counts now, sorted: what a certificate lists. */
  countedVoteIds (id: string): string[] {
    const p = this.proposals.get(id)?.body
    if (p === undefined) return []
    return countedVotes(this.tallyVotes(id), this.snapshot(p), p.voting_ends_at).map(v => v.id).sort()
  }

  proposalIds (): string[] {
    return [...this.proposals.keys()]
  }

  view (id: string, now: number): ProposalView | undefined {
    const proposal = this.proposals.get(id)
    if (proposal === undefined) return undefined
    const p = proposal.body
    // Certificates come after the end of voting: no election needs computing before.
    const certificate = now > p.voting_ends_at ? this.certificateOf(id, p) : undefined
    const held = this.votes.get(id) ?? new Map()
    const missingVotes = certificate === undefined ? [] : certificate.body.vote_ids.filter(v => !held.has(v))
    const result = certificate !== undefined && missingVotes.length === 0
      ? this.tallyOf(id, p, new Set(certificate.body.vote_ids))
      : this.tallyOf(id, p)
    const status: ProposalStatus = now <= p.voting_ends_at
      ? 'voting'
      : certificate !== undefined && missingVotes.length === 0 ? certificate.body.outcome
        : now < p.voting_ends_at + this.genesis.params.certification_grace_ms || certificate !== undefined ? 'tallying' : result.outcome
    return {
      proposal,
      status,
      tally: result,
      certificate,
      certificates: this.certificates.get(id) ?? [],
      missingVotes,
      activatesAt: this.activationOf(p),
      weights: this.snapshot(p)
    }
  }
}
