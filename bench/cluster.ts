/** A mesh of `meshnode start` child processes on 127.0.0.1 for the benchmarks: a chain, each node bootstrapping from the previous. */
import { call } from '../test/helpers/api.ts'
import { removeDir, spawnNode, stopChild, tempDir, type ChildNode } from '../test/helpers/nodes.ts'
import { waitFor } from '../test/helpers/wait.ts'

export interface Cluster {
  nodes: ChildNode[]
  dirs: string[]
  /** From the first spawn until every node listed every other healthy. */
  convergeMs: number
}

interface PeersBody { peers: Array<{ peer_id: string, status: string }> }

/** The state `node` gives `peerId` in its peer table, or undefined when it does not list it (or does not answer). */
export async function stateOn (node: ChildNode, peerId: string): Promise<string | undefined> {
  try {
    return (await call<PeersBody>(`${node.apiUrl}/v1/network/peers`)).body.peers.find(p => p.peer_id === peerId)?.status
  } catch {
    return undefined
  }
}

export function nodeArgs (dir: string, bootstrap?: ChildNode): string[] {
  return ['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', ...(bootstrap === undefined ? [] : ['--bootstrap', bootstrap.joinAddress])]
}

export async function startCluster (n: number, convergeDeadlineMs: number): Promise<Cluster> {
  const cluster: Cluster = { nodes: [], dirs: [], convergeMs: Number.NaN }
  try {
    const started = Date.now()
    for (let i = 0; i < n; i++) {
      const dir = await tempDir('meshnode-bench-')
      cluster.dirs.push(dir)
      cluster.nodes.push(await spawnNode(nodeArgs(dir, cluster.nodes[i - 1])))
    }
    await waitFor(`every node of ${n} to list the others healthy`, async () => {
      const counts = await Promise.all(cluster.nodes.map(async node =>
        (await call<PeersBody>(`${node.apiUrl}/v1/network/peers`)).body.peers.filter(p => p.status === 'healthy').length))
      return counts.every(c => c === n - 1)
    }, { timeoutMs: convergeDeadlineMs, intervalMs: 1_000 })
    cluster.convergeMs = Date.now() - started
    return cluster
  } catch (err) {
    await stopCluster(cluster)
    throw err
  }
}

export async function stopCluster (cluster: Cluster): Promise<void> {
  await Promise.all(cluster.nodes.map(async node => await stopChild(node)))
  await Promise.all(cluster.dirs.map(removeDir))
}
