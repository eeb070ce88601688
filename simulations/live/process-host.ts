import { fork, type ChildProcess } from 'node:child_process'
import { MeshError } from '../../src/errors.ts'
import type { HostBatch, HostReply, HostRequest } from './host-protocol.ts'
import type { HostEvent, NodeHost, NodeInfo, NodeLaunch } from './node-host.ts'

const HOST_MAIN = new URL('./host-process.ts', import.meta.url).pathname
const CLOSE_TIMEOUT_MS = 15_000

type Pending = { resolve: (r: NodeInfo | null) => void, reject: (e: Error) => void }
/** A request before it gets its id (distributed over the union, so each keeps its own fields). */
type Request<R = HostRequest> = R extends HostRequest ? Omit<R, 'id'> : never

/** Nodes in a child process (host-process.ts): the same operations as LocalNodeHost, over IPC. */
export class ProcessNodeHost implements NodeHost {
  private readonly child: ChildProcess
  private readonly pending = new Map<number, Pending>()
  private readonly exited: Promise<void>
  private nextId = 1
  /** The child's resident memory, as last reported. */
  rss = 0

  constructor (onEvent: (e: HostEvent) => void) {
    this.child = fork(HOST_MAIN, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] })
    this.child.on('message', (m: HostReply | HostBatch) => {
      if ('events' in m) {
        this.rss = m.rss
        for (const e of m.events) onEvent(e)
        return
      }
      const p = this.pending.get(m.id)
      if (p === undefined) return
      this.pending.delete(m.id)
      if (m.ok) p.resolve(m.result)
      else p.reject(new MeshError('SYSTEM_ERROR', m.error))
    })
    this.exited = new Promise(resolve => this.child.once('exit', () => {
      for (const p of this.pending.values()) p.reject(new MeshError('SYSTEM_ERROR', 'the host process exited'))
      this.pending.clear()
      resolve()
    }))
  }

  async launch (launch: NodeLaunch): Promise<NodeInfo> {
    const info = await this.call({ op: 'launch', launch })
    if (info === null) throw new MeshError('SYSTEM_ERROR', 'the host process launched no node')
    return info
  }

  async crash (index: number): Promise<void> {
    await this.call({ op: 'crash', index })
  }

  async partition (index: number, reachable: string[] | null): Promise<void> {
    await this.call({ op: 'partition', index, reachable })
  }

  async close (): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return await this.exited
    const timer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_TIMEOUT_MS)
    try {
      await this.call({ op: 'close' }).catch(() => undefined)
      await this.exited
    } finally {
      clearTimeout(timer)
    }
  }

  private async call (req: Request): Promise<NodeInfo | null> {
    const id = this.nextId++
    return await new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.child.send({ ...req, id }, err => {
        if (err === null) return
        this.pending.delete(id)
        reject(new MeshError('SYSTEM_ERROR', `cannot reach the host process: ${err.message}`))
      })
    })
  }
}
