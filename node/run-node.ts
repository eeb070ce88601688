import { accessSync, constants } from 'node:fs'
import { delimiter, join, resolve, sep } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { serveApi } from '../api/server.ts'
import { errorMessage } from '../src/errors.ts'
import { launchNode, type RunningNode, type ShutdownRequest } from '../src/launch.ts'
import { createLogger } from '../src/logging.ts'
import { DEFAULTS, type NodeConfig } from '../src/node-config.ts'
import { VERSION } from '../src/version.ts'
import { onReloadSignal, onStopSignals } from './signals.ts'
import type { StartupLine, StartupRecord } from './startup-record.ts'

export interface RunOptions {
  /** Print the start-up record as one JSON line on stdout instead of the banner. */
  json: boolean
  /** Re-reads the config from the sources it came from, for a reload (SIGHUP or the API). */
  readConfig?: () => Promise<NodeConfig>
}

/**
 * The node process: starts the node, prints what its operator needs, re-reads its config on
 * SIGHUP, and stops cleanly on SIGINT, SIGTERM or POST /v1/system/shutdown (exit code 0). A
 * second Ctrl-C stops at once (see StopRequests).
 */
export async function runNode (config: NodeConfig, opts: RunOptions = { json: false }): Promise<void> {
  const log = createLogger(config.logLevel, {}, config.logFormat)
  const aborter = new AbortController()
  const removeHandler = onStopSignals((verdict, signal) => {
    if (verdict === 'force') {
      log.warn({ signal }, 'second signal: exiting without a clean stop')
      process.exit(1)
    }
    if (verdict === 'again') log.debug({ signal }, 'already stopping')
    else {
      log.info({ signal }, 'stopping')
      aborter.abort()
    }
  })

  // The API's shutdown is the same stop as a signal's, with its own time for in-flight requests.
  let stopRequest: ShutdownRequest | undefined
  const requestStop = (request: ShutdownRequest): void => {
    if (aborter.signal.aborted) return
    stopRequest = request
    log.info({ timeout_ms: request.timeoutMs, force: request.force }, 'stopping: shutdown requested through the API')
    aborter.abort()
  }
  let running: RunningNode | undefined
  const removeReload = onReloadSignal(() => {
    if (running === undefined) {
      log.warn('SIGHUP before the node started: nothing reloaded')
      return
    }
    const node = running
    // A bad config file is logged; the node runs on with its settings.
    void node.control.reload().catch((err: unknown) => { log.error({ err: errorMessage(err) }, 'config reload failed') })
  })

  try {
    // A signal during start aborts the genesis fetch; a started node is then stopped below.
    const node = await launchNode(config, serveApi, log, aborter.signal, { readConfig: opts.readConfig, requestStop })
    running = node
    if (!aborter.signal.aborted) {
      const record = startupRecord(node, config)
      log.info(record, 'started')
      if (opts.json) {
        const line: StartupLine = node.tokenCreated ? { ...record, api_token: node.token } : record
        console.log(JSON.stringify(line))
      } else printBanner(node, record)
      await new Promise<void>(resolve => aborter.signal.addEventListener('abort', () => resolve(), { once: true }))
    }
    await node.stop(stopRequest)
    log.info('stopped')
  } finally {
    removeHandler()
    removeReload()
  }
}

function startupRecord (node: RunningNode, config: NodeConfig): StartupRecord {
  const { mesh, api } = node
  // With --announce, libp2p reports the announced addresses; the listen ones are as configured.
  const announced = mesh.network.listenAddresses()
  const bound = config.announce.length > 0 ? config.listen : announced
  const joinAddress = announced.find(a => !a.startsWith('/ip4/127.')) ?? announced[0] ?? '<address>'
  return {
    version: VERSION,
    peer_id: mesh.peerId.toString(),
    network_id: mesh.networkId,
    genesis_hash: mesh.genesisHash,
    genesis_origin: node.genesisOrigin,
    key_created: node.keyCreated,
    listen: bound,
    announce: announced,
    api_url: api.url,
    join_address: joinAddress,
    join: joinCommand({
      command: meshnodeCommand(process.env.PATH ?? '', isExecutable),
      bootstrap: joinAddress,
      dataDir: config.dataDir,
      tcpPorts: bound.map(tcpPort).filter(p => p !== undefined),
      apiPort: new URL(api.url).port === '' ? undefined : Number(new URL(api.url).port)
    })
  }
}

function printBanner (node: RunningNode, record: StartupRecord): void {
  const origin = {
    created: 'a new development network, with this node as its sole operator',
    fetched: 'genesis fetched from the bootstrap peer and pinned in the data directory',
    pinned: 'genesis pinned in the data directory',
    file: 'genesis from --genesis'
  }[record.genesis_origin]
  const announced = record.announce.join() !== record.listen.join()
  const lines = [
    `meshnode ${VERSION} started`,
    `peer id:   ${record.peer_id}${record.key_created ? ' (new key)' : ''}`,
    `network:   ${record.network_id} (genesis ${record.genesis_hash.slice(0, 16)}: ${origin})`,
    'listening:',
    ...record.listen.map(a => `  ${a}`),
    ...(announced ? ['announcing:', ...record.announce.map(a => `  ${a}`)] : []),
    `api:       ${record.api_url}`,
    'join this network with:',
    `  ${record.join}`
  ]
  if (node.tokenCreated) lines.push(`api token: ${node.token}  (printed once; kept in the data directory as api-token)`)
  console.log(lines.join('\n'))
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function tcpPort (addr: string): number | undefined {
  try {
    const tcp = multiaddr(addr).getComponents().find(c => c.name === 'tcp')
    return tcp?.value === undefined ? undefined : Number(tcp.value)
  } catch {
    return undefined
  }
}

function isExecutable (path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * `meshnode` when the operator's PATH has it (a global install), else `npx meshnode`. The
 * node_modules/.bin folders that npm and npx put on the PATH of the process they run are not
 * the operator's shell's PATH, so they do not count.
 */
export function meshnodeCommand (path: string, executable: (file: string) => boolean): string {
  const dirs = path.split(delimiter).filter(d => d !== '' && !d.endsWith(`${sep}node_modules${sep}.bin`) && !d.endsWith(`${sep}node_modules${sep}.bin${sep}`))
  return dirs.some(d => executable(join(d, 'meshnode'))) ? 'meshnode' : 'npx meshnode'
}

export interface JoinLine {
  command: string
  bootstrap: string
  /** This node's data directory, TCP ports and API port: what a second node here must not reuse. */
  dataDir: string
  tcpPorts: number[]
  apiPort: number | undefined
}

const DEFAULT_P2P_PORT = Number(/\/tcp\/(\d+)/.exec(DEFAULTS.listen[0] ?? '')?.[1] ?? 4001)
/** Ports this far above a default are taken as ones a join line gave: the next node takes the next. */
const PORT_SERIES = 100

/**
 * Pure: the command that starts another node of this network. Where this node took a default
 * (data directory, p2p port, API port), or the next one that a join line named, a second node
 * on the same machine would collide with it (or with the first), so the line names the next.
 */
export function joinCommand (j: JoinLine): string {
  const args = [j.command, 'start']
  const base = DEFAULTS.dataDir
  const suffix = resolve(j.dataDir) === resolve(base) ? 1 : Number(new RegExp(`^${escape(resolve(base))}-(\\d+)$`).exec(resolve(j.dataDir))?.[1])
  if (Number.isInteger(suffix)) args.push('--data', `${base}-${suffix + 1}`)
  const series = (port: number, first: number): boolean => port >= first && port < first + PORT_SERIES
  const p2p = j.tcpPorts.filter(p => series(p, DEFAULT_P2P_PORT))
  if (p2p.length > 0) args.push('--listen', DEFAULTS.listen[0]?.replace(`/tcp/${DEFAULT_P2P_PORT}`, `/tcp/${Math.max(...p2p) + 1}`) ?? '')
  if (j.apiPort !== undefined && series(j.apiPort, DEFAULTS.api.port)) args.push('--api', `${DEFAULTS.api.host}:${j.apiPort + 1}`)
  args.push('--bootstrap', j.bootstrap)
  return args.join(' ')
}
