import type { Stream } from '@libp2p/interface'
import { errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'
import type { MeshLibp2p } from '../p2p/libp2p.ts'
import { ExchangeSignal } from './exchange-signal.ts'
import { encodeLoadReport, type LoadReport } from './load-report.ts'
import type { LocalServices } from './local-services.ts'
import { joinChunks } from './request-body.ts'
import type { UpstreamResponse } from './upstream-client.ts'
import {
  BODY_FRAME_BYTES, BodyTooLargeError, InvalidFrameError, RouteStream, forwardableHeaders,
  type RouteReply, type RouteRequestHead
} from './route-protocol.ts'

export interface RouteLimits {
  maxRequestBytes: number
  maxResponseBytes: number
  timeoutMs: number
  /** Route streams from one peer served at once; past it a new one is refused as busy. */
  maxStreamsPerPeer: number
  /** A stream with no next request for this long is ended. */
  idleMs: number
}

/** Why a route stream request was refused, as counted in `meshnode_stream_rejections_total{protocol="route"}`. */
export type RouteRejection = 'busy' | 'bad_head' | 'no_such_service' | 'service_unhealthy' | 'too_large'

export interface RouteServerComponents {
  services: LocalServices
  log: Logger
  /** Called once for every refused request or stream. */
  onRejected: (reason: RouteRejection) => void
  /** This node's load now, reported on every response; it counts the requests this server is serving. */
  load: () => LoadReport
  /** Requests served for peers, from acceptance to the end of the answer: part of this node's active requests. */
  requests: { started: () => void, finished: () => void }
}

/**
 * The serving side of the route protocol: proxies a peer's requests to the local upstream, one
 * after another on each stream, and streams the answers back. A request is accepted or refused
 * from its head, before its body is read; the body then streams on to the upstream as it
 * arrives. A reset stream (the caller went away) aborts the upstream call.
 */
export async function serveRoutes (libp2p: MeshLibp2p, protocol: string, c: RouteServerComponents, limits: RouteLimits): Promise<void> {
  const open = new Map<string, number>()
  await libp2p.handle(protocol, ({ stream, connection }) => {
    const peer = connection.remotePeer.toString()
    const count = open.get(peer) ?? 0
    open.set(peer, count + 1)
    const done = (): void => {
      const left = (open.get(peer) ?? 1) - 1
      if (left === 0) open.delete(peer)
      else open.set(peer, left)
    }
    const serving = count >= limits.maxStreamsPerPeer ? refuseBusy(stream, c, limits) : serveStream(stream, c, limits)
    void serving.catch((err: unknown) => {
      c.log.debug({ err: errorMessage(err), peer }, 'route stream failed')
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }).finally(done)
    // libp2p's own limit per connection sits above ours, so that a refusal is answered and counted here.
  }, { maxInboundStreams: 2 * limits.maxStreamsPerPeer, maxOutboundStreams: 2 * limits.maxStreamsPerPeer })
}

async function refuseBusy (stream: Stream, c: RouteServerComponents, limits: RouteLimits): Promise<void> {
  c.onRejected('busy')
  const signal = AbortSignal.timeout(limits.timeoutMs)
  const route = new RouteStream(stream)
  await route.writeJson({ kind: 'error', code: 'BUSY', message: `more than ${limits.maxStreamsPerPeer} route streams from one peer`, reachedUpstream: false }, signal)
  await stream.close({ signal })
}

/** it-length-prefixed-stream's errors for a frame whose length prefix is malformed or over MAX_FRAME_BYTES. */
const OVERSIZED_FRAME = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError'])

async function serveStream (stream: Stream, c: RouteServerComponents, limits: RouteLimits): Promise<void> {
  const route = new RouteStream(stream)
  for (;;) {
    let head: RouteRequestHead | undefined
    try {
      head = await nextHead(route, limits.idleMs)
    } catch (err) {
      if (err instanceof InvalidFrameError || (err instanceof Error && OVERSIZED_FRAME.has(err.name))) c.onRejected('bad_head')
      throw err
    }
    if (head === undefined || !await serveOne(route, head, c, limits)) break
  }
  await stream.close({ signal: AbortSignal.timeout(limits.timeoutMs) })
}

/** Waits for the next request on a stream, at most `idleMs`. */
async function nextHead (route: RouteStream, idleMs: number): Promise<RouteRequestHead | undefined> {
  const idle = new AbortController()
  const timer = setTimeout(() => { idle.abort(new Error(`route stream idle for ${idleMs} ms`)) }, idleMs)
  // A stream waiting for its caller must not keep a stopping process alive.
  timer.unref()
  try {
    return await route.readNextHead(idle.signal)
  } finally {
    clearTimeout(timer)
  }
}

/** Why a head is refused, or undefined when it is accepted. */
function refusal (head: RouteRequestHead, services: LocalServices, limits: RouteLimits): { reason: RouteRejection, reply: RouteReply } | undefined {
  const refuse = (reason: RouteRejection, code: 'NO_SUCH_SERVICE' | 'SERVICE_UNHEALTHY' | 'TOO_LARGE', message: string): { reason: RouteRejection, reply: RouteReply } =>
    ({ reason, reply: { kind: 'error', code, message, reachedUpstream: false } })
  if (!services.has(head.service)) return refuse('no_such_service', 'NO_SUCH_SERVICE', `service ${head.service} is not offered by this peer`)
  if (!services.isHealthy(head.service)) return refuse('service_unhealthy', 'SERVICE_UNHEALTHY', `service ${head.service} is not healthy on this peer`)
  if (head.bodyBytes !== null && head.bodyBytes > limits.maxRequestBytes) return refuse('too_large', 'TOO_LARGE', `body larger than ${limits.maxRequestBytes} bytes`)
  return undefined
}

/** Serves one request; true when its exchange ended cleanly and the stream may carry another. */
async function serveOne (route: RouteStream, head: RouteRequestHead, c: RouteServerComponents, limits: RouteLimits): Promise<boolean> {
  const exchange = new ExchangeSignal(limits.timeoutMs)
  const signal = exchange.signal
  try {
    const refused = refusal(head, c.services, limits)
    if (refused !== undefined) {
      // Decided from the head: the body is not read, and the stream ends with the refusal.
      c.onRejected(refused.reason)
      await route.writeJson(refused.reply, signal)
      return false
    }
    // From here on the upstream may see the request: the caller must know before it retries.
    await route.writeJson({ kind: 'accepted' }, signal)
    c.requests.started()
    try {
      return await proxy(route, head, c, limits, exchange)
    } finally {
      c.requests.finished()
    }
  } finally {
    exchange.done()
  }
}

/** Proxies an accepted request to the upstream and streams its answer back; true when the stream may carry another. */
async function proxy (route: RouteStream, head: RouteRequestHead, c: RouteServerComponents, limits: RouteLimits, exchange: ExchangeSignal): Promise<boolean> {
  const signal = exchange.signal
  const reply = async (r: RouteReply): Promise<void> => { await route.writeJson(r, signal) }
  const small = head.bodyBytes !== null && head.bodyBytes <= BODY_FRAME_BYTES
  // Once the request is read to its end, a caller that resets the stream (it went away) cancels the upstream call.
  const body = new BodyFrames(route.readBody(small ? head.bodyBytes ?? 0 : limits.maxRequestBytes, signal), () => {
    route.watchReset(err => { exchange.abort(err) })
  })
  // A small body is read whole and sent with its length; a larger one streams to the upstream as its frames come.
  let whole: Uint8Array | undefined
  if (small) {
    try {
      whole = await body.readAll()
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err
      c.onRejected('too_large')
      await reply({ kind: 'error', code: 'TOO_LARGE', message: `body longer than its declared ${head.bodyBytes ?? 0} bytes`, reachedUpstream: false })
      return false
    }
  }
  let response: UpstreamResponse
  try {
    response = await c.services.call(head.service, {
      method: head.method,
      path: head.path,
      headers: head.headers,
      body: small ? whole : body.chunks(),
      bodyBytes: head.bodyBytes ?? undefined
    }, signal)
  } catch (err) {
    const tooLarge = body.error instanceof BodyTooLargeError
    if (tooLarge) c.onRejected('too_large')
    const code = tooLarge ? 'TOO_LARGE' : exchange.timedOut ? 'TIMEOUT' : 'UPSTREAM_ERROR'
    await reply({ kind: 'error', code, message: errorMessage(body.error ?? err), reachedUpstream: true })
    return false
  }
  try {
    let sent = 0
    const answer = response.body
    // The caller counts this request among its own in flight already: the report counts the others.
    const load = c.load()
    load.activeRequests = Math.max(0, load.activeRequests - 1)
    const replyHead = { kind: 'response' as const, status: response.status, headers: forwardableHeaders(response.headers), load: encodeLoadReport(load) }
    // A small answer has arrived whole with its head, as a rule: it goes at once, with no stream to read.
    const whole = response.takeWhole?.()
    if (whole !== undefined) {
      if (whole.byteLength > limits.maxResponseBytes) throw new BodyTooLargeError(limits.maxResponseBytes)
      await route.writeWholeResponse(replyHead, whole, signal)
    } else {
      await route.writeResponse(replyHead, (async function * () {
        for await (const chunk of answer) {
          sent += chunk.byteLength
          if (sent > limits.maxResponseBytes) throw new BodyTooLargeError(limits.maxResponseBytes)
          yield chunk
        }
      })(), signal)
    }
  } catch (err) {
    // The caller went away or the body broke: stop reading the upstream's answer. After a
    // complete answer there is nothing to stop, and an abort per request costs an error object.
    exchange.abort()
    throw err
  }
  // An upstream that answered before it read the whole request leaves frames on the stream: it cannot carry another request.
  if (!body.ended) exchange.abort()
  return body.ended
}

/** A request body's frames, read once, with whether they were read to their end and why not. */
class BodyFrames {
  ended = false
  error: unknown
  private readonly frames: AsyncGenerator<Uint8Array>
  private readonly onEnd: () => void

  constructor (frames: AsyncGenerator<Uint8Array>, onEnd: () => void) {
    this.frames = frames
    this.onEnd = onEnd
  }

  async * chunks (): AsyncGenerator<Uint8Array> {
    try {
      for await (const frame of this.frames) yield frame
      this.ended = true
      this.onEnd()
    } catch (err) {
      this.error = err
      throw err
    }
  }

  async readAll (): Promise<Uint8Array | undefined> {
    const list: Uint8Array[] = []
    for await (const chunk of this.chunks()) list.push(chunk)
    return list.length === 0 ? undefined : joinChunks(list)
  }
}
