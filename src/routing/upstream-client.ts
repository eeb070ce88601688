import type { EventEmitter } from 'node:events'
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http'
import { joinChunks } from './request-body.ts'

export interface UpstreamRequest {
  method: string
  path: string
  headers: Array<[string, string]>
  /** Whole, or streamed: written as it comes, with backpressure. */
  body: Uint8Array | AsyncIterable<Uint8Array> | undefined
  /** A streamed body's length when known, sent as Content-Length; without it the body goes chunked. */
  bodyBytes?: number | undefined
}

export interface UpstreamResponse {
  status: number
  /** As received, repeated names included. */
  headers: Array<[string, string]>
  /** Aborting the call's signal ends it with an error. */
  body: AsyncIterable<Uint8Array>
  /**
   * The whole body at once, when it has arrived already (a small answer comes in the same reads
   * as its head), read out of `body`; undefined while it is still coming, and `body` streams it.
   */
  takeWhole?: () => Uint8Array | undefined
}

/** Methods whose requests carry no body unless given one; others say `content-length: 0`, as fetch does. */
const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT'])

/**
 * HTTP calls to local upstreams over node:http with keep-alive connections. fetch (undici) costs
 * about twice the CPU per call, and it decodes compressed bodies while keeping their
 * content-encoding header, which a proxy must pass through untouched.
 */
export class UpstreamClient {
  private readonly agent = new Agent({ keepAlive: true })

  /** Resolves with the response head; the body streams. Nothing follows redirects. */
  async call (url: string, req: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse> {
    const headers = headerObject(req.headers)
    const streamed = req.body !== undefined && !(req.body instanceof Uint8Array) ? req.body : undefined
    const whole = req.body instanceof Uint8Array && req.body.byteLength > 0 ? req.body : undefined
    if (streamed !== undefined) {
      if (req.bodyBytes !== undefined) headers['content-length'] = String(req.bodyBytes)
    } else if (whole !== undefined || !BODYLESS.has(req.method)) {
      headers['content-length'] = String(whole?.byteLength ?? 0)
    }
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = request(url, { method: req.method, headers, agent: this.agent, signal }, resolve)
      // An error after the head (a reset, an abort) ends the body instead; rejecting then is a no-op.
      out.on('error', reject)
      if (streamed === undefined) out.end(whole)
      else void pipeBody(streamed, out)
    })
    return { status: res.statusCode ?? 502, headers: pairs(res.rawHeaders), body: res, takeWhole: () => takeWhole(res) }
  }

  /** Closes idle connections; calls under way go on. */
  close (): void {
    for (const sockets of Object.values(this.agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy()
  }
}

/**
 * Writes a streamed body into a request, waiting for the socket to drain whenever it is full, so
 * that the request never holds more than its buffer. A source that fails destroys the request
 * with its error: the upstream sees a cut request, never a short complete one.
 */
async function pipeBody (source: AsyncIterable<Uint8Array>, out: ClientRequest): Promise<void> {
  try {
    for await (const chunk of source) {
      if (out.destroyed) return
      if (!out.write(chunk)) await drained(out)
    }
    out.end()
  } catch (err) {
    out.destroy(err instanceof Error ? err : new Error(String(err)))
  }
}

/** Resolves when a writer (a request, a socket) can take more, or is gone; neither listener outlives the wait. */
export async function drained (out: EventEmitter): Promise<void> {
  await new Promise<void>(resolve => {
    const done = (): void => {
      out.off('drain', done)
      out.off('close', done)
      resolve()
    }
    out.once('drain', done)
    out.once('close', done)
  })
}

/** A response parsed to its end already: its buffered body, read out (the stream then ends, and its connection goes back to the pool). */
function takeWhole (res: IncomingMessage): Uint8Array | undefined {
  if (!res.complete || res.readableFlowing === true) return undefined
  const chunks: Buffer[] = []
  for (let chunk: unknown = res.read(); chunk !== null; chunk = res.read()) chunks.push(chunk as Buffer)
  return joinChunks(chunks)
}

/** An object, not the raw array form, so that node:http still sets Host; a repeated name keeps every value. */
function headerObject (list: Array<[string, string]>): Record<string, string | string[]> {
  // No prototype: a header named __proto__ is just a header.
  const headers: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>
  for (const [name, value] of list) {
    const key = name.toLowerCase()
    const seen = headers[key]
    headers[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]
  }
  return headers
}

function pairs (raw: string[]): Array<[string, string]> {
  const list: Array<[string, string]> = []
  for (let i = 0; i + 1 < raw.length; i += 2) list.push([raw[i] ?? '', raw[i + 1] ?? ''])
  return list
}
