import { hostname } from 'node:os'
import { multiaddr } from '@multiformats/multiaddr'
import { createApi } from '../api/app.ts'
import { listenApi, type ApiServer } from '../api/server.ts'
import type { Logger } from '../src/logging.ts'
import { MeshNode } from '../src/mesh.ts'
import { loadOrCreateIdentity } from '../src/p2p/identity.ts'
import { tuningOf, type NodeConfig } from './config.ts'
import { ensureDataDir, loadOrCreateApiToken, resolveGenesis, type GenesisOrigin } from './data-dir.ts'

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
 * Starts one node from its resolved config: data directory, identity, network, API, mesh.
 * The API listens first, so that /ready answers 503 while the mesh starts.
 */
export async function launchNode (config: NodeConfig, log: Logger, signal: AbortSignal): Promise<RunningNode> {
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
  const staticConfig = {
    dataDir: config.dataDir,
    listen: config.listen,
    announce: config.announce,
    corsOrigins: config.corsOrigins,
    apiUrl: '',
    bootstrap: config.bootstrap,
    region: config.region,
    logLevel: config.logLevel
  }
  const api = await listenApi(createApi({ mesh, token, log, staticConfig, shutdown: shutdown.signal, maxRouteBodyBytes: config.maxRequestBytes, corsOrigins: config.corsOrigins }), config.api.host, config.api.port, log)
  staticConfig.apiUrl = config.apiUrl ?? advertisedUrl(api.url)
  mesh.advertiseApiUrl(staticConfig.apiUrl)
  const stop = async (): Promise<void> => {
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

/** A wildcard address is no use to peers: announce the host's name instead. */
function advertisedUrl (bound: string): string {
  const url = new URL(bound)
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = hostname()
  return url.toString().replace(/\/$/, '')
}
