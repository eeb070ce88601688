import { createHash } from 'node:crypto'
import { elect } from '../../src/election/elect.ts'
import { PRODUCTION_PARAMS } from '../../src/network/params.ts'
import { countedVotes, tally, type Tally, type TallyRules, type TallyVote, type VoteOption } from '../../src/governance/tally.ts'
import type { Tuning } from '../../src/tuning.ts'
import type { EventQueue } from './event-queue.ts'
import type { Gossip } from './gossip.ts'
import type { LinkModel } from './latency.ts'
import type { Overlay } from './overlay.ts'
import type { Traffic } from './traffic.ts'

const RULES: TallyRules = { quorum: PRODUCTION_PARAMS.quorum, threshold: PRODUCTION_PARAMS.threshold, veto: PRODUCTION_PARAMS.veto }

interface GovObject {
  id: string
  kind: 'proposal' | 'vote' | 'candidacy' | 'certificate'
  author: number
  time: number
  /** When each node first holds it (Infinity: not yet). */
  hold: Float64Array
  /** A vote's or certificate's proposal. */
  proposal: Proposal | undefined
  option: VoteOption
  /** The epoch a candidacy stands for. */
  epoch: number
  /** The votes a certificate counted. */
  votes: GovObject[]
}

interface Proposal {
  name: string
  object: GovObject
  endsAt: number
  votes: GovObject[]
  certificates: GovObject[]
}

/** How the running nodes stand on one subject: the share holding the most common answer, and how many answers there are. */
export interface Standing {
  share: number
  outcomes: number
  /** The most common answer (a tally's outcome and counted hash, or the elected operators joined by commas). */
  top: string
  /** Nodes whose answer is not final yet (still voting or counting, or a certificate's votes missing). */
  pending: number
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

/**
 * Governance and election of the modelled network, as GovernanceState and GovernanceService
 * run them. Proposals, votes, candidacies and certificates spread by the same gossip as
 * telemetry (a vote or certificate that reaches a node before its proposal is refused there,
 * as the live validator does); anti-entropy (each node pulls what one random connected peer
 * holds, once every `antiEntropyMs` of the node's tuning) and the reconciliation of a node that (re)joins repair
 * what gossip missed. After voting and the certification grace, each certifier (the elected
 * operators of that epoch in its own view, or every operator when none is elected) certifies
 * the votes it counted; a node follows the first certificate in its certifier order and
 * fetches the votes it lacks from that certifier. Every tally is tally() over a node's votes
 * (or its certificate's), every election elect() over the candidacies it holds, the seed
 * chained from epoch 0: the live node's own functions, with the genesis operators' weights
 * (node i: 10 + i).
 */
export class Governance {
  private readonly overlay: Overlay
  private readonly gossip: Gossip
  private readonly queue: EventQueue
  private readonly link: LinkModel
  private readonly rand: () => number
  private readonly epochMs: number
  private readonly seats: number
  private readonly grace: number
  private readonly genesisSeed: string
  /** The live GovernanceService's tick and anti-entropy period. */
  private readonly tickMs: number
  private readonly antiEntropyMs: number
  readonly weights: Record<string, number> = {}
  private readonly operators: number[] = []
  private readonly objects: GovObject[] = []
  private readonly proposals = new Map<string, Proposal>()
  private readonly candidacies: GovObject[] = []
  private readonly govPhase: Float64Array
  private readonly electionCache = new Map<string, number[]>()
  private readonly tallyCache = new Map<string, Tally>()

  private readonly traffic: Traffic

  constructor (overlay: Overlay, gossip: Gossip, queue: EventQueue, link: LinkModel, rand: () => number,
    spec: { operators: number, epochMs: number, seats: number, grace: number, genesisSeed: string, tuning: Tuning['governance'], traffic: Traffic }) {
    this.traffic = spec.traffic
    this.overlay = overlay
    this.gossip = gossip
    this.queue = queue
    this.link = link
    this.rand = rand
    this.epochMs = spec.epochMs
    this.seats = spec.seats
    this.grace = spec.grace
    this.genesisSeed = spec.genesisSeed
    this.tickMs = spec.tuning.tickMs
    this.antiEntropyMs = spec.tuning.antiEntropyMs
    for (let i = 0; i < spec.operators; i++) {
      this.weights[peerId(i)] = 10 + i
      this.operators.push(i)
    }
    this.govPhase = new Float64Array(overlay.n)
  }

  isOperator (node: number): boolean {
    return node < this.operators.length
  }

  get hasCandidacies (): boolean {
    return this.candidacies.length > 0
  }

  proposalNames (): string[] {
    return [...this.proposals.keys()]
  }

  endsAt (name: string): number | undefined {
    return this.proposals.get(name)?.endsAt
  }

  holdsProposal (name: string, node: number, at: number): boolean {
    const hold = this.proposals.get(name)?.object.hold[node]
    return hold !== undefined && hold <= at
  }

  epochOf (at: number): number {
    return Math.max(0, Math.floor(at / this.epochMs))
  }

  /** The node's first governance tick at or after `at`. */
  private tickAfter (node: number, at: number): number {
    const phase = this.govPhase[node] as number
    return phase + Math.ceil((at - phase) / this.tickMs) * this.tickMs
  }

  /** When a candidate's governance tick first falls in epoch `epoch`. */
  tickInEpoch (node: number, epoch: number): number {
    return this.tickAfter(node, epoch * this.epochMs)
  }

  private rtt (): number {
    return this.link.latency(this.rand()) + this.link.latency(this.rand())
  }

  /** A node starts its governance ticker; a node that (re)joins reconciles with its peers. */
  joined (nodes: number[], at: number, first: boolean): void {
    if (first) for (const n of nodes) this.govPhase[n] = this.rand() * this.tickMs
    if (this.objects.length > 0) this.reconcileJoined(nodes, at)
  }

  /** Submits a parameter change; the error the live API would answer, if any. */
  propose (name: string, by: number, at: number, votingPeriod: number): string | undefined {
    if (this.overlay.running[by] !== 1) return `node ${by} is not running`
    const object = this.publish('proposal', by, at, `proposal|${name}`, {})
    const p: Proposal = { name, object, endsAt: at + votingPeriod, votes: [], certificates: [] }
    object.proposal = p
    this.proposals.set(name, p)
    for (const op of this.operators) this.queue.at(this.tickAfter(op, p.endsAt + this.grace), () => { this.certifyDue(p, op) })
    return undefined
  }

  vote (name: string, by: number, option: VoteOption, at: number): string | undefined {
    const p = this.proposals.get(name)
    if (p === undefined) return `unknown proposal ${name}`
    if (this.overlay.running[by] !== 1) return `node ${by} is not running`
    if ((p.object.hold[by] as number) > at) return `node ${by} does not hold proposal ${name} yet`
    if (at > p.endsAt) return `voting on ${name} has ended`
    p.votes.push(this.publish('vote', by, at, `vote|${name}|${option}`, { proposal: p, option }))
    return undefined
  }

  /** A candidate operator renews its candidacy for the next epoch (at start, then each epoch). */
  candidacy (node: number, at: number): void {
    if (this.overlay.running[node] !== 1 || !this.isOperator(node)) return
    this.candidacies.push(this.publish('candidacy', node, at, 'candidacy', { epoch: this.epochOf(at) + 1 }))
  }

  /** At each tick once the grace period is over, a certifier that has not certified yet does (once running). */
  private certifyDue (p: Proposal, op: number): void {
    const at = this.queue.now
    if (this.overlay.running[op] !== 1) {
      this.queue.after(this.tickMs, () => { this.certifyDue(p, op) })
      return
    }
    if ((p.object.hold[op] as number) > at || !this.certifiers(p, op, at).includes(op)) return
    const held = p.votes.filter(v => (v.hold[op] as number) <= at)
    const counted = new Set(countedVotes(held.map(tallyVote), this.weights, p.endsAt).map(v => v.id))
    const cert = this.publish('certificate', op, at, `certificate|${p.name}`, { proposal: p, votes: held.filter(v => counted.has(v.id)) })
    p.certificates.push(cert)
    this.fetchCertified(cert)
  }

  /** Who certifies the proposal in the node's view: the elected of the epoch its grace ends in, or every operator. */
  private certifiers (p: Proposal, node: number, at: number): number[] {
    const epoch = this.epochOf(p.endsAt + this.grace)
    const held = this.candidacies.filter(c => (c.hold[node] as number) <= at && c.time < epoch * this.epochMs)
    const elected = this.electedWith(epoch, held)
    return elected.length > 0 ? elected : this.operators
  }

  /** Each node that holds a certificate fetches the votes it counted and the node lacks, from the certifier, at its next tick. */
  private fetchCertified (cert: GovObject): void {
    const { overlay } = this
    for (let v = 0; v < overlay.started; v++) {
      const got = cert.hold[v] as number
      if (got === Number.POSITIVE_INFINITY) continue
      const fetched = this.tickAfter(v, got) + this.rtt()
      for (const vote of cert.votes) if ((vote.hold[v] as number) > fetched) vote.hold[v] = fetched
    }
  }

  private publish (kind: GovObject['kind'], author: number, at: number, what: string,
    fields: { proposal?: Proposal, option?: VoteOption, epoch?: number, votes?: GovObject[] }): GovObject {
    const hold = new Float64Array(this.overlay.n)
    const p = fields.proposal
    const ph = p?.object.hold
    // The model's objects have no bodies: their messages are counted, their bytes are not (see ModelRun).
    this.gossip.spread(author, at, hold, ph === undefined ? undefined : (v, t) => (ph[v] as number) <= t, { traffic: this.traffic, kind: 'governance', bytes: 0 })
    const o: GovObject = {
      id: sha256(`${what}|${author}|${at}|${this.objects.length}`),
      kind, author, time: at, hold,
      proposal: p,
      option: fields.option ?? 'yes',
      epoch: fields.epoch ?? 0,
      votes: fields.votes ?? []
    }
    this.objects.push(o)
    return o
  }

  /** Whether the node may hold this object at `t`: a vote or certificate needs its proposal first. */
  private acceptable (o: GovObject, node: number, t: number): boolean {
    return o.proposal === undefined || o.kind === 'proposal' || (o.proposal.object.hold[node] as number) <= t
  }

  /**
   * One anti-entropy period: each running node, at its own tick in the window, asks one random
   * connected peer for its inventory and fetches what it lacks (proposals first, as the live
   * service orders them). Skipped when every running node already holds everything.
   */
  antiEntropy (windowStart: number): void {
    const { overlay } = this
    const missing = this.objects.filter(o => {
      for (let v = 0; v < overlay.started; v++) if (overlay.running[v] === 1 && (o.hold[v] as number) > windowStart) return true
      return false
    })
    if (missing.length === 0) return
    for (let u = 0; u < overlay.started; u++) {
      if (overlay.running[u] !== 1) continue
      this.queue.at(windowStart + (this.govPhase[u] as number), () => {
        const conns = overlay.conns[u] as number[]
        if (overlay.running[u] !== 1 || conns.length === 0) return
        const peer = conns[Math.floor(this.rand() * conns.length)] as number
        const asked = this.queue.now + this.link.latency(this.rand())
        const got = asked + this.link.latency(this.rand())
        for (const o of missing) this.receive(o, u, got, (o.hold[peer] as number) <= asked)
      })
    }
  }

  private receive (o: GovObject, node: number, got: number, offered: boolean): void {
    if (!offered || (o.hold[node] as number) <= got || !this.acceptable(o, node, got)) return
    o.hold[node] = got
    if (o.kind === 'certificate') {
      const fetched = this.tickAfter(node, got) + this.rtt()
      for (const vote of o.votes) if ((vote.hold[node] as number) > fetched) vote.hold[node] = fetched
    }
  }

  /** The first period boundary at or after `at`. */
  nextAntiEntropy (at: number): number {
    return Math.ceil(at / this.antiEntropyMs) * this.antiEntropyMs
  }

  /**
   * A node that (re)joins sees every peer's first snapshot as a new peer and reconciles with
   * it: modelled as fetching, a round trip later, whatever any running node of its partition
   * group holds by then.
   */
  private reconcileJoined (nodes: number[], at: number): void {
    const { overlay } = this
    for (const o of this.objects) {
      const groups = new Set<number>()
      for (let v = 0; v < overlay.started; v++) if (overlay.running[v] === 1 && (o.hold[v] as number) <= at) groups.add(overlay.group[v] as number)
      for (const n of nodes) this.receive(o, n, at + this.rtt(), groups.has(overlay.group[n] as number))
    }
  }

  /**
   * Each running node's tally of the proposal at `at`, as its ProposalView shows it: the
   * certificate it follows once it holds all of that certificate's votes, else the votes it
   * holds. Nodes that hold the same objects share one computation.
   */
  tallyStanding (name: string, at: number): Standing | undefined {
    const p = this.proposals.get(name)
    if (p === undefined) return undefined
    const epoch = this.epochOf(p.endsAt + this.grace)
    const relevant = p.certificates.length === 0 ? [] : this.candidacies.filter(c => c.time < epoch * this.epochMs)
    const objects = [...p.votes, ...p.certificates, ...relevant]
    const byKey = new Map<string, { count: number, node: number }>()
    const { overlay } = this
    for (let v = 0; v < overlay.started; v++) {
      if (overlay.running[v] !== 1) continue
      let key = '-'
      if ((p.object.hold[v] as number) <= at) {
        key = ''
        for (const o of objects) key += (o.hold[v] as number) <= at ? '1' : '0'
      }
      const entry = byKey.get(key)
      if (entry === undefined) byKey.set(key, { count: 1, node: v })
      else entry.count++
    }
    const byOutcome = new Map<string, number>()
    let pending = 0
    for (const [key, { count, node }] of byKey) {
      const view = key === '-' ? { answer: 'no proposal', final: false } : this.view(p, node, at)
      byOutcome.set(view.answer, (byOutcome.get(view.answer) ?? 0) + count)
      if (!view.final) pending += count
    }
    return { ...standing(byOutcome), pending }
  }

  /** One node's tally of the proposal (GovernanceState.view): `outcome hash`, and whether its status is final. */
  private view (p: Proposal, node: number, at: number): { answer: string, final: boolean } {
    const heldBy = (o: GovObject): boolean => (o.hold[node] as number) <= at
    let certificate: GovObject | undefined
    if (at > p.endsAt) {
      for (const c of this.certifiers(p, node, at)) {
        certificate = p.certificates.find(x => x.author === c && heldBy(x))
        if (certificate !== undefined) break
      }
    }
    const complete = certificate !== undefined && certificate.votes.every(heldBy)
    const votes = complete ? (certificate as GovObject).votes : p.votes.filter(heldBy)
    const t = this.tallyOf(p, votes)
    const final = at > p.endsAt && (complete || (certificate === undefined && at >= p.endsAt + this.grace))
    return { answer: `${t.outcome} ${t.countedHash.slice(0, 12)}`, final }
  }

  private tallyOf (p: Proposal, votes: GovObject[]): Tally {
    const key = `${p.name}|${votes.map(v => v.id).join(',')}`
    let t = this.tallyCache.get(key)
    if (t === undefined) {
      t = tally(votes.map(tallyVote), this.weights, p.endsAt, RULES)
      this.tallyCache.set(key, t)
    }
    return t
  }

  /** Each running node's election of `epoch` from the candidacies it holds at `at`. */
  electionStanding (epoch: number, at: number): Standing {
    const boundary = epoch * this.epochMs
    const relevant = this.candidacies.filter(c => c.time < boundary)
    const byKey = new Map<string, number>()
    const { overlay } = this
    for (let v = 0; v < overlay.started; v++) {
      if (overlay.running[v] !== 1) continue
      let key = ''
      for (const c of relevant) key += (c.hold[v] as number) <= at ? '1' : '0'
      byKey.set(key, (byKey.get(key) ?? 0) + 1)
    }
    const byOutcome = new Map<string, number>()
    for (const [key, count] of byKey) {
      const elected = this.electedWith(epoch, relevant.filter((_, i) => key[i] === '1')).map(peerId).join(',')
      byOutcome.set(elected, (byOutcome.get(elected) ?? 0) + count)
    }
    return { ...standing(byOutcome), pending: 0 }
  }

  /** The elected operators (node indexes, in rank order) of `epoch` for a node holding these candidacies, the seed chained from epoch 0. */
  private electedWith (epoch: number, held: GovObject[]): number[] {
    const cacheKey = `${epoch}|${held.map(c => c.id).join(',')}`
    const cached = this.electionCache.get(cacheKey)
    if (cached !== undefined) return cached
    let seed = this.genesisSeed
    let elected: string[] = []
    for (let e = 0; e <= epoch; e++) {
      const boundary = e * this.epochMs
      const result = elect({
        epoch: e,
        candidacies: held.filter(c => c.time < boundary).map(c => ({ candidate: peerId(c.author), epoch: c.epoch })),
        endorsements: [],
        weights: this.weights,
        seed,
        seats: this.seats
      })
      seed = result.nextSeed
      elected = result.elected
    }
    const nodes = elected.map(id => Number(id.slice(PEER_PREFIX.length)))
    this.electionCache.set(cacheKey, nodes)
    return nodes
  }
}

const PEER_PREFIX = 'node-'

/** The model's peer id of node i: sorts like the index. */
export function peerId (i: number): string {
  return `${PEER_PREFIX}${String(i).padStart(6, '0')}`
}

function tallyVote (o: GovObject): TallyVote {
  return { voter: peerId(o.author), option: o.option, time: o.time, id: o.id }
}

function standing (byOutcome: Map<string, number>): Omit<Standing, 'pending'> {
  let total = 0
  let top = ''
  let best = -1
  // Ties go to the smaller answer, so that the report does not depend on map order.
  for (const [outcome, count] of [...byOutcome].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    total += count
    if (count > best) {
      best = count
      top = outcome
    }
  }
  return { share: total === 0 ? 0 : best / total, outcomes: byOutcome.size, top }
}
