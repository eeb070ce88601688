import type { Stream } from '@libp2p/interface'
import type { RouteStream } from './route-protocol.ts'

export interface StreamPoolOptions {
  /** Idle streams kept per peer; a stream released beyond this is closed. */
  maxIdlePerPeer: number
  /** Streams open to one peer, idle or in use: the peer refuses more. */
  maxOpenPerPeer: number
  /** An idle stream is closed after this long unused. */
  idleMs: number
  /** How long closing a stream may wait for the peer's side before it is reset. */
  closeTimeoutMs: number
}

interface Idle {
  route: RouteStream
  timer: NodeJS.Timeout
}

/**
 * Idle route streams by peer, each reused by one request at a time. Opening a stream costs a
 * protocol negotiation round trip, a peer-store write and several frames on both nodes, more
 * than a small request itself. Only a stream whose last exchange ended cleanly comes back
 * (`release`); any other is `discard`ed, so a reused stream never holds stray bytes. The pool
 * also counts the streams open to each peer, so that the router does not open more than the
 * peer accepts.
 */
export class RouteStreamPool {
  private readonly open: (peerId: string, signal: AbortSignal) => Promise<RouteStream>
  private readonly opts: StreamPoolOptions
  private readonly idle = new Map<string, Idle[]>()
  private readonly opened = new Map<string, Set<RouteStream>>()
  /** Streams being opened, by peer: counted before they exist, so that a burst cannot pass the limit. */
  private readonly opening = new Map<string, number>()

  constructor (open: (peerId: string, signal: AbortSignal) => Promise<RouteStream>, opts: StreamPoolOptions) {
    this.open = open
    this.opts = opts
  }

  /** Whether a request to `peerId` would need a stream beyond the peer's limit. */
  atLimit (peerId: string): boolean {
    const count = (this.opened.get(peerId)?.size ?? 0) + (this.opening.get(peerId) ?? 0)
    return count >= this.opts.maxOpenPerPeer && (this.idle.get(peerId)?.length ?? 0) === 0
  }

  /** An idle stream to `peerId` if one is still open, else a new one. */
  async acquire (peerId: string, signal: AbortSignal): Promise<RouteStream> {
    const list = this.idle.get(peerId) ?? []
    // The most recently used first, so that streams beyond the steady need age out.
    for (let entry = list.pop(); entry !== undefined; entry = list.pop()) {
      clearTimeout(entry.timer)
      if (usable(entry.route.stream)) {
        if (list.length === 0) this.idle.delete(peerId)
        return entry.route
      }
      this.forget(peerId, entry.route)
    }
    this.idle.delete(peerId)
    this.opening.set(peerId, (this.opening.get(peerId) ?? 0) + 1)
    let route: RouteStream
    try {
      route = await this.open(peerId, signal)
    } finally {
      const left = (this.opening.get(peerId) ?? 1) - 1
      if (left === 0) this.opening.delete(peerId)
      else this.opening.set(peerId, left)
    }
    const set = this.opened.get(peerId) ?? new Set()
    set.add(route)
    this.opened.set(peerId, set)
    return route
  }

  /** Takes back a stream whose exchange ended cleanly, for the next request to `peerId`. */
  release (peerId: string, route: RouteStream): void {
    if (!usable(route.stream)) {
      this.forget(peerId, route)
      return
    }
    const list = this.idle.get(peerId) ?? []
    if (list.length >= this.opts.maxIdlePerPeer) {
      this.forget(peerId, route)
      closeQuietly(route.stream, this.opts.closeTimeoutMs)
      return
    }
    const entry: Idle = {
      route,
      timer: setTimeout(() => {
        const current = this.idle.get(peerId) ?? []
        const at = current.indexOf(entry)
        if (at >= 0) current.splice(at, 1)
        if (current.length === 0) this.idle.delete(peerId)
        this.forget(peerId, route)
        closeQuietly(route.stream, this.opts.closeTimeoutMs)
      }, this.opts.idleMs)
    }
    // An idle stream must not keep a stopping process alive; libp2p's stop ends it anyway.
    entry.timer.unref()
    list.push(entry)
    this.idle.set(peerId, list)
  }

  /** Resets a stream whose exchange did not end cleanly; it is never reused. */
  discard (peerId: string, route: RouteStream, reason: Error): void {
    this.forget(peerId, route)
    route.stream.abort(reason)
  }

  private forget (peerId: string, route: RouteStream): void {
    const set = this.opened.get(peerId)
    set?.delete(route)
    if (set?.size === 0) this.opened.delete(peerId)
  }
}

/** Open both ways: neither side closed, reset or aborted it. */
function usable (stream: Stream): boolean {
  return stream.status === 'open' && stream.readStatus !== 'closing' && stream.readStatus !== 'closed' &&
    (stream.writeStatus === 'ready' || stream.writeStatus === 'writing')
}

/** A graceful close: the server sees the end of the stream where it waits for the next request. */
function closeQuietly (stream: Stream, timeoutMs: number): void {
  stream.close({ signal: AbortSignal.timeout(timeoutMs) }).catch((err: unknown) => {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
  })
}
