import { serveApi } from '../../api/server.ts'
import { MeshError } from '../../src/errors.ts'
import { launchNode, type RunningNode } from '../../src/launch.ts'
import { silentLogger } from '../../src/logging.ts'
import { DEFAULTS, type NodeConfig } from '../../src/node-config.ts'
import type { ServiceConfig } from '../../src/routing/local-services.ts'
import type { PeerState } from '../../src/telemetry/failure-detector.ts'
import { UPSTREAM_HEALTH_PATH } from './upstream.ts'

/** Everything a host needs to start (or restart) one node of a simulation. */
export interface NodeLaunch {
  index: number
  dataDir: string
  genesisFile: string
  bootstrap: string[]
  candidate: boolean
  services: ServiceConfig[]
  telemetryIntervalMs: number
}

export interface NodeInfo {
  index: number
  peerId: string
  apiUrl: string
  token: string
  address: string
}

/** What the nodes of a host observed, in the order they observed it; times are wall-clock ms. */
export type HostEvent =
  | { type: 'receipt', observer: number, author: string, incarnation: number, seq: number, publishedAt: number, receivedAt: number }
  | { type: 'state', observer: number, peer: string, from: PeerState, to: PeerState, at: number }

/**
 * Runs some of a simulation's nodes: in this process (LocalNodeHost) or in a child process
 * (ProcessNodeHost), with the same operations.
 */
export interface NodeHost {
  launch: (l: NodeLaunch) => Promise<NodeInfo>
  /** Abruptly: connections reset, nothing flushed (MeshNode.crash). */
  crash: (index: number) => Promise<void>
  /** Only these peers may reach the node; null heals. */
  partition: (index: number, reachable: string[] | null) => Promise<void>
  /** Stops every node of the host cleanly. */
  close: () => Promise<void>
  /** Resident memory of the host's process, when it is not this one. */
  readonly rss: number
}

/** A loopback node with free ports, silent logs and fast service health checks. */
function configFor (l: NodeLaunch): NodeConfig {
  return {
    ...DEFAULTS,
    dataDir: l.dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    api: { host: '127.0.0.1', port: 0 },
    logLevel: 'silent',
    genesis: l.genesisFile,
    bootstrap: l.bootstrap,
    candidate: l.candidate,
    services: l.services,
    telemetryIntervalMs: l.telemetryIntervalMs,
    healthCheck: { path: UPSTREAM_HEALTH_PATH, intervalMs: 500, timeoutMs: 1_000, rise: 1, fall: 2 }
  }
}

export class LocalNodeHost implements NodeHost {
  readonly rss = 0
  private readonly nodes = new Map<number, { node: RunningNode, unsubscribe: () => void }>()
  private readonly onEvent: (e: HostEvent) => void
  private readonly shutdown = new AbortController()

  constructor (onEvent: (e: HostEvent) => void) {
    this.onEvent = onEvent
  }

  async launch (l: NodeLaunch): Promise<NodeInfo> {
    if (this.nodes.has(l.index)) throw new MeshError('CONFLICT', `node ${l.index} is already running`)
    const node = await launchNode(configFor(l), serveApi, silentLogger(), this.shutdown.signal)
    const observer = l.index
    const offSnapshot = node.mesh.onSnapshot(r => {
      this.onEvent({ type: 'receipt', observer, author: r.peerId, incarnation: r.incarnation, seq: r.seq, publishedAt: r.publishedAt, receivedAt: r.receivedAt })
    })
    const offEvent = node.mesh.onEvent(e => {
      if (e.type === 'peer:state') this.onEvent({ type: 'state', observer, peer: e.peerId, from: e.from, to: e.to, at: e.at })
    })
    this.nodes.set(l.index, { node, unsubscribe: () => { offSnapshot(); offEvent() } })
    return { index: l.index, peerId: node.mesh.peerId.toString(), apiUrl: node.api.url, token: node.token, address: node.mesh.network.listenAddresses()[0] ?? '' }
  }

  async crash (index: number): Promise<void> {
    const entry = this.take(index)
    await entry.node.crash()
  }

  async partition (index: number, reachable: string[] | null): Promise<void> {
    const entry = this.nodes.get(index)
    if (entry === undefined) throw new MeshError('NOT_FOUND', `node ${index} is not running here`)
    entry.node.mesh.guard.partition(reachable === null ? undefined : new Set(reachable))
  }

  async close (): Promise<void> {
    this.shutdown.abort()
    const entries = [...this.nodes.keys()].map(i => this.take(i))
    await Promise.all(entries.map(async e => { await e.node.stop() }))
  }

  private take (index: number): { node: RunningNode, unsubscribe: () => void } {
    const entry = this.nodes.get(index)
    if (entry === undefined) throw new MeshError('NOT_FOUND', `node ${index} is not running here`)
    this.nodes.delete(index)
    entry.unsubscribe()
    return entry
  }
}
