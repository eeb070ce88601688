import { GOSSIP_MESH } from '../../src/p2p/gossip-mesh.ts'
import type { TrafficKind } from '../result.ts'
import type { LinkModel } from './latency.ts'
import { HEARTBEAT_MS, type Overlay } from './overlay.ts'
import type { Traffic } from './traffic.ts'

/** What one spread counts in the traffic figures: its kind, size, and how many messages it stands for. */
export interface SpreadAccount { traffic: Traffic, kind: TrafficKind, bytes: number, weight?: number }

/**
 * The spread of one gossiped message over the overlay, as one shortest-arrival computation
 * (Dijkstra) instead of one event per receipt: a node forwards a message when it first
 * receives it, so the time it first holds it is the earliest arrival over all forwarding
 * paths, each hop with its own latency and loss draw. In typed arrays, with no object per node.
 *
 * What is forwarded, as in GossipSub with the live node's GOSSIP_MESH (src/p2p/gossip-mesh.ts):
 * - the author sends its own message to its mesh peers, topped up to D with random other
 *   connected peers when its mesh is smaller (as GossipSub's publish, or its fanout with no
 *   mesh), or to every connected peer with floodPublish;
 * - every other node forwards it to its mesh peers when it first receives it (eager push);
 * - lazy repair: at each of its next MCACHE_GOSSIP heartbeats after receiving it, a node sends
 *   IHAVE to Dlazy random connected peers outside its mesh; one that lacks the message asks
 *   IWANT and receives it: three transmissions, each with its own latency and loss.
 * The overlay is read as it is when the message is published: a crash or partition in the
 * few hundred milliseconds of a spread takes effect from the next message.
 */
const D_LAZY = GOSSIP_MESH.Dlazy
const MCACHE_GOSSIP = 3

export class Gossip {
  private readonly overlay: Overlay
  private readonly link: LinkModel
  private readonly rand: () => number
  private gen = 0
  private readonly stamp: Int32Array
  private readonly doneStamp: Int32Array
  private readonly dist: Float64Array
  /** The node each holder first received the message from (it does not send it back). */
  private readonly pred: Int32Array
  /** Who the author of the message being spread sends it to (see authorTargets). */
  private authorSendsTo: number[] = []
  private heapKeys = new Float64Array(1024)
  private heapVals = new Int32Array(1024)
  private heapSize = 0

  constructor (overlay: Overlay, link: LinkModel, rand: () => number) {
    this.overlay = overlay
    this.link = link
    this.rand = rand
    this.stamp = new Int32Array(overlay.n)
    this.doneStamp = new Int32Array(overlay.n)
    this.dist = new Float64Array(overlay.n)
    this.pred = new Int32Array(overlay.n)
  }

  /**
   * Fills `out[v]` with the time node v first holds the message published by `author` at
   * `at` (Infinity: never). `accept` is the receiver's validator: a copy it refuses is not
   * held nor forwarded, and later copies are dropped as already seen (GossipSub's seen cache).
   * Returns how many nodes hold it, the author included. With `account`, every eager
   * transmission is counted (IHAVE/IWANT repair is not: it is a few control messages per
   * heartbeat, not per message).
   */
  spread (author: number, at: number, out: Float64Array, accept?: (node: number, t: number) => boolean, account?: SpreadAccount): number {
    const { overlay, link, rand, stamp, doneStamp, dist, pred } = this
    out.fill(Number.POSITIVE_INFINITY)
    const gen = ++this.gen
    const authorGroup = overlay.group[author] as number
    let target = 0
    for (let i = 0; i < overlay.started; i++) if (overlay.running[i] === 1 && overlay.group[i] === authorGroup) target++
    let reached = 0
    this.heapSize = 0
    this.authorSendsTo = this.authorTargets(author)
    dist[author] = at
    pred[author] = -1
    stamp[author] = gen
    this.push(at, author)
    const lazyFloor = 3 * link.minMs
    while (this.heapSize > 0) {
      const t = this.heapKeys[0] as number
      const val = this.pop()
      if (val >= 0) {
        const v = val
        if (doneStamp[v] === gen || dist[v] !== t) continue
        doneStamp[v] = gen
        if (accept !== undefined && !accept(v, t)) continue
        out[v] = t
        if (++reached >= target) break
        const peers = (v === author ? this.authorSendsTo : overlay.mesh[v]) as number[]
        for (let k = 0; k < peers.length; k++) {
          const w = peers[k] as number
          if (doneStamp[w] === gen) continue
          const lat = link.transmit(rand())
          if (lat < 0) continue
          const nt = t + lat
          if (stamp[w] !== gen || nt < (dist[w] as number)) {
            stamp[w] = gen
            dist[w] = nt
            pred[w] = v
            this.push(nt, w)
          }
        }
        const phase = overlay.hbPhase[v] as number
        const beat = phase + Math.ceil((t - phase) / HEARTBEAT_MS) * HEARTBEAT_MS
        this.push(beat, -(v * MCACHE_GOSSIP) - 1)
      } else {
        const code = -val - 1
        const u = Math.floor(code / MCACHE_GOSSIP)
        const round = code % MCACHE_GOSSIP
        const conns = overlay.conns[u] as number[]
        const mesh = overlay.mesh[u] as number[]
        if (conns.length > mesh.length) {
          const start = Math.floor(rand() * conns.length)
          let sent = 0
          for (let k = 0; k < conns.length && sent < D_LAZY; k++) {
            const w = conns[(start + k) % conns.length] as number
            if (mesh.includes(w)) continue
            sent++
            // Already held, or sure to arrive before any IHAVE/IWANT round trip could: skip the draws.
            if (doneStamp[w] === gen || (stamp[w] === gen && (dist[w] as number) <= t + lazyFloor)) continue
            const ihave = link.transmit(rand())
            const iwant = ihave < 0 ? -1 : link.transmit(rand())
            const msg = iwant < 0 ? -1 : link.transmit(rand())
            if (msg < 0) continue
            const nt = t + ihave + iwant + msg
            if (stamp[w] !== gen || nt < (dist[w] as number)) {
              stamp[w] = gen
              dist[w] = nt
              pred[w] = u
              this.push(nt, w)
            }
          }
        }
        if (round + 1 < MCACHE_GOSSIP) this.push(t + HEARTBEAT_MS, -(u * MCACHE_GOSSIP + round + 1) - 1)
      }
    }
    if (account !== undefined) {
      account.traffic.publish(account.kind, account.weight)
      this.account(author, out, account)
    }
    return reached
  }

  /**
   * Every holder forwards the message once to each of its mesh peers (the author to its
   * targets, see authorTargets) but the one it came from, whatever the order of arrivals: so the count follows
   * from who holds it, without simulating the duplicates one by one.
   */
  private account (author: number, out: Float64Array, a: SpreadAccount): void {
    const { overlay, pred } = this
    const group = overlay.group[author]
    for (let v = 0; v < overlay.started; v++) {
      if (out[v] === Number.POSITIVE_INFINITY) continue
      const peers = (v === author ? this.authorSendsTo : overlay.mesh[v]) as number[]
      for (let k = 0; k < peers.length; k++) {
        const w = peers[k] as number
        if (w === pred[v]) continue
        a.traffic.count(a.kind, v, overlay.running[w] === 1 && overlay.group[w] === group ? w : -1, a.bytes, a.weight)
      }
    }
  }

  /** The author's mesh, topped up to D with random other connections; every connection with floodPublish. */
  private authorTargets (author: number): number[] {
    const conns = this.overlay.conns[author] as number[]
    const mesh = this.overlay.mesh[author] as number[]
    if (GOSSIP_MESH.floodPublish) return conns
    if (mesh.length >= GOSSIP_MESH.D || conns.length <= mesh.length) return mesh
    const targets = [...mesh]
    const start = Math.floor(this.rand() * conns.length)
    for (let k = 0; k < conns.length && targets.length < GOSSIP_MESH.D; k++) {
      const w = conns[(start + k) % conns.length] as number
      if (!mesh.includes(w)) targets.push(w)
    }
    return targets
  }

  private push (key: number, val: number): void {
    if (this.heapSize === this.heapKeys.length) {
      const keys = new Float64Array(this.heapKeys.length * 2)
      keys.set(this.heapKeys)
      this.heapKeys = keys
      const vals = new Int32Array(this.heapVals.length * 2)
      vals.set(this.heapVals)
      this.heapVals = vals
    }
    const keys = this.heapKeys
    const vals = this.heapVals
    let i = this.heapSize++
    while (i > 0) {
      const parent = (i - 1) >> 1
      const pk = keys[parent] as number
      if (pk < key || (pk === key && (vals[parent] as number) <= val)) break
      keys[i] = pk
      vals[i] = vals[parent] as number
      i = parent
    }
    keys[i] = key
    vals[i] = val
  }

  /** Removes the smallest entry (the caller read its key at index 0) and returns its value. */
  private pop (): number {
    const keys = this.heapKeys
    const vals = this.heapVals
    const top = vals[0] as number
    const n = --this.heapSize
    const key = keys[n] as number
    const val = vals[n] as number
    let i = 0
    for (;;) {
      let c = 2 * i + 1
      if (c >= n) break
      const r = c + 1
      if (r < n && ((keys[r] as number) < (keys[c] as number) || ((keys[r] as number) === (keys[c] as number) && (vals[r] as number) < (vals[c] as number)))) c = r
      const ck = keys[c] as number
      if (ck > key || (ck === key && (vals[c] as number) >= val)) break
      keys[i] = ck
      vals[i] = vals[c] as number
      i = c
    }
    keys[i] = key
    vals[i] = val
    return top
  }
}
