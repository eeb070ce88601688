import { MeshError } from '../../src/errors.ts'
import type { ServiceConfig } from '../../src/routing/local-services.ts'
import type { NetworkSpec } from '../scenario/schema.ts'
import { reachable, Timeline } from './measure.ts'
import type { PreparedNetwork } from './network-setup.ts'
import type { HostEvent, NodeHost, NodeInfo, NodeLaunch } from './node-host.ts'

const API_TIMEOUT_MS = 10_000
/** Nodes launched at once: all of a small scenario together, a large one in a bounded stream that a signal stops between nodes. */
const START_CONCURRENCY = 16

export interface ApiAnswer<T> { status: number, body: T }

/**
 * The nodes of a live run, spread over hosts (node i on host i mod hosts): starts, crashes,
 * restarts and partitions them, keeps the timeline of who ran and who could reach whom, and
 * calls their APIs as a client would.
 */
export class Cluster {
  readonly timeline = new Timeline()
  /** Start times of each node (restarts add one). */
  readonly starts = new Map<number, number[]>()
  readonly events: HostEvent[] = []
  private readonly infos = new Map<number, NodeInfo>()
  /** Node index by peer id: events and X-Mesh-Peer name nodes by peer id, many times a second. */
  private readonly byPeerId = new Map<string, number>()
  private readonly launches = new Map<number, NodeLaunch>()
  private readonly live = new Set<number>()
  private groups: Map<number, number> | undefined
  private readonly hosts: NodeHost[]
  private readonly network: PreparedNetwork
  private readonly spec: NetworkSpec
  private readonly now: () => number
  private readonly servicesFor: (index: number) => ServiceConfig[]

  constructor (opts: {
    makeHost: (onEvent: (e: HostEvent) => void) => NodeHost
    procs: number
    network: PreparedNetwork
    spec: NetworkSpec
    now: () => number
    servicesFor: (index: number) => ServiceConfig[]
  }) {
    this.hosts = Array.from({ length: opts.procs }, () => opts.makeHost(e => { this.events.push(e) }))
    this.network = opts.network
    this.spec = opts.spec
    this.now = opts.now
    this.servicesFor = opts.servicesFor
  }

  get size (): number {
    return this.launches.size
  }

  running (): number[] {
    return [...this.live].sort((a, b) => a - b)
  }

  isRunning (index: number): boolean {
    return this.live.has(index)
  }

  info (index: number): NodeInfo {
    const info = this.infos.get(index)
    if (info === undefined) throw new MeshError('NOT_FOUND', `node ${index} was never started`)
    return info
  }

  /** The index of a peer id, for every node started so far. */
  indexOf (peerId: string): number | undefined {
    return this.byPeerId.get(peerId)
  }

  /** Whether a and b are both running and on one side of any partition. */
  canReach (a: number, b: number): boolean {
    return reachable({ at: this.now(), running: this.live, group: this.groups }, a, b)
  }

  /**
   * Starts `count` new nodes; node 0 first (it founds the network), the others bootstrap from
   * it, at most START_CONCURRENCY at a time, each only while `signal` is not aborted.
   */
  async start (count: number, candidate: boolean, signal: AbortSignal): Promise<number[]> {
    const first = this.launches.size
    const indexes = Array.from({ length: count }, (_, i) => first + i)
    for (const index of indexes) {
      const dataDir = this.network.dataDirs[index]
      if (dataDir === undefined) throw new MeshError('SYSTEM_ERROR', `no data directory was prepared for node ${index}`)
      this.launches.set(index, {
        index,
        dataDir,
        genesisFile: this.network.genesisFile,
        bootstrap: [],
        candidate: candidate || index < this.spec.operators,
        services: this.servicesFor(index),
        telemetryIntervalMs: this.spec.telemetry_interval
      })
    }
    const queue = indexes.filter(i => i !== 0)
    if (first === 0) await this.launch(0)
    const worker = async (): Promise<void> => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        signal.throwIfAborted()
        await this.launch(i)
      }
    }
    await Promise.all(Array.from({ length: Math.min(START_CONCURRENCY, queue.length) }, worker))
    signal.throwIfAborted()
    return indexes
  }

  async crash (indexes: number[]): Promise<void> {
    await Promise.all(indexes.map(async i => {
      this.requireRunning(i)
      this.live.delete(i)
      await this.hostOf(i).crash(i)
    }))
    this.record()
  }

  async restart (indexes: number[]): Promise<void> {
    await Promise.all(indexes.map(async i => {
      if (this.live.has(i)) throw new MeshError('CONFLICT', `node ${i} is running`)
      await this.launch(i)
    }))
  }

  /** A node reaches only its own group; nodes named in no group form one more group. */
  async partition (groups: number[][]): Promise<void> {
    const group = new Map<number, number>()
    for (const [g, members] of groups.entries()) for (const n of members) group.set(n, g)
    for (const n of this.launches.keys()) if (!group.has(n)) group.set(n, groups.length)
    this.groups = group
    await Promise.all(this.running().map(async i => { await this.applyPartition(i) }))
    this.record()
  }

  async heal (): Promise<void> {
    this.groups = undefined
    await Promise.all(this.running().map(async i => { await this.hostOf(i).partition(i, null) }))
    this.record()
  }

  /** Calls a node's API with its operator token; the body is parsed JSON (or null). */
  async api<T = Record<string, unknown>> (index: number, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const info = this.info(index)
    const res = await fetch(`${info.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(API_TIMEOUT_MS)
    })
    const text = await res.text()
    return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T }
  }

  /** Resident memory of this process and of every host process. */
  rss (): number {
    return process.memoryUsage.rss() + this.hosts.reduce((sum, h) => sum + h.rss, 0)
  }

  /** Stops every node cleanly; every host process exits. */
  async close (): Promise<void> {
    const results = await Promise.allSettled(this.hosts.map(async h => { await h.close() }))
    this.live.clear()
    const failed = results.find(r => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  }

  private async launch (index: number): Promise<void> {
    const base = this.launches.get(index)
    if (base === undefined) throw new MeshError('NOT_FOUND', `node ${index} was never started`)
    const bootstrap = index === 0 ? [] : [this.info(0).address]
    const info = await this.hostOf(index).launch({ ...base, bootstrap })
    this.infos.set(index, info)
    this.byPeerId.set(info.peerId, index)
    this.live.add(index)
    this.starts.set(index, [...(this.starts.get(index) ?? []), this.now()])
    // Its group's members learn its peer id, which may be new.
    if (this.groups !== undefined) await Promise.all(this.running().map(async i => { await this.applyPartition(i) }))
    this.record()
  }

  private async applyPartition (index: number): Promise<void> {
    const mine = this.groups?.get(index)
    const reachable = [...this.infos.entries()].filter(([i]) => this.groups?.get(i) === mine).map(([, info]) => info.peerId)
    await this.hostOf(index).partition(index, reachable)
  }

  private record (): void {
    this.timeline.record({ at: this.now(), running: new Set(this.live), group: this.groups === undefined ? undefined : new Map(this.groups) })
  }

  private requireRunning (index: number): void {
    if (!this.live.has(index)) throw new MeshError('CONFLICT', `node ${index} is not running`)
  }

  private hostOf (index: number): NodeHost {
    return this.hosts[index % this.hosts.length] as NodeHost
  }
}
