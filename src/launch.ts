import { multiaddr } from '@multiformats/multiaddr'
import { ensureDataDir, loadOrCreateApiToken, resolveGenesis, type GenesisOrigin } from './data-dir.ts'
import type { Logger } from './logging.ts'
import { MeshNode } from './mesh.ts'
import { tuningOf, type NodeConfig } from './node-config.ts'
import { loadOrCreateIdentity } from './p2p/identity.ts'

/** The node's HTTP API server, listening. */
export interface ApiServer {
  /** Where it listens, with port 0 resolved. */
  url: string
  /** Stops accepting connections and waits for in-flight requests to finish. */
  close: () => Promise<void>
  /** Stops at once, cutting every connection: a crash, for simulations. */
  destroy: () => Promise<void>
}

/** What the node's API is built from. */
export interface ApiInit {
  mesh: MeshNode
  token: string
  config: NodeConfig
  log: Logger
  /** Aborted when the node stops or crashes, to end long-lived streams. */
  shutdown: AbortSignal
}

/**
 * Builds the node's API and has it listen; `apiUrl` is the URL the node announces to its peers.
 * The API lives in api/, which src/ does not import: whoever launches a node passes this in.
 */
export type ServeApi = (init: ApiInit) => Promise<{ server: ApiServer, apiUrl: string }>

export interface RunningNode {
  mesh: MeshNode
  api: ApiServer
  token: string
  tokenCreated: boolean
  keyCreated: boolean
  genesisOrigin: GenesisOrigin
  /** Finishes in-flight API requests, then stops the mesh and closes the database. */
  stop: () => Promise<void>
  /** Stops abruptly, as a killed process would (see MeshNode.crash); for simulations. */
  crash: () => Promise<void>
}

/**
 * Starts one node from its resolved config: data directory, identity, network, API (built by
 * `serveApi`), mesh.
 * The API listens first, so that /ready answers 503 while the mesh starts.
 */
export async function launchNode (config: NodeConfig, serveApi: ServeApi, log: Logger, signal: AbortSignal): Promise<RunningNode> {
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
    tuning: tuningOf(config),
    log
  })
  const shutdown = new AbortController()
  const { server: api, apiUrl } = await serveApi({ mesh, token, config, log, shutdown: shutdown.signal })
  mesh.advertiseApiUrl(apiUrl)
  const stop = async (): Promise<void> => {
    // Peers stop routing here at once, while the API finishes what it serves.
    await mesh.departing()
    shutdown.abort()
    await api.close()
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
  return { mesh, api, token, tokenCreated, keyCreated: identity.created, genesisOrigin: origin, stop, crash }
}
