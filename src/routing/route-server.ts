import type { Stream } from '@libp2p/interface'
import { errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'
import type { MeshLibp2p } from '../p2p/libp2p.ts'
import type { LocalServices } from './local-services.ts'
import type { UpstreamResponse } from './upstream-client.ts'
import {
  BodyTooLargeError, MAX_STREAMS_PER_CONNECTION, RouteStream, SERVER_IDLE_MS, forwardableHeaders, type RouteReply, type RouteRequestHead
} from './route-protocol.ts'

export interface RouteLimits {
  maxRequestBytes: number
  maxResponseBytes: number
  timeoutMs: number
}

/**
 * The serving side of the route protocol: proxies a peer's requests to the local upstream, one
 * after another on each stream, and streams the answers back. A reset stream (the caller went
 * away) aborts the upstream call.
 */
export async function serveRoutes (
  libp2p: MeshLibp2p, protocol: string, services: LocalServices, limits: RouteLimits, log: Logger
): Promise<void> {
  await libp2p.handle(protocol, ({ stream }) => {
    void serveStream(stream, services, limits).catch((err: unknown) => {
      log.debug({ err: errorMessage(err) }, 'route stream failed')
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    })
  }, { maxInboundStreams: MAX_STREAMS_PER_CONNECTION, maxOutboundStreams: MAX_STREAMS_PER_CONNECTION })
}

async function serveStream (stream: Stream, services: LocalServices, limits: RouteLimits): Promise<void> {
  const route = new RouteStream(stream, limits.maxRequestBytes)
  for (;;) {
    const head = await nextHead(route)
    if (head === undefined || !await serveOne(route, head, services, limits)) break
  }
  await stream.close({ signal: AbortSignal.timeout(limits.timeoutMs) })
}

/** Waits for the next request on a stream, at most SERVER_IDLE_MS. */
async function nextHead (route: RouteStream): Promise<RouteRequestHead | undefined> {
  const idle = new AbortController()
  const timer = setTimeout(() => { idle.abort(new Error(`route stream idle for ${SERVER_IDLE_MS} ms`)) }, SERVER_IDLE_MS)
  // A stream waiting for its caller must not keep a stopping process alive.
  timer.unref()
  try {
    return await route.readNextHead(idle.signal)
  } finally {
    clearTimeout(timer)
  }
}

/** Serves one request; true when its exchange ended cleanly and the stream may carry another. */
async function serveOne (route: RouteStream, head: RouteRequestHead, services: LocalServices, limits: RouteLimits): Promise<boolean> {
  const cancel = new AbortController()
  const deadline = AbortSignal.timeout(limits.timeoutMs)
  const signal = AbortSignal.any([cancel.signal, deadline])
  const reply = async (r: RouteReply): Promise<void> => { await route.writeJson(r, signal) }
  const chunks: Uint8Array[] = []
  try {
    for await (const chunk of route.readBody(limits.maxRequestBytes, signal)) chunks.push(chunk)
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err
    await reply({ kind: 'error', code: 'TOO_LARGE', message: err.message, reachedUpstream: false })
    return false
  }
  if (!services.has(head.service) || !services.isHealthy(head.service)) {
    const code = services.has(head.service) ? 'SERVICE_UNHEALTHY' : 'NO_SUCH_SERVICE'
    await reply({ kind: 'error', code, message: `service ${head.service} is not available on this peer`, reachedUpstream: false })
    return false
  }
  // From here on the upstream may see the request: the caller must know before it retries.
  await reply({ kind: 'accepted' })
  // A stream reset by the caller surfaces as a failed write below; abort the upstream then.
  let response: UpstreamResponse
  try {
    response = await services.call(head.service, { method: head.method, path: head.path, headers: head.headers, body: concat(chunks) }, signal)
  } catch (err) {
    const code = deadline.aborted ? 'TIMEOUT' : 'UPSTREAM_ERROR'
    await reply({ kind: 'error', code, message: errorMessage(err), reachedUpstream: true })
    return false
  }
  try {
    let sent = 0
    const body = response.body
    await route.writeResponse({ kind: 'response', status: response.status, headers: forwardableHeaders(response.headers) }, (async function * () {
      for await (const chunk of body) {
        sent += chunk.byteLength
        if (sent > limits.maxResponseBytes) throw new BodyTooLargeError(limits.maxResponseBytes)
        yield chunk
      }
    })(), signal)
    return true
  } catch (err) {
    // The caller went away or the body broke: stop reading the upstream's answer. After a
    // complete answer there is nothing to stop, and an abort per request costs an error object.
    cancel.abort()
    throw err
  }
}

function concat (chunks: Uint8Array[]): Uint8Array | undefined {
  if (chunks.length === 0) return undefined
  return Buffer.concat(chunks)
}
