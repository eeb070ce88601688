import { setTimeout as sleep } from 'node:timers/promises'
import { errorMessage } from '../../src/errors.ts'
import type { Condition } from '../scenario/schema.ts'
import type { Cluster } from './cluster.ts'
import { requestFigures, type RequestSample } from './measure.ts'

/** Whether a condition holds now, and in words what was found. */
export interface Check { ok: boolean, detail: string }

interface PeerJson { peer_id: string, status: string, last_snapshot_age_ms: number }
interface ProposalJson { status: string, tally: { outcome: string, counted_hash: string } }
interface ElectionJson { epoch: number, elected: string[] }
interface ServicesJson { services: Array<{ name: string, local: { healthy: boolean } | null, peers: Array<{ peer_id: string, status: string }> }> }

const POLL_MS = 200

/** Polls `check` until it holds or `withinMs` passed; the last detail says what was missing. */
export async function until (check: () => Promise<Check>, withinMs: number, signal: AbortSignal): Promise<Check> {
  const deadline = Date.now() + withinMs
  for (;;) {
    signal.throwIfAborted()
    let last: Check
    try {
      last = await check()
    } catch (err) {
      last = { ok: false, detail: errorMessage(err) }
    }
    if (last.ok || Date.now() >= deadline) return last
    await sleep(POLL_MS, undefined, { signal })
  }
}

/** Every running node sees every other running node it can reach healthy, with a fresh snapshot. */
export async function converged (cluster: Cluster, intervalMs: number): Promise<Check> {
  const running = cluster.running()
  for (const n of running) {
    const { body } = await cluster.api<{ peers: PeerJson[] }>(n, 'GET', '/v1/network/peers')
    const seen = new Map(body.peers.map(p => [p.peer_id, p]))
    for (const m of running) {
      if (m === n || !cluster.canReach(n, m)) continue
      const p = seen.get(cluster.info(m).peerId)
      if (p === undefined) return { ok: false, detail: `node ${n} does not know node ${m} yet` }
      if (p.status !== 'healthy' || p.last_snapshot_age_ms > 3 * intervalMs) return { ok: false, detail: `node ${n} sees node ${m} ${p.status}, snapshot ${p.last_snapshot_age_ms} ms old` }
    }
  }
  return { ok: true, detail: `${running.length} nodes see each other healthy` }
}

export async function peerState (cluster: Cluster, node: number, state: string, seenBy: number[]): Promise<Check> {
  const observers = seenBy.filter(o => o !== node && cluster.isRunning(o))
  const peerId = cluster.info(node).peerId
  for (const o of observers) {
    const { body } = await cluster.api<{ peers: PeerJson[] }>(o, 'GET', '/v1/network/peers')
    const p = body.peers.find(x => x.peer_id === peerId)
    if (p?.status !== state) return { ok: false, detail: `node ${o} sees node ${node} ${p?.status ?? 'not at all'}` }
  }
  return { ok: true, detail: `${observers.length} nodes see node ${node} ${state}` }
}

/** The key of a node's tally of a proposal: outcome and the hash of the votes counted. */
export async function tallyKey (cluster: Cluster, node: number, proposalId: string): Promise<{ final: boolean, key: string } | undefined> {
  const { status, body } = await cluster.api<ProposalJson>(node, 'GET', `/v1/governance/proposals/${proposalId}`)
  if (status !== 200) return undefined
  return { final: body.status !== 'voting' && body.status !== 'tallying', key: `${body.tally.outcome} ${body.tally.counted_hash.slice(0, 12)}` }
}

export async function tallyAgrees (cluster: Cluster, proposalId: string, outcome: string | undefined): Promise<Check> {
  const keys = new Set<string>()
  for (const n of cluster.running()) {
    const t = await tallyKey(cluster, n, proposalId)
    if (t === undefined) return { ok: false, detail: `node ${n} does not hold the proposal` }
    if (!t.final) return { ok: false, detail: `node ${n} is still counting` }
    if (outcome !== undefined && !t.key.startsWith(`${outcome} `)) return { ok: false, detail: `node ${n} tallies ${t.key}, not ${outcome}` }
    keys.add(t.key)
  }
  return keys.size === 1 ? { ok: true, detail: `every running node tallies ${[...keys][0] ?? ''}` } : { ok: false, detail: `${keys.size} different tallies: ${[...keys].join('; ')}` }
}

export async function electionOf (cluster: Cluster, node: number): Promise<ElectionJson> {
  return (await cluster.api<ElectionJson>(node, 'GET', '/v1/election/status')).body
}

export async function electionAgrees (cluster: Cluster): Promise<Check> {
  const results = await Promise.all(cluster.running().map(async n => await electionOf(cluster, n)))
  const keys = new Set(results.map(r => `epoch ${r.epoch}: ${r.elected.map(id => cluster.indexOf(id) ?? id).join(',')}`))
  return keys.size === 1 ? { ok: true, detail: `every running node elected ${[...keys][0] ?? ''}` } : { ok: false, detail: `${keys.size} different elections: ${[...keys].join('; ')}` }
}

export async function billingAgrees (cluster: Cluster): Promise<Check> {
  const keys = new Set<string>()
  for (const n of cluster.running()) {
    const { body } = await cluster.api<{ authors: Array<{ author: string, held_seq: number, held_hash: string | null }> }>(n, 'GET', '/v1/billing/log')
    keys.add(body.authors.map(a => `${a.author}:${a.held_seq}:${a.held_hash ?? ''}`).sort().join(' '))
  }
  if (keys.size !== 1) return { ok: false, detail: `${keys.size} different billing logs` }
  const { body } = await cluster.api<{ records: number }>(0, 'GET', '/v1/billing/overview')
  return { ok: true, detail: `every running node holds the same ${body.records} records` }
}

/** Every node offering `service` is seen offering it, healthy, by every running node that can reach it. */
export async function serviceOffered (cluster: Cluster, service: string, offering: number[]): Promise<Check> {
  for (const n of cluster.running()) {
    const { body } = await cluster.api<ServicesJson>(n, 'GET', '/v1/services')
    const s = body.services.find(x => x.name === service)
    for (const o of offering) {
      if (!cluster.canReach(n, o)) continue
      if (o === n) {
        if (s?.local?.healthy !== true) return { ok: false, detail: `node ${n}'s own upstream is not healthy yet` }
      } else if (s?.peers.find(p => p.peer_id === cluster.info(o).peerId && p.status === 'healthy') === undefined) {
        return { ok: false, detail: `node ${n} does not see node ${o} offering ${service}` }
      }
    }
  }
  return { ok: true, detail: `${offering.length} node${offering.length === 1 ? '' : 's'} offer${offering.length === 1 ? 's' : ''} ${service}` }
}

export function loadHolds (samples: readonly RequestSample[], c: Extract<Condition, { load: unknown }>['load']): Check {
  const f = requestFigures(samples)
  if (f === null) return { ok: false, detail: 'no requests were sent' }
  const problems: string[] = []
  if (c.max_error_rate !== undefined && f.error_rate > c.max_error_rate) problems.push(`error rate ${(f.error_rate * 100).toFixed(2)} % > ${(c.max_error_rate * 100).toFixed(2)} %`)
  if (c.min_nodes_serving !== undefined && f.served_by.length < c.min_nodes_serving) problems.push(`served by ${f.served_by.length} nodes < ${c.min_nodes_serving}`)
  if (c.max_p99 !== undefined && f.latency_ms.p99 > c.max_p99) problems.push(`p99 ${f.latency_ms.p99.toFixed(1)} ms > ${c.max_p99} ms`)
  if (c.max_share !== undefined) {
    const served = f.served_by.reduce((s, x) => s + x.count, 0)
    const share = (f.served_by.find(x => x.node === c.max_share?.node)?.count ?? 0) / Math.max(1, served)
    if (share > c.max_share.share) problems.push(`node ${c.max_share.node} served ${(share * 100).toFixed(1)} % > ${(c.max_share.share * 100).toFixed(1)} %`)
  }
  const summary = `${f.total} requests, ${(f.error_rate * 100).toFixed(2)} % errors, p99 ${f.latency_ms.p99.toFixed(1)} ms, served by ${f.served_by.map(s => `${s.node}:${s.count}`).join(' ')}`
  return problems.length === 0 ? { ok: true, detail: summary } : { ok: false, detail: `${problems.join('; ')} (${summary})` }
}
