/**
 * The connection graph and the GossipSub mesh of the modelled network.
 *
 * Connections: a joining node dials CONN_TARGET random running peers it can reach (the live
 * node finds them through its bootstrap peer, node 0, and the DHT); a node accepts inbound
 * connections up to CONN_MAX. Every `maintainIntervalMs` of the node's tuning a node below
 * CONN_TARGET dials up to `dialsPerRound` more, as the live PeerConnector does. The live
 * default target is `maxPeers` (32, connection cap 64); the model uses 16 (cap 32): messages
 * spread over the mesh, whose degree is the same either way, and half the connections halve
 * the model's cost of lazy gossip at 10,000 nodes.
 *
 * Mesh: the live node's GOSSIP_MESH (D, Dlo, Dhi; src/p2p/gossip-mesh.ts), heartbeat 1 s. A node grafts peers
 * from its connections while its mesh is below Dlo (up to D) and prunes random peers above
 * Dhi (down to D); mesh links are symmetric, as GRAFT/PRUNE keep them.
 */
import { GOSSIP_MESH } from '../../src/p2p/gossip-mesh.ts'
export const CONN_TARGET = 16
export const CONN_MAX = 32
export const MESH_D = GOSSIP_MESH.D
export const MESH_DLO = GOSSIP_MESH.Dlo
export const MESH_DHI = GOSSIP_MESH.Dhi
export const HEARTBEAT_MS = 1_000
/** Random picks tried before falling back to a scan: enough for any group above ~1 % of the network. */
const PICK_TRIES = 64

export interface LinkEvent {
  observer: number
  peer: number
  up: boolean
  at: number
  /** The observer learns it from the other end, one link latency later (a reset, a handshake). */
  remote: boolean
}

export class Overlay {
  readonly n: number
  /** Nodes started so far are 0 .. started-1. */
  started = 0
  readonly running: Uint8Array
  /** Partition group of each node; all 0 when healed. */
  readonly group: Int32Array
  readonly conns: number[][]
  readonly mesh: number[][]
  /** Each node's GossipSub heartbeat phase within HEARTBEAT_MS. */
  readonly hbPhase: Float64Array
  private groupMembers: number[][] | undefined
  /** Connections a partition closed, re-dialled at heal. */
  private lost: Array<[number, number]> = []
  private readonly rand: () => number
  private readonly onLink: (e: LinkEvent) => void
  /** Dials of a connector round (the node's tuning). */
  private readonly dialsPerRound: number

  constructor (n: number, rand: () => number, onLink: (e: LinkEvent) => void, dialsPerRound: number) {
    this.n = n
    this.dialsPerRound = dialsPerRound
    this.rand = rand
    this.onLink = onLink
    this.running = new Uint8Array(n)
    this.group = new Int32Array(n)
    this.conns = Array.from({ length: n }, () => [])
    this.mesh = Array.from({ length: n }, () => [])
    this.hbPhase = new Float64Array(n)
  }

  reachable (a: number, b: number): boolean {
    return this.running[a] === 1 && this.running[b] === 1 && this.group[a] === this.group[b]
  }

  connected (a: number, b: number): boolean {
    return this.conns[a]?.includes(b) ?? false
  }

  /** Running nodes in each partition group (index = group id). */
  runningByGroup (): Map<number, number> {
    const counts = new Map<number, number>()
    for (let i = 0; i < this.started; i++) if (this.running[i] === 1) counts.set(this.group[i] as number, (counts.get(this.group[i] as number) ?? 0) + 1)
    return counts
  }

  /**
   * Starts (or restarts) nodes together: all are up before any dials (so that each can pick
   * any of them, not only those started before it), and all are connected before any forms
   * its mesh (grafting while others still join would chain the mesh along the join order).
   */
  joinAll (nodes: readonly number[], at: number): void {
    for (const node of nodes) {
      if (node >= this.started) {
        this.started = node + 1
        this.hbPhase[node] = this.rand() * HEARTBEAT_MS
        // A node that is in no group of a partition under way lands in the last one.
        if (this.groupMembers !== undefined) {
          this.group[node] = this.groupMembers.length - 1
          this.groupMembers[this.groupMembers.length - 1]?.push(node)
        }
      }
      this.running[node] = 1
    }
    for (const node of nodes) this.dialMore(node, CONN_TARGET, at)
    for (const node of nodes) this.graft(node)
  }

  /** Stops a node abruptly: its peers see their connections reset. */
  crash (node: number, at: number): void {
    this.running[node] = 0
    for (const peer of [...this.conns[node] ?? []]) this.disconnect(node, peer, at, 'crash')
  }

  /** Splits the network: a node keeps only connections within its group; the rest form one more group. */
  partition (groups: number[][], at: number): void {
    this.group.fill(groups.length)
    groups.forEach((g, i) => { for (const node of g) this.group[node] = i })
    this.groupMembers = Array.from({ length: groups.length + 1 }, () => [])
    for (let i = 0; i < this.started; i++) this.groupMembers[this.group[i] as number]?.push(i)
    for (let a = 0; a < this.started; a++) {
      for (const b of [...this.conns[a] ?? []]) {
        if (b > a && this.group[a] !== this.group[b]) {
          this.disconnect(a, b, at, 'gater')
          this.lost.push([a, b])
        }
      }
    }
  }

  /**
   * Removes the partition and re-dials the connections it closed. The live harness only lifts
   * the gater; at 10 nodes the connector re-dials at once (every node is below its target),
   * at 10,000 a node at its target would not, and a healed minority would stay cut off from
   * the gossip mesh until the next epoch's bootstrap connections. The model re-dials so that
   * a heal heals.
   */
  heal (at: number): void {
    this.group.fill(0)
    this.groupMembers = undefined
    for (const [a, b] of this.lost) {
      if (this.running[a] === 1 && this.running[b] === 1 && !this.connected(a, b) && this.accepts(b) && this.accepts(a)) this.connect(a, b, at)
    }
    this.lost = []
  }

  /** The GossipSub heartbeat of every node: graft below Dlo, prune above Dhi. */
  heartbeat (): void {
    for (let i = 0; i < this.started; i++) {
      if (this.running[i] !== 1) continue
      const mesh = this.mesh[i] as number[]
      if (mesh.length < MESH_DLO) this.graft(i)
      else if (mesh.length > MESH_DHI) {
        while (mesh.length > MESH_D) this.unmesh(i, mesh[Math.floor(this.rand() * mesh.length)] as number)
      }
    }
  }

  /** The connector round of every node: dial more peers below the target. */
  maintainConnections (at: number): void {
    for (let i = 0; i < this.started; i++) {
      if (this.running[i] === 1 && (this.conns[i] as number[]).length < CONN_TARGET) this.dialMore(i, this.dialsPerRound, at)
    }
  }

  private accepts (node: number): boolean {
    return (this.conns[node] as number[]).length < CONN_MAX
  }

  private dialMore (node: number, dials: number, at: number): void {
    const conns = this.conns[node] as number[]
    const want = Math.min(CONN_TARGET, conns.length + dials)
    const ok = (p: number): boolean => p !== node && this.reachable(node, p) && this.accepts(p) && !conns.includes(p)
    const pool = this.groupMembers?.[this.group[node] as number]
    const size = pool?.length ?? this.started
    const pick = (k: number): number => pool === undefined ? k : pool[k] as number
    for (let tries = 0; conns.length < want && tries < PICK_TRIES; tries++) {
      const p = pick(Math.floor(this.rand() * size))
      if (ok(p)) this.connect(node, p, at)
    }
    // A small reachable set (a small partition group, a small network): scan it from a random start.
    if (conns.length < want) {
      const start = Math.floor(this.rand() * size)
      for (let k = 0; k < size && conns.length < want; k++) {
        const p = pick((start + k) % size)
        if (ok(p)) this.connect(node, p, at)
      }
    }
  }

  private connect (a: number, b: number, at: number): void {
    (this.conns[a] as number[]).push(b);
    (this.conns[b] as number[]).push(a)
    this.onLink({ observer: a, peer: b, up: true, at, remote: true })
    this.onLink({ observer: b, peer: a, up: true, at, remote: true })
  }

  private disconnect (a: number, b: number, at: number, why: 'crash' | 'gater'): void {
    this.unmesh(a, b)
    remove(this.conns[a] as number[], b)
    remove(this.conns[b] as number[], a)
    // A crashed node observes nothing; a gater closes the connection at both ends at once.
    if (why === 'gater') this.onLink({ observer: a, peer: b, up: false, at, remote: false })
    this.onLink({ observer: b, peer: a, up: false, at, remote: why === 'crash' })
  }

  /** Grafts connected peers into the node's mesh up to D; a peer whose mesh is full declines. */
  private graft (node: number): void {
    const mesh = this.mesh[node] as number[]
    const conns = this.conns[node] as number[]
    if (mesh.length >= MESH_D || conns.length === 0) return
    const start = Math.floor(this.rand() * conns.length)
    for (let k = 0; k < conns.length && mesh.length < MESH_D; k++) {
      const p = conns[(start + k) % conns.length] as number
      const theirs = this.mesh[p] as number[]
      if (!mesh.includes(p) && theirs.length < MESH_DHI) {
        mesh.push(p)
        theirs.push(node)
      }
    }
  }

  private unmesh (a: number, b: number): void {
    remove(this.mesh[a] as number[], b)
    remove(this.mesh[b] as number[], a)
  }
}

function remove (list: number[], x: number): void {
  const i = list.indexOf(x)
  if (i >= 0) {
    list[i] = list[list.length - 1] as number
    list.pop()
  }
}
