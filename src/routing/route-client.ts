import type { Stream } from '@libp2p/interface'
import { MeshError, errorMessage, type ErrorCode } from '../errors.ts'
import { decodeLoadReport, type LoadReport } from './load-report.ts'
import type { LocalServices } from './local-services.ts'
import { BODY_FRAME_BYTES, RouteStream, forwardableHeaders, type RouteReply } from './route-protocol.ts'
import type { PeerResponse, RouteRequest } from './route-request.ts'
import { RouteStreamPool } from './stream-pool.ts'
import type { UpstreamResponse } from './upstream-client.ts'

export interface RouteClientComponents {
  /** Opens a route-protocol stream to a peer; the client reuses it for later requests. */
  openStream: (peerId: string, signal: AbortSignal) => Promise<Stream>
  selfId: string
  services: Pick<LocalServices, 'call'>
}

export interface RouteClientInit {
  maxResponseBytes: number
  /** Idle route streams kept per peer for reuse. */
  idleStreamsPerPeer: number
  /** Route streams open at once to one peer. */
  maxStreamsPerPeer: number
  /** An idle route stream is closed after this long. */
  callerIdleMs: number
  /** A graceful close of a route stream waits this long for the peer before it resets. */
  closeTimeoutMs: number
}

/** A failure that certainly happened before the upstream saw the request: any request may go to another peer. */
export class NotReachedError extends Error {
  constructor (cause: unknown) {
    super(errorMessage(cause), { cause })
    this.name = 'NotReachedError'
  }
}

/**
 * Sends one request to one peer and returns its answer as it streams: to the local upstream
 * when the peer is this node, otherwise over the route protocol on a pooled stream. It rejects
 * with a NotReachedError when nothing reached the upstream, with a MeshError for the peer's
 * own `error` reply, and with the cause otherwise. It judges no peer: the router does.
 */
export class RouteClient {
  private readonly c: RouteClientComponents
  private readonly maxResponseBytes: number
  private readonly pool: RouteStreamPool

  constructor (components: RouteClientComponents, init: RouteClientInit) {
    this.c = components
    this.maxResponseBytes = init.maxResponseBytes
    this.pool = new RouteStreamPool(async (peerId, signal) => new RouteStream(await components.openStream(peerId, signal)),
      { maxIdlePerPeer: init.idleStreamsPerPeer, maxOpenPerPeer: init.maxStreamsPerPeer, idleMs: init.callerIdleMs, closeTimeoutMs: init.closeTimeoutMs })
  }

  /** Whether as many streams as the peer accepts are open to it (never for this node). */
  atLimit (peerId: string): boolean {
    return peerId !== this.c.selfId && this.pool.atLimit(peerId)
  }

  async call (peerId: string, req: RouteRequest, signal: AbortSignal): Promise<PeerResponse> {
    return peerId === this.c.selfId ? await this.callLocal(req, signal) : await this.callRemote(peerId, req, signal)
  }

  private async callLocal (req: RouteRequest, signal: AbortSignal): Promise<PeerResponse> {
    let res: UpstreamResponse
    try {
      const body = req.body.whole ?? req.body.chunks()
      res = await this.c.services.call(req.service, { method: req.method, path: req.path, headers: forwardableHeaders(req.headers), body, bodyBytes: req.body.declaredBytes }, signal)
    } catch (err) {
      // The connection was refused: no byte was sent.
      if ((err as { code?: string }).code === 'ECONNREFUSED') throw new NotReachedError(err)
      throw err
    }
    return { status: res.status, headers: forwardableHeaders(res.headers), body: ReadableStream.from(res.body) }
  }

  private async callRemote (peerId: string, req: RouteRequest, signal: AbortSignal): Promise<PeerResponse> {
    let route: RouteStream | undefined
    let accepted = false
    // Cancelling the request resets the stream; the listener goes once the stream is done.
    let detach = (): void => {}
    // An exchange that does not end cleanly resets its stream, which is then never reused.
    const discard = (reason: unknown): void => {
      detach()
      if (route !== undefined) this.pool.discard(peerId, route, reason instanceof Error ? reason : new Error(String(reason)))
    }
    // Why sending the body failed (the client went away, sent too much, or the stream broke): that is the request's failure.
    let bodyError: unknown
    let bodySent = true
    try {
      const r = await this.pool.acquire(peerId, signal)
      route = r
      const onAbort = (): void => { r.stream.abort(new Error('request cancelled')) }
      signal.addEventListener('abort', onAbort, { once: true })
      detach = () => { signal.removeEventListener('abort', onAbort) }
      // The answer ended: the stream goes back to the pool, unless the peer's upstream answered before it read the whole body (the stream is unfit then).
      const settle = (): void => {
        if (bodySent) {
          detach()
          this.pool.release(peerId, r)
        } else {
          discard(new Error('the upstream answered before it read the whole request body'))
        }
      }
      const whole = req.body.whole
      const inline = whole !== undefined && whole.byteLength <= BODY_FRAME_BYTES
      const head = { service: req.service, method: req.method, path: req.path, headers: forwardableHeaders(req.headers), bodyBytes: whole?.byteLength ?? req.body.declaredBytes ?? null }
      if (inline) await r.writeSmallRequest(head, whole, signal)
      else await r.writeJson(head, signal)
      const first = await r.readReply(signal)
      if (first.kind === 'error') {
        const e = new MeshError(replyErrorCode(first.code), `peer ${peerId}: ${first.message}`)
        if (!first.reachedUpstream) throw new NotReachedError(e)
        throw e
      }
      if (first.kind !== 'accepted') throw new Error(`unexpected ${first.kind} before accepted`)
      accepted = true
      if (!inline) {
        // Accepted: the body streams now, while the answer may already come back.
        bodySent = false
        r.writeBody(req.body.chunks(), signal).then(() => { bodySent = true }, (err: unknown) => {
          bodyError = err
          discard(err)
        })
      }
      const reply = await r.readReply(signal).catch((err: unknown) => { throw bodyError ?? err })
      if (reply.kind === 'error') throw new MeshError(replyErrorCode(reply.code), `peer ${peerId}: ${reply.message}`)
      if (reply.kind !== 'response') throw new Error(`unexpected ${reply.kind} reply`)
      const load = reply.load === undefined ? undefined : decodeLoadReport(reply.load)
      if (reply.bodyBytes !== undefined) {
        const whole = await r.readWhole(reply.bodyBytes, signal).catch((err: unknown) => { throw bodyError ?? err })
        // The exchange is complete: the stream goes back to the pool before anyone reads the body.
        settle()
        return wholeResponse(reply.status, reply.headers, whole, load)
      }
      const frames = r.readBody(this.maxResponseBytes, signal)
      const body = new ReadableStream<Uint8Array>({
        pull: async controller => {
          const next = await frames.next().catch((err: unknown) => {
            discard(err)
            throw bodyError ?? err
          })
          if (next.done === true) {
            settle()
            controller.close()
          } else {
            controller.enqueue(next.value)
          }
        },
        cancel: () => { discard(new Error('response cancelled')) }
      })
      return { status: reply.status, headers: reply.headers, body, load }
    } catch (err) {
      discard(err)
      // A peer's refusal is a NotReachedError already: wrapping it again would hide its code.
      if (!accepted && !(err instanceof MeshError) && !(err instanceof NotReachedError)) throw new NotReachedError(err)
      throw err
    }
  }
}

/** An answer received whole; its body as a stream is made only for whoever still reads it that way. */
function wholeResponse (status: number, headers: Array<[string, string]>, whole: Uint8Array, load: LoadReport | undefined): PeerResponse {
  let stream: ReadableStream<Uint8Array> | undefined
  return {
    status,
    headers,
    whole,
    load,
    get body (): ReadableStream<Uint8Array> {
      stream ??= new ReadableStream<Uint8Array>({
        start: controller => {
          if (whole.byteLength > 0) controller.enqueue(whole)
          controller.close()
        }
      })
      return stream
    }
  }
}

/** The API's error code for a peer's `error` reply. */
function replyErrorCode (code: Extract<RouteReply, { kind: 'error' }>['code']): ErrorCode {
  switch (code) {
    case 'TOO_LARGE': return 'PAYLOAD_TOO_LARGE'
    case 'TIMEOUT': return 'TIMEOUT'
    case 'BUSY': return 'UNAVAILABLE'
    default: return 'UPSTREAM_ERROR'
  }
}
