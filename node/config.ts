import { readFile } from 'node:fs/promises'
import { multiaddr } from '@multiformats/multiaddr'
import { z } from 'zod'
import { MeshError, errorMessage } from '../src/errors.ts'
import { LOG_LEVELS, type LogLevel } from '../src/logging.ts'
import type { ServiceConfig } from '../src/routing/local-services.ts'
import { DEFAULT_HEALTH_CHECK, type HealthCheckConfig } from '../src/routing/service-health.ts'
import { STRATEGY_NAMES, type StrategyName } from '../src/routing/strategies.ts'
import { MAX_CAPACITY } from '../src/telemetry/snapshot.ts'

/** A node's settings, resolved from flags, then `MESHNODE_*` variables, then a config file, then defaults. */
export interface NodeConfig {
  dataDir: string
  listen: string[]
  api: { host: string, port: number }
  /** The API URL this node announces to its peers; by default the address it listens on. */
  apiUrl: string | undefined
  bootstrap: string[]
  genesis: string | undefined
  telemetryIntervalMs: number
  maxPeers: number
  region: string
  logLevel: LogLevel
  services: ServiceConfig[]
  healthCheck: HealthCheckConfig
  strategy: StrategyName
  requestTimeoutMs: number
  /** Largest body of a routed request, on the way in (413 past it) and from peers. */
  maxRequestBytes: number
  candidate: boolean
}

export const DEFAULTS: NodeConfig = {
  dataDir: './.meshnode',
  listen: ['/ip4/0.0.0.0/tcp/4001'],
  api: { host: '127.0.0.1', port: 8080 },
  apiUrl: undefined,
  bootstrap: [],
  genesis: undefined,
  telemetryIntervalMs: 1000,
  maxPeers: 32,
  region: 'local',
  logLevel: 'info',
  services: [],
  healthCheck: DEFAULT_HEALTH_CHECK,
  strategy: 'adaptive',
  requestTimeoutMs: 30_000,
  maxRequestBytes: 10 * 1024 * 1024,
  candidate: false
}

function parsedMultiaddr (s: string): ReturnType<typeof multiaddr> | undefined {
  try {
    return multiaddr(s)
  } catch {
    return undefined
  }
}

const Multiaddress = z.string().refine(s => parsedMultiaddr(s) !== undefined, { message: 'not a multiaddr' })

const BootstrapAddress = z.string().superRefine((s, ctx) => {
  const addr = parsedMultiaddr(s)
  if (addr === undefined) ctx.addIssue({ code: 'custom', message: 'not a multiaddr' })
  else if (addr.getPeerId() === null) ctx.addIssue({ code: 'custom', message: 'must end in /p2p/<peer id>' })
})

const ApiAddress = z.string().transform((s, ctx) => {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(s)
  const port = Number(m?.[2])
  if (m?.[1] === undefined || port > 65535) {
    ctx.addIssue({ code: 'custom', message: 'expected host:port, such as 127.0.0.1:8080' })
    return z.NEVER
  }
  return { host: m[1].replace(/^\[|\]$/g, ''), port }
})

const DEFAULT_CAPACITY = 100

/** `NAME=URL` on the command line; `{name, url, capacity}` or the same string in a file. */
const Service = z.preprocess((v, ctx) => {
  if (typeof v !== 'string') return v
  const eq = v.indexOf('=')
  if (eq < 1) ctx.addIssue({ code: 'custom', message: `expected NAME=URL, got ${JSON.stringify(v)}`, input: v })
  return { name: v.slice(0, eq), url: v.slice(eq + 1) }
}, z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a service name is letters, digits, dot, dash, underscore'),
  url: z.url({ protocol: /^https?$/ }),
  capacity: z.number().int().min(1).max(MAX_CAPACITY).default(DEFAULT_CAPACITY)
}).strict())

const Services = z.array(Service).refine(list => new Set(list.map(s => s.name)).size === list.length, { message: 'a service is named twice' })

const HealthCheckFields = z.object({
  path: z.string().startsWith('/').max(1024),
  interval_ms: z.number().int().min(100).max(600_000),
  timeout_ms: z.number().int().min(50).max(60_000),
  rise: z.number().int().min(1).max(100),
  fall: z.number().int().min(1).max(100)
}).partial().strict()

/** `path=/health,interval_ms=2000,...` on the command line, an object in a file; unset keys keep their defaults. */
const HealthCheck = z.preprocess((v, ctx) => {
  if (typeof v !== 'string') return v
  const entries = v.split(',').map(p => p.split('='))
  if (entries.some(e => e.length !== 2)) ctx.addIssue({ code: 'custom', message: 'expected key=value pairs separated by commas', input: v })
  return Object.fromEntries(entries.map(([k, x]) => [k, k === 'path' ? x : Number(x)]))
}, HealthCheckFields).transform(h => ({
  path: h.path ?? DEFAULT_HEALTH_CHECK.path,
  intervalMs: h.interval_ms ?? DEFAULT_HEALTH_CHECK.intervalMs,
  timeoutMs: h.timeout_ms ?? DEFAULT_HEALTH_CHECK.timeoutMs,
  rise: h.rise ?? DEFAULT_HEALTH_CHECK.rise,
  fall: h.fall ?? DEFAULT_HEALTH_CHECK.fall
}))

/** One setting: its schema, and where each source names it. */
interface Field {
  key: keyof NodeConfig
  flag: string
  env: string
  file: string
  schema: z.ZodType
  /** Flags and variables are strings: how to split a list or read a number. */
  fromText: (s: string) => unknown
}

const list = (s: string): string[] => s.split(',').map(x => x.trim()).filter(x => x !== '')
const num = (s: string): unknown => s.trim() === '' || Number.isNaN(Number(s)) ? s : Number(s)
const text = (s: string): string => s

const FIELDS: Field[] = [
  { key: 'dataDir', flag: '--data', env: 'MESHNODE_DATA', file: 'data', schema: z.string().min(1), fromText: text },
  { key: 'listen', flag: '--listen', env: 'MESHNODE_LISTEN', file: 'listen', schema: z.array(Multiaddress).min(1), fromText: list },
  { key: 'api', flag: '--api', env: 'MESHNODE_API', file: 'api', schema: ApiAddress, fromText: text },
  { key: 'apiUrl', flag: '--api-url', env: 'MESHNODE_API_URL', file: 'api_url', schema: z.url({ protocol: /^https?$/ }), fromText: text },
  { key: 'bootstrap', flag: '--bootstrap', env: 'MESHNODE_BOOTSTRAP', file: 'bootstrap', schema: z.array(BootstrapAddress), fromText: list },
  { key: 'genesis', flag: '--genesis', env: 'MESHNODE_GENESIS', file: 'genesis', schema: z.string().min(1), fromText: text },
  { key: 'telemetryIntervalMs', flag: '--telemetry-interval', env: 'MESHNODE_TELEMETRY_INTERVAL', file: 'telemetry_interval_ms', schema: z.number().int().min(100).max(600_000), fromText: num },
  { key: 'maxPeers', flag: '--max-peers', env: 'MESHNODE_MAX_PEERS', file: 'max_peers', schema: z.number().int().min(1).max(1000), fromText: num },
  { key: 'region', flag: '--region', env: 'MESHNODE_REGION', file: 'region', schema: z.string().min(1).max(64), fromText: text },
  { key: 'services', flag: '--service', env: 'MESHNODE_SERVICES', file: 'services', schema: Services, fromText: list },
  { key: 'healthCheck', flag: '--health-check', env: 'MESHNODE_HEALTH_CHECK', file: 'health_check', schema: HealthCheck, fromText: text },
  { key: 'strategy', flag: '--strategy', env: 'MESHNODE_STRATEGY', file: 'strategy', schema: z.enum(STRATEGY_NAMES as [StrategyName, ...StrategyName[]]), fromText: text },
  { key: 'requestTimeoutMs', flag: '--request-timeout', env: 'MESHNODE_REQUEST_TIMEOUT', file: 'request_timeout_ms', schema: z.number().int().min(100).max(600_000), fromText: num },
  { key: 'maxRequestBytes', flag: '--max-request-bytes', env: 'MESHNODE_MAX_REQUEST_BYTES', file: 'max_request_bytes', schema: z.number().int().min(1024).max(2 ** 40), fromText: num },
  { key: 'candidate', flag: '--candidate', env: 'MESHNODE_CANDIDATE', file: 'candidate', schema: z.boolean(), fromText: s => s === 'true' || s === '1' ? true : s === 'false' || s === '0' ? false : s },
  { key: 'logLevel', flag: '--log-level', env: 'MESHNODE_LOG_LEVEL', file: 'log_level', schema: z.enum(LOG_LEVELS), fromText: text }
]

export const CONFIG_FILE_KEYS = FIELDS.map(f => f.file)

/** Values given on the command line, as commander parsed them (repeatable flags as arrays). */
export type FlagValues = Partial<Record<keyof NodeConfig, string | string[]>>

export interface ConfigSources {
  flags: FlagValues
  env: Record<string, string | undefined>
  /** The config file's path, from --config or MESHNODE_CONFIG; read by `loadConfig`. */
  file?: { path: string, content: string }
}

function check (field: Field, value: unknown, where: string): unknown {
  const result = field.schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const path = issue?.path.join('.') ?? ''
  throw new MeshError('CONFIG_ERROR', `${where}: ${path === '' ? '' : `${path}: `}${issue?.message ?? 'invalid value'}`, { field: field.key })
}

/** Pure: merges the sources by precedence and validates each value, naming its source on error. */
export function resolveConfig (sources: ConfigSources): NodeConfig {
  const fromFile = parseConfigFile(sources.file)
  const config: Record<string, unknown> = { ...DEFAULTS }
  for (const field of FIELDS) {
    const flag = sources.flags[field.key]
    const env = sources.env[field.env]
    if (flag !== undefined && !(Array.isArray(flag) && flag.length === 0)) {
      const value = Array.isArray(flag) ? flag.flatMap(list) : field.fromText(flag)
      config[field.key] = check(field, value, `invalid ${field.flag} ${JSON.stringify(flag)}`)
    } else if (env !== undefined && env !== '') {
      config[field.key] = check(field, field.fromText(env), `invalid ${field.env}=${JSON.stringify(env)}`)
    } else if (fromFile[field.file] !== undefined) {
      let value = fromFile[field.file]
      if ((field.key === 'listen' || field.key === 'bootstrap' || field.key === 'services') && typeof value === 'string') value = [value]
      config[field.key] = check(field, value, `invalid ${field.file} in config file ${sources.file?.path ?? ''}`)
    }
  }
  return config as unknown as NodeConfig
}

function parseConfigFile (file: ConfigSources['file']): Record<string, unknown> {
  if (file === undefined) return {}
  let value: unknown
  try {
    value = JSON.parse(file.content)
  } catch (err) {
    throw new MeshError('CONFIG_ERROR', `config file ${file.path} is not valid JSON: ${errorMessage(err)}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MeshError('CONFIG_ERROR', `config file ${file.path} must hold a JSON object`)
  }
  const unknown = Object.keys(value).find(k => !CONFIG_FILE_KEYS.includes(k))
  if (unknown !== undefined) {
    throw new MeshError('CONFIG_ERROR', `config file ${file.path}: unknown key "${unknown}" (known: ${CONFIG_FILE_KEYS.join(', ')})`)
  }
  return value as Record<string, unknown>
}

/** Reads the config file named by --config or MESHNODE_CONFIG, then resolves. */
export async function loadConfig (flags: FlagValues & { config?: string }, env: Record<string, string | undefined>): Promise<NodeConfig> {
  const path = flags.config ?? (env.MESHNODE_CONFIG === '' ? undefined : env.MESHNODE_CONFIG)
  let file: ConfigSources['file']
  if (path !== undefined) {
    try {
      file = { path, content: await readFile(path, 'utf8') }
    } catch (err) {
      throw new MeshError('CONFIG_ERROR', `cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`)
    }
  }
  return resolveConfig({ flags, env, file })
}
