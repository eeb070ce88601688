import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { TOKEN_FILE } from '../../src/data-dir.ts'
import { startUpstream, type Upstream } from '../../simulations/live/upstream.ts'
import { callAsOperator } from '../helpers/api.ts'
import { BIN, removeDir, spawnNode, startNode, stopChild, tempDir, type ChildNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

interface Run { code: number | null, stdout: string, stderr: string }

/** One `meshnode ...` in a child process (not spawnSync: the node it asks may run in this process). */
async function meshnode (args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
  return { code, stdout, stderr }
}

/**
 * The cell of `line` in the column `name` of the table: a column is as wide as its widest cell
 * and two spaces from the next, so its cells lie between its header's start and the next one's,
 * whether left- or right-aligned.
 */
function cellUnder (table: string, name: string, line: string): string {
  const header = table.split('\n')[0] ?? ''
  const start = header.indexOf(name)
  assert.ok(start >= 0, `no column ${name} in ${header}`)
  const next = header.slice(start + name.length).search(/\S/)
  return line.slice(start, next < 0 ? undefined : start + name.length + next).trim()
}

describe('meshnode client commands against a running node', { timeout: 180_000 }, () => {
  const dirs: string[] = []
  let upstream: Upstream
  let node: ChildNode
  let peer: RunningNode
  let dir: string
  let api: string[]

  before(async () => {
    upstream = await startUpstream('cli-upstream')
    dir = await tempDir()
    dirs.push(dir, await tempDir())
    node = await spawnNode(['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--service', `echo=${upstream.url}`, '--candidate'])
    peer = await startNode(dirs[1] ?? '', { bootstrap: [node.joinAddress] })
    api = ['--api', node.apiUrl, '--data', dir]
    await waitFor('the node to see its peer healthy', async () => {
      const r = await meshnode(['peers', '--json', ...api])
      return r.code === 0 && (JSON.parse(r.stdout) as { peers: Array<{ status: string }> }).peers.some(p => p.status === 'healthy')
    }, { timeoutMs: 30_000, intervalMs: 500 })
  })

  after(async () => {
    await peer?.stop()
    if (node !== undefined) await stopChild(node)
    await upstream?.close()
    await Promise.all(dirs.map(removeDir))
  })

  test('status, peers and services: aligned tables, and --json the API\'s answer', async () => {
    const status = await meshnode(['status', ...api])
    assert.equal(status.code, 0, status.stderr)
    assert.match(status.stdout, new RegExp(`^peer id +${node.peerId}$`, 'm'))
    assert.match(status.stdout, /^peers +1 healthy, 0 suspect, 0 down/m)
    const json = JSON.parse((await meshnode(['status', '--json', ...api])).stdout) as { system: { peer_id: string }, network: { total_peers: number } }
    assert.equal(json.system.peer_id, node.peerId)
    assert.equal(json.network.total_peers, 1)

    const peers = await meshnode(['peers', ...api])
    assert.equal(peers.code, 0, peers.stderr)
    const row = peers.stdout.split('\n').find(l => l.startsWith(peer.mesh.peerId.toString()))
    assert.ok(row !== undefined, peers.stdout)
    assert.equal(cellUnder(peers.stdout, 'STATE', row), 'healthy')
    assert.equal(cellUnder(peers.stdout, 'REGION', row), 'local')
    assert.equal((await meshnode(['peers', '--state', 'down', ...api])).stdout, 'no peer\n')

    const services = await meshnode(['services', ...api])
    assert.equal(services.code, 0, services.stderr)
    const echo = services.stdout.split('\n').find(l => l.startsWith('echo'))
    assert.ok(echo !== undefined, services.stdout)
    assert.equal(cellUnder(services.stdout, 'PEER', echo), 'this node')
    assert.equal(cellUnder(services.stdout, 'URL', echo), upstream.url)
  })

  test('usage and invoices read the replicated log', async () => {
    const token = (await readFile(join(dir, TOKEN_FILE), 'utf8')).trim()
    const appended = await callAsOperator({ api: { url: node.apiUrl }, token }, 'POST', '/v1/billing/usage', { id: 'cli-1', user_id: 'alice', resource_type: 'storage', amount: 2.5, unit: 'GB' })
    assert.equal(appended.status, 201, appended.text)
    const usage = await meshnode(['usage', '--user', 'alice', ...api])
    assert.equal(usage.code, 0, usage.stderr)
    const line = usage.stdout.split('\n').find(l => l.startsWith('cli-1'))
    assert.ok(line !== undefined, usage.stdout)
    assert.equal(cellUnder(usage.stdout, 'AMOUNT', line), '2.5')
    const records = (JSON.parse((await meshnode(['usage', '--user', 'alice', '--json', ...api])).stdout) as { records: Array<{ id: string }> }).records
    assert.deepEqual(records.map(r => r.id), ['cli-1'])

    const invoices = await meshnode(['invoices', '--tenant', 'alice', ...api])
    assert.equal(invoices.code, 0, invoices.stderr)
    const row = invoices.stdout.split('\n')[1] ?? ''
    assert.equal(cellUnder(invoices.stdout, 'TENANT', row), 'alice')
    // storage at 0.02 USD a GB (the development price list).
    assert.equal(cellUnder(invoices.stdout, 'TOTAL', row), '0.05')
    assert.equal(cellUnder(invoices.stdout, 'CURRENCY', row), 'USD')
    const bad = await meshnode(['invoices', '--tenant', 'alice', '--period', '2026-13', ...api])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /^meshnode: the node refused \(422 VALIDATION_ERROR: invalid query field "period".*\)\n$/)
  })

  test('propose, vote, proposals and elections', async () => {
    const proposed = await meshnode(['propose', '--title', 'Lower the price of storage', '--param', 'price_list={"storage":{"unit":"GB","unit_price":0.01}}', '--voting-period', '10m', ...api])
    assert.equal(proposed.code, 0, proposed.stderr)
    const id = /^proposed ([0-9a-f]{64}): Lower the price of storage \(param_change; voting until /.exec(proposed.stdout)?.[1]
    assert.ok(id !== undefined, proposed.stdout)

    const voted = await meshnode(['vote', id, 'yes', '--reason', 'cheaper', ...api])
    assert.equal(voted.code, 0, voted.stderr)
    assert.match(voted.stdout, new RegExp(`^voted yes on ${id} \\(vote [0-9a-f]{64}\\)$`, 'm'))

    const list = await meshnode(['proposals', ...api])
    assert.equal(list.code, 0, list.stderr)
    const row = list.stdout.split('\n').find(l => l.startsWith(id.slice(0, 12)))
    assert.ok(row !== undefined, list.stdout)
    assert.equal(cellUnder(list.stdout, 'STATUS', row), 'voting')
    assert.equal(cellUnder(list.stdout, 'YES', row).trim(), '1')
    const json = JSON.parse((await meshnode(['proposals', '--status', 'voting', '--json', ...api])).stdout) as { proposals: Array<{ id: string, tally: { yes: number } }> }
    assert.equal(json.proposals.find(p => p.id === id)?.tally.yes, 1)

    const wrong = await meshnode(['vote', id, 'maybe', ...api])
    assert.equal(wrong.code, 1)
    assert.equal(wrong.stderr, 'meshnode: invalid vote "maybe": one of yes, no, abstain, veto\n')

    const elections = await meshnode(['elections', ...api])
    assert.equal(elections.code, 0, elections.stderr)
    assert.match(elections.stdout, /^seats +\d+$/m)
    const operators = elections.stdout.split('\n\n')[1] ?? ''
    const op = operators.split('\n').find(l => l.startsWith(node.peerId))
    assert.ok(op !== undefined, elections.stdout)
    assert.equal(cellUnder(operators, 'ONLINE', op), 'yes')
  })

  test('a bad or missing token is refused in one line, exit 1', async () => {
    const bad = await tempDir()
    dirs.push(bad)
    await writeFile(join(bad, TOKEN_FILE), 'not-the-token\n', { mode: 0o600 })
    const refused = await meshnode(['propose', '--title', 'x', '--api', node.apiUrl, '--data', bad])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /^meshnode: the node refused \(401 AUTHENTICATION_ERROR: a valid API token is required.*\)\n$/)
    assert.equal(refused.stdout, '')

    const none = await tempDir()
    dirs.push(none)
    const missing = await meshnode(['vote', 'a'.repeat(64), 'yes', '--api', node.apiUrl, '--data', none])
    assert.equal(missing.code, 1)
    assert.equal(missing.stderr, `meshnode: no API token: ${TOKEN_FILE} is not in the data directory (use --data DIR of the node)\n`)
    // Reading needs no token.
    assert.equal((await meshnode(['status', '--api', node.apiUrl, '--data', none])).code, 0)
  })

  test('--help documents each command', async () => {
    for (const cmd of ['status', 'peers', 'services', 'usage', 'invoices', 'proposals', 'propose', 'vote', 'elections']) {
      const help = await meshnode([cmd, '--help'])
      assert.equal(help.code, 0, help.stderr)
      assert.match(help.stdout, new RegExp(`^Usage: meshnode ${cmd} `, 'm'))
      assert.match(help.stdout, /--api <url>/)
      assert.match(help.stdout, /--json/)
    }
  })

  test('a node that is down: one line, exit 1', async () => {
    await peer.stop()
    await stopChild(node)
    for (const cmd of [['status'], ['peers'], ['proposals'], ['vote', 'a'.repeat(64), 'no']]) {
      const r = await meshnode([...cmd, ...api])
      assert.equal(r.code, 1, cmd.join(' '))
      assert.match(r.stderr, /^meshnode: cannot reach the node's API at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*\n$/)
    }
  })
})
