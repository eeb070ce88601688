import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { errorMessage, MeshError } from '../../src/errors.ts'
import { seededRandom } from '../../src/random.ts'
import type { ServiceConfig } from '../../src/routing/local-services.ts'
import type { Engine, RunOptions } from '../engine.ts'
import type { AgreementSample, StepRecord } from '../result.ts'
import { nodesOf, unhandledKind, type Scenario, type Step, type StepOf } from '../scenario/schema.ts'
import { describeStep } from '../scenario/describe.ts'
import { assertLiveCapacity } from './capacity.ts'
import { Cluster } from './cluster.ts'
import { billingAgrees, converged, electionAgrees, electionOf, loadHolds, peerState, serviceOffered, tallyAgrees, tallyKey, until, type Check } from './conditions.ts'
import { generateLoad } from './load.ts'
import { convergence, detection, requestFigures, type Fault, type RequestSample } from './measure.ts'
import { prepareNetwork } from './network-setup.ts'
import { LocalNodeHost } from './node-host.ts'
import { ProcessNodeHost } from './process-host.ts'
import { startUpstream, type Upstream } from './upstream.ts'

const AGREEMENT_EVERY_MS = 500
const CONVERGENCE_SAMPLE_MS = 250
const REQUEST_TIMEOUT_MS = 10_000

/** Wall-clock milliseconds with sub-millisecond resolution, on the same scale as Date.now(). */
const now = (): number => performance.timeOrigin + performance.now()

/** The node count after every start step, and the upstreams that offer_service steps will turn on. */
function plan (scenario: Scenario): { nodes: number, offers: Array<{ service: string, node: number }> } {
  let nodes = 0
  const offers: Array<{ service: string, node: number }> = []
  for (const step of scenario.steps) {
    if (step.kind === 'start') nodes += step.start.count
    if (step.kind === 'offer_service') for (const node of nodesOf(step.offer_service.nodes, nodes)) offers.push({ service: step.offer_service.service, node })
  }
  return { nodes, offers }
}

/**
 * Runs a scenario on real nodes on 127.0.0.1. Each offered service has one upstream per node,
 * configured from the start and offline (its health check fails) until its offer_service
 * step: as an operator's upstream that comes up later. Nodes are always stopped at the end,
 * also on a failed step or Ctrl-C.
 */
export const runLive: Engine = async (scenario, opts) => {
  const { nodes: total, offers } = plan(scenario)
  assertLiveCapacity(scenario.name, total, opts.procs)
  const started = now()
  let ended: number
  const random = seededRandom(opts.seed)
  const root = await mkdtemp(join(tmpdir(), 'meshnode-sim-'))
  const upstreams = new Map<string, Upstream>()
  const steps: StepRecord[] = []
  const faults: Fault[] = []
  const openFaults = new Map<number, Fault>()
  const requests: RequestSample[] = []
  let lastLoad: Promise<RequestSample[]> = Promise.resolve([])
  const agreement: AgreementSample[] = []
  const proposals = new Map<string, { id: string, endsAt: number }>()
  const notes: string[] = []
  let peakRss = process.memoryUsage().rss
  let error: string | null = null
  let cluster: Cluster | undefined
  let rss: NodeJS.Timeout | undefined
  const sampling = new AbortController()
  const signal = AbortSignal.any([opts.signal, sampling.signal])

  const openFault = (node: number, cause: Fault['cause'], observers: number[]): void => {
    const f: Fault = { node, cause, at: now(), until: Number.POSITIVE_INFINITY, observers }
    faults.push(f)
    openFaults.set(node, f)
  }
  const closeFault = (node: number): void => {
    const f = openFaults.get(node)
    if (f === undefined) return
    f.until = now()
    openFaults.delete(node)
  }

  try {
    for (const o of offers) {
      const key = `${o.service}:${o.node}`
      if (upstreams.has(key)) continue
      const u = await startUpstream(`node-${o.node}`, random)
      u.mode.offline = true
      upstreams.set(key, u)
    }
    const network = await prepareNetwork(root, `sim-${scenario.name}`.slice(0, 48), scenario.network, total, new Date(), opts.seed)
    const servicesFor = (index: number): ServiceConfig[] => offers.filter(o => o.node === index).map(o => ({
      name: o.service,
      url: upstreams.get(`${o.service}:${o.node}`)?.url ?? '',
      capacity: 100
    }))
    const c = new Cluster({
      makeHost: onEvent => opts.procs > 1 ? new ProcessNodeHost(onEvent) : new LocalNodeHost(onEvent),
      procs: opts.procs,
      network,
      spec: scenario.network,
      now,
      servicesFor
    })
    cluster = c
    const sampler = sampleAgreement(c, proposals, agreement, started, signal, opts)
    rss = setInterval(() => { peakRss = Math.max(peakRss, c.rss()) }, 1_000)

    const load = async (l: StepOf<'load'>['load']): Promise<string> => {
      const sent = generateLoad({
        service: l.service,
        rate: l.rate,
        durationMs: l.duration,
        users: l.users,
        method: l.method,
        targets: () => nodesOf(l.via, c.size).filter(i => c.isRunning(i)).map(i => c.info(i).apiUrl),
        indexOf: id => c.indexOf(id),
        random,
        now,
        signal: opts.signal,
        timeoutMs: REQUEST_TIMEOUT_MS
      }).then(samples => {
        requests.push(...samples)
        return samples
      })
      lastLoad = sent
      if (l.background) return `started in the background: ${l.rate}/s for ${l.duration} ms`
      const f = requestFigures(await sent)
      return f === null ? 'no requests' : `${f.total} requests, ${(f.error_rate * 100).toFixed(2)} % errors, p50 ${f.latency_ms.p50.toFixed(1)} ms, p99 ${f.latency_ms.p99.toFixed(1)} ms`
    }
    const ctx: StepContext = { cluster: c, scenario, opts, random, upstreams, proposals, openFault, closeFault, load, lastLoad: async () => await lastLoad }

    for (const [i, step] of scenario.steps.entries()) {
      const at = now()
      opts.onProgress({ step: i + 1, steps: scenario.steps.length, label: describeStep(step), at_ms: at - started })
      const record = (summary: string, ok: boolean): void => {
        steps.push({ index: i + 1, kind: step.kind, summary, at_ms: at - started, duration_ms: now() - at, ok, interrupted: opts.signal.aborted })
      }
      try {
        const summary = await runStep(step, ctx)
        // A step that returns once the signal cut it short (a load that stopped sending) did not pass.
        if (opts.signal.aborted) throw new MeshError('SCENARIO_ERROR', `interrupted: ${summary}`)
        record(summary, true)
      } catch (err) {
        const message = opts.signal.aborted ? (err instanceof MeshError && err.message.startsWith('interrupted') ? err.message : 'interrupted') : errorMessage(err)
        record(message, false)
        error = opts.signal.aborted ? `interrupted during step ${i + 1} (${step.kind})` : `step ${i + 1} (${step.kind}): ${message}`
        break
      }
    }
    await lastLoad
    sampling.abort()
    await sampler
  } catch (err) {
    error ??= errorMessage(err)
  } finally {
    clearInterval(rss)
    sampling.abort()
    ended = now()
    for (const node of [...openFaults.keys()]) closeFault(node)
    const closing = await Promise.allSettled([cluster?.close(), ...[...upstreams.values()].map(async u => { await u.close() })])
    for (const r of closing) if (r.status === 'rejected') notes.push(`stopping: ${errorMessage(r.reason)}`)
    await rm(root, { recursive: true, force: true })
  }

  const c = cluster
  const events = c?.events ?? []
  const indexOf = (id: string): number | undefined => c?.indexOf(id)
  const receipts = events.flatMap(e => {
    if (e.type !== 'receipt') return []
    const author = indexOf(e.author)
    return author === undefined ? [] : [{ observer: e.observer, author, publishedAt: e.publishedAt, receivedAt: e.receivedAt }]
  })
  const changes = events.flatMap(e => {
    if (e.type !== 'state') return []
    const peer = indexOf(e.peer)
    return peer === undefined ? [] : [{ observer: e.observer, peer, to: e.to, at: e.at }]
  })
  const conv = c === undefined ? { samples: [], times_ms: null, missed: 0 } : convergence(receipts, c.timeline, c.starts, { from: started, to: ended }, CONVERGENCE_SAMPLE_MS)
  if (conv.missed > 0) notes.push(`${conv.missed} snapshots did not reach every reachable node (superseded or lost); left out of the convergence times`)
  notes.push('convergence counts only nodes running for 3 s or more; a snapshot is timed over the nodes that could reach its author from its publication until 2 s after')
  return {
    scenario: scenario.name,
    description: scenario.description,
    mode: 'live',
    seed: opts.seed,
    nodes: total,
    procs: opts.procs,
    started_at: new Date(started).toISOString(),
    wall_ms: ended - started,
    virtual_ms: null,
    peak_rss_bytes: peakRss,
    ok: error === null,
    error,
    steps,
    convergence: { samples: conv.samples, times_ms: conv.times_ms },
    detection: detection(faults, changes, started),
    requests: requestFigures(requests),
    agreement,
    notes
  }
}

interface StepContext {
  cluster: Cluster
  scenario: Scenario
  opts: RunOptions
  random: () => number
  upstreams: Map<string, Upstream>
  proposals: Map<string, { id: string, endsAt: number }>
  openFault: (node: number, cause: Fault['cause'], observers: number[]) => void
  closeFault: (node: number) => void
  /** Runs a load step (in the background, if it says so); its requests count in the run's figures. */
  load: (l: StepOf<'load'>['load']) => Promise<string>
  /** The requests of the last load step, once it ended. */
  lastLoad: () => Promise<RequestSample[]>
}

async function expect (check: () => Promise<Check>, within: number, signal: AbortSignal): Promise<string> {
  const result = await until(check, within, signal)
  if (!result.ok) throw new MeshError('SCENARIO_ERROR', `not within ${within} ms: ${result.detail}`)
  return result.detail
}

async function runStep (step: Step, ctx: StepContext): Promise<string> {
  const { cluster: c, scenario, opts } = ctx
  const signal = opts.signal
  const interval = scenario.network.telemetry_interval
  switch (step.kind) {
    case 'start': {
      const started = await c.start(step.start.count, step.start.candidate, signal)
      return `started nodes ${started[0] ?? ''}..${started[started.length - 1] ?? ''}`
    }
    case 'wait_converged': return await expect(async () => await converged(c, interval), step.wait_converged.within, signal)
    case 'wait': {
      await sleep(step.wait, undefined, { signal })
      return `waited ${step.wait} ms`
    }
    case 'wait_epochs': {
      const status = await electionOf(c, 0)
      const target = status.epoch + step.wait_epochs
      await expect(async () => {
        const e = (await electionOf(c, 0)).epoch
        return { ok: e >= target, detail: `epoch ${e}, waiting for ${target}` }
      }, (step.wait_epochs + 1) * scenario.network.epoch, signal)
      return `epoch ${target} began`
    }
    case 'crash': {
      const nodes = nodesOf(step.crash, c.size)
      for (const n of nodes) ctx.openFault(n, 'crash', c.running().filter(o => o !== n && c.canReach(o, n) && !nodes.includes(o)))
      await c.crash(nodes)
      return `crashed ${nodes.join(', ')}`
    }
    case 'restart': {
      const nodes = nodesOf(step.restart, c.size)
      for (const n of nodes) ctx.closeFault(n)
      await c.restart(nodes)
      return `restarted ${nodes.join(', ')}`
    }
    case 'partition': {
      await c.partition(step.partition)
      // The nodes of the smallest group: what the others must notice (at most ten of them).
      const smallest = [...step.partition].sort((a, b) => a.length - b.length)[0] ?? []
      for (const n of smallest.filter(x => c.isRunning(x)).slice(0, 10)) ctx.openFault(n, 'partition', c.running().filter(o => !c.canReach(o, n)))
      return `groups ${step.partition.map(g => `[${g.join(',')}]`).join(' ')}`
    }
    case 'heal': {
      await c.heal()
      for (const n of c.running()) ctx.closeFault(n)
      return 'healed'
    }
    case 'churn': return await churn(ctx, step.churn)
    case 'offer_service': {
      const s = step.offer_service
      const nodes = nodesOf(s.nodes, c.size)
      for (const n of nodes) {
        const u = ctx.upstreams.get(`${s.service}:${n}`)
        if (u === undefined) throw new MeshError('SYSTEM_ERROR', `no upstream was prepared for ${s.service} on node ${n}`)
        u.mode.offline = false
        u.mode.delayMs = s.latency ?? 0
        u.mode.failRate = s.error_rate
      }
      return await expect(async () => await serviceOffered(c, s.service, nodes.filter(n => c.isRunning(n))), 15_000, signal)
    }
    case 'load': return await ctx.load(step.load)
    case 'strategy': {
      for (const n of c.running()) {
        const r = await c.api(n, 'PUT', '/v1/load-balancer/config', { strategy: step.strategy })
        if (r.status !== 200) throw new MeshError('SCENARIO_ERROR', `node ${n} refused the strategy: ${JSON.stringify(r.body)}`)
      }
      return `strategy ${step.strategy} on ${c.running().length} nodes`
    }
    case 'propose': {
      const p = step.propose
      const r = await c.api<{ id: string, voting_ends_at: string }>(p.by, 'POST', '/v1/governance/proposals', {
        title: `simulation ${p.id}`,
        change: { type: 'param_change', params: p.params },
        voting_period: p.voting_period
      })
      if (r.status !== 201) throw new MeshError('SCENARIO_ERROR', `node ${p.by} refused the proposal: ${JSON.stringify(r.body)}`)
      ctx.proposals.set(p.id, { id: r.body.id, endsAt: Date.parse(r.body.voting_ends_at) })
      return `proposal ${p.id} = ${r.body.id.slice(0, 12)}, voting ends in ${p.voting_period} ms`
    }
    case 'vote': {
      const v = step.vote
      const proposal = ctx.proposals.get(v.proposal)
      if (proposal === undefined) throw new MeshError('SCENARIO_ERROR', `proposal ${v.proposal} was not proposed`)
      if (v.at_remaining !== undefined) {
        const wait = proposal.endsAt - v.at_remaining - Date.now()
        if (wait > 0) await sleep(wait, undefined, { signal })
      }
      const voters = nodesOf(v.by, c.size).filter(n => n < scenario.network.operators)
      const results = await Promise.all(voters.map(async n => {
        if (!c.isRunning(n)) return `node ${n} is down and cannot vote`
        const r = await c.api(n, 'POST', `/v1/governance/proposals/${proposal.id}/vote`, { vote: v.option })
        return r.status === 201 ? undefined : `node ${n}: ${r.status} ${JSON.stringify(r.body)}`
      }))
      const refused = results.filter(r => r !== undefined)
      if (refused.length > 0) throw new MeshError('SCENARIO_ERROR', `votes refused: ${refused.join('; ')}`)
      return `${voters.length} ${v.option} votes, ${Math.max(0, proposal.endsAt - Date.now()).toFixed(0)} ms before the end`
    }
    case 'assert': {
      const that = step.assert.that
      const within = step.assert.within
      switch (that.kind) {
        case 'converged': return await expect(async () => await converged(c, interval), within, signal)
        case 'peer_state': return await expect(async () => await peerState(c, that.peer_state.node, that.peer_state.state, nodesOf(that.peer_state.seen_by, c.size)), within, signal)
        case 'tally_agrees': {
          const id = ctx.proposals.get(that.tally_agrees.proposal)?.id ?? ''
          return await expect(async () => await tallyAgrees(c, id, that.tally_agrees.outcome), within, signal)
        }
        case 'election_agrees': return await expect(async () => await electionAgrees(c), within, signal)
        case 'billing_agrees': return await expect(async () => await billingAgrees(c), within, signal)
        case 'load': {
          const check = loadHolds(await ctx.lastLoad(), that.load)
          if (!check.ok) throw new MeshError('SCENARIO_ERROR', check.detail)
          return check.detail
        }
        default: return unhandledKind(that)
      }
    }
    default: return unhandledKind(step)
  }
}

/** Crashes a random running node (never node 0) every `every`, and restarts each after `down_for`. */
async function churn (ctx: StepContext, spec: { duration: number, every: number, down_for: number }): Promise<string> {
  const { cluster: c } = ctx
  const signal = ctx.opts.signal
  const end = Date.now() + spec.duration
  const restarts: Array<Promise<void>> = []
  let crashes = 0
  while (Date.now() + spec.every <= end) {
    await sleep(spec.every, undefined, { signal })
    const candidates = c.running().filter(n => n !== 0)
    const victim = candidates[Math.floor(ctx.random() * candidates.length)]
    if (victim === undefined) continue
    ctx.openFault(victim, 'churn', c.running().filter(o => o !== victim && c.canReach(o, victim)))
    await c.crash([victim])
    crashes++
    restarts.push(sleep(spec.down_for, undefined, { signal }).then(async () => {
      ctx.closeFault(victim)
      await c.restart([victim])
    }))
  }
  await Promise.all(restarts)
  const left = end - Date.now()
  if (left > 0) await sleep(left, undefined, { signal })
  return `${crashes} crashes and restarts`
}

/**
 * Every half second, what each running node holds of each proposal's tally and of the
 * current election: the share of nodes on the most common outcome.
 */
async function sampleAgreement (c: Cluster, proposals: Map<string, { id: string }>, out: AgreementSample[], started: number, signal: AbortSignal, opts: RunOptions): Promise<void> {
  const record = (subject: string, keys: string[]): void => {
    if (keys.length === 0) return
    const counts = new Map<string, number>()
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1)
    out.push({ at_ms: now() - started, subject, share: Math.max(...counts.values()) / keys.length, outcomes: counts.size })
  }
  while (!signal.aborted) {
    try {
      const running = c.running()
      for (const [name, p] of proposals) {
        const keys = await Promise.all(running.map(async n => (await tallyKey(c, n, p.id))?.key ?? 'missing'))
        record(`proposal ${name}`, keys)
      }
      if (c.size > 0 && running.length > 0) {
        const elections = await Promise.all(running.map(async n => await electionOf(c, n)))
        for (const epoch of new Set(elections.map(e => e.epoch))) {
          record(`election epoch ${epoch}`, elections.filter(e => e.epoch === epoch).map(e => e.elected.join(',')))
        }
      }
    } catch (err) {
      // A node crashed between the listing and the call: the next round samples the others.
      opts.log.debug({ err: errorMessage(err) }, 'agreement sample skipped')
    }
    await sleep(AGREEMENT_EVERY_MS, undefined, { signal }).catch(() => undefined)
  }
}
