import { readFile } from 'node:fs/promises'
import { multiaddr } from '@multiformats/multiaddr'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { DurationSchema } from '../src/duration.ts'
import { MeshError, errorMessage } from '../src/errors.ts'
import { LOG_FORMATS, LOG_LEVELS } from '../src/logging.ts'
import { CONFIG_KEYS, DEFAULTS, type NodeConfig } from '../src/node-config.ts'
import { STRATEGY_NAMES, type StrategyName } from '../src/routing/strategies.ts'
import { MAX_CAPACITY } from '../src/telemetry/snapshot.ts'
import { DEFAULT_TUNING } from '../src/tuning.ts'

function parsedMultiaddr (s: string): ReturnType<typeof multiaddr> | undefined {
  try {
    return multiaddr(s)
  } catch {
    return undefined
  }
}

const Multiaddress = z.string().refine(s => parsedMultiaddr(s) !== undefined, { message: 'not a multiaddr, such as /ip4/0.0.0.0/tcp/4001' })

const BootstrapAddress = z.string().superRefine((s, ctx) => {
  const addr = parsedMultiaddr(s)
  if (addr === undefined) ctx.addIssue({ code: 'custom', message: 'not a multiaddr, such as /ip4/127.0.0.1/tcp/4001/p2p/<peer id>' })
  else if (addr.getPeerId() === null) ctx.addIssue({ code: 'custom', message: 'must end in /p2p/<peer id> of the node it names' })
})

/** A browser origin (scheme, host and port, no path), or `*` for any. */
const CorsOrigin = z.string().refine(s => {
  if (s === '*') return true
  try {
    const url = new URL(s)
    return /^https?:$/.test(url.protocol) && url.origin === s
  } catch {
    return false
  }
}, { message: 'not an origin: expected scheme://host[:port] with no path, such as https://app.example.com, or *' })

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
  path: h.path ?? DEFAULT_TUNING.healthCheck.path,
  intervalMs: h.interval_ms ?? DEFAULT_TUNING.healthCheck.intervalMs,
  timeoutMs: h.timeout_ms ?? DEFAULT_TUNING.healthCheck.timeoutMs,
  rise: h.rise ?? DEFAULT_TUNING.healthCheck.rise,
  fall: h.fall ?? DEFAULT_TUNING.healthCheck.fall
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
  /** What is accepted, for the error line when the schema's own message does not say. */
  accepts: string
}

const list = (s: string): string[] => s.split(',').map(x => x.trim()).filter(x => x !== '')
const num = (s: string): unknown => s.trim() === '' || Number.isNaN(Number(s)) ? s : Number(s)
const text = (s: string): string => s
/** Booleans in variables: true/false, 1/0 and yes/no, as shells and compose files write them. */
const BOOLEAN_TEXT: Record<string, boolean> = { true: true, 1: true, yes: true, false: false, 0: false, no: false }
const bool = (s: string): unknown => BOOLEAN_TEXT[s.trim().toLowerCase()] ?? s
const intRange = (min: number, max: number, unit = ''): string => `expected a whole number${unit} from ${min} to ${max}`

const FIELDS: Field[] = [
  { key: 'dataDir', flag: '--data', env: 'MESHNODE_DATA', file: CONFIG_KEYS.dataDir, schema: z.string().min(1), fromText: text, accepts: 'expected a directory path' },
  { key: 'listen', flag: '--listen', env: 'MESHNODE_LISTEN', file: CONFIG_KEYS.listen, schema: z.array(Multiaddress).min(1), fromText: list, accepts: 'expected one or more multiaddrs, such as /ip4/0.0.0.0/tcp/4001' },
  { key: 'announce', flag: '--announce', env: 'MESHNODE_ANNOUNCE', file: CONFIG_KEYS.announce, schema: z.array(Multiaddress), fromText: list, accepts: 'expected multiaddrs that peers can dial, such as /dns4/node1.example.com/tcp/4001' },
  { key: 'api', flag: '--api', env: 'MESHNODE_API', file: CONFIG_KEYS.api, schema: ApiAddress, fromText: text, accepts: 'expected host:port, such as 127.0.0.1:8080' },
  { key: 'apiUrl', flag: '--api-url', env: 'MESHNODE_API_URL', file: CONFIG_KEYS.apiUrl, schema: z.url({ protocol: /^https?$/ }), fromText: text, accepts: 'expected an http(s) URL, such as http://node1.example.com:8080' },
  { key: 'bootstrap', flag: '--bootstrap', env: 'MESHNODE_BOOTSTRAP', file: CONFIG_KEYS.bootstrap, schema: z.array(BootstrapAddress), fromText: list, accepts: 'expected multiaddrs ending in /p2p/<peer id>' },
  { key: 'genesis', flag: '--genesis', env: 'MESHNODE_GENESIS', file: CONFIG_KEYS.genesis, schema: z.string().min(1), fromText: text, accepts: 'expected a file path' },
  { key: 'telemetryIntervalMs', flag: '--telemetry-interval', env: 'MESHNODE_TELEMETRY_INTERVAL', file: CONFIG_KEYS.telemetryIntervalMs, schema: z.number().int().min(100).max(600_000), fromText: num, accepts: intRange(100, 600_000, ' of milliseconds') },
  { key: 'maxPeers', flag: '--max-peers', env: 'MESHNODE_MAX_PEERS', file: CONFIG_KEYS.maxPeers, schema: z.number().int().min(1).max(1000), fromText: num, accepts: intRange(1, 1000) },
  { key: 'region', flag: '--region', env: 'MESHNODE_REGION', file: CONFIG_KEYS.region, schema: z.string().min(1).max(64), fromText: text, accepts: 'expected a name of 1 to 64 characters' },
  { key: 'services', flag: '--service', env: 'MESHNODE_SERVICES', file: CONFIG_KEYS.services, schema: Services, fromText: list, accepts: 'expected NAME=URL with an http(s) URL, such as echo=http://127.0.0.1:9000' },
  { key: 'healthCheck', flag: '--health-check', env: 'MESHNODE_HEALTH_CHECK', file: CONFIG_KEYS.healthCheck, schema: HealthCheck, fromText: text, accepts: 'expected path=/health,interval_ms=2000,timeout_ms=1000,rise=1,fall=2 (any of these keys)' },
  { key: 'strategy', flag: '--strategy', env: 'MESHNODE_STRATEGY', file: CONFIG_KEYS.strategy, schema: z.enum(STRATEGY_NAMES as [StrategyName, ...StrategyName[]]), fromText: text, accepts: `expected one of ${STRATEGY_NAMES.join(', ')}` },
  { key: 'requestTimeoutMs', flag: '--request-timeout', env: 'MESHNODE_REQUEST_TIMEOUT', file: CONFIG_KEYS.requestTimeoutMs, schema: z.number().int().min(100).max(600_000), fromText: num, accepts: intRange(100, 600_000, ' of milliseconds') },
  { key: 'maxRequestBytes', flag: '--max-request-bytes', env: 'MESHNODE_MAX_REQUEST_BYTES', file: CONFIG_KEYS.maxRequestBytes, schema: z.number().int().min(1024).max(2 ** 40), fromText: num, accepts: intRange(1024, 2 ** 40, ' of bytes') },
  { key: 'candidate', flag: '--candidate', env: 'MESHNODE_CANDIDATE', file: CONFIG_KEYS.candidate, schema: z.boolean(), fromText: bool, accepts: 'expected true or false (or 1/0, yes/no)' },
  { key: 'webhookAllowPrivate', flag: '--webhook-allow-private', env: 'MESHNODE_WEBHOOK_ALLOW_PRIVATE', file: CONFIG_KEYS.webhookAllowPrivate, schema: z.boolean(), fromText: bool, accepts: 'expected true or false (or 1/0, yes/no)' },
  { key: 'logLevel', flag: '--log-level', env: 'MESHNODE_LOG_LEVEL', file: CONFIG_KEYS.logLevel, schema: z.enum(LOG_LEVELS), fromText: text, accepts: `expected one of ${LOG_LEVELS.join(', ')}` },
  { key: 'logFormat', flag: '--log-format', env: 'MESHNODE_LOG_FORMAT', file: CONFIG_KEYS.logFormat, schema: z.enum(LOG_FORMATS), fromText: text, accepts: `expected one of ${LOG_FORMATS.join(', ')}` },
  { key: 'auditRetentionMs', flag: '--audit-retention', env: 'MESHNODE_AUDIT_RETENTION', file: CONFIG_KEYS.auditRetentionMs, schema: DurationSchema.pipe(z.number().min(3_600_000, 'at least 1h')), fromText: num, accepts: 'expected a duration of at least 1h, such as 30d or 2160h' },
  { key: 'corsOrigins', flag: '--cors-origin', env: 'MESHNODE_CORS_ORIGINS', file: CONFIG_KEYS.corsOrigins, schema: z.array(CorsOrigin), fromText: list, accepts: 'expected origins such as https://app.example.com, or *' }
]

/** Settings that hold a list: the file may give a single one as a string. */
const LIST_KEYS = new Set<keyof NodeConfig>(['listen', 'announce', 'bootstrap', 'services', 'corsOrigins'])

export const CONFIG_FILE_KEYS = FIELDS.map(f => f.file)

/** Values given on the command line, as commander parsed them (repeatable flags as arrays). */
export type FlagValues = Partial<Record<keyof NodeConfig, string | string[]>>

export interface ConfigSources {
  flags: FlagValues
  env: Record<string, string | undefined>
  /** The config file's path, from --config or MESHNODE_CONFIG; read by `loadConfig`. */
  file?: { path: string, content: string }
}

/** A value as the error line shows it: text quoted, a list as its comma-separated items. */
function show (value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value.map(v => typeof v === 'string' ? v : JSON.stringify(v)).join(','))
  return JSON.stringify(value) ?? String(value)
}

/**
 * Validates one value; on failure one line naming the source (`label`), the bad value (in a
 * list, the bad item) and what is accepted.
 */
function check (field: Field, value: unknown, label: string, where = ''): unknown {
  const result = field.schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const index = issue?.path[0]
  const bad = typeof index === 'number' && Array.isArray(value) ? value[index] : value
  // Our own refinements say what is wrong and what is accepted; zod's generic messages do not.
  const reason = issue?.code === 'custom'
    ? issue.message
    : issue?.code === 'unrecognized_keys'
      ? `unknown key ${issue.keys.join(', ')}; ${field.accepts}`
      : field.accepts
  throw new MeshError('CONFIG_ERROR', `invalid ${label} ${show(bad)}${where}: ${reason}`, { field: field.key })
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
      config[field.key] = check(field, value, field.flag)
    } else if (env !== undefined && env !== '') {
      config[field.key] = check(field, field.fromText(env), field.env)
    } else if (fromFile[field.file] !== undefined) {
      let value = fromFile[field.file]
      if (LIST_KEYS.has(field.key) && typeof value === 'string') value = [value]
      config[field.key] = check(field, value, field.file, ` in config file ${sources.file?.path ?? ''}`)
    }
  }
  return config as unknown as NodeConfig
}

/** A config file is JSON, or YAML when its name ends in .yaml or .yml. */
export function parseConfigFile (file: ConfigSources['file']): Record<string, unknown> {
  if (file === undefined) return {}
  const yaml = /\.ya?ml$/i.test(file.path)
  let value: unknown
  try {
    value = yaml ? parseYaml(file.content) : JSON.parse(file.content)
  } catch (err) {
    // JSON.parse quotes the offending text, newlines included; yaml adds a snippet on further lines.
    const message = errorMessage(err)
    const reason = yaml ? (message.split('\n')[0] ?? '').replace(/:$/, '') : message.replace(/\n/g, '\\n')
    throw new MeshError('CONFIG_ERROR', `config file ${file.path} is not valid ${yaml ? 'YAML' : 'JSON (a .yaml or .yml file is read as YAML)'}: ${reason}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MeshError('CONFIG_ERROR', `config file ${file.path} must hold ${yaml ? 'a YAML mapping' : 'a JSON object'} of settings (known keys: ${CONFIG_FILE_KEYS.join(', ')})`)
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

