/**
 * Gossip convergence: N nodes in this process (the first founds a dev network, the others
 * bootstrap from it). Once every node holds a fresh snapshot of every other, every node's
 * peer table is polled for a fixed window. For each snapshot an author published in the
 * window, the convergence time is the time from its publication (snapshot.time) to its
 * receipt by the LAST of the N-1 other nodes (max receivedAt). One process, one clock, so
 * the two times are directly comparable.
 *
 * A peer table holds only each author's latest snapshot, so a poll misses a snapshot that was
 * replaced before it looked; when N nodes saturate the event loop, polls come late and miss
 * many. So each node's peer table is also wrapped (a private field: bench-only, best effort)
 * to record every snapshot it applies, with the same receivedAt. The figures use every
 * receipt; the poll-only figures are shown next to them.
 *
 * At N = 25 one event loop saturates, so that figure measures the process more than gossip.
 * A second mode (bench/gossip-processes.ts) runs each node as its own child process, as
 * deployed, and observes them through their APIs; the target is judged on that mode.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { RunningNode } from '../src/launch.ts'
import type { TelemetrySnapshot } from '../src/telemetry/snapshot.ts'
import { removeDir, startNode, tempDir } from '../test/helpers/nodes.ts'
import { fmtMb, fmtMs, fmtNum, fmtPct, sleep, summarize, table, verdict, type BenchOutcome, type Summary } from './stats.ts'
import { CONVERGE_DEADLINE_MS as PROCESS_CONVERGE_DEADLINE_MS, POLL_GAP_MS, PROCESS_WINDOW_MS, printProcesses, runProcesses, type ProcessFigures } from './gossip-processes.ts'

const SIZES = [10, 25]
const TARGET_N = 25
const TARGET_P99_MS = 250
const CONVERGE_DEADLINE_MS = 60_000
/** A snapshot younger than this counts as fresh while waiting for the mesh to form. */
const FRESH_MS = 2_000
const WINDOW_MS = 60_000
const POLL_MS = 20
const MAX_POLLS = Math.ceil(WINDOW_MS / POLL_MS) + 10
/** After the window, polling goes on until every window snapshot is settled, at most this long. */
const DRAIN_MS = 5_000

interface Seen {
  time: number
  /** Observer index -> receivedAt, from the poll or the hook. */
  receipts: Map<number, number>
  /** Observers whose poll saw it. */
  polled: Set<number>
}

interface Figures {
  converged: Summary
  receipt: Summary
  missed: number
  missedBy: number
}

type ApplySnapshot = (peerId: string, snapshot: TelemetrySnapshot, at: number, connected: boolean) => void

/** Calls `onApply` after each snapshot the node's peer table applies; false if it cannot. */
function hookPeerTable (node: RunningNode, onApply: (peerId: string, snapshot: TelemetrySnapshot, at: number) => void): boolean {
  const peerTable = (node.mesh as unknown as { peerTable?: { applySnapshot?: ApplySnapshot } }).peerTable
  const original = peerTable?.applySnapshot
  if (peerTable === undefined || typeof original !== 'function') return false
  peerTable.applySnapshot = (peerId, snapshot, at, connected) => {
    original.call(peerTable, peerId, snapshot, at, connected)
    onApply(peerId, snapshot, at)
  }
  return true
}

interface SizeResult {
  n: number
  startupMs: number
  convergeMs: number
  published: number
  hooked: boolean
  all: Figures
  pollOnly: Figures
  polls: number
  pollIntervalMs: number
  maxPollGapMs: number
  loopDelayP50Ms: number
  loopDelayP99Ms: number
  cpuShare: number
  rssStart: number
  rssPeak: number
  rssEnd: number
  connections: number
  meshPeers: number
}

const key = (author: string, incarnation: number, seq: number): string => `${author}|${incarnation}|${seq}`

async function runSize (n: number): Promise<SizeResult> {
  const dirs: string[] = []
  const nodes: RunningNode[] = []
  try {
    const t0 = Date.now()
    for (let i = 0; i < n; i++) {
      const dir = await tempDir('meshnode-bench-gossip-')
      dirs.push(dir)
      const first = nodes[0]
      const bootstrap = first?.mesh.network.listenAddresses()[0]
      if (first !== undefined && bootstrap === undefined) throw new Error('the first node has no listen address')
      nodes.push(await startNode(dir, bootstrap === undefined ? {} : { bootstrap: [bootstrap] }))
    }
    const startupMs = Date.now() - t0
    const ids = nodes.map(node => node.mesh.peerId.toString())
    const index = new Map(ids.map((id, i) => [id, i]))

    // Wait until every node holds a fresh snapshot of every other.
    const t1 = Date.now()
    let missingPairs = n * (n - 1)
    while (Date.now() - t1 < CONVERGE_DEADLINE_MS) {
      const now = Date.now()
      missingPairs = 0
      for (const node of nodes) {
        const fresh = new Set(node.mesh.peerTable.list(node.mesh.clock.now()).filter(p => now - p.receivedAt < FRESH_MS).map(p => p.peerId))
        for (const id of ids) if (id !== node.mesh.peerId.toString() && !fresh.has(id)) missingPairs++
      }
      if (missingPairs === 0) break
      await sleep(200)
    }
    if (missingPairs > 0) {
      throw new Error(`N=${n}: after ${CONVERGE_DEADLINE_MS / 1000} s, ${missingPairs} of ${n * (n - 1)} (observer, author) pairs still had no fresh snapshot`)
    }
    const convergeMs = Date.now() - t1

    // The window: what each author publishes after `from` and up to `to` is measured.
    const seen = new Map<string, Seen>()
    const record = (observer: number, peerId: string, snapshot: TelemetrySnapshot, at: number, polled: boolean): void => {
      if (!index.has(peerId)) return
      const k = key(peerId, snapshot.incarnation, snapshot.seq)
      let s = seen.get(k)
      if (s === undefined) {
        s = { time: snapshot.time, receipts: new Map(), polled: new Set() }
        seen.set(k, s)
      }
      if (!s.receipts.has(observer)) s.receipts.set(observer, at)
      if (polled) s.polled.add(observer)
    }
    const hooked = nodes.map((node, o) => hookPeerTable(node, (peerId, snapshot, at) => record(o, peerId, snapshot, at, false)))
      .every(Boolean)
    const from = nodes.map(node => node.mesh.built?.telemetry.published)
    const poll = (): void => {
      for (let o = 0; o < n; o++) {
        const held = nodes[o]?.mesh
        for (const p of held?.peerTable.list(held.clock.now()) ?? []) record(o, p.peerId, p.snapshot, p.receivedAt, true)
      }
    }
    const cpu0 = process.cpuUsage()
    const wall0 = performance.now()
    const rssStart = process.memoryUsage.rss()
    let rssPeak = rssStart
    const loopDelay = monitorEventLoopDelay({ resolution: 10 })
    loopDelay.enable()
    let polls = 0
    let maxPollGapMs = 0
    let lastPoll = performance.now()
    const windowEnd = Date.now() + WINDOW_MS
    for (; polls < MAX_POLLS && Date.now() < windowEnd; polls++) {
      poll()
      const now = performance.now()
      if (polls > 0) maxPollGapMs = Math.max(maxPollGapMs, now - lastPoll)
      lastPoll = now
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss())
      await sleep(POLL_MS)
    }
    loopDelay.disable()
    const wallMs = performance.now() - wall0
    const cpu = process.cpuUsage(cpu0)
    const rssEnd = process.memoryUsage.rss()
    const to = nodes.map(node => node.mesh.built?.telemetry.published)

    // The window's snapshots, per author: seq in (from.seq, to.seq] of one incarnation.
    const windowKeys: string[][] = ids.map((id, a) => {
      const f = from[a]
      const t = to[a]
      if (f === undefined || t === undefined || f.incarnation !== t.incarnation) throw new Error(`node ${a} restarted or never published during the window`)
      const keys: string[] = []
      for (let seq = f.seq + 1; seq <= t.seq; seq++) keys.push(key(id, t.incarnation, seq))
      return keys
    })
    // Settled: every window snapshot reached every observer, or every observer holds each
    // author's last window snapshot or a newer one, so that a gap left now is never filled.
    const holdsLast = (node: RunningNode): boolean => {
      const held = node.mesh.peerTable.list(node.mesh.clock.now())
      return held.length >= n - 1 && held.every(p => {
        const a = index.get(p.peerId)
        const t = a === undefined ? undefined : to[a]
        return t === undefined || p.snapshot.incarnation > t.incarnation || (p.snapshot.incarnation === t.incarnation && p.snapshot.seq >= t.seq)
      })
    }
    const settled = (): boolean =>
      windowKeys.every(keys => keys.every(k => (seen.get(k)?.receipts.size ?? 0) === n - 1)) || nodes.every(holdsLast)
    const drainEnd = Date.now() + DRAIN_MS
    for (let i = 0; i < DRAIN_MS / POLL_MS && Date.now() < drainEnd; i++) {
      poll()
      if (settled()) break
      await sleep(POLL_MS)
    }
    poll()

    const figures = (pollOnly: boolean): Figures => {
      const convergence: number[] = []
      const receipt: number[] = []
      let missed = 0
      let missedBy = 0
      for (const k of windowKeys.flat()) {
        const s = seen.get(k)
        const receipts = s === undefined ? [] : [...s.receipts].filter(([o]) => !pollOnly || s.polled.has(o)).map(([, at]) => at)
        if (s !== undefined) for (const at of receipts) receipt.push(at - s.time)
        if (s === undefined || receipts.length < n - 1) {
          missed++
          missedBy += n - 1 - receipts.length
          continue
        }
        convergence.push(Math.max(...receipts) - s.time)
      }
      return { converged: summarize(convergence), receipt: summarize(receipt), missed, missedBy }
    }
    const topic = (node: RunningNode): number =>
      node.mesh.network.gossipTopics().find(t => t.topic === node.mesh.protocols.topics.telemetry)?.meshPeers ?? 0
    return {
      n,
      startupMs,
      convergeMs,
      published: windowKeys.flat().length,
      hooked,
      all: figures(false),
      pollOnly: figures(true),
      polls,
      pollIntervalMs: wallMs / Math.max(1, polls),
      maxPollGapMs,
      loopDelayP50Ms: loopDelay.percentile(50) / 1e6,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      cpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
      rssStart,
      rssPeak,
      rssEnd,
      connections: nodes.reduce((s, node) => s + node.mesh.network.connectedPeers().length, 0) / n,
      meshPeers: nodes.reduce((s, node) => s + topic(node), 0) / n
    }
  } finally {
    await Promise.allSettled(nodes.map(async node => { await node.stop() }))
    await Promise.allSettled(dirs.map(removeDir))
  }
}

export async function runGossipConvergence (): Promise<BenchOutcome> {
  console.log(`\n== gossip: telemetry convergence, N nodes in this process, ${WINDOW_MS / 1000} s window per N, peer tables polled every ${POLL_MS} ms ==`)
  const results: SizeResult[] = []
  for (const n of SIZES) {
    const r = await runSize(n)
    results.push(r)
    console.log(`  N=${n}: ${n} nodes started in ${fmtNum(r.startupMs / 1000, 1)} s; every node held a fresh snapshot of every other after ${fmtNum(r.convergeMs / 1000, 1)} s`)
  }
  console.log()
  console.log('convergence: time from publication (snapshot.time) until the LAST of the N-1 other nodes holds the snapshot (max receivedAt)')
  const rows: string[][] = []
  for (const r of results) {
    const kinds: Array<[string, Figures]> = r.hooked ? [['all receipts', r.all], ['poll only', r.pollOnly]] : [['poll only', r.pollOnly]]
    for (const [how, f] of kinds) {
      rows.push([String(r.n), how, String(f.converged.count), `${f.missed} (${f.missedBy})`,
        fmtMs(f.converged.p50), fmtMs(f.converged.p99), fmtMs(f.converged.max),
        fmtMs(f.receipt.p50), fmtMs(f.receipt.p99), fmtMs(f.receipt.max)])
    }
  }
  console.log(table(
    ['N', 'observed by', 'converged', 'missed (receipts)', 'p50', 'p99', 'max', 'receipt p50', 'receipt p99', 'receipt max'],
    rows
  ))
  console.log(`published in the window: ${results.map(r => `N=${r.n}: ${r.published}`).join(', ')}. "receipt" is every single ` +
    '(observer, snapshot) delay. "missed" counts window snapshots that some observer never held, with the missing receipts in ' +
    'brackets: with every receipt, a seq the node skipped because a newer one arrived first (or that never came); poll only ' +
    'also counts the ones replaced between two polls. Convergence percentiles are over the snapshots every observer held.')
  for (const r of results) if (!r.hooked) console.log(`N=${r.n}: the peer tables could not be hooked; the figures are from polling alone`)
  console.log()
  console.log('the process during each window (all N nodes, the poller, one event loop):')
  console.log(table(
    ['N', 'CPU (1 core)', 'loop delay p50', 'loop delay p99', 'polls', 'mean poll gap', 'max poll gap', 'conns/node', 'gossip mesh/node', 'RSS start', 'RSS peak', 'RSS end'],
    results.map(r => [
      String(r.n), fmtPct(r.cpuShare), fmtMs(r.loopDelayP50Ms), fmtMs(r.loopDelayP99Ms),
      String(r.polls), fmtMs(r.pollIntervalMs), fmtMs(r.maxPollGapMs),
      fmtNum(r.connections, 1), fmtNum(r.meshPeers, 1), fmtMb(r.rssStart), fmtMb(r.rssPeak), fmtMb(r.rssEnd)
    ])
  ))
  const target = results.find(r => r.n === TARGET_N)
  // Every receipt when the hook worked (the poll-only figure loses the slowest snapshots).
  const figures = target === undefined ? undefined : target.hooked ? target.all : target.pollOnly
  const p99 = figures?.converged.p99 ?? Number.NaN
  console.log(`single process, for reference (the target is judged on the multi-process mode below): convergence p99 at N=${TARGET_N}: ${fmtMs(p99)}`)
  console.log(`note: all N nodes share one process (one event loop) and this machine's 2 cores, so these times are pessimistic ` +
    'against N separate machines: a busy event loop delays every receipt (see loop delay). CPU is this process\'s share of one ' +
    'core (GC and crypto threads can take it past 100 %); RSS grows with uncollected garbage, not only live data.')

  console.log(`\n== gossip: telemetry convergence, one child process per node (meshnode start), ${PROCESS_WINDOW_MS / 1000} s window per N, ` +
    `each node's /v1/network/peers polled every ${POLL_GAP_MS} ms ==`)
  const processResults: ProcessFigures[] = []
  const failures = new Map<number, string>()
  for (const n of SIZES) {
    try {
      const r = await runProcesses(n)
      processResults.push(r)
      console.log(`  N=${n}: ${n} processes started in ${fmtNum(r.startupMs / 1000, 1)} s; ` + (Number.isFinite(r.convergeMs)
        ? `every node held a fresh snapshot of every other after ${fmtNum(r.convergeMs / 1000, 1)} s`
        : `after ${PROCESS_CONVERGE_DEADLINE_MS / 1000} s, ${r.unformedPairs} of ${n * (n - 1)} (observer, author) pairs still had no fresh snapshot; measuring anyway`))
    } catch (err) {
      // The other sizes still run and print; a failed target size fails the benchmark below.
      failures.set(n, err instanceof Error ? err.message : String(err))
      console.log(`  N=${n}: FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    }
  }
  console.log()
  if (processResults.length > 0) printProcesses(processResults)
  const targetProc = processResults.find(r => r.n === TARGET_N)
  if (targetProc === undefined) throw new Error(`the multi-process run at N=${TARGET_N} failed: ${failures.get(TARGET_N) ?? 'not run'}`)
  const p99Proc = targetProc.all.converged.p99
  const pass = p99Proc < TARGET_P99_MS
  console.log(`target (judged on the multi-process mode: one process per node, as deployed): convergence p99 < ${TARGET_P99_MS} ms ` +
    `at N=${TARGET_N}: ${fmtMs(p99Proc)}   ${verdict(pass)}   (single process, not judged: ${fmtMs(p99)})`)
  if (targetProc.all.converged.count === 0) console.log(`  (no window snapshot was seen held by all ${TARGET_N - 1} other nodes: no percentile, a MISS)`)
  if (targetProc.cpuShare > 0.9) {
    console.log(`  (the ${TARGET_N} node processes used ${fmtPct(targetProc.cpuShare)} of the machine during the window, ` +
      `${fmtPct(targetProc.idleCpuShare)} before it without polls: the cores are saturated, so delays queue up in every node)`)
  }
  if (targetProc.joined !== undefined) {
    console.log(`  (N=${TARGET_N}: ${targetProc.leftOut.length} nodes left out (see above); without them, over ${targetProc.joined.nodes} nodes: ` +
      `p99 ${fmtMs(targetProc.joined.converged.p99)}, not judged)`)
  }
  if (!Number.isFinite(targetProc.convergeMs)) console.log(`  (at N=${TARGET_N} the mesh never had every pair fresh before the window)`)
  console.log('note: the N processes still share this machine\'s 2 cores (and the poller runs beside them), so this too is ' +
    'pessimistic against N machines; its delays are upper bounds (see the receivedAt estimate above).')
  return {
    name: 'gossip',
    target: `p99 < ${TARGET_P99_MS} ms at N=${TARGET_N} (process per node)`,
    pass,
    measured: `p99 ${fmtMs(p99Proc)} (${targetProc.all.missed} of ${targetProc.all.published} not seen by every observer; ` +
      `nodes used ${fmtPct(targetProc.cpuShare)} of the machine); single process p99 ${fmtMs(p99)}`
  }
}
