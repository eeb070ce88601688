import { join } from 'node:path'
import { TOKEN_FILE, readOptional } from '../src/data-dir.ts'
import { DEFAULTS } from '../src/node-config.ts'
import { parseConfigFile } from './config.ts'

/**
 * Which node the `meshnode` commands that ask a running node talk to (they call it through
 * the typed client, api/client).
 */
export interface ApiTarget {
  baseUrl: string
  /** The operator token from the data directory; undefined when there is none (read-only use). */
  token: string | undefined
}

/** A config file that a data directory may hold, with the node's API address. */
export const DATA_DIR_CONFIG = 'config.json'

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
