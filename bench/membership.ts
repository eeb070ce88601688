/**
 * Membership on live nodes, one process per node (see cluster.ts): how long until every other
 * node sees a change. Each round SIGKILLs one node (crash -> `down` everywhere), restarts it
 * (its return -> `healthy` everywhere: a membership change), then SIGTERMs it (a graceful stop
 * -> `left` everywhere) and restarts it again. Observers are polled through their API every
 * POLL_MS, so each time is late by up to a poll and an API round trip. N from
 * MESHNODE_BENCH_N (default 25, the size).
 */
import { spawnNode, stopChild, type ChildNode } from '../test/helpers/nodes.ts'
import { nodeArgs, startCluster, stateOn, stopCluster } from './cluster.ts'
import { fmtMs, percentile, table, verdict, type BenchOutcome } from './stats.ts'

const N = Number(process.env.MESHNODE_BENCH_N ?? 25)
const ROUNDS = 3
const POLL_MS = 100
const DEADLINE_MS = 60_000
const CONVERGE_DEADLINE_MS = 180_000

/** Polls until every observer shows `peerId` in `state`; the time it took, or NaN at the deadline. */
async function untilEverywhere (observers: ChildNode[], peerId: string, state: string, from: number): Promise<number> {
  // Bounded: at most DEADLINE_MS / POLL_MS polls.
  while (Date.now() - from < DEADLINE_MS) {
    const states = await Promise.all(observers.map(async o => await stateOn(o, peerId)))
    if (states.every(s => s === state)) return Date.now() - from
    await new Promise(resolve => setTimeout(resolve, POLL_MS))
  }
  return Number.NaN
}

export async function runMembership (): Promise<BenchOutcome> {
  console.log(`\n== membership: crash -> down, return -> healthy, SIGTERM -> left, on every other node; N = ${N} processes, ${ROUNDS} rounds ==`)
  const cluster = await startCluster(N, CONVERGE_DEADLINE_MS)
  const down: number[] = []
  const back: number[] = []
  const left: number[] = []
  try {
    console.log(`  every node listed the others healthy after ${fmtMs(cluster.convergeMs, 0)}`)
    for (let round = 0; round < ROUNDS; round++) {
      const index = 1 + (round % (N - 1))
      const victim = cluster.nodes[index] as ChildNode
      const observers = cluster.nodes.filter(n => n !== victim)
      const dir = cluster.dirs[index] as string
      const args = nodeArgs(dir, cluster.nodes[0])
      let at = Date.now()
      victim.child.kill('SIGKILL')
      down.push(await untilEverywhere(observers, victim.peerId, 'down', at))
      await victim.exited
      let node = await spawnNode(args)
      // From the moment the process gave its start-up record: the mesh's part, not the start.
      at = Date.now()
      back.push(await untilEverywhere(observers, node.peerId, 'healthy', at))
      at = Date.now()
      node.child.kill('SIGTERM')
      left.push(await untilEverywhere(observers, node.peerId, 'left', at))
      await stopChild(node)
      node = await spawnNode(args)
      at = Date.now()
      back.push(await untilEverywhere(observers, node.peerId, 'healthy', at))
      cluster.nodes[index] = node
      console.log(`  round ${round + 1}: down ${fmtMs(down.at(-1) ?? Number.NaN, 0)}, left ${fmtMs(left.at(-1) ?? Number.NaN, 0)}, healthy again ${back.slice(-2).map(b => fmtMs(b, 0)).join(' / ')}`)
    }
  } finally {
    await stopCluster(cluster)
  }
  const p99 = (xs: number[]): number => xs.some(Number.isNaN) ? Number.NaN : percentile([...xs].sort((a, b) => a - b), 99)
  const rows: Array<[string, number[], number]> = [['crash -> down everywhere', down, 5_000], ['SIGTERM -> left everywhere', left, 1_000], ['(re)start -> healthy everywhere', back, 1_000]]
  console.log(table(['change', 'samples', 'p99 (max of the samples)', 'target'], rows.map(([name, xs, target]) => [name, xs.map(x => fmtMs(x, 0)).join(', '), fmtMs(p99(xs), 0), `< ${fmtMs(target, 0)}`])))
  const pass = rows.every(([, xs, target]) => p99(xs) < target)
  console.log(`times include a poll (${POLL_MS} ms) and an API round trip; the machine may be shared.   ${verdict(pass)}`)
  return { name: 'membership', target: `N=${N}: down < 5 s, left < 1 s, join < 1 s (p99)`, pass, measured: rows.map(([name, xs]) => `${name.split(' ')[0]} ${fmtMs(p99(xs), 0)}`).join(', ') }
}
