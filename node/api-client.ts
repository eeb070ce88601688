import { join } from 'node:path'
import { z } from 'zod'
import { TOKEN_FILE, readOptional } from '../src/data-dir.ts'
import { MeshError, errorMessage } from '../src/errors.ts'
import { DEFAULTS } from '../src/node-config.ts'
import { parseConfigFile } from './config.ts'

/**
 * The client side of the node's HTTP API, for the `meshnode` commands that ask a running node.
 * Every failure is a MeshError whose message fits on one line: the node is down, or it refused
 * (with the API's own error code and message).
 */
export interface ApiTarget {
  baseUrl: string
  /** The operator token from the data directory; undefined when there is none (read-only use). */
  token: string | undefined
}

/** A config file that a data directory may hold, with the node's API address. */
export const DATA_DIR_CONFIG = 'config.json'

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }).loose() }).loose()

/** `host:port` or a URL, as the API address is given to `meshnode start --api`. */
function baseUrlOf (api: string): string {
  if (/^https?:\/\//.test(api)) return api.replace(/\/$/, '')
  return `http://${api}`
}

/**
 * Which node to ask: `--api`, else the `api` of the data directory's config.json if there is
 * one, else the default API address; the token comes from the data directory's `api-token`.
 */
export async function resolveApiTarget (opts: { api?: string, dataDir: string }): Promise<ApiTarget> {
  const token = (await readOptional(join(opts.dataDir, TOKEN_FILE)))?.trim()
  if (opts.api !== undefined) return { baseUrl: baseUrlOf(opts.api), token }
  const path = join(opts.dataDir, DATA_DIR_CONFIG)
  const content = await readOptional(path)
  // The same file, read the same way, as `meshnode start --config` reads it.
  const api = content === undefined ? undefined : parseConfigFile({ path, content }).api
  if (typeof api === 'string') return { baseUrl: baseUrlOf(api), token }
  return { baseUrl: `http://${DEFAULTS.api.host}:${DEFAULTS.api.port}`, token }
}

export class ApiClient {
  private readonly target: ApiTarget
  private readonly timeoutMs: number

  constructor (target: ApiTarget, timeoutMs = 10_000) {
    this.target = target
    this.timeoutMs = timeoutMs
  }

  async get (path: string): Promise<unknown> {
    return await this.request('GET', path)
  }

  async post (path: string, body: unknown): Promise<unknown> {
    return await this.request('POST', path, body)
  }

  async delete (path: string): Promise<unknown> {
    return await this.request('DELETE', path)
  }

  private async request (method: string, path: string, body?: unknown): Promise<unknown> {
    const url = `${this.target.baseUrl}${path}`
    if (method !== 'GET' && this.target.token === undefined) {
      throw new MeshError('AUTHENTICATION_ERROR', `no API token: ${TOKEN_FILE} is not in the data directory (use --data DIR of the node)`)
    }
    const headers: Record<string, string> = {}
    if (this.target.token !== undefined) headers.authorization = `Bearer ${this.target.token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    let res: Response
    try {
      res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) })
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause
      throw new MeshError('UNAVAILABLE', `cannot reach the node's API at ${this.target.baseUrl}: ${errorMessage(cause ?? err)}`)
    }
    const text = await res.text()
    let value: unknown
    try {
      value = text === '' ? {} : JSON.parse(text)
    } catch {
      throw new MeshError('UPSTREAM_ERROR', `${method} ${url}: HTTP ${res.status} with a body that is not JSON`)
    }
    if (!res.ok) {
      const parsed = ErrorBody.safeParse(value)
      const reason = parsed.success ? `${parsed.data.error.code}: ${parsed.data.error.message}` : `HTTP ${res.status}`
      throw new MeshError('UPSTREAM_ERROR', `the node refused (${res.status} ${reason})`, { status: res.status })
    }
    return value
  }
}
