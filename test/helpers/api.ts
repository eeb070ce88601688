/**
 * The one set of HTTP helpers of the tests (test/api, test/integration): one request with its
 * reply (as anyone, as the node's operator, or on a connection of its own), the documented
 * error shape, validation errors and Prometheus samples.
 */
import assert from 'node:assert/strict'
import { request as httpRequest, type IncomingMessage } from 'node:http'

/** One answer of the API: status, headers, raw text and the body parsed as JSON when it is JSON. */
export interface Reply<T = Record<string, unknown>> {
  status: number
  headers: Headers
  text: string
  body: T
}

/** The one documented error shape: `{"error": {"code", "message", "details"}, "request_id"}`. */
export interface ErrorBody {
  error: { code: string, message: string, details: Record<string, unknown> }
  request_id: string
}

export interface CallOptions {
  /**
   * A JSON content type with an empty body (the answer to a HEAD) leaves `body` as `{}`;
   * otherwise an empty body that claims to be JSON fails to parse, as any malformed JSON does.
   */
  allowEmptyBody?: boolean
}

/** One request to the node's API: status, headers, raw text and the body parsed as JSON when it is JSON. */
export async function call<T = Record<string, unknown>> (url: string, init?: RequestInit, options: CallOptions = {}): Promise<Reply<T>> {
  const res = await fetch(url, init)
  const text = await res.text()
  let body: unknown = {}
  if ((res.headers.get('content-type') ?? '').includes('application/json') && !(options.allowEmptyBody === true && text === '')) body = JSON.parse(text)
  return { status: res.status, headers: res.headers, text, body: body as T }
}

/** What a request as the node's operator needs: its API and its token (a RunningNode has both). */
export interface OperatorTarget {
  api: { url: string }
  token: string
}

/** One request to `path` on the node's API as its operator, with `body` (if any) as JSON. */
export async function callAsOperator<T = Record<string, unknown>> (node: OperatorTarget, method: string, path: string, body?: unknown): Promise<Reply<T>> {
  return await call<T>(`${node.api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
}

/**
 * One request on a connection of its own (node:http without an agent), so that whatever the
 * server does to that connection cannot touch the pooled connections of `fetch`. The body goes
 * with its Content-Length, or `chunked` in several chunks, so that it really arrives as a
 * chunked stream. The server may answer before it read the body and close the connection: a
 * write error after the answer arrived is not a failure.
 */
export async function isolatedCall (url: string, method: string, headers: Record<string, string>, body: string | Buffer, opts: { chunked?: boolean } = {}): Promise<Reply> {
  const chunked = opts.chunked === true
  return await new Promise<Reply>((resolve, reject) => {
    let answered = false
    const sent = chunked ? { ...headers, 'transfer-encoding': 'chunked' } : { ...headers, 'content-length': String(Buffer.byteLength(body)) }
    const req = httpRequest(url, { method, headers: sent, agent: false }, res => {
      answered = true
      readReply(res).then(resolve, reject)
    })
    req.on('error', err => { if (!answered) reject(err) })
    if (chunked) {
      const bytes = Buffer.from(body)
      const piece = 1024 * 1024
      for (let offset = 0; offset < bytes.byteLength; offset += piece) req.write(bytes.subarray(offset, offset + piece))
      req.end()
    } else {
      req.end(body)
    }
  })
}

/**
 * Asserts the one documented error shape, its status and code, and that the X-Request-Id
 * header carries the body's request id; returns the error for further checks.
 */
export function assertError (reply: Reply<unknown>, status: number, code: string): ErrorBody['error'] {
  assert.equal(reply.status, status, `expected ${status} ${code}, got ${reply.status}: ${reply.text}`)
  assert.match(reply.headers.get('content-type') ?? '', /application\/json/)
  const body = reply.body as ErrorBody
  assert.deepEqual(Object.keys(body).sort(), ['error', 'request_id'])
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'details', 'message'])
  assert.equal(body.error.code, code)
  assert.equal(typeof body.error.message, 'string')
  assert.ok(body.error.message.length > 0)
  assert.equal(typeof body.error.details, 'object')
  assert.notEqual(body.error.details, null)
  assert.equal(typeof body.request_id, 'string')
  assert.ok(body.request_id.length > 0)
  assert.equal(reply.headers.get('x-request-id'), body.request_id)
  return body.error
}

/**
 * A 422 VALIDATION_ERROR that names `field` in its message and, unless `unknownKey` (an
 * unknown key is reported at the object that holds it), in its details.
 */
export function assertValidation (reply: Reply<unknown>, field: string, unknownKey = false): ErrorBody['error'] {
  const error = assertError(reply, 422, 'VALIDATION_ERROR')
  if (!unknownKey) assert.equal(error.details.field, field, `details do not name ${field}: ${reply.text}`)
  assert.ok(error.message.includes(field), `message does not name ${field}: ${error.message}`)
  return error
}

/** The node's Prometheus text (`GET /metrics`). */
export async function metricsOf (url: string): Promise<string> {
  return (await call(`${url}/metrics`)).text
}

/** The sum of every Prometheus sample of `name` whose labels include all of `labels` (0 if none). */
export function sampleSum (text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0
  for (const line of text.split('\n')) {
    const value = sample(line, name, labels)
    if (value !== undefined) total += value
  }
  return total
}

/** The value of the first Prometheus sample of `name` whose labels include all of `labels`. */
export function sample (text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)/.exec(line)
    if (m === null || m[1] !== name) continue
    const present = m[3] ?? ''
    if (Object.entries(labels).every(([k, v]) => present.includes(`${k}="${v}"`))) return Number(m[4])
  }
  return undefined
}

/** Reads a node:http response to its end into a Reply (the body parsed as JSON when it is JSON). */
async function readReply (res: IncomingMessage): Promise<Reply> {
  return await new Promise<Reply>((resolve, reject) => {
    const chunks: Buffer[] = []
    res.on('data', (c: Buffer) => chunks.push(c))
    res.on('error', reject)
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const h = new Headers()
      for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v)
      const isJson = (res.headers['content-type'] ?? '').includes('application/json')
      resolve({ status: res.statusCode ?? 0, headers: h, text, body: (isJson ? JSON.parse(text) : {}) as Record<string, unknown> })
    })
  })
}
