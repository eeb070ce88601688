import { multiaddr } from '@multiformats/multiaddr'
import { ensureDataDir, loadOrCreateApiToken, resolveGenesis, type GenesisOrigin } from './data-dir.ts'
import type { Clock } from './clock.ts'
import { MeshError, isMeshError } from './errors.ts'
import type { Logger, LogLevel } from './logging.ts'
import { MeshNode } from './mesh.ts'
import { tuningOf, type NodeConfig } from './node-config.ts'
import { loadOrCreateIdentity } from './p2p/identity.ts'
import { planReload, reloadReport, type ReloadReport } from './reload.ts'

/** The node's HTTP API server, listening. */
export interface ApiServer {
  /** Where it listens, with port 0 resolved. */
  url: string
  /** Stops accepting connections and waits for in-flight requests to finish. */
  close: () => Promise<void>
  /** Stops at once, cutting every connection: a crash, for simulations. */
  destroy: () => Promise<void>
  /** Applies the API's settings that a reload may change. */
  reconfigure: (settings: { corsOrigins: string[], logLevel: LogLevel }) => void
}

/** A graceful stop: in-flight API requests get `timeoutMs` to finish (none with `force`), then their connections are cut. */
export interface ShutdownRequest {
  timeoutMs: number
  force: boolean
}

/** What the process that runs a node gives it: how to re-read its config, and how to ask for its stop. */
export interface ProcessControl {
  /** Re-reads the node's config from the sources it started with (flags, variables, file). */
  readConfig?: () => Promise<NodeConfig>
  /** Asks the process to stop the node as a stop signal does; absent, the node stops in this process. */
  requestStop?: (request: ShutdownRequest) => void
}

/** What the API asks of the node's lifecycle: POST /v1/system/reload and /v1/system/shutdown. */
export interface NodeControl {
  reload: () => Promise<ReloadReport>
  shutdown: (request: ShutdownRequest) => void
}

/** What the node's API is built from. */
export interface ApiInit {
  mesh: MeshNode
  token: string
  config: NodeConfig
  log: Logger
  /** Aborted when the node stops or crashes, to end long-lived streams. */
  shutdown: AbortSignal
  control: NodeControl
}

/**
 * Builds the node's API and has it listen; `apiUrl` is the URL the node announces to its peers.
 * The API lives in api/, which src/ does not import: whoever launches a node passes this in.
 */
export type ServeApi = (init: ApiInit) => Promise<{ server: ApiServer, apiUrl: string }>

/** What a launch takes besides the config: the process's controls (reload, stop) and, in tests, a clock. */
export interface LaunchOptions {
  processControl?: ProcessControl
  /** The system clock unless a test moves time (a month's end, for invoices). */
  clock?: Clock
}

export interface RunningNode {
  mesh: MeshNode
  api: ApiServer
  token: string
  tokenCreated: boolean
  keyCreated: boolean
  genesisOrigin: GenesisOrigin
  /** Finishes in-flight API requests (within the request's time, by default the request timeout), then stops the mesh and closes the database. */
  stop: (request?: ShutdownRequest) => Promise<void>
  /** Applies a re-read config: what can change at run time changes, the rest is reported as needing a restart. */
  reload: (next: NodeConfig) => ReloadReport
  /** Reload (re-read the config sources, then `reload`) and shutdown, as the API asks them. */
  control: NodeControl
  /** Stops abruptly, as a killed process would (see MeshNode.crash); for simulations. */
  crash: () => Promise<void>
}

/**
 * Starts one node from its resolved config: data directory, identity, network, API (built by
 * `serveApi`), mesh.
 * The API listens first, so that /ready answers 503 while the mesh starts.
 */
export async function launchNode (config: NodeConfig, serveApi: ServeApi, log: Logger, signal: AbortSignal, options: LaunchOptions = {}): Promise<RunningNode> {
  const { processControl = {}, clock } = options
  await ensureDataDir(config.dataDir)
  const identity = await loadOrCreateIdentity(config.dataDir)
  const { token, created: tokenCreated } = await loadOrCreateApiToken(config.dataDir)
  const bootstrap = config.bootstrap.map(a => multiaddr(a))
  const { genesis, origin } = await resolveGenesis(config.dataDir, {
    genesisPath: config.genesis,
    bootstrap,
    privateKey: identity.privateKey,
    peerId: identity.peerId,
    log,
    signal
  })
  const mesh = new MeshNode({
    dataDir: config.dataDir,
    privateKey: identity.privateKey,
    peerId: identity.peerId,
    genesis,
    listen: config.listen,
    announce: config.announce,
    bootstrap,
    region: config.region,
    services: config.services,
    candidate: config.candidate,
    webhookAllowPrivate: config.webhookAllowPrivate,
    tuning: tuningOf(config),
    log,
    clock
  })
  const shutdown = new AbortController()
  let current = config
  const reload = (next: NodeConfig): ReloadReport => {
    const { router } = mesh.running()
    const plan = planReload(current, next)
    const applied = { ...current }
    for (const { key } of plan.apply) (applied as Record<string, unknown>)[key] = next[key]
    // Only what changed: a strategy set through the API since the start stays unless the file changes it.
    const changed = new Set(plan.apply.map(c => c.key))
    if (changed.has('logLevel')) log.level = applied.logLevel
    if (changed.has('logLevel') || changed.has('corsOrigins')) api.reconfigure({ corsOrigins: applied.corsOrigins, logLevel: applied.logLevel })
    if (changed.has('telemetryIntervalMs') || changed.has('maxPeers')) mesh.updateSettings({ telemetryIntervalMs: applied.telemetryIntervalMs, maxPeers: applied.maxPeers })
    if (changed.has('strategy')) router.configure({ strategy: applied.strategy })
    if (changed.has('services')) mesh.localServices.configure(applied.services)
    current = applied
    const report = reloadReport(plan)
    log.info({ applied: report.applied, restart_required: report.restartRequired }, 'config reloaded')
    return report
  }
  const control: NodeControl = {
    reload: async () => {
      if (processControl.readConfig === undefined) throw new MeshError('UNAVAILABLE', 'this node was started without config sources to re-read: restart it to change its settings')
      let next: NodeConfig
      try {
        next = await processControl.readConfig()
      } catch (err) {
        // A bad file is the operator's to fix; the node runs on with its settings.
        if (isMeshError(err) && err.code === 'CONFIG_ERROR') throw new MeshError('VALIDATION_ERROR', err.message, err.details)
        throw err
      }
      return reload(next)
    },
    shutdown: request => {
      if (processControl.requestStop !== undefined) processControl.requestStop(request)
      else void stop(request).catch((err: unknown) => { log.error({ err }, 'stop failed') })
    }
  }
  const { server: api, apiUrl } = await serveApi({ mesh, token, config, log, shutdown: shutdown.signal, control })
  mesh.advertiseApiUrl(apiUrl)
  const stop = async (request: ShutdownRequest = { timeoutMs: config.requestTimeoutMs, force: false }): Promise<void> => {
    // Peers stop routing here at once, while the API finishes what it serves.
    await mesh.departing()
    shutdown.abort()
    await closeWithin(api, request)
    await mesh.stop()
  }
  try {
    await mesh.start()
  } catch (err) {
    await stop()
    throw err
  }
  const crash = async (): Promise<void> => {
    shutdown.abort()
    await Promise.all([api.destroy(), mesh.crash()])
  }
  return { mesh, api, token, tokenCreated, keyCreated: identity.created, genesisOrigin: origin, stop, crash, reload, control }
}

/** Closes the API: in-flight requests finish, or past the request's time (at once with `force`) their connections are cut. */
async function closeWithin (api: ApiServer, request: ShutdownRequest): Promise<void> {
  const closed = api.close()
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>(resolve => { timer = setTimeout(() => resolve('late'), request.force ? 0 : request.timeoutMs) })
  try {
    if (await Promise.race([closed, late]) === 'late') await api.destroy()
    await closed
  } finally {
    clearTimeout(timer)
  }
}
