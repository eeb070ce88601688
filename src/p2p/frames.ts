import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { lpStream } from 'it-length-prefixed-stream'
import { MeshError } from '../errors.ts'
import type { Logger } from '../logging.ts'

/**
 * One request, one response, over a stream of length-prefixed frames, with a size limit on
 * each side and a deadline on the whole exchange.
 */
export interface FrameLimits {
  maxRequestBytes: number
  maxResponseBytes: number
  timeoutMs: number
}

export async function requestFrame (
  libp2p: Libp2p,
  peer: PeerId | Multiaddr | Multiaddr[],
  protocol: string,
  request: Uint8Array,
  limits: FrameLimits,
  signal?: AbortSignal
): Promise<Uint8Array> {
  const deadline = AbortSignal.timeout(limits.timeoutMs)
  const options = { signal: signal === undefined ? deadline : AbortSignal.any([signal, deadline]) }
  const stream = await libp2p.dialProtocol(peer, protocol, options)
  try {
    const lp = lpStream(stream, { maxDataLength: Math.max(limits.maxRequestBytes, limits.maxResponseBytes) })
    await lp.write(request, options)
    const response = await lp.read(options)
    if (response.byteLength > limits.maxResponseBytes) throw new Error(`response of ${response.byteLength} bytes over the limit`)
    await stream.close(options)
    return response.subarray()
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

export type FrameHandler = (request: Uint8Array, remotePeer: PeerId) => Uint8Array | Promise<Uint8Array>

/**
 * Serves one request per stream. A request refused (malformed: the handler threw a
 * MeshError; oversized; too slow; or a broken stream) is reported to `onReject` by reason.
 */
export async function serveFrames (
  libp2p: Libp2p,
  protocol: string,
  handler: FrameHandler,
  limits: FrameLimits,
  log: Logger,
  onReject?: (reason: string) => void
): Promise<void> {
  await libp2p.handle(protocol, ({ stream, connection }) => {
    void answer(stream, connection.remotePeer, handler, limits).catch((err: unknown) => {
      log.debug({ err, protocol, peer: connection.remotePeer.toString() }, 'stream request failed')
      onReject?.(rejectReason(err))
      stream.abort(err as Error)
    })
  })
}

/** A fixed set of labels, for metrics. */
function rejectReason (err: unknown): string {
  if (err instanceof MeshError) return 'malformed'
  const name = err instanceof Error ? err.name : ''
  if (/length/i.test(name)) return 'oversized'
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout'
  return 'stream_error'
}

async function answer (stream: Stream, remotePeer: PeerId, handler: FrameHandler, limits: FrameLimits): Promise<void> {
  const options = { signal: AbortSignal.timeout(limits.timeoutMs) }
  const lp = lpStream(stream, { maxDataLength: limits.maxRequestBytes })
  const request = await lp.read(options)
  const response = await handler(request.subarray(), remotePeer)
  await lp.write(response, options)
  await stream.close(options)
}
