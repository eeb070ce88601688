import type { Stream } from '@libp2p/interface'
import { lpStream, type LengthPrefixedStream } from 'it-length-prefixed-stream'
import { z } from 'zod'
import { parseJson } from '../codec/json-depth.ts'
import { errorMessage } from '../errors.ts'
import { LoadReportWireSchema, MAX_LOAD_ACTIVE, MAX_LOAD_DELAY_MS } from './load-report.ts'
import { joinChunks } from './request-body.ts'

/**
 * The route protocol: requests one after another on a stream, one at a time. The caller
 * writes a head frame (JSON); the server decides from the head alone and answers `accepted`
 * (or an `error`, and the stream ends) before any of the body is read. The caller streams the
 * body as frames and an empty frame once the request is accepted; a small body (one frame,
 * already whole) goes with the head instead, sparing a round trip, and is dropped with the
 * stream when the server refuses. The server streams the body on to its upstream as it comes,
 * answers a response head (with its load: load-report.ts) and the body as frames and an empty
 * frame, and waits for the next head; a body complete when its head is written, and within one
 * frame, is announced in the head (`bodyBytes`) and read whole. `accepted` tells the caller whether a failure can have reached the upstream: before
 * it, nothing did, and any request may be retried elsewhere. An `error` reply ends the
 * stream, and so does anything unexpected; the caller ends an idle stream by closing it.
 * Reusing streams spares each request a stream negotiation round trip (see stream-pool.ts); a
 * caller that sends one request per stream and closes it is served just the same.
 */
export const MAX_HEAD_BYTES = 64 * 1024
export const BODY_FRAME_BYTES = 64 * 1024
/**
 * No frame is longer than a head or a body frame: what one stream holds in memory is one
 * frame plus the muxer's receive window, whatever the size of the body.
 */
export const MAX_FRAME_BYTES = Math.max(MAX_HEAD_BYTES, BODY_FRAME_BYTES)

/** RFC 9110 field names: tokens. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** RFC 9110 field values: no CR, LF or NUL (obsolete folding is not accepted either). */
const FIELD_VALUE = /^[^\r\n\0]*$/
export const MAX_HEADERS = 200
const METHOD = /^[A-Z]{3,10}$/

const Headers = z.array(z.tuple([
  z.string().max(256).regex(TOKEN, { message: 'header name is not an RFC 9110 token' }),
  z.string().max(8192).regex(FIELD_VALUE, { message: 'header value contains CR, LF or NUL' })
])).max(MAX_HEADERS, { message: `more than ${MAX_HEADERS} headers` })

export const RouteRequestHeadSchema = z.object({
  service: z.string().min(1).max(64),
  method: z.string().regex(METHOD),
  /** Path and query under the service's upstream URL, starting with '/'. */
  path: z.string().startsWith('/').max(8192),
  headers: Headers,
  /** The body's length when the client declared it; null when it streams without one. */
  bodyBytes: z.number().int().min(0).nullable()
}).strict()

export const RouteReplySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('accepted') }).strict(),
  z.object({
    kind: z.literal('response'),
    status: z.number().int().min(100).max(599),
    headers: Headers,
    /** The serving peer's load as it answers (load-report.ts); every server sends it. */
    load: LoadReportWireSchema.optional(),
    /**
     * Set when the whole body follows in this write (one frame of this many bytes, or none, and
     * the end frame): the caller reads it whole, with no stream of its own. Absent: the body streams.
     */
    bodyBytes: z.number().int().min(0).max(BODY_FRAME_BYTES).optional()
  }).strict(),
  z.object({
    kind: z.literal('error'),
    code: z.enum(['NO_SUCH_SERVICE', 'SERVICE_UNHEALTHY', 'UPSTREAM_ERROR', 'TIMEOUT', 'BAD_REQUEST', 'TOO_LARGE', 'BUSY']),
    message: z.string().max(1024),
    /** Whether the upstream may have seen the request. */
    reachedUpstream: z.boolean()
  }).strict()
])

export type RouteRequestHead = z.infer<typeof RouteRequestHeadSchema>
export type RouteReply = z.infer<typeof RouteReplySchema>

const encoder = new TextEncoder()
const decoder = new TextDecoder()
/** The empty frame that ends a body. */
const END = new Uint8Array(0)

export class RouteStream {
  private readonly lp: LengthPrefixedStream<Stream>
  readonly stream: Stream
  /** The next frame, being read ahead (watchReset). */
  private ahead: ReturnType<LengthPrefixedStream<Stream>['read']> | undefined

  constructor (stream: Stream) {
    this.stream = stream
    this.lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES })
  }

  async writeJson (value: RouteRequestHead | RouteReply, signal: AbortSignal): Promise<void> {
    await this.lp.write(encoder.encode(JSON.stringify(value)), { signal })
  }

  /** Writes a request with a body of at most one frame: head, body and end frame in a single write (one muxer frame, one encryption). */
  async writeSmallRequest (head: RouteRequestHead, body: Uint8Array, signal: AbortSignal): Promise<void> {
    if (body.byteLength > BODY_FRAME_BYTES) throw new RangeError(`a body of ${body.byteLength} bytes is streamed, not sent with its head`)
    const json = encoder.encode(JSON.stringify(head))
    const frames = body.byteLength === 0 ? [json, END] : [json, body, END]
    await this.lp.writeV(frames, { signal })
  }

  /** The next request's head, or undefined when the caller closed the stream instead. */
  async readNextHead (signal: AbortSignal): Promise<RouteRequestHead | undefined> {
    try {
      return await this.readHead(signal)
    } catch (err) {
      if (err instanceof Error && err.name === 'UnexpectedEOFError') return undefined
      throw err
    }
  }

  async readHead (signal: AbortSignal): Promise<RouteRequestHead> {
    const value = await this.readJson(signal)
    return checkRequestHead(value) ?? parseFrame(RouteRequestHeadSchema, value, 'request head')
  }

  async readReply (signal: AbortSignal): Promise<RouteReply> {
    const value = await this.readJson(signal)
    return checkReply(value) ?? parseFrame(RouteReplySchema, value, 'reply')
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
    await this.lp.write(END, { signal })
    return total
  }

  /**
   * Writes a response head, its body as frames and the end frame. Frames ready within one
   * event-loop turn go out in one write: each write costs a muxer frame, an encryption, a
   * syscall and a window update back, and a small body is complete by the time its head is.
   * A body that is complete within that turn and fits one frame is announced whole in the head
   * (`bodyBytes`), so that the caller takes it as bytes, not as a stream. A body that trickles
   * in still goes out chunk by chunk, as it comes.
   */
  async writeResponse (head: RouteReply, body: AsyncIterable<Uint8Array>, signal: AbortSignal): Promise<void> {
    const chunks = body[Symbol.asyncIterator]()
    const ready: Uint8Array[] = []
    let readyBytes = 0
    let next = chunks.next()
    while (readyBytes <= BODY_FRAME_BYTES && await settlesThisTurn(next)) {
      const { done, value } = await next
      if (done === true) {
        if (head.kind === 'response' && readyBytes <= BODY_FRAME_BYTES) {
          await this.writeWholeResponse(head, joinChunks(ready), signal)
          return
        }
        break
      }
      ready.push(value)
      readyBytes += value.byteLength
      next = chunks.next()
    }
    let batch: Uint8Array[] = [encoder.encode(JSON.stringify(head))]
    let batchBytes = 0
    const flush = async (): Promise<void> => {
      const frames = batch
      batch = []
      batchBytes = 0
      if (frames.length > 0) await this.lp.writeV(frames, { signal })
    }
    const add = async (value: Uint8Array): Promise<void> => {
      for (let offset = 0; offset < value.byteLength; offset += BODY_FRAME_BYTES) {
        const piece = value.subarray(offset, offset + BODY_FRAME_BYTES)
        batch.push(piece)
        batchBytes += piece.byteLength
        if (batchBytes >= BODY_FRAME_BYTES) await flush()
      }
    }
    for (const value of ready) await add(value)
    for (;;) {
      if (batch.length > 0 && !await settlesThisTurn(next)) await flush()
      const { done, value } = await next
      if (done === true) break
      await add(value)
      next = chunks.next()
    }
    batch.push(END)
    await flush()
  }

  /** Writes a response whose body is whole already: within one frame, announced in its head and sent with it in one write; longer, as frames. */
  async writeWholeResponse (head: Extract<RouteReply, { kind: 'response' }>, whole: Uint8Array, signal: AbortSignal): Promise<void> {
    if (whole.byteLength > BODY_FRAME_BYTES) {
      await this.writeResponse(head, (async function * () { yield whole })(), signal)
      return
    }
    const json = encoder.encode(JSON.stringify({ ...head, bodyBytes: whole.byteLength }))
    await this.lp.writeV(whole.byteLength === 0 ? [json, END] : [json, whole, END], { signal })
  }

  /** Reads a body announced whole (`bodyBytes` in its head): exactly that many bytes, then the end frame. */
  async readWhole (bytes: number, signal: AbortSignal): Promise<Uint8Array> {
    const parts: Uint8Array[] = []
    let total = 0
    try {
      for await (const frame of this.readBody(bytes, signal)) {
        parts.push(frame)
        total += frame.byteLength
      }
    } catch (err) {
      if (err instanceof BodyTooLargeError) throw new InvalidFrameError(`response body longer than the ${bytes} bytes its head declared`)
      throw err
    }
    if (total !== bytes) throw new InvalidFrameError(`response body of ${total} bytes, not the ${bytes} its head declared`)
    return joinChunks(parts)
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

  /**
   * Reads the next frame ahead while nothing else reads the stream (a request read to its end,
   * its answer not sent yet), so that a reset by the caller shows at once: `onReset` hears it.
   * A frame that comes (the next request, sent early) is kept for the next read; the end of the
   * stream (a caller that closed its side after its request) is no reset.
   */
  watchReset (onReset: (err: unknown) => void): void {
    if (this.ahead !== undefined) return
    const ahead = this.lp.read()
    this.ahead = ahead
    ahead.catch((err: unknown) => { if (!(err instanceof Error && err.name === 'UnexpectedEOFError')) onReset(err) })
  }

  private async readJson (signal: AbortSignal): Promise<unknown> {
    const ahead = this.ahead
    this.ahead = undefined
    const frame = ahead === undefined ? await this.lp.read({ signal }) : await raced(ahead, signal)
    // The reader's own limit is MAX_FRAME_BYTES, the larger of head and body frames: a head has its own.
    if (frame.byteLength > MAX_HEAD_BYTES) throw new InvalidFrameError('head frame too large')
    try {
      return parseJson(decoder.decode(frame.subarray()))
    } catch (err) {
      throw new InvalidFrameError(`head frame is not JSON within the limits: ${errorMessage(err)}`)
    }
  }
}

/*
 * Hand-written checks of the route protocol's commonest frames, run before their zod schemas:
 * a request head and a `response` or `accepted` reply, on every request at both nodes. Each
 * returns its value when it satisfies the schema, and undefined when it is not sure; the
 * schema then decides (and names what is wrong). So a check may only be stricter than its
 * schema, never looser; the property tests hold them to that.
 */

type Plain = Record<string, unknown>

function isPlain (value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype
}

/** Exactly these own keys, the optional ones allowed to be missing (and only missing, not undefined: JSON has no undefined). */
function hasKeys (value: Plain, required: readonly string[], optional: readonly string[] = []): boolean {
  const keys = Object.keys(value)
  let optionalPresent = 0
  for (const key of optional) if (Object.hasOwn(value, key)) optionalPresent++
  if (keys.length !== required.length + optionalPresent) return false
  for (const key of required) if (!Object.hasOwn(value, key)) return false
  return true
}

function isHeaders (value: unknown): value is Array<[string, string]> {
  if (!Array.isArray(value) || value.length > MAX_HEADERS) return false
  for (const pair of value) {
    if (!Array.isArray(pair) || pair.length !== 2) return false
    const [name, field] = pair as unknown[]
    if (typeof name !== 'string' || name.length > 256 || !TOKEN.test(name)) return false
    if (typeof field !== 'string' || field.length > 8192 || !FIELD_VALUE.test(field)) return false
  }
  return true
}

function isCount (value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max
}

function isShare (value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1
}

const REQUEST_KEYS = ['service', 'method', 'path', 'headers', 'bodyBytes'] as const

export function checkRequestHead (value: unknown): RouteRequestHead | undefined {
  if (!isPlain(value) || !hasKeys(value, REQUEST_KEYS)) return undefined
  const { service, method, path, headers, bodyBytes } = value
  if (typeof service !== 'string' || service.length < 1 || service.length > 64) return undefined
  if (typeof method !== 'string' || !METHOD.test(method)) return undefined
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > 8192) return undefined
  if (!isHeaders(headers)) return undefined
  if (bodyBytes !== null && !isCount(bodyBytes, Number.MAX_SAFE_INTEGER)) return undefined
  return value as RouteRequestHead
}

const RESPONSE_KEYS = ['kind', 'status', 'headers'] as const
const RESPONSE_OPTIONAL = ['load', 'bodyBytes'] as const

function isLoadWire (value: unknown): boolean {
  if (!Array.isArray(value) || value.length !== 5) return false
  const [cpu, memory, delay, active, errorRate] = value as unknown[]
  return isShare(cpu) && isShare(memory) && typeof delay === 'number' && delay >= 0 && delay <= MAX_LOAD_DELAY_MS &&
    isCount(active, MAX_LOAD_ACTIVE) && isShare(errorRate)
}

/** A `response` or `accepted` reply; any other (an error) is left to the schema. */
export function checkReply (value: unknown): RouteReply | undefined {
  if (!isPlain(value)) return undefined
  if (value.kind === 'accepted') return hasKeys(value, ['kind']) ? value as RouteReply : undefined
  if (value.kind !== 'response' || !hasKeys(value, RESPONSE_KEYS, RESPONSE_OPTIONAL)) return undefined
  const { status, headers, load, bodyBytes } = value
  if (!isCount(status, 599) || status < 100) return undefined
  if (!isHeaders(headers)) return undefined
  if (Object.hasOwn(value, 'load') && !isLoadWire(load)) return undefined
  if (Object.hasOwn(value, 'bodyBytes') && !isCount(bodyBytes, BODY_FRAME_BYTES)) return undefined
  return value as RouteReply
}

/** A frame that is not what the protocol allows; its message is short, fit for a 502. */
export class InvalidFrameError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'InvalidFrameError'
  }
}

/** Checks a frame with its schema; a failure names the first bad field in one line, never the schema's whole report. */
function parseFrame<T extends z.ZodType> (schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue?.path.join('.') ?? ''
  throw new InvalidFrameError(`invalid ${what}${field === '' ? '' : ` (${field})`}: ${issue?.message ?? 'invalid'}`)
}

/** `p`, or the signal's reason once it aborts first. */
async function raced<T> (p: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  return await new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(value => {
      signal.removeEventListener('abort', onAbort)
      resolve(value)
    }, (err: unknown) => {
      signal.removeEventListener('abort', onAbort)
      reject(err)
    })
  })
}

/** Whether `p` settles before the event loop moves on to its next phase (I/O, timers). */
async function settlesThisTurn (p: Promise<unknown>): Promise<boolean> {
  return await new Promise(resolve => {
    const later = setImmediate(() => { resolve(false) })
    const now = (): void => {
      clearImmediate(later)
      resolve(true)
    }
    p.then(now, now)
  })
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

/** The headers a proxy passes on: not the hop-by-hop ones, nor those that a Connection header names. One pass, on every request twice. */
export function forwardableHeaders (headers: Iterable<[string, string]>): Array<[string, string]> {
  const out: Array<[string, string]> = []
  let named: Set<string> | undefined
  for (const pair of headers) {
    const name = pair[0].toLowerCase()
    if (name === 'connection') {
      named ??= new Set()
      for (const option of pair[1].split(',')) named.add(option.trim().toLowerCase())
    }
    if (!HOP_BY_HOP.has(name)) out.push(pair)
  }
  if (named === undefined) return out
  const connectionNamed = named
  return out.filter(([k]) => !connectionNamed.has(k.toLowerCase()))
}
