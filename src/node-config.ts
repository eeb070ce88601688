import type { LogFormat, LogLevel } from './logging.ts'
import type { ServiceConfig } from './routing/local-services.ts'
import type { HealthCheckConfig } from './routing/service-health.ts'
import type { StrategyName } from './routing/strategies.ts'
import { DEFAULT_TUNING, type Tuning } from './tuning.ts'

/**
 * A node's settings, resolved from flags, then `MESHNODE_*` variables, then a config file, then
 * defaults (node/config.ts); the simulations fill them in themselves.
 */
export interface NodeConfig {
  dataDir: string
  listen: string[]
  /** Addresses announced to peers (identify) and in the join line instead of the listen addresses; empty: the listen addresses. */
  announce: string[]
  api: { host: string, port: number }
  /** The API URL this node announces to its peers; by default the address it listens on. */
  apiUrl: string | undefined
  bootstrap: string[]
  genesis: string | undefined
  telemetryIntervalMs: number
  maxPeers: number
  region: string
  logLevel: LogLevel
  logFormat: LogFormat
  /** Origins whose browser pages may call the API (CORS); empty: none, `*`: any. */
  corsOrigins: string[]
  services: ServiceConfig[]
  healthCheck: HealthCheckConfig
  strategy: StrategyName
  requestTimeoutMs: number
  /** Largest body of a routed request, on the way in (413 past it) and from peers. */
  maxRequestBytes: number
  candidate: boolean
  /** How long audit entries are kept. */
  auditRetentionMs: number
  /** Deliver webhooks to loopback and private addresses too. */
  webhookAllowPrivate: boolean
}

/** The name of each setting in a config file, and so in what a reload reports. */
export const CONFIG_KEYS: Readonly<Record<keyof NodeConfig, string>> = {
  dataDir: 'data',
  listen: 'listen',
  announce: 'announce',
  api: 'api',
  apiUrl: 'api_url',
  bootstrap: 'bootstrap',
  genesis: 'genesis',
  telemetryIntervalMs: 'telemetry_interval_ms',
  maxPeers: 'max_peers',
  region: 'region',
  services: 'services',
  healthCheck: 'health_check',
  strategy: 'strategy',
  requestTimeoutMs: 'request_timeout_ms',
  maxRequestBytes: 'max_request_bytes',
  candidate: 'candidate',
  logLevel: 'log_level',
  logFormat: 'log_format',
  corsOrigins: 'cors_origins',
  auditRetentionMs: 'audit_retention',
  webhookAllowPrivate: 'webhook_allow_private'
}

const { routing } = DEFAULT_TUNING

/** The settings' defaults; timings and sizes are DEFAULT_TUNING's, written there once. */
export const DEFAULTS: NodeConfig = {
  dataDir: './.meshnode',
  listen: ['/ip4/0.0.0.0/tcp/4001'],
  announce: [],
  api: { host: '127.0.0.1', port: 8080 },
  apiUrl: undefined,
  bootstrap: [],
  genesis: undefined,
  telemetryIntervalMs: DEFAULT_TUNING.telemetry.intervalMs,
  maxPeers: DEFAULT_TUNING.peers.maxPeers,
  region: 'local',
  logLevel: 'info',
  logFormat: 'json',
  corsOrigins: [],
  services: [],
  healthCheck: DEFAULT_TUNING.healthCheck,
  strategy: routing.strategy,
  requestTimeoutMs: routing.requestTimeoutMs,
  maxRequestBytes: routing.maxRequestBytes,
  candidate: false,
  auditRetentionMs: DEFAULT_TUNING.operations.auditRetentionMs,
  webhookAllowPrivate: false
}

/**
 * The one place where the operator's settings meet the defaults: DEFAULT_TUNING with the
 * timings and sizes an operator may set taken from the resolved config.
 */
export function tuningOf (config: NodeConfig): Tuning {
  return {
    ...DEFAULT_TUNING,
    telemetry: { ...DEFAULT_TUNING.telemetry, intervalMs: config.telemetryIntervalMs },
    peers: { ...DEFAULT_TUNING.peers, maxPeers: config.maxPeers },
    routing: {
      ...routing,
      strategy: config.strategy,
      requestTimeoutMs: config.requestTimeoutMs,
      maxRequestBytes: config.maxRequestBytes
    },
    healthCheck: config.healthCheck,
    operations: { ...DEFAULT_TUNING.operations, auditRetentionMs: config.auditRetentionMs }
  }
}
