import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serveApi } from '../../api/server.ts'
import { launchNode, type RunningNode } from '../../src/launch.ts'
import { silentLogger, type Logger } from '../../src/logging.ts'
import { DEFAULTS, type NodeConfig } from '../../src/node-config.ts'
import { waitFor } from './wait.ts'

const MAIN = new URL('../../node/main.ts', import.meta.url).pathname

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

/** A node in this process, on 127.0.0.1 with free ports and silent logs (or `log`, to read what it logs). */
export async function startNode (dataDir: string, overrides: Partial<NodeConfig> = {}, log: Logger = silentLogger()): Promise<RunningNode> {
  const config: NodeConfig = {
    ...DEFAULTS,
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    api: { host: '127.0.0.1', port: 0 },
    logLevel: 'silent',
    ...overrides
  }
  return await launchNode(config, serveApi, log, new AbortController().signal)
}

export interface ChildNode {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  apiUrl: string
  peerId: string
  joinAddress: string
  exited: Promise<number | null>
}

/** `meshnode start` as an operator runs it, in a child process; resolves once it printed its banner. */
export async function spawnNode (args: string[], env: Record<string, string> = {}, opts: { cwd?: string } = {}): Promise<ChildNode> {
  const child = spawn(process.execPath, [MAIN, 'start', ...args], {
    env: { ...process.env, MESHNODE_LOG_LEVEL: 'warn', ...env },
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
  await waitFor('the node to print its banner', () => {
    if (done) throw new Error(`node exited early: ${err}`)
    return out.includes('join this network with:') && / start .*--bootstrap \S+/.test(out)
  }, { timeoutMs: 30_000 })
  const field = (re: RegExp): string => re.exec(out)?.[1] ?? ''
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    apiUrl: field(/^api:\s+(\S+)/m),
    peerId: field(/^peer id:\s+(\S+)/m),
    joinAddress: field(/ start .*--bootstrap (\S+)/),
    exited
  }
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
