import type { Stream } from '@libp2p/interface'
import { lpStream, type LengthPrefixedStream } from 'it-length-prefixed-stream'
import { z } from 'zod'

/**
 * The route protocol: one request per stream. The caller writes a head frame (JSON), the
 * request body as frames and an empty frame; the server answers `accepted` just before it
 * calls its upstream, then a response head and the body as frames and an empty frame.
 * `accepted` tells the caller whether a failure can have reached the upstream: before it,
 * nothing did, and any request may be retried elsewhere.
 */
export const MAX_HEAD_BYTES = 64 * 1024
export const BODY_FRAME_BYTES = 64 * 1024

const Headers = z.array(z.tuple([z.string().max(256), z.string().max(8192)])).max(200)

export const RouteRequestHeadSchema = z.object({
  service: z.string().min(1).max(64),
  method: z.string().regex(/^[A-Z]{3,10}$/),
  /** Path and query under the service's upstream URL, starting with '/'. */
  path: z.string().startsWith('/').max(8192),
  headers: Headers,
  bodyBytes: z.number().int().min(0)
}).strict()

export const RouteReplySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('accepted') }).strict(),
  z.object({ kind: z.literal('response'), status: z.number().int().min(100).max(599), headers: Headers }).strict(),
  z.object({
    kind: z.literal('error'),
    code: z.enum(['NO_SUCH_SERVICE', 'SERVICE_UNHEALTHY', 'UPSTREAM_ERROR', 'TIMEOUT', 'BAD_REQUEST', 'TOO_LARGE']),
    message: z.string().max(1024),
    /** Whether the upstream may have seen the request. */
    reachedUpstream: z.boolean()
  }).strict()
])

export type RouteRequestHead = z.infer<typeof RouteRequestHeadSchema>
export type RouteReply = z.infer<typeof RouteReplySchema>

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class RouteStream {
  private readonly lp: LengthPrefixedStream<Stream>
  readonly stream: Stream

  constructor (stream: Stream, maxFrameBytes: number) {
    this.stream = stream
    this.lp = lpStream(stream, { maxDataLength: Math.max(maxFrameBytes, MAX_HEAD_BYTES) })
  }

  async writeJson (value: RouteRequestHead | RouteReply, signal: AbortSignal): Promise<void> {
    await this.lp.write(encoder.encode(JSON.stringify(value)), { signal })
  }

  async readHead (signal: AbortSignal): Promise<RouteRequestHead> {
    return RouteRequestHeadSchema.parse(await this.readJson(signal))
  }

  async readReply (signal: AbortSignal): Promise<RouteReply> {
    return RouteReplySchema.parse(await this.readJson(signal))
  }

  /** Writes a body as frames, then the empty end frame. */
  async writeBody (chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, signal: AbortSignal): Promise<number> {
    let total = 0
    for await (const chunk of chunks) {
      for (let offset = 0; offset < chunk.byteLength; offset += BODY_FRAME_BYTES) {
        const piece = chunk.subarray(offset, offset + BODY_FRAME_BYTES)
        total += piece.byteLength
        await this.lp.write(piece, { signal })
      }
    }
    await this.lp.write(new Uint8Array(0), { signal })
    return total
  }

  /** Reads body frames up to the empty end frame; fails past `maxBytes`. */
  async * readBody (maxBytes: number, signal: AbortSignal): AsyncGenerator<Uint8Array> {
    let total = 0
    for (;;) {
      const frame = (await this.lp.read({ signal })).subarray()
      if (frame.byteLength === 0) return
      total += frame.byteLength
      if (total > maxBytes) throw new BodyTooLargeError(maxBytes)
      yield frame
    }
  }

  private async readJson (signal: AbortSignal): Promise<unknown> {
    const frame = await this.lp.read({ signal })
    if (frame.byteLength > MAX_HEAD_BYTES) throw new Error('head frame too large')
    return JSON.parse(decoder.decode(frame.subarray()))
  }
}

export class BodyTooLargeError extends Error {
  constructor (limit: number) {
    super(`body larger than ${limit} bytes`)
    this.name = 'BodyTooLargeError'
  }
}

/** Connection-level headers that a proxy must not forward (RFC 9110, section 7.6.1). */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length'
])

export function forwardableHeaders (headers: Iterable<[string, string]>): Array<[string, string]> {
  const list = [...headers]
  const named = new Set(list.filter(([k]) => k.toLowerCase() === 'connection')
    .flatMap(([, v]) => v.split(',').map(s => s.trim().toLowerCase())))
  return list.filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase()) && !named.has(k.toLowerCase()))
}
