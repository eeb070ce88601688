import type { Stream } from '@libp2p/interface'
import { errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'
import type { MeshLibp2p } from '../p2p/libp2p.ts'
import type { LocalServices } from './local-services.ts'
import { BodyTooLargeError, RouteStream, forwardableHeaders, type RouteReply } from './route-protocol.ts'

export interface RouteLimits {
  maxRequestBytes: number
  maxResponseBytes: number
  timeoutMs: number
}

/**
 * The serving side of the route protocol: proxies a peer's request to the local upstream
 * and streams the answer back. A reset stream (the caller went away) aborts the upstream call.
 */
export async function serveRoutes (
  libp2p: MeshLibp2p, protocol: string, services: LocalServices, limits: RouteLimits, log: Logger
): Promise<void> {
  await libp2p.handle(protocol, ({ stream }) => {
    void serveOne(stream, services, limits).catch((err: unknown) => {
      log.debug({ err: errorMessage(err) }, 'route stream failed')
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    })
  }, { maxInboundStreams: 1024 })
}

async function serveOne (stream: Stream, services: LocalServices, limits: RouteLimits): Promise<void> {
  const route = new RouteStream(stream, limits.maxRequestBytes)
  const cancel = new AbortController()
  const deadline = AbortSignal.timeout(limits.timeoutMs)
  const signal = AbortSignal.any([cancel.signal, deadline])
  const reply = async (r: RouteReply): Promise<void> => { await route.writeJson(r, signal) }
  const head = await route.readHead(signal)
  const chunks: Uint8Array[] = []
  try {
    for await (const chunk of route.readBody(limits.maxRequestBytes, signal)) chunks.push(chunk)
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err
    await reply({ kind: 'error', code: 'TOO_LARGE', message: err.message, reachedUpstream: false })
    await stream.close()
    return
  }
  if (!services.has(head.service) || !services.isHealthy(head.service)) {
    const code = services.has(head.service) ? 'SERVICE_UNHEALTHY' : 'NO_SUCH_SERVICE'
    await reply({ kind: 'error', code, message: `service ${head.service} is not available on this peer`, reachedUpstream: false })
    await stream.close()
    return
  }
  // From here on the upstream may see the request: the caller must know before it retries.
  await reply({ kind: 'accepted' })
  // A stream reset by the caller surfaces as a failed write below; abort the upstream then.
  let response: Response
  try {
    response = await services.call(head.service, { method: head.method, path: head.path, headers: head.headers, body: concat(chunks) }, signal)
  } catch (err) {
    const code = deadline.aborted ? 'TIMEOUT' : 'UPSTREAM_ERROR'
    await reply({ kind: 'error', code, message: errorMessage(err), reachedUpstream: true })
    await stream.close()
    return
  }
  try {
    await reply({ kind: 'response', status: response.status, headers: forwardableHeaders(response.headers.entries()) })
    let sent = 0
    const body = response.body ?? emptyBody()
    await route.writeBody((async function * () {
      for await (const chunk of body) {
        sent += chunk.byteLength
        if (sent > limits.maxResponseBytes) throw new BodyTooLargeError(limits.maxResponseBytes)
        yield chunk
      }
    })(), signal)
    await stream.close()
  } finally {
    cancel.abort()
  }
}

async function * emptyBody (): AsyncGenerator<Uint8Array> {}

function concat (chunks: Uint8Array[]): Uint8Array | undefined {
  if (chunks.length === 0) return undefined
  return Buffer.concat(chunks)
}
