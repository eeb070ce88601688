import { createHash } from 'node:crypto'
import { PRODUCTION_PARAMS } from '../../src/network/params.ts'
import { seededRandom } from '../../src/random.ts'
import { jittered, publicationIntervalMs } from '../../src/telemetry/publication.ts'
import { minSuspicionMs } from '../../src/telemetry/suspicion.ts'
import { DEFAULT_TUNING, type Tuning } from '../../src/tuning.ts'
import { GOSSIP_MESH } from '../../src/p2p/gossip-mesh.ts'
import type { Engine, RunOptions } from '../engine.ts'
import type { AgreementSample, SimulationResult, StepRecord } from '../result.ts'
import { nodesOf, unhandledKind, type Condition, type Scenario, type Step } from '../scenario/schema.ts'
import { Detection } from './detection.ts'
import { EventQueue } from './event-queue.ts'
import { Gossip } from './gossip.ts'
import { Governance } from './governance.ts'
import { LinkModel } from './latency.ts'
import { CONN_MAX, CONN_TARGET, HEARTBEAT_MS, MESH_D, MESH_DHI, MESH_DLO, Overlay, type LinkEvent } from './overlay.ts'
import { PARTITION_SAMPLE, planRun, type Plan } from './plan.ts'
import { SnapshotLog } from './telemetry.ts'
import { Traffic } from './traffic.ts'
import { round } from '../../src/round.ts'

/** How often convergence and agreement are sampled, and conditions re-checked, in virtual time. */
const SAMPLE_MS = 500
const CHECK_MS = 100
/** Events between two yields to the event loop (for the abort signal and the progress bar). */
const YIELD_EVERY = 20_000

interface Outcome {
  ok: boolean
  summary: string
}

/**
 * The model's engine for nodes tuned as `tuning`: the same object the live node runs with
 * (DEFAULT_TUNING unless an experiment asks otherwise), never a copy of its values.
 */
export function modelEngine (tuning: Tuning = DEFAULT_TUNING): Engine {
  return async (scenario, opts) => await new ModelRun(scenario, opts, tuning).run()
}

/** Runs a scenario in the model: virtual nodes in virtual time, as described in the result's notes. */
export const runModel: Engine = modelEngine()

class ModelRun {
  private readonly scenario: Scenario
  private readonly opts: RunOptions
  private readonly tuning: Tuning
  private readonly plan: Plan
  private readonly rand: () => number
  private readonly queue = new EventQueue()
  private readonly link: LinkModel
  private readonly overlay: Overlay
  private readonly log: SnapshotLog
  private readonly detection: Detection
  private readonly governance: Governance
  /** The shortest publication interval (the scenario's telemetry_interval), stretched by the receive budget. */
  private readonly interval: number
  private readonly budget = PRODUCTION_PARAMS.telemetry_receive_budget
  private readonly traffic: Traffic
  /** Running nodes, counted at each sample: the mesh's size a node works with. */
  private runningNow = 0
  private trafficFrom: number | undefined
  private readonly candidate: Uint8Array
  private readonly convergence: Array<{ at_ms: number, share: number }> = []
  private readonly agreement: AgreementSample[] = []
  private readonly partitioned: number[] = []
  private stepIndex = 0
  private stepLabel = 'starting'
  private events = 0
  private peakRss = 0
  private maxRunning = 0

  constructor (scenario: Scenario, opts: RunOptions, tuning: Tuning) {
    this.scenario = scenario
    this.opts = opts
    this.tuning = tuning
    const net = scenario.network
    this.interval = net.telemetry_interval
    this.plan = planRun(scenario, opts.seed)
    this.rand = seededRandom(opts.seed)
    this.link = new LinkModel(net.latency, net.loss)
    this.overlay = new Overlay(this.plan.nodes, this.rand, e => { this.onLink(e) }, tuning.peers.dialsPerRound)
    const gossip = new Gossip(this.overlay, this.link, this.rand)
    // Governance objects have no bodies in the model: their messages are counted, not their bytes.
    this.traffic = new Traffic(this.plan.nodes, ['governance'])
    this.log = new SnapshotLog(this.overlay, gossip, this.plan.subjects, this.traffic, this.plan.sampled)
    this.detection = new Detection(this.overlay, this.log, this.queue, this.link, this.rand, () => this.publicationInterval(), tuning.telemetry,
      { gossip, traffic: this.traffic, members: () => this.runningNow })
    this.governance = new Governance(this.overlay, gossip, this.queue, this.link, this.rand, {
      operators: net.operators,
      epochMs: net.epoch,
      seats: net.bootstrap_operator_count,
      grace: net.certification_grace,
      // Not the seed of the run: a different seed must elect the same operators.
      genesisSeed: createHash('sha256').update(`meshnode model genesis:${scenario.name}`).digest('hex'),
      tuning: tuning.governance,
      traffic: this.traffic
    })
    this.candidate = new Uint8Array(this.plan.nodes)
  }

  async run (): Promise<SimulationResult> {
    const startedAt = new Date().toISOString()
    const wall0 = performance.now()
    const steps: StepRecord[] = []
    let error: string | null = null
    this.every(HEARTBEAT_MS, () => { this.overlay.heartbeat() })
    this.every(this.tuning.peers.maintainIntervalMs, () => { this.overlay.maintainConnections(this.queue.now) })
    this.every(SAMPLE_MS, () => { this.sample() })
    this.queue.at(this.governance.nextAntiEntropy(0), () => { this.antiEntropy() })
    for (const [i, step] of this.scenario.steps.entries()) {
      const kind = step.kind
      this.stepIndex = i + 1
      this.stepLabel = kind
      this.progress()
      const at = this.queue.now
      const outcome = await this.exec(step, i)
      if (this.opts.signal.aborted) {
        error = `interrupted during step ${i + 1} (${kind})`
        steps.push({ index: i + 1, kind, summary: 'interrupted', at_ms: at, duration_ms: this.queue.now - at, ok: false, interrupted: true })
        break
      }
      steps.push({ index: i + 1, kind, summary: outcome.summary, at_ms: at, duration_ms: this.queue.now - at, ok: outcome.ok })
      if (!outcome.ok) {
        error = `step ${i + 1} (${kind}): ${outcome.summary}`
        break
      }
    }
    if (error === null && this.scenario.tail > 0) {
      this.stepLabel = 'tail'
      await this.advanceTo(this.queue.now + this.scenario.tail)
      if (this.opts.signal.aborted) error = 'aborted during the tail'
    }
    this.detection.endAll()
    this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss())
    return {
      scenario: this.scenario.name,
      description: this.scenario.description,
      mode: 'model',
      seed: this.opts.seed,
      nodes: this.maxRunning,
      procs: 1,
      started_at: startedAt,
      wall_ms: Math.round(performance.now() - wall0),
      virtual_ms: this.queue.now,
      peak_rss_bytes: this.peakRss,
      ok: error === null,
      error,
      steps,
      convergence: { samples: this.convergence, times_ms: this.log.convergenceTimes() },
      detection: this.detection.records(),
      requests: null,
      agreement: this.agreement,
      traffic: this.traffic.figures(this.queue.now, this.overlay, this.plan.full ? null : this.plan.subjects.length),
      notes: this.notes()
    }
  }

  /** As the live node: max(base, peers / budget), the peers being the other running nodes. */
  private publicationInterval (): number {
    return publicationIntervalMs(Math.max(0, this.runningNow - 1), this.budget, this.interval)
  }

  private progress (): void {
    this.opts.onProgress({ step: this.stepIndex, steps: this.scenario.steps.length, label: this.stepLabel, at_ms: this.queue.now })
  }

  /** Runs every event due by `t`, then sets the clock to `t`; yields now and then, and stops early when aborted. */
  private async advanceTo (t: number): Promise<void> {
    while (this.queue.peekTime() <= t) {
      this.queue.runNext()
      if (++this.events % YIELD_EVERY === 0) {
        await new Promise(resolve => setImmediate(resolve))
        this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss())
        this.progress()
        if (this.opts.signal.aborted) return
      }
    }
    this.queue.now = Math.max(this.queue.now, t)
  }

  private every (period: number, action: () => void): void {
    const loop = (): void => {
      action()
      this.queue.after(period, loop)
    }
    this.queue.at(period, loop)
  }

  private antiEntropy (): void {
    this.governance.antiEntropy(this.queue.now)
    this.queue.after(this.governance.nextAntiEntropy(this.queue.now + 1) - this.queue.now, () => { this.antiEntropy() })
  }

  private onLink (e: LinkEvent): void {
    if ((this.log.slotOf[e.peer] as number) < 0) return
    this.detection.connectionChanged(e.observer, e.peer, e.up, e.remote ? e.at + this.link.latency(this.rand()) : e.at)
  }

  private sample (): void {
    const at = this.queue.now
    this.countRunning()
    const share = this.log.share(at)
    if (share !== undefined) this.convergence.push({ at_ms: at, share: round(share, 6) })
    for (const name of this.governance.proposalNames()) {
      const s = this.governance.tallyStanding(name, at)
      if (s !== undefined) this.agreement.push({ at_ms: at, subject: `proposal ${name}`, share: round(s.share, 6), outcomes: s.outcomes })
    }
    const epoch = this.governance.epochOf(at)
    if (this.governance.hasCandidacies && epoch >= 1) {
      const s = this.governance.electionStanding(epoch, at)
      this.agreement.push({ at_ms: at, subject: `election epoch ${epoch}`, share: round(s.share, 6), outcomes: s.outcomes })
    }
  }

  // ---- nodes ----

  private startNodes (nodes: number[], first: boolean): void {
    const now = this.queue.now
    const { tickMs } = this.tuning.telemetry
    const probeMs = this.tuning.telemetry.detector.suspicion.probeIntervalMs
    if (!first) for (const node of nodes) this.detection.restarted(node)
    this.overlay.joinAll(nodes, now)
    for (const node of nodes) {
      const inc = this.detection.incarnation[node] as number
      const alive = (): boolean => this.overlay.running[node] === 1 && this.detection.incarnation[node] === inc
      if (first) {
        // Each node ticks its peer table at its own phase, from its start.
        const tick = (): void => {
          if (this.overlay.running[node] === 1) this.detection.tick(node, this.queue.now)
          this.queue.after(tickMs, tick)
        }
        this.queue.after(this.rand() * tickMs, tick)
        const probe = (): void => {
          if (this.overlay.running[node] === 1) this.detection.probe(node, this.queue.now)
          this.queue.after(probeMs, probe)
        }
        this.queue.after(this.rand() * probeMs, probe)
      }
      const slot = this.log.slotOf[node] as number
      if (slot >= 0) {
        const publish = (): void => {
          if (!alive()) return
          this.log.publish(slot, this.queue.now)
          this.queue.after(jittered(this.publicationInterval(), this.tuning.telemetry.publishJitter, this.rand), publish)
        }
        // A node publishes as soon as it starts; nodes started together spread over one interval.
        this.queue.after(first ? this.rand() * this.interval : 0, publish)
      }
    }
    this.governance.joined(nodes, now, first)
    for (const node of nodes) {
      if (this.candidate[node] !== 1) continue
      const inc = this.detection.incarnation[node] as number
      this.governance.candidacy(node, now)
      const renew = (): void => {
        if (this.overlay.running[node] !== 1 || this.detection.incarnation[node] !== inc) return
        this.governance.candidacy(node, this.queue.now)
        this.queue.at(this.governance.tickInEpoch(node, this.governance.epochOf(this.queue.now) + 1), renew)
      }
      this.queue.at(this.governance.tickInEpoch(node, this.governance.epochOf(now) + 1), renew)
    }
    this.countRunning()
  }

  private crashNode (node: number, cause: 'crash' | 'churn'): void {
    this.overlay.crash(node, this.queue.now)
    this.detection.beginEpisode(node, cause, this.queue.now)
  }

  private restartNode (node: number): void {
    this.detection.endEpisode(node)
    this.startNodes([node], false)
    this.detection.hello(node, this.queue.now)
  }

  private countRunning (): void {
    let running = 0
    for (let i = 0; i < this.overlay.started; i++) running += this.overlay.running[i] as number
    this.runningNow = running
    this.maxRunning = Math.max(this.maxRunning, running)
  }

  // ---- steps ----

  private async exec (step: Step, index: number): Promise<Outcome> {
    const { overlay, governance } = this
    const now = (): number => this.queue.now
    switch (step.kind) {
      case 'start': {
        const from = overlay.started
        const nodes = Array.from({ length: step.start.count }, (_, k) => from + k)
        if (step.start.candidate) for (const n of nodes) this.candidate[n] = 1
        this.startNodes(nodes, true)
        return { ok: true, summary: `started nodes ${from}..${from + step.start.count - 1}${step.start.candidate ? ' (candidates)' : ''}` }
      }
      case 'wait_converged': {
        const outcome = await this.waitFor({ kind: 'converged', converged: {} }, step.wait_converged.within)
        // The traffic figures are the mesh's work once it formed, not the joining.
        if (outcome.ok && this.trafficFrom === undefined) {
          this.trafficFrom = this.queue.now
          this.traffic.reset(this.queue.now)
        }
        return outcome
      }
      case 'wait': {
        await this.advanceTo(now() + step.wait)
        return { ok: true, summary: `waited ${step.wait} ms` }
      }
      case 'wait_epochs': {
        const target = (governance.epochOf(now()) + step.wait_epochs) * this.scenario.network.epoch
        await this.advanceTo(target)
        return { ok: true, summary: `reached epoch ${governance.epochOf(target)}` }
      }
      case 'crash': {
        const nodes = nodesOf(step.crash, overlay.started)
        for (const n of nodes) this.crashNode(n, 'crash')
        return { ok: true, summary: `crashed ${list(nodes)}` }
      }
      case 'restart': {
        const nodes = nodesOf(step.restart, overlay.started)
        for (const n of nodes) this.restartNode(n)
        return { ok: true, summary: `restarted ${list(nodes)}` }
      }
      case 'partition': {
        overlay.partition(step.partition, now())
        for (const n of this.plan.partitionSubjects.get(index) ?? []) {
          if (overlay.running[n] !== 1) continue
          this.detection.beginEpisode(n, 'partition', now())
          this.partitioned.push(n)
        }
        const sizes = [...overlay.runningByGroup()].sort((a, b) => a[0] - b[0]).map(([, count]) => count)
        return { ok: true, summary: `partitioned into groups of ${sizes.join(' + ')} running nodes` }
      }
      case 'heal': {
        overlay.heal(now())
        for (const n of this.partitioned.splice(0)) this.detection.endEpisode(n)
        return { ok: true, summary: 'healed' }
      }
      case 'churn': {
        const start = now()
        const events = this.plan.churn.get(index) ?? []
        for (const e of events) {
          this.queue.at(start + e.offset, () => {
            this.crashNode(e.node, 'churn')
            this.queue.after(step.churn.down_for, () => { this.restartNode(e.node) })
          })
        }
        await this.advanceTo(start + step.churn.duration)
        return { ok: true, summary: `churned ${events.length} nodes (${list(events.map(e => e.node))})` }
      }
      case 'propose': {
        const p = step.propose
        const err = governance.propose(p.id, p.by, now(), p.voting_period)
        return err === undefined ? { ok: true, summary: `node ${p.by} proposed ${p.id}` } : { ok: false, summary: err }
      }
      case 'vote': {
        const v = step.vote
        const endsAt = governance.endsAt(v.proposal)
        if (v.at_remaining !== undefined && endsAt !== undefined && endsAt - v.at_remaining > now()) await this.advanceTo(endsAt - v.at_remaining)
        const voters = nodesOf(v.by, overlay.started)
        // An operator votes once its node holds the proposal: wait for it, until the end of voting.
        const start = now()
        while (endsAt !== undefined && now() < endsAt && !voters.every(n => overlay.running[n] !== 1 || governance.holdsProposal(v.proposal, n, now()))) {
          await this.advanceTo(Math.min(now() + CHECK_MS, endsAt))
          if (this.opts.signal.aborted) return { ok: false, summary: 'interrupted' }
        }
        for (const n of voters) {
          const err = governance.vote(v.proposal, n, v.option, now())
          if (err !== undefined) return { ok: false, summary: err }
        }
        const waited = now() > start ? ` (after waiting ${Math.round(now() - start)} ms for the proposal to reach them)` : ''
        return { ok: true, summary: `${list(voters)} voted ${v.option} on ${v.proposal}${waited}` }
      }
      case 'assert': return await this.waitFor(step.assert.that, step.assert.within)
      case 'offer_service':
      case 'load':
      case 'strategy': return { ok: false, summary: `${step.kind} runs only live` }
      default: return unhandledKind(step)
    }
  }

  /** Waits until the condition holds, checking every CHECK_MS of virtual time, for at most `within`. */
  private async waitFor (that: Condition, within: number): Promise<Outcome> {
    const start = this.queue.now
    const deadline = start + within
    for (;;) {
      const check = this.check(that)
      if (check.ok) return { ok: true, summary: `${check.summary} after ${Math.round(this.queue.now - start)} ms` }
      if (this.queue.now >= deadline || this.opts.signal.aborted) return { ok: false, summary: `${check.summary} after ${within} ms` }
      await this.advanceTo(Math.min(this.queue.now + CHECK_MS, deadline))
    }
  }

  private check (that: Condition): Outcome {
    const { overlay, detection, governance } = this
    const at = this.queue.now
    switch (that.kind) {
      case 'converged': {
        let pairs = 0
        let bad = 0
        for (const author of this.plan.subjects) {
          if (author >= overlay.started || overlay.running[author] !== 1) continue
          for (let o = 0; o < overlay.started; o++) {
            if (o === author || !overlay.reachable(o, author)) continue
            pairs++
            // As live: healthy, with a snapshot no older than three intervals.
            const l = detection.stateOf(o, author, at)
            if (l?.state !== 'healthy' || at - l.lastHeardAt > 3 * this.publicationInterval()) bad++
          }
        }
        return bad === 0 ? { ok: true, summary: `converged (${pairs} pairs healthy)` } : { ok: false, summary: `not converged: ${bad} of ${pairs} pairs not healthy` }
      }
      case 'peer_state': {
        const { node, state, seen_by: seenBy } = that.peer_state
        let seen = 0
        let wrong = 0
        for (const o of nodesOf(seenBy, overlay.started)) {
          if (o === node || overlay.running[o] !== 1) continue
          seen++
          if (detection.stateOf(o, node, at)?.state !== state) wrong++
        }
        return wrong === 0 ? { ok: true, summary: `node ${node} is ${state} for ${seen} observers` } : { ok: false, summary: `node ${node} is not ${state} for ${wrong} of ${seen} observers` }
      }
      case 'tally_agrees': {
        const { proposal, outcome } = that.tally_agrees
        const s = governance.tallyStanding(proposal, at)
        if (s === undefined) return { ok: false, summary: `proposal ${proposal} is unknown` }
        if (s.pending > 0) return { ok: false, summary: `${s.pending} nodes are still voting or counting ${proposal}` }
        const agreed = s.outcomes === 1
        if (agreed && (outcome === undefined || s.top.startsWith(`${outcome} `))) return { ok: true, summary: `every running node tallies ${proposal}: ${s.top}` }
        return { ok: false, summary: `tally of ${proposal}: ${s.outcomes} outcomes, the most common (${round(s.share * 100, 6)} % of nodes) ${s.top}${outcome === undefined ? '' : `, expected ${outcome}`}` }
      }
      case 'election_agrees': {
        const epoch = governance.epochOf(at)
        const s = governance.electionStanding(epoch, at)
        return s.outcomes === 1
          ? { ok: true, summary: `every running node elected [${s.top}] for epoch ${epoch}` }
          : { ok: false, summary: `election of epoch ${epoch}: ${s.outcomes} outcomes, the most common (${round(s.share * 100, 6)} % of nodes) [${s.top}]` }
      }
      case 'billing_agrees':
      case 'load': return { ok: false, summary: `condition ${that.kind} runs only live` }
      default: return unhandledKind(that)
    }
  }

  private notes (): string[] {
    const net = this.scenario.network
    const lat = net.latency
    const latency = lat.distribution === 'constant' ? `constant ${lat.ms} ms`
      : lat.distribution === 'uniform' ? `uniform ${lat.min_ms}..${lat.max_ms} ms`
        : `lognormal, median ${lat.median_ms} ms, p99 ${lat.p99_ms} ms (read from a 4,096-quantile table)`
    const { telemetry, peers, governance } = this.tuning
    const d = telemetry.detector
    const notes = [
      `Model: virtual time, seed ${this.opts.seed}; every link draws its latency per message (${latency}) and loses ${net.loss * 100} % of messages.`,
      `Overlay: each node dials ${CONN_TARGET} random peers it can reach (accepting up to ${CONN_MAX}; the live default is ${peers.maxPeers}/${Math.max(2 * peers.maxPeers, peers.minConnectionCap)}) and keeps a GossipSub mesh of degree ${MESH_D} (${MESH_DLO}..${MESH_DHI}, heartbeat 1 s, as live); authors publish to ${GOSSIP_MESH.floodPublish ? 'all their connections' : 'their mesh'}; IHAVE/IWANT lazy repair to ${GOSSIP_MESH.Dlazy} non-mesh peers at each of 3 heartbeats.`,
      'Each message\'s spread is computed at once, as the earliest arrival over all forwarding paths (one draw per hop), over the overlay as it is at publication: a crash or partition within the few hundred ms of a spread acts from the next message.',
      `Failure detection: the live detector (observe/needsProbe, the node's tuning) fed snapshots, connection changes, a tick every ${telemetry.tickMs} ms and probe results (its local evidence: suspect after ${d.suspectAfterIntervals} silent intervals, down after ${d.suspicionMs} ms suspected with ${d.probeFailuresForDown} failed probes and no connection), and SWIM: every node probes one other every ${d.suspicion.probeIntervalMs} ms (drawn uniformly: the live round-robin order is a random permutation of the members, of which a run sees a small part), a probe that fails directly and through ${telemetry.indirectProbes} helpers is an accusation gossiped to all, which each node holds for the suspicion time (${d.suspicion.mult} x log10(N) probe intervals at the least, ${d.suspicion.maxMult} times that with no confirmation), the accused refutes it if it hears it, and the accusers gossip their verdict; a probe of a crashed node is refused after a round trip, one across a partition times out (${telemetry.probeTimeoutMs.toLocaleString('en-US')} + ${telemetry.indirectTimeoutMs.toLocaleString('en-US')} ms). Not modelled: local health (model nodes never stall) and probes of the nodes the model does not follow.`,
      `Publication: each followed author publishes every max(${this.interval} ms, (N - 1) / ${this.budget} s) (the network's default telemetry_receive_budget) with ±${telemetry.publishJitter * 100} % jitter; ${Math.round(this.publicationInterval()).toLocaleString('en-US')} ms at the end of this run.`,
      `Traffic: every running node's messages sent and received per second by kind, from the first converged mesh to the end (gossip: every copy a node forwards over its mesh, and each one it receives, duplicates included; IHAVE/IWANT repair not counted; membership: each probe, indirect probe and answer, and each copy of a membership event; billing is not modelled; governance bytes are not known to the model).${this.plan.full ? '' : ` Snapshots are spread for the ${this.plan.subjects.length} followed authors only; each of the ${this.plan.sampled.length} drawn at random counts for ${Math.round((this.plan.nodes - (this.plan.subjects.length - this.plan.sampled.length)) / Math.max(1, this.plan.sampled.length))} authors (all authors publish alike), the ones the steps name for themselves, so that every node's received and forwarded telemetry is counted for the whole mesh.`}`,
      'A partition closes the connections between groups (both ends see them close); heal lifts it and re-dials the connections it closed.',
      `Governance: proposals, votes, candidacies and certificates spread by the same gossip, with anti-entropy every ${governance.antiEntropyMs / 1000} s to one random connected peer and a reconciliation when a node (re)joins; each node tallies (tally()) the votes it holds, or those of the first certificate in its certifier order (fetching the votes it lacks), and elects (elect(), seed chained from epoch 0) from the candidacies it holds. Not modelled: endorsements (no step makes them) and passed parameter changes taking effect.`
    ]
    if (!this.plan.full) {
      const sampled = this.plan.subjects.length - this.plan.named
      notes.push(`Sampled: snapshots and failure detectors are followed for ${this.plan.subjects.length} of ${this.plan.nodes} authors (${this.plan.named} named by the steps, churn victims and up to ${PARTITION_SAMPLE} random nodes of each partition group, plus ${sampled} random others), by every observer: convergence samples and times, detection records and the converged condition cover those (observer, author) pairs only.`)
    }
    const unseen = this.detection.records().filter(r => r.all_down_ms === null)
    if (unseen.length > 0) {
      const least = minSuspicionMs(this.runningNow, d.suspicion)
      notes.push(`Not seen down by all (${unseen.map(r => `node ${r.node}, ${r.cause}`).join('; ')}): an accusation is a verdict only after the suspicion time, at least ${(least / 1000).toFixed(1)} s at this size (${d.suspicion.mult} x log10(N) probe intervals, longer while few nodes confirm it); a node that came back sooner (a partition healed, a restart) was suspect on the other side, not down, as SWIM intends: a short outage is not a failure.`)
    }
    if (this.publicationInterval() > 3 * this.interval) {
      notes.push(`At this size a node publishes every ${Math.round(this.publicationInterval() / 1000).toLocaleString('en-US')} s (the receive budget): a node that starts or restarts has an empty peer table and learns each peer from that peer's next snapshot, so a converged condition after a restart waits that long for the restarted observers. The anti-entropy that would hand a (re)joining node the peer table at once (a digest exchange of versioned peer records) is not built yet; the running nodes' own views converge as the detection and convergence figures show.`)
    }
    if (this.log.unconverged > 0) notes.push(`${this.log.unconverged} of ${this.log.published} followed snapshots never reached some running node of their group; they are left out of the convergence times.`)
    return notes
  }
}

function list (nodes: number[]): string {
  const shown = nodes.slice(0, 10).join(', ')
  return nodes.length > 10 ? `${nodes.length} nodes (${shown}, ...)` : `node${nodes.length === 1 ? '' : 's'} ${shown}`
}
