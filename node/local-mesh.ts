/**
 * `npm run mesh:local`: a local mesh of meshnode processes on 127.0.0.1.
 *
 * Node 1 founds a development network (or reuses the genesis pinned in its data directory);
 * the others bootstrap from it. Data directories are kept in .mesh-local/ across runs, so peer
 * ids stay the same; each node's JSON logs go to .mesh-local/node-N.log. The script waits until
 * every node sees every other one healthy, then runs until SIGINT or SIGTERM, which stops
 * every node cleanly. If a node dies on its own, the others are stopped and the exit code is 1.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { errorMessage } from '../src/errors.ts'
import { parseStartupLine, type StartupLine } from './startup-record.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const MAIN = 'node/main.ts'
const DIR = '.mesh-local'
const STARTUP_TIMEOUT_MS = 60_000
const CONVERGE_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000

const USAGE = `usage: npm run mesh:local -- [--nodes N] [--base-port P] [--base-api-port A]
  --nodes N          how many nodes, 1 to 20 (default 5)
  --base-port P      p2p port of node 1; node i listens on P+i-1 (default 4101)
  --base-api-port A  API port of node 1; node i serves on A+i-1 (default 8081)`

interface Node {
  name: string
  child: ChildProcess
  log: string
  exited: Promise<void>
  peerId: string
  network: string
  apiUrl: string
  joinAddress: string
}

const nodes: Node[] = []
let stopping = false

function parseOptions (): { count: number, basePort: number, baseApiPort: number } {
  const usageError = (message: string): never => {
    console.error(`mesh:local: ${message}\n${USAGE}`)
    process.exit(2)
  }
  let values = { nodes: '5', 'base-port': '4101', 'base-api-port': '8081', help: false }
  try {
    values = parseArgs({
      options: {
        nodes: { type: 'string', default: values.nodes },
        'base-port': { type: 'string', default: values['base-port'] },
        'base-api-port': { type: 'string', default: values['base-api-port'] },
        help: { type: 'boolean', short: 'h', default: false }
      }
    }).values
  } catch (err) {
    usageError((err as Error).message)
  }
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const int = (name: string, text: string, min: number, max: number): number => {
    const n = Number(text)
    if (!Number.isInteger(n) || n < min || n > max) usageError(`--${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(text)}`)
    return n
  }
  const count = int('nodes', values.nodes, 1, 20)
  return {
    count,
    basePort: int('base-port', values['base-port'], 1024, 65536 - count),
    baseApiPort: int('base-api-port', values['base-api-port'], 1024, 65536 - count)
  }
}

/** Starts `meshnode start --json` as a child process and resolves once it has printed its start-up record. */
async function startNode (index: number, port: number, apiPort: number, bootstrap: string | undefined): Promise<Node> {
  const name = `node-${index}`
  const log = `${DIR}/${name}.log`
  const args = [MAIN, 'start', '--json', '--data', `${DIR}/${name}`, '--listen', `/ip4/127.0.0.1/tcp/${port}`, '--api', `127.0.0.1:${apiPort}`]
  if (bootstrap !== undefined) args.push('--bootstrap', bootstrap)
  // Settings come from the flags only: MESHNODE_* variables of this shell (a bootstrap, a
  // genesis, a config file) would otherwise apply to every node. The log level may pass.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MESHNODE_') || k === 'MESHNODE_LOG_LEVEL'))
  const logFd = openSync(`${ROOT}/${log}`, 'w')
  // A process group of its own: Ctrl-C reaches this script only, which then sends each node
  // one SIGTERM (a node that got both would take the second signal as "exit at once").
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', logFd], detached: true })
  closeSync(logFd)
  const node: Node = { name, child, log, exited: new Promise(resolve => child.once('exit', () => resolve())), peerId: '', network: '', apiUrl: '', joinAddress: '' }
  nodes.push(node) // at once, so that a stop during start reaches it too
  let out = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  child.once('exit', (code, signal) => {
    if (stopping) return
    console.error(`\n${name} exited unexpectedly (${signal ?? `exit code ${code}`})${signal === null ? lastLine(log) : ''}; see ${log}`)
    void shutdown(1)
  })

  const deadline = Date.now() + STARTUP_TIMEOUT_MS
  while (!out.includes('\n')) {
    if (child.exitCode !== null || child.signalCode !== null || stopping) await new Promise(() => {}) // shutdown() exits
    if (Date.now() > deadline) {
      console.error(`${name} printed no start-up record within ${STARTUP_TIMEOUT_MS / 1000} s; see ${log}`)
      await shutdown(1)
    }
    await sleep(50)
  }
  let record: StartupLine
  try {
    record = parseStartupLine(out.slice(0, out.indexOf('\n')))
  } catch (err) {
    console.error(`${name} printed a malformed start-up record (${errorMessage(err)}); see ${log}`)
    return await shutdown(1)
  }
  node.peerId = record.peer_id
  node.network = `${record.network_id} (genesis ${record.genesis_hash.slice(0, 16)}, ${record.genesis_origin})`
  node.apiUrl = record.api_url
  node.joinAddress = record.join_address
  return node
}

function lastLine (log: string): string {
  try {
    const line = readFileSync(`${ROOT}/${log}`, 'utf8').trim().split('\n').pop() ?? ''
    return line === '' ? '' : `: ${line.length > 300 ? line.slice(0, 300) + '...' : line}`
  } catch {
    return ''
  }
}

/** Which of the other nodes `node` lists as healthy, or undefined if its API does not answer. */
async function healthyPeers (node: Node): Promise<Set<string> | undefined> {
  try {
    const res = await fetch(`${node.apiUrl}/v1/network/peers?state=healthy`, { signal: AbortSignal.timeout(2000) })
    if (!res.ok) return undefined
    const body = await res.json() as { peers: Array<{ peer_id: string }> }
    return new Set(body.peers.map(p => p.peer_id))
  } catch {
    return undefined
  }
}

/** Polls every node until each lists all the others as healthy; returns what each saw last. */
async function waitForConvergence (): Promise<{ ok: boolean, seen: string[] }> {
  const deadline = Date.now() + CONVERGE_TIMEOUT_MS
  for (;;) {
    const views = await Promise.all(nodes.map(healthyPeers))
    const seen = nodes.map((node, i) => {
      const others = nodes.filter(n => n !== node)
      const view = views[i]
      return view === undefined ? `${node.name}: API not answering` : `${node.name}: ${others.filter(n => view.has(n.peerId)).length}/${others.length} healthy`
    })
    const ok = views.every((view, i) => view !== undefined && nodes.every((n, j) => i === j || view.has(n.peerId)))
    if (ok || Date.now() > deadline) return { ok, seen }
    await sleep(500)
  }
}

/** SIGTERM to every node still running, SIGKILL after STOP_TIMEOUT_MS; then exit. */
async function shutdown (code: number): Promise<never> {
  if (stopping) return await new Promise<never>(() => {})
  stopping = true
  const running = nodes.filter(n => n.child.exitCode === null && n.child.signalCode === null)
  if (running.length > 0) console.log(`stopping ${running.length} node(s)...`)
  const killer = setTimeout(() => {
    for (const n of running) {
      if (n.child.exitCode === null && n.child.signalCode === null) {
        console.error(`${n.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s: SIGKILL`)
        n.child.kill('SIGKILL')
      }
    }
  }, STOP_TIMEOUT_MS)
  for (const n of running) n.child.kill('SIGTERM')
  await Promise.all(running.map(n => n.exited))
  clearTimeout(killer)
  console.log('all nodes stopped')
  process.exit(code)
}

const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))

const { count, basePort, baseApiPort } = parseOptions()
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0))
// Last resort if this script dies of an error: the nodes are in their own process groups.
process.on('exit', () => { for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGKILL') })
mkdirSync(`${ROOT}/${DIR}`, { recursive: true })

console.log(`starting ${count} node(s) on 127.0.0.1: p2p ${basePort}-${basePort + count - 1}, API ${baseApiPort}-${baseApiPort + count - 1}, data in ${DIR}/`)
const first = await startNode(1, basePort, baseApiPort, undefined)
await Promise.all(Array.from({ length: count - 1 }, async (_, i) => await startNode(i + 2, basePort + i + 1, baseApiPort + i + 1, first.joinAddress)))

const rows = [['name', 'peer id', 'api'], ...nodes.map(n => [n.name, n.peerId, n.apiUrl])]
const widths = rows[0]!.map((_, c) => Math.max(...rows.map(r => r[c]!.length)))
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd())
console.log(`network: ${first.network}`)
console.log(`join address: ${first.joinAddress}`)
console.log(`api token of node-1: in ${DIR}/node-1/api-token (send it as Authorization: Bearer <token>; each node has its own)`)
console.log(`logs: ${DIR}/node-N.log`)

const started = Date.now()
const result = await waitForConvergence()
if (result.ok) {
  console.log(`mesh converged: ${count} nodes healthy on every node (${((Date.now() - started) / 1000).toFixed(1)} s)`)
} else {
  console.error(`mesh did NOT converge within ${CONVERGE_TIMEOUT_MS / 1000} s: ${result.seen.join(', ')}`)
  console.error('the nodes keep running so you can inspect them and their logs')
}
console.log('press Ctrl-C to stop every node')
