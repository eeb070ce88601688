import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { getJson, removeDir, spawnNode, stopChild, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

const BIN = new URL('../../bin/meshnode.js', import.meta.url).pathname

/** Runs the binary to completion, as an operator would from a shell. */
function run (args: string[], env: Record<string, string> = {}): { code: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('the meshnode binary', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  const newDir = async (): Promise<string> => { const d = await tempDir(); dirs.push(d); return d }
  after(async () => { await Promise.all(dirs.map(removeDir)) })

  test('--help documents every command and the start flags', () => {
    const top = run(['--help'])
    assert.equal(top.code, 0)
    for (const cmd of ['start', 'init', 'genesis']) assert.match(top.stdout, new RegExp(`\\b${cmd}\\b`))
    const start = run(['start', '--help'])
    for (const flag of ['--data', '--listen', '--api', '--bootstrap', '--genesis', '--config', '--telemetry-interval', '--max-peers', '--log-level']) {
      assert.ok(start.stdout.includes(flag), `start --help lacks ${flag}`)
    }
  })

  test('start: ready, status, SIGTERM exits 0; the peer id survives a restart; key and token are 0600', async () => {
    const dir = await newDir()
    const args = ['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0']
    const node = await spawnNode(args)
    assert.match(node.stdout(), /api token: \S+/, 'the token is printed at first start')
    await waitFor('/ready', async () => (await fetch(`${node.apiUrl}/ready`)).status === 200, { timeoutMs: 15_000 })
    const status = await getJson<{ peer_id: string, status: string }>(`${node.apiUrl}/v1/system/status`)
    assert.equal(status.status, 200)
    assert.equal(status.body.peer_id, node.peerId)
    assert.equal(await stopChild(node), 0)
    assert.equal((await stat(join(dir, 'node.key'))).mode & 0o777, 0o600)
    assert.equal((await stat(join(dir, 'api-token'))).mode & 0o777, 0o600)

    const again = await spawnNode(args)
    assert.equal(again.peerId, node.peerId)
    assert.doesNotMatch(again.stdout(), /api token:/, 'the token is printed only once')
    assert.equal(await stopChild(again), 0)
  })

  test('settings: flags win over MESHNODE_* variables, which win over the config file', async () => {
    const dir = await newDir()
    const config = join(dir, 'config.json')
    await writeFile(config, JSON.stringify({ region: 'from-file', telemetry_interval_ms: 700, max_peers: 7 }))
    const node = await spawnNode(['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--config', config, '--region', 'from-flag'],
      { MESHNODE_REGION: 'from-env', MESHNODE_TELEMETRY_INTERVAL: '600' })
    try {
      const cfg = await getJson<{ node: { region: string }, telemetry: { interval_ms: number }, network: { max_peers: number } }>(`${node.apiUrl}/v1/config/system`)
      assert.equal(cfg.body.node.region, 'from-flag')
      assert.equal(cfg.body.telemetry.interval_ms, 600)
      assert.equal(cfg.body.network.max_peers, 7)
    } finally {
      await stopChild(node)
    }
  })

  test('bad input fails at start with one clear line and a non-zero exit code', async () => {
    const dir = await newDir()
    const badGenesis = join(dir, 'bad-genesis.json')
    await writeFile(badGenesis, JSON.stringify({ network_id: 'Bad Id', operators: [] }))
    const cases: Array<{ args: string[], env?: Record<string, string>, expect: RegExp }> = [
      { args: ['start', '--no-such-flag'], expect: /unknown option '--no-such-flag'/ },
      { args: ['start', '--data', dir, '--api', 'nohost'], expect: /invalid --api "nohost": expected host:port/ },
      { args: ['start', '--data', dir, '--config', join(dir, 'missing.json')], expect: /cannot read config file .*missing\.json/ },
      { args: ['start', '--data', dir, '--genesis', badGenesis], expect: /malformed genesis file .*bad-genesis\.json: network_id/ },
      { args: ['start', '--data', dir], env: { MESHNODE_BOOTSTRAP: '/ip4/127.0.0.1/tcp/1' }, expect: /invalid MESHNODE_BOOTSTRAP.*\/p2p\// }
    ]
    for (const c of cases) {
      const r = run(c.args, c.env)
      assert.notEqual(r.code, 0, `${c.args.join(' ')} should fail`)
      const lines = r.stderr.trim().split('\n').filter(l => !l.startsWith('(run meshnode --help'))
      assert.equal(lines.length, 1, `one line expected, got: ${r.stderr}`)
      assert.match(lines[0] ?? '', c.expect)
    }
  })

  test('init prints the peer id; genesis writes a file that start accepts', async () => {
    const dir = await newDir()
    const init = run(['init', '--data', dir])
    assert.equal(init.code, 0)
    const peerId = init.stdout.trim()
    assert.match(peerId, /^12D3KooW\w+$/)
    const out = join(dir, 'genesis.out.json')
    const gen = run(['genesis', '--network-id', 'testnet-1', '--operator', `${peerId}:10:alice`, '--param', 'gossip_ip_colocation_threshold=0', '--out', out])
    assert.equal(gen.code, 0, gen.stderr)
    const node = await spawnNode(['--data', dir, '--genesis', out, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0'])
    try {
      assert.equal(node.peerId, peerId)
      const net = await getJson<{ network_id: string }>(`${node.apiUrl}/v1/network/status`)
      assert.equal(net.body.network_id, 'testnet-1')
    } finally {
      assert.equal(await stopChild(node), 0)
    }
    const badOp = run(['genesis', '--network-id', 'x', '--operator', 'nonsense:1:bob'])
    assert.notEqual(badOp.code, 0)
    assert.match(badOp.stderr, /operators\.0\.peer_id: not a valid peer id/)
  })
})
