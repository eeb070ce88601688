/**
 * Gossip convergence with one process per node, as deployed: N `meshnode start` child
 * processes on 127.0.0.1 (the first founds a dev network, the others bootstrap from it), each
 * with its own event loop. Once every node holds a fresh snapshot of every other (and a short
 * settle), every node's peer table is polled through its API (GET /v1/network/peers) for a
 * fixed window, round-robin: one polling loop per node, staggered, each polling its node once
 * every POLL_GAP_MS.
 *
 * Timing: all processes share the machine's clock. A peer's view gives snapshot.time (when
 * its author published it) and last_snapshot_age_ms (how long ago the observer applied it,
 * as of the moment the observer answered), so receivedAt ≈ (moment the response arrived) −
 * last_snapshot_age_ms. The response arrives after the observer computed the age, so the
 * estimate is late by at most the poll's round trip (never early): the delays are upper
 * bounds. When several polls see the same snapshot, the smallest estimate is kept.
 *
 * A peer table holds only each author's latest snapshot, so a poll gap can skip a seq. The
 * window's snapshots are each author's seqs between two reads of its own last_seq
 * (/v1/system/status) at the window's start and end; convergence (publication to receipt by
 * the LAST of the N-1 other nodes) is reported over the snapshots every observer was seen
 * holding. The nodes' own counters of applied telemetry messages (/metrics) over the window
 * tell how many receipts the polls missed (skipped by polling) from how many the mesh never
 * delivered.
 *
 * The N processes share this machine's cores; when they saturate them, the mesh may not form
 * within the deadline and APIs answer late or not at all. The window is then measured anyway:
 * an author that does not answer has its window bounds taken from the polls (the last seq seen
 * published before the window's start and end), and the tables say how many.
 */
import { readdir, readFile } from 'node:fs/promises'
import { availableParallelism, getPriority, setPriority } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { removeDir, spawnNode, stopChild, tempDir, type ChildNode } from '../test/helpers/nodes.ts'
import { fmtMb, fmtMs, fmtNum, fmtPct, median, procCpuSeconds, procMemory, sleep, summarize, table, type Summary } from './stats.ts'

export const PROCESS_WINDOW_MS = 60_000
/** A node's peer table is polled once per this gap; the N polling loops are staggered across it. */
export const POLL_GAP_MS = 200
const POLL_TIMEOUT_MS = 5_000
/** The reads that bound the window (seqs, counters) wait longer. */
const CONTROL_TIMEOUT_MS = 10_000
export const CONVERGE_DEADLINE_MS = 60_000
/** A snapshot younger than this counts as fresh while waiting for the mesh to form. */
const FRESH_MS = 2_000
/** After the mesh formed and before the window: the last nodes finish warming up; the nodes' CPU without polling is measured. */
const SETTLE_MS = 10_000
/** After the window, polling goes on until every observer holds every author's last window seq, at most this long. */
const DRAIN_MS = 5_000
const STOP_TIMEOUT_MS = 10_000
/** The poller's nice value while the nodes run (see runProcesses). */
const POLLER_PRIORITY = -5
/** Nodes 2..N are launched this far apart (see runProcesses). */
const START_STAGGER_MS = 250
const RSS_SAMPLE_EVERY_MS = 5_000

interface PeerView {
  peer_id: string
  last_snapshot_age_ms: number
  snapshot: { seq: number, incarnation: number, time: string, interval_ms: number }
  metrics?: { event_loop_delay_ms?: { p50: number, p99: number } }
}
interface PeersBody { peers: PeerView[] }
interface SystemStatusBody { components: { telemetry: { last_seq: number } } }
interface NetworkStatusBody { connected_peers: number, gossip: Array<{ topic: string, mesh_peers: number }> }

interface Seen {
  author: number
  seq: number
  time: number
  /** Observer index -> smallest receivedAt estimate over the polls that saw it. */
  at: Map<number, number>
  /** The author's event-loop delay over the interval before it published this snapshot. */
  loopP50: number
  loopP99: number
}

/** The window's figures over a set of nodes (authors and observers). */
export interface WindowFigures {
  nodes: number
  published: number
  converged: Summary
  receipt: Summary
  /** Window snapshots some observer was never seen holding, and the receipts missing. */
  missed: number
  missedBy: number
  /** Missing receipts whose observer was later seen holding a newer seq of that author. */
  missedSuperseded: number
  /** Missing receipts whose observer never held that seq or a newer one by the end of the drain. */
  missedNever: number
}

export interface ProcessFigures {
  n: number
  startupMs: number
  /** Until every node held a fresh snapshot of every other; NaN if that never happened before the deadline. */
  convergeMs: number
  unformedPairs: number
  all: WindowFigures
  /** Without the left-out nodes, when there are any. */
  joined: WindowFigures | undefined
  /** Nodes never seen holding a window snapshot, or whose window snapshots nobody was seen holding, with why. */
  leftOut: Array<{ node: number, why: string }>
  leftOutLog: string
  /** Window bounds (author's last_seq at start or end) taken from the polls because the author did not answer. */
  boundsFromPolls: number
  /** Nodes whose /metrics answered at both ends of the window: the counters below are theirs. */
  countersFrom: number
  /** Over the window, per the nodes' own counters: receipts expected, applied, rejected; and the applied ones the polls saw. */
  expectedReceipts: number
  appliedReceipts: number
  rejectedReceipts: number
  polledApplied: number
  polls: number
  pollErrors: number
  firstPollError: string
  meanPollGapMs: number
  p99PollGapMs: number
  maxPollGapMs: number
  pollRtt: Summary
  nodeLoopP50Ms: number
  nodeLoopP99Ms: number
  nodeLoopMaxP99Ms: number
  /** CPU of all node processes over the window, as a share of the machine (all cores). */
  cpuShare: number
  /** The same during the settle before the window, without polling. */
  idleCpuShare: number
  cpuCoresPerNode: number
  pollerCpuShare: number
  pollerLoopP99Ms: number
  /** The poller's nice value during the run. */
  pollerNice: number
  rssStart: number
  rssPeak: number
  rssEnd: number
  hwmSum: number
  /** Sum of the processes' proportional set sizes: shared pages (the node binary) counted once overall. */
  pssStart: number
  pssEnd: number
  /** Nodes whose /v1/network/status answered after the window; connections and mesh peers are their means. */
  statusAnswered: number
  connections: number
  meshPeers: number
  logLines: number
  firstLogLine: string
}

/** Proportional set size of a process in bytes, from /proc/<pid>/smaps_rollup. */
async function procPss (pid: number): Promise<number> {
  const m = /^Pss:\s+(\d+)\s+kB/m.exec(await readFile(`/proc/${pid}/smaps_rollup`, 'utf8'))
  return m?.[1] === undefined ? Number.NaN : Number(m[1]) * 1024
}

/** GET a node's JSON; `at` is the moment the whole response had arrived. */
async function getBody<T> (url: string, timeoutMs = POLL_TIMEOUT_MS): Promise<{ body: T, sentAt: number, at: number }> {
  const sentAt = Date.now()
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  const text = await res.text()
  const at = Date.now()
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${text.slice(0, 200)}`)
  return { body: JSON.parse(text) as T, sentAt, at }
}

interface Counters { received: number, rejected: number, at: number }

/** Telemetry messages a node applied ("received") and rejected, from its Prometheus counters. */
async function telemetryCounters (apiUrl: string): Promise<Counters> {
  const res = await fetch(`${apiUrl}/metrics`, { signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS) })
  const text = await res.text()
  const at = Date.now()
  if (res.status !== 200) throw new Error(`GET ${apiUrl}/metrics: HTTP ${res.status}`)
  let received = 0
  let rejected = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith('meshnode_gossip_messages_total{') || !/topic="[^"]*\/telemetry\/[^"]*"/.test(line)) continue
    const value = Number(line.slice(line.lastIndexOf(' ') + 1))
    if (!Number.isFinite(value)) continue
    if (line.includes('outcome="received"')) received += value
    if (line.includes('outcome="rejected"')) rejected += value
  }
  return { received, rejected, at }
}

const alive = (node: ChildNode): boolean => node.child.exitCode === null && node.child.signalCode === null

/**
 * spawnNode leaves its child running when the start-up record never comes: find our child by its unique
 * data directory in /proc and stop it by pid (SIGTERM, SIGKILL after STOP_TIMEOUT_MS).
 */
async function stopOrphan (dataDir: string): Promise<void> {
  const pids: number[] = []
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue
    const pid = Number(entry)
    try {
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === process.pid && cmdline.includes(dataDir)) pids.push(pid)
    } catch { /* gone, or not ours to read */ }
  }
  const exists = (pid: number): boolean => { try { process.kill(pid, 0); return true } catch { return false } }
  for (const pid of pids) {
    try { process.kill(pid, 'SIGTERM') } catch { continue }
    const deadline = Date.now() + STOP_TIMEOUT_MS
    for (let i = 0; i < STOP_TIMEOUT_MS / 100 && exists(pid) && Date.now() < deadline; i++) await sleep(100)
    if (exists(pid)) try { process.kill(pid, 'SIGKILL') } catch { /* gone */ }
  }
}

export async function runProcesses (n: number): Promise<ProcessFigures> {
  const dirs: string[] = []
  /** Every node process started, in any order, for the finally. */
  const started: ChildNode[] = []
  let stopPolling = false
  const loops: Array<Promise<void>> = []
  const priority = getPriority()
  let raisedPriority = false
  try {
    // The first node founds the network; the others bootstrap from it, launched one every
    // START_STAGGER_MS without waiting for each start-up record. One after the other, the last nodes at
    // N = 25 start on cores already saturated by the mesh and can miss spawnNode's 30 s deadline
    // for the record; all at once, the first node refuses some of the simultaneous joins and
    // those nodes stay alone (they do not retry).
    const start = async (i: number, bootstrap?: string): Promise<ChildNode> => {
      const dir = await tempDir('meshnode-bench-gossip-proc-')
      dirs.push(dir)
      const args = ['--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--data', dir]
      if (bootstrap !== undefined) args.push('--bootstrap', bootstrap)
      let node: ChildNode
      try {
        node = await spawnNode(args, { MESHNODE_LOG_LEVEL: 'warn' })
      } catch (err) {
        await stopOrphan(dir)
        throw err
      }
      started.push(node)
      if (node.child.pid === undefined) throw new Error(`node ${i} has no pid`)
      return node
    }
    const t0 = Date.now()
    const first = await start(0)
    const launching: Array<Promise<ChildNode>> = []
    for (let i = 1; i < n; i++) {
      launching.push(start(i, first.joinAddress))
      await sleep(START_STAGGER_MS)
    }
    const others = await Promise.allSettled(launching)
    const failed = others.find(r => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    const nodes = [first, ...others.map(r => r.status === 'fulfilled' ? r.value : first)]
    const startupMs = Date.now() - t0
    // Once the nodes run (a child inherits its parent's nice value), the poller's timestamps are
    // kept accurate on saturated cores by a higher priority for this process, if allowed.
    try {
      setPriority(POLLER_PRIORITY)
      raisedPriority = true
    } catch { /* not permitted: the poller's loop delay shows the cost */ }
    const pids = nodes.map(node => node.child.pid ?? 0)
    const ids = nodes.map(node => node.peerId)
    const index = new Map(ids.map((id, i) => [id, i]))
    const peersUrl = (o: number): string => `${nodes[o]?.apiUrl ?? ''}/v1/network/peers`
    const checkAlive = (): void => {
      const dead = nodes.findIndex(node => !alive(node))
      if (dead >= 0) throw new Error(`node ${dead} exited (code ${nodes[dead]?.child.exitCode}): ${nodes[dead]?.stderr().slice(-500)}`)
    }

    // Wait until every node holds a fresh snapshot of every other; on a saturated machine the
    // mesh may never get there: then the window is measured anyway, and the table says so.
    const t1 = Date.now()
    let missingPairs = n * (n - 1)
    for (let i = 0; i < CONVERGE_DEADLINE_MS / 500 + 10 && Date.now() - t1 < CONVERGE_DEADLINE_MS; i++) {
      checkAlive()
      const bodies = await Promise.all(nodes.map(async (_, o) => await getBody<PeersBody>(peersUrl(o)).catch(() => undefined)))
      missingPairs = 0
      bodies.forEach((r, o) => {
        const fresh = new Set((r?.body.peers ?? []).filter(p => p.last_snapshot_age_ms < FRESH_MS).map(p => p.peer_id))
        for (const id of ids) if (id !== ids[o] && !fresh.has(id)) missingPairs++
      })
      if (missingPairs === 0) break
      await sleep(500)
    }
    const convergeMs = missingPairs === 0 ? Date.now() - t1 : Number.NaN

    const readCpu = async (): Promise<number> => (await Promise.all(pids.map(procCpuSeconds))).reduce((s, c) => s + c, 0)
    const readRss = async (): Promise<{ rss: number, hwm: number }> => (await Promise.all(pids.map(procMemory)))
      .reduce((s, m) => ({ rss: s.rss + m.rss, hwm: s.hwm + m.hwm }), { rss: 0, hwm: 0 })
    const readPss = async (): Promise<number> => (await Promise.all(pids.map(procPss))).reduce((s, m) => s + m, 0)
    // The settle: the nodes' CPU without any polling, against which the window's includes the polls' cost.
    const idleCpu0 = await readCpu()
    const idleWall0 = performance.now()
    await sleep(SETTLE_MS)
    const idleCpuCores = (await readCpu() - idleCpu0) / ((performance.now() - idleWall0) / 1000)
    checkAlive()

    // What the polls see.
    const seen = new Map<string, Seen>()
    const incarnation = new Map<number, number>()
    /** latest[o][a]: the highest seq of author a observer o was seen holding. */
    const latest = nodes.map(() => new Array<number>(n).fill(0))
    let restarted = ''
    const record = (o: number, peers: PeerView[], at: number): void => {
      for (const p of peers) {
        const a = index.get(p.peer_id)
        const s = p.snapshot
        if (a === undefined || a === o || typeof s?.seq !== 'number' || typeof p.last_snapshot_age_ms !== 'number') continue
        const inc = incarnation.get(a)
        if (inc === undefined) incarnation.set(a, s.incarnation)
        else if (inc !== s.incarnation) restarted ||= `node ${a} changed incarnation (${inc} -> ${s.incarnation})`
        const row = latest[o]
        if (row !== undefined && s.seq > (row[a] ?? 0)) row[a] = s.seq
        const k = `${a}|${s.seq}`
        let e = seen.get(k)
        if (e === undefined) {
          const loop = p.metrics?.event_loop_delay_ms
          e = { author: a, seq: s.seq, time: Date.parse(s.time), at: new Map(), loopP50: loop?.p50 ?? Number.NaN, loopP99: loop?.p99 ?? Number.NaN }
          seen.set(k, e)
        }
        const receivedAt = at - p.last_snapshot_age_ms
        const prev = e.at.get(o)
        if (prev === undefined || receivedAt < prev) e.at.set(o, receivedAt)
      }
    }

    // The window starts: each author's last seq, the nodes' counters, CPU and memory.
    // A node too busy to answer leaves its bound undefined (see the fallback after the drain).
    const readSeqs = async (): Promise<Array<number | undefined>> => await Promise.all(nodes.map(async node =>
      await getBody<SystemStatusBody>(`${node.apiUrl}/v1/system/status`, CONTROL_TIMEOUT_MS)
        .then(r => r.body.components.telemetry.last_seq, () => undefined)))
    const readCounters = async (): Promise<Array<Counters | undefined>> =>
      await Promise.all(nodes.map(async node => await telemetryCounters(node.apiUrl).catch(() => undefined)))

    const windowStartAt = Date.now()
    const [fromRead, counters0] = await Promise.all([readSeqs(), readCounters()])
    const rssStart = (await readRss()).rss
    const pssStart = await readPss()
    let rssPeak = rssStart
    const cpu0 = await readCpu()
    const pollerCpu0 = process.cpuUsage()
    const wall0 = performance.now()
    const pollerLoop = monitorEventLoopDelay({ resolution: 10 })
    pollerLoop.enable()

    // Polling: one loop per node, staggered across the gap; bounded by count and by the stop flag.
    const gaps: number[] = []
    const rtts: number[] = []
    let polls = 0
    const pollsOk = new Array<number>(n).fill(0)
    let pollErrors = 0
    let firstPollError = ''
    const maxPolls = Math.ceil((PROCESS_WINDOW_MS + DRAIN_MS + 60_000) / POLL_GAP_MS)
    const pollLoop = async (o: number): Promise<void> => {
      let next = performance.now() + (o * POLL_GAP_MS) / n
      let last: number | undefined
      for (let k = 0; k < maxPolls && !stopPolling; k++) {
        const wait = next - performance.now()
        if (wait > 0) await sleep(wait)
        if (stopPolling) break
        try {
          const r = await getBody<PeersBody>(peersUrl(o))
          const now = performance.now()
          if (last !== undefined) gaps.push(now - last)
          last = now
          rtts.push(r.at - r.sentAt)
          polls++
          pollsOk[o] = (pollsOk[o] ?? 0) + 1
          record(o, r.body.peers ?? [], r.at)
        } catch (err) {
          pollErrors++
          firstPollError ||= err instanceof Error ? err.message : String(err)
        }
        next = Math.max(next + POLL_GAP_MS, performance.now())
      }
    }
    for (let o = 0; o < n; o++) loops.push(pollLoop(o))

    const windowEnd = Date.now() + PROCESS_WINDOW_MS
    let lastRss = Date.now()
    for (let i = 0; i < PROCESS_WINDOW_MS / 1000 + 10 && Date.now() < windowEnd; i++) {
      await sleep(Math.max(0, Math.min(1_000, windowEnd - Date.now())))
      checkAlive()
      if (Date.now() - lastRss >= RSS_SAMPLE_EVERY_MS) {
        rssPeak = Math.max(rssPeak, (await readRss()).rss)
        lastRss = Date.now()
      }
    }
    // The window ends.
    const cpu1 = await readCpu()
    const wallMs = performance.now() - wall0
    const pollerCpu = process.cpuUsage(pollerCpu0)
    const windowEndAt = Date.now()
    const [toRead, counters1] = await Promise.all([readSeqs(), readCounters()])
    const mem = await readRss()
    const pssEnd = await readPss()
    rssPeak = Math.max(rssPeak, mem.rss)

    // Drain: until every observer holds every author's last window seq (or newer).
    const settled = (): boolean => latest.every((row, o) => row.every((seq, a) => a === o || seq >= (toRead[a] ?? 0)))
    const drainEnd = Date.now() + DRAIN_MS
    for (let i = 0; i < DRAIN_MS / 100 + 10 && Date.now() < drainEnd && !settled(); i++) await sleep(100)
    stopPolling = true
    await Promise.all(loops)
    pollerLoop.disable()
    checkAlive()
    if (restarted !== '') throw new Error(restarted)

    const net = (await Promise.allSettled(nodes.map(async node =>
      (await getBody<NetworkStatusBody>(`${node.apiUrl}/v1/network/status`, CONTROL_TIMEOUT_MS)).body)))
      .flatMap(r => r.status === 'fulfilled' ? [r.value] : [])

    // The window's snapshots, per author: seq in (from, to], the author's own last_seq at the
    // window's start and end; for an author that did not answer, the last seq anyone was seen
    // holding that it published before that moment.
    const lastBefore = (a: number, limit: number): number | undefined => {
      let best: number | undefined
      for (const e of seen.values()) if (e.author === a && e.time <= limit && (best === undefined || e.seq > best)) best = e.seq
      return best
    }
    const from = fromRead.map((seq, a) => seq ?? lastBefore(a, windowStartAt) ?? 0)
    const to = toRead.map((seq, a) => seq ?? lastBefore(a, windowEndAt) ?? (from[a] ?? 0))
    const boundsFromPolls = fromRead.filter(x => x === undefined).length + toRead.filter(x => x === undefined).length
    const windowSeqs = (a: number): number[] => Array.from({ length: Math.max(0, (to[a] ?? 0) - (from[a] ?? 0)) }, (_, i) => (from[a] ?? 0) + 1 + i)
    // A node never seen holding a window snapshot (its API never answered, or it held none), or
    // whose window snapshots nobody was seen holding, is left out of the second set of figures.
    const heard = new Set<number>()
    const wasHeard = new Set<number>()
    for (let a = 0; a < n; a++) {
      for (const seq of windowSeqs(a)) {
        for (const o of seen.get(`${a}|${seq}`)?.at.keys() ?? []) {
          heard.add(o)
          wasHeard.add(a)
        }
      }
    }
    const leftOut = nodes.map((_, i) => i).filter(i => !heard.has(i) || !wasHeard.has(i)).map(i => {
      const why: string[] = []
      if (!heard.has(i)) why.push((pollsOk[i] ?? 0) === 0 ? 'its API never answered a poll' : `held no window snapshot in ${pollsOk[i]} polls`)
      if (!wasHeard.has(i)) why.push('nobody held its snapshots')
      return { node: i, why: why.join(', ') }
    })
    const isolated = leftOut.map(l => l.node)
    const figures = (members: number[]): WindowFigures => {
      const convergence: number[] = []
      const receipt: number[] = []
      const f = { published: 0, missed: 0, missedBy: 0, missedSuperseded: 0, missedNever: 0 }
      for (const a of members) {
        for (const seq of windowSeqs(a)) {
          f.published++
          const e = seen.get(`${a}|${seq}`)
          const ats: number[] = []
          for (const o of members) {
            if (o === a) continue
            const at = e?.at.get(o)
            if (at !== undefined && e !== undefined) {
              ats.push(at)
              receipt.push(at - e.time)
            } else if ((latest[o]?.[a] ?? 0) > seq) {
              f.missedSuperseded++
            } else {
              f.missedNever++
            }
          }
          if (e === undefined || ats.length < members.length - 1) {
            f.missed++
            f.missedBy += members.length - 1 - ats.length
          } else {
            convergence.push(Math.max(...ats) - e.time)
          }
        }
      }
      return { nodes: members.length, ...f, converged: summarize(convergence), receipt: summarize(receipt) }
    }
    const everyone = nodes.map((_, i) => i)
    const all = figures(everyone)
    const joined = isolated.length === 0 ? undefined : figures(everyone.filter(i => !isolated.includes(i)))
    const loopP50: number[] = []
    const loopP99: number[] = []
    for (let a = 0; a < n; a++) {
      for (const seq of windowSeqs(a)) {
        const e = seen.get(`${a}|${seq}`)
        if (e !== undefined && Number.isFinite(e.loopP50)) loopP50.push(e.loopP50)
        if (e !== undefined && Number.isFinite(e.loopP99)) loopP99.push(e.loopP99)
      }
    }
    // Receipts the nodes applied between their two counter reads, against those the polls saw in
    // the same span: over the observers whose /metrics answered both times.
    const counted = everyone.filter(o => counters0[o] !== undefined && counters1[o] !== undefined)
    let polledApplied = 0
    let appliedReceipts = 0
    let rejectedReceipts = 0
    let expectedReceipts = 0
    for (const o of counted) {
      const c0 = counters0[o]
      const c1 = counters1[o]
      if (c0 === undefined || c1 === undefined) continue
      appliedReceipts += c1.received - c0.received
      rejectedReceipts += c1.rejected - c0.rejected
      for (let a = 0; a < n; a++) if (a !== o) expectedReceipts += windowSeqs(a).length
      for (const e of seen.values()) {
        const at = e.at.get(o)
        if (e.author !== o && at !== undefined && at > c0.at && at <= c1.at) polledApplied++
      }
    }
    const logs = nodes.flatMap(node => node.stderr().split('\n').filter(l => l.trim() !== ''))
    const cores = availableParallelism()
    const gapSummary = summarize(gaps)
    const nodeCores = (cpu1 - cpu0) / (wallMs / 1000)
    return {
      n,
      startupMs,
      convergeMs,
      unformedPairs: missingPairs,
      all,
      joined,
      leftOut,
      leftOutLog: isolated.map(i => nodes[i]?.stderr().split('\n').find(l => l.trim() !== '')?.slice(0, 300) ?? '').find(l => l !== '') ?? '',
      boundsFromPolls,
      countersFrom: counted.length,
      expectedReceipts,
      appliedReceipts,
      rejectedReceipts,
      polledApplied,
      polls,
      pollErrors,
      firstPollError,
      meanPollGapMs: gapSummary.mean,
      p99PollGapMs: gapSummary.p99,
      maxPollGapMs: gapSummary.max,
      pollRtt: summarize(rtts),
      nodeLoopP50Ms: median(loopP50),
      nodeLoopP99Ms: median(loopP99),
      nodeLoopMaxP99Ms: loopP99.length === 0 ? Number.NaN : Math.max(...loopP99),
      cpuShare: nodeCores / cores,
      idleCpuShare: idleCpuCores / cores,
      cpuCoresPerNode: nodeCores / n,
      pollerCpuShare: (pollerCpu.user + pollerCpu.system) / 1000 / wallMs,
      pollerLoopP99Ms: pollerLoop.percentile(99) / 1e6,
      pollerNice: raisedPriority ? POLLER_PRIORITY : priority,
      rssStart,
      rssPeak,
      rssEnd: mem.rss,
      hwmSum: mem.hwm,
      pssStart,
      pssEnd,
      statusAnswered: net.length,
      connections: net.reduce((s, b) => s + b.connected_peers, 0) / net.length,
      meshPeers: net.reduce((s, b) => s + (b.gossip.find(t => t.topic.includes('/telemetry/'))?.mesh_peers ?? 0), 0) / net.length,
      logLines: logs.length,
      firstLogLine: logs[0]?.slice(0, 300) ?? ''
    }
  } finally {
    stopPolling = true
    await Promise.allSettled(loops)
    if (raisedPriority) try { setPriority(priority) } catch { /* stays raised until exit */ }
    const codes = await Promise.allSettled(started.map(async node => await stopChild(node, STOP_TIMEOUT_MS)))
    const badExits = codes.filter(c => c.status === 'rejected' || c.value !== 0).length
    if (badExits > 0) console.log(`  note: ${badExits} of ${started.length} node processes did not exit with code 0 on SIGTERM`)
    await Promise.allSettled(dirs.map(removeDir))
  }
}

/** Prints the multi-process tables. */
export function printProcesses (results: ProcessFigures[]): void {
  console.log('convergence: time from publication (snapshot.time) until the LAST of the N-1 other nodes holds the snapshot; ' +
    'receivedAt ≈ response moment − last_snapshot_age_ms (an upper bound: late by at most the poll round trip)')
  const rows: string[][] = []
  for (const r of results) {
    const kinds: Array<[string, WindowFigures]> = [[`all ${r.n}`, r.all]]
    if (r.joined !== undefined) kinds.push([`${r.joined.nodes} (${r.leftOut.length} left out)`, r.joined])
    for (const [who, f] of kinds) {
      rows.push([String(r.n), who, Number.isFinite(r.convergeMs) ? `${fmtNum(r.convergeMs / 1000, 1)} s` : `no (${r.unformedPairs} stale)`,
        String(f.published), String(f.converged.count), `${f.missed} (${f.missedBy})`,
        fmtMs(f.converged.p50), fmtMs(f.converged.p99), fmtMs(f.converged.max),
        fmtMs(f.receipt.p50), fmtMs(f.receipt.p99), fmtMs(f.receipt.max)])
    }
  }
  console.log(table(
    ['N', 'nodes', 'mesh formed', 'published', 'converged', 'not seen (receipts)', 'p50', 'p99', 'max', 'receipt p50', 'receipt p99', 'receipt max'],
    rows
  ))
  console.log(`"mesh formed": time until every node held a snapshot younger than ${FRESH_MS / 1000} s of every other, or "no" with the stale (observer, ` +
    `author) pairs left at the ${CONVERGE_DEADLINE_MS / 1000} s deadline (the window is measured anyway). ` +
    '"not seen": window snapshots some observer was never ' +
    'seen holding (missing receipts in brackets); convergence percentiles are over the snapshots every observer was seen holding, ' +
    'receipt percentiles over every (observer, snapshot) seen. "left out": nodes never seen holding a window snapshot (an API that ' +
    'never answered, or a node cut off), or whose own snapshots nobody was seen holding; listed below.')
  console.log(table(
    ['N', 'receipts expected', 'applied (node counters)', 'rejected', 'seen by polls', 'skipped by polling', 'not seen: newer seq later', 'not seen: never'],
    results.map(r => [String(r.n), String(r.expectedReceipts), String(r.appliedReceipts), String(r.rejectedReceipts),
      String(r.polledApplied), String(r.appliedReceipts - r.polledApplied), String(r.all.missedSuperseded), String(r.all.missedNever)])
  ))
  console.log('"applied" is the growth of the nodes\' meshnode_gossip_messages_total{outcome="received"} telemetry counters over ' +
    'the window; "skipped by polling" = applied − seen by polls in the same span: snapshots a node did apply but that a newer ' +
    'one replaced between two polls (not a mesh fault). expected − applied (± the few in flight at the window\'s edges) is what ' +
    'the mesh did not deliver; "rejected" counts late or out-of-order copies the validators refused.')
  console.log()
  console.log('the node processes during each window:')
  console.log(table(
    ['N', 'node CPU (machine)', 'same, not polled', 'CPU/node (1 core)', 'node loop p50', 'node loop p99', 'max loop p99', 'RSS sum start', 'RSS sum peak', 'RSS sum end', 'VmHWM sum', 'PSS sum start', 'PSS sum end', 'conns/node', 'gossip mesh/node'],
    results.map(r => [String(r.n), fmtPct(r.cpuShare), fmtPct(r.idleCpuShare), fmtPct(r.cpuCoresPerNode),
      fmtMs(r.nodeLoopP50Ms), fmtMs(r.nodeLoopP99Ms), fmtMs(r.nodeLoopMaxP99Ms),
      fmtMb(r.rssStart), fmtMb(r.rssPeak), fmtMb(r.rssEnd), fmtMb(r.hwmSum), fmtMb(r.pssStart), fmtMb(r.pssEnd), fmtNum(r.connections, 1), fmtNum(r.meshPeers, 1)])
  ))
  console.log(`node CPU is the sum of utime+stime (/proc/<pid>/stat) of the N node processes over the window, as a share of all ${availableParallelism()} cores ` +
    `(100 % = the machine); it includes answering the polls. "not polled" is the same over the ${SETTLE_MS / 1000} s before the window, without polls. ` +
    'Node loop delay is what each node reports in its own snapshots (per interval): median p50, median p99 and the largest p99 over ' +
    'the window\'s snapshots. RSS is the sum of the N processes\' VmRSS (peak: sampled every 5 s); VmHWM is the sum of their own peaks; ' +
    'both count the pages the processes share (the node binary) N times, PSS (/proc/<pid>/smaps_rollup) splits them among them. ' +
    'conns and gossip mesh: means over the nodes whose /v1/network/status answered after the window.')
  console.log('the poller (this process):')
  console.log(table(
    ['N', 'polls', 'errors', 'mean poll gap/node', 'p99 gap', 'max gap', 'poll RTT p50', 'poll RTT p99', 'poller CPU (1 core)', 'poller loop p99', 'poller nice', 'node log lines'],
    results.map(r => [String(r.n), String(r.polls), String(r.pollErrors), fmtMs(r.meanPollGapMs), fmtMs(r.p99PollGapMs), fmtMs(r.maxPollGapMs),
      fmtMs(r.pollRtt.p50), fmtMs(r.pollRtt.p99), fmtPct(r.pollerCpuShare), fmtMs(r.pollerLoopP99Ms), String(r.pollerNice), String(r.logLines)])
  ))
  for (const r of results) {
    if (r.boundsFromPolls > 0) console.log(`N=${r.n}: ${r.boundsFromPolls} window bounds (an author's last_seq at the start or end) came from the polls: the author's API did not answer within ${CONTROL_TIMEOUT_MS / 1000} s`)
    if (r.countersFrom < r.n) console.log(`N=${r.n}: the counters are those of the ${r.countersFrom} nodes whose /metrics answered at both ends of the window`)
    if (r.statusAnswered < r.n) console.log(`N=${r.n}: ${r.n - r.statusAnswered} nodes did not answer /v1/network/status after the window`)
    if (r.leftOut.length > 0) {
      console.log(`N=${r.n}: left out (by start order, 0 = the bootstrap node): ${r.leftOut.map(l => `${l.node} (${l.why})`).join('; ')}` +
        (r.leftOutLog === '' ? '' : `; the first log line of one: ${r.leftOutLog}`))
    }
    if (r.pollErrors > 0) console.log(`N=${r.n}: first poll error: ${r.firstPollError}`)
    if (r.logLines > 0) console.log(`N=${r.n}: ${r.logLines} warn+ log lines from the nodes; the first: ${r.firstLogLine}`)
  }
}
