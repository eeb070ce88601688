/**
 * Helpers for the tests of a node's HTTP API (test/api): one request with its reply, the
 * documented error shape, validation errors and Prometheus samples.
 */
import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'

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
export async function readReply (res: IncomingMessage): Promise<Reply> {
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
