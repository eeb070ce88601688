import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { serveApi } from '../../api/server.ts'
import type { Clock } from '../../src/clock.ts'
import { launchNode, type RunningNode } from '../../src/launch.ts'
import { silentLogger, type Logger } from '../../src/logging.ts'
import { DEFAULTS, type NodeConfig } from '../../src/node-config.ts'
import { parseStartupLine, StartupRecord, type StartupLine } from '../../node/startup-record.ts'
import { startUpstream, UPSTREAM_HEALTH_PATH, type Upstream } from '../../simulations/live/upstream.ts'
import { waitFor } from './wait.ts'

const MAIN = new URL('../../node/main.ts', import.meta.url).pathname
/** The installed binary, as an operator runs it. */
export const BIN = new URL('../../bin/meshnode.js', import.meta.url).pathname

/** Runs the binary to completion, as an operator would from a shell (not for a node in this process: it blocks the event loop). */
export function runCli (args: string[], env: Record<string, string> = {}, opts: { uid?: number, gid?: number } = {}): { code: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000, ...opts })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

export async function tempDir (prefix = 'meshnode-test-'): Promise<string> {
  return await mkdtemp(join(tmpdir(), prefix))
}

export async function removeDir (dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/** A port that was free a moment ago, for an API that must be reached before its node finished starting. */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>(resolve => server.close(() => { resolve() }))
  assert.ok(address !== null && typeof address === 'object')
  return address.port
}

/** A node in this process, on 127.0.0.1 with free ports and silent logs (or `log`, to read what it logs), on the system clock or `clock`. */
export async function startNode (dataDir: string, overrides: Partial<NodeConfig> = {}, log: Logger = silentLogger(), clock?: Clock): Promise<RunningNode> {
  const config: NodeConfig = {
    ...DEFAULTS,
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    api: { host: '127.0.0.1', port: 0 },
    logLevel: 'silent',
    // The test upstream's own health path: probes of the default `/` would be held, delayed or
    // failed with the requests a test holds, adding to its counts and taking the service out.
    healthCheck: { ...DEFAULTS.healthCheck, path: UPSTREAM_HEALTH_PATH },
    ...overrides
  }
  return await launchNode(config, serveApi, log, new AbortController().signal, { clock })
}

/** One node for the tests of the describe block this is called in: started in its `before`, stopped and its data directory removed in its `after`. */
export function nodeForSuite (overrides: Partial<NodeConfig> = {}, log?: Logger): { readonly node: RunningNode } {
  let dir: string | undefined
  let node: RunningNode | undefined
  before(async () => {
    dir = await tempDir()
    node = await startNode(dir, overrides, log)
  })
  after(async () => {
    await node?.stop()
    if (dir !== undefined) await removeDir(dir)
  })
  return {
    get node (): RunningNode {
      if (node === undefined) throw new Error('the suite\'s node is not started: read it in a test or a later hook')
      return node
    }
  }
}

/** Waits until `node` can route `service` to each of `peerIds` (itself included when local). */
export async function waitForOffers (node: RunningNode, service: string, peerIds: string[], timeoutMs = 20_000): Promise<void> {
  await waitFor(`${service} offered by ${peerIds.length} peers`, () => {
    const offering = new Set(node.mesh.running().router.candidates(service).map(c => c.peerId))
    return peerIds.every(id => offering.has(id))
  }, { timeoutMs, intervalMs: 100 })
}

/**
 * Three nodes for the tests of the describe block this is called in, each offering `echo` from
 * an upstream of its own (named a, b and c, in the nodes' order), the second and third joined
 * through the first; ready once the first can route `echo` to all three. Stopped, closed and
 * removed in its `after`; `nodes` and `upstreams` fill in its `before`.
 */
export function echoMeshForSuite (overrides: Partial<NodeConfig> = {}): { nodes: RunningNode[], upstreams: Upstream[] } {
  const dirs: string[] = []
  const upstreams: Upstream[] = []
  const nodes: RunningNode[] = []
  before(async () => {
    for (const name of ['a', 'b', 'c']) upstreams.push(await startUpstream(name))
    for (const upstream of upstreams) {
      const dir = await tempDir()
      dirs.push(dir)
      nodes.push(await startNode(dir, {
        services: [{ name: 'echo', url: upstream.url, capacity: 100 }],
        bootstrap: nodes.length === 0 ? [] : [nodes[0]?.mesh.network.listenAddresses()[0] ?? ''],
        ...overrides
      }))
    }
    const entry = nodes[0]
    assert.ok(entry !== undefined)
    await waitForOffers(entry, 'echo', nodes.map(n => n.mesh.peerId.toString()), 30_000)
  })
  after(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await Promise.all(upstreams.map(async u => { await u.close() }))
    await Promise.all(dirs.map(removeDir))
  })
  return { nodes, upstreams }
}

export interface ChildNode {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** What the node printed with --json (or, with `banner`, logged) at start. */
  record: StartupLine
  apiUrl: string
  peerId: string
  joinAddress: string
  exited: Promise<number | null>
}

export interface SpawnOptions {
  cwd?: string
  /**
   * Print the human banner instead of the JSON line (for tests of the banner itself); the
   * record is then read from the JSON log (`"msg":"started"`), so the log level is info unless
   * the caller sets one.
   */
  banner?: boolean
}

/** `meshnode start` as an operator runs it, in a child process; resolves once it gave its start-up record. */
export async function spawnNode (args: string[], env: Record<string, string> = {}, opts: SpawnOptions = {}): Promise<ChildNode> {
  const banner = opts.banner === true
  const child = spawn(process.execPath, [MAIN, 'start', ...args, ...(banner ? [] : ['--json'])], {
    env: { ...process.env, MESHNODE_LOG_LEVEL: banner ? 'info' : 'warn', ...env, ...(banner ? { MESHNODE_LOG_FORMAT: 'json' } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: opts.cwd
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  let done = false
  void exited.then(() => { done = true })
  const record = await waitFor('the node to give its start-up record', () => {
    if (done) throw new Error(`node exited early: ${err}`)
    if (!banner) return out.includes('\n') ? parseStartupLine(out.slice(0, out.indexOf('\n'))) : undefined
    const logged = startedRecord(err)
    // The banner follows the log record; it ends with the join line (and, at a first start, the token).
    return logged !== undefined && out.includes(`  ${logged.join}\n`) ? logged : undefined
  }, { timeoutMs: 30_000 })
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    record,
    apiUrl: record.api_url,
    peerId: record.peer_id,
    joinAddress: record.join_address,
    exited
  }
}

/** The `"msg":"started"` record of a node's JSON log, once it is there. */
function startedRecord (log: string): StartupRecord | undefined {
  const line = log.split('\n').find(l => l.startsWith('{') && l.includes('"msg":"started"'))
  return line === undefined ? undefined : StartupRecord.parse(JSON.parse(line))
}

/** Stops a child node: SIGTERM, then SIGKILL if it does not exit in time. */
export async function stopChild (node: ChildNode, timeoutMs = 10_000): Promise<number | null> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return node.child.exitCode
  node.child.kill('SIGTERM')
  const timer = setTimeout(() => node.child.kill('SIGKILL'), timeoutMs)
  try {
    return await node.exited
  } finally {
    clearTimeout(timer)
  }
}
