import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { chmod, chown, mkdir, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { after, describe, test } from 'node:test'
import { call } from '../helpers/api.ts'
import { removeDir, spawnNode, stopChild, tempDir, BIN, runCli } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

const REPO = new URL('../..', import.meta.url).pathname
/** The PATH of a user who ran npm install in a clone: meshnode only in node_modules/.bin, as npx adds it. */
const CLONE_PATH = [join(REPO, 'node_modules', '.bin'), dirname(process.execPath), '/usr/bin', '/bin'].join(':')
const LOOPBACK = ['--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0']

/** Lines of pino's JSON logs with this message. */
function logRecords (stderr: string, msg: string): Array<Record<string, unknown>> {
  return stderr.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as Record<string, unknown>).filter(r => r.msg === msg)
}

describe('the meshnode binary', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  const newDir = async (): Promise<string> => { const d = await tempDir(); dirs.push(d); return d }
  after(async () => { await Promise.all(dirs.map(removeDir)) })

  test('--help documents every command and the start flags', () => {
    const top = runCli(['--help'])
    assert.equal(top.code, 0)
    for (const cmd of ['start', 'init', 'genesis']) assert.match(top.stdout, new RegExp(`\\b${cmd}\\b`))
    const start = runCli(['start', '--help'])
    for (const flag of ['--data', '--listen', '--api', '--bootstrap', '--genesis', '--config', '--telemetry-interval', '--max-peers', '--log-level']) {
      assert.ok(start.stdout.includes(flag), `start --help lacks ${flag}`)
    }
  })

  test('start: ready, status, SIGTERM exits 0; the peer id survives a restart; key and token are 0600', async () => {
    const dir = await newDir()
    const args = ['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0']
    const node = await spawnNode(args, {}, { banner: true })
    assert.match(node.stdout(), /api token: \S+/, 'the token is printed at first start')
    await waitFor('/ready', async () => (await fetch(`${node.apiUrl}/ready`)).status === 200, { timeoutMs: 15_000 })
    const status = await call<{ peer_id: string, status: string }>(`${node.apiUrl}/v1/system/status`)
    assert.equal(status.status, 200)
    assert.equal(status.body.peer_id, node.peerId)
    assert.equal(await stopChild(node), 0)
    assert.equal((await stat(join(dir, 'node.key'))).mode & 0o777, 0o600)
    assert.equal((await stat(join(dir, 'api-token'))).mode & 0o777, 0o600)

    const again = await spawnNode(args, {}, { banner: true })
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
      const cfg = await call<{ node: { region: string }, telemetry: { interval_ms: number }, network: { max_peers: number } }>(`${node.apiUrl}/v1/config/system`)
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
    const yamlConfig = join(dir, 'bad.yaml')
    await writeFile(yamlConfig, 'region: eu\nmax_peers: [1\n')
    const cases: Array<{ args: string[], env?: Record<string, string>, expect: RegExp }> = [
      { args: ['start', '--no-such-flag'], expect: /unknown option '--no-such-flag'/ },
      { args: ['start', '--data', dir, '--api', 'nohost'], expect: /invalid --api "nohost": expected host:port/ },
      { args: ['start', '--data', dir, '--config', join(dir, 'missing.json')], expect: /cannot read config file .*missing\.json/ },
      { args: ['start', '--data', dir, '--genesis', badGenesis], expect: /malformed genesis file .*bad-genesis\.json: network_id/ },
      { args: ['start', '--data', dir], env: { MESHNODE_BOOTSTRAP: '/ip4/127.0.0.1/tcp/1' }, expect: /invalid MESHNODE_BOOTSTRAP.*\/p2p\// },
      { args: ['start', '--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--listen', 'garbage'], expect: /^meshnode: invalid --listen "garbage": not a multiaddr, such as \/ip4\/0\.0\.0\.0\/tcp\/4001$/ },
      { args: ['start', '--data', dir], env: { MESHNODE_CANDIDATE: 'maybe' }, expect: /^meshnode: invalid MESHNODE_CANDIDATE "maybe": expected true or false/ },
      { args: ['start', '--data', dir, '--log-level', 'loud'], expect: /^meshnode: invalid --log-level "loud": expected one of fatal, error/ },
      { args: ['start', '--data', dir, '--config', yamlConfig], expect: /^meshnode: config file .*bad\.yaml is not valid YAML: / }
    ]
    for (const c of cases) {
      const r = runCli(c.args, c.env)
      assert.notEqual(r.code, 0, `${c.args.join(' ')} should fail`)
      const lines = r.stderr.trim().split('\n').filter(l => !l.startsWith('(run meshnode --help'))
      assert.equal(lines.length, 1, `one line expected, got: ${r.stderr}`)
      assert.match(lines[0] ?? '', c.expect)
    }
  })

  test('init prints the peer id; genesis writes a file that start accepts', async () => {
    const dir = await newDir()
    const init = runCli(['init', '--data', dir])
    assert.equal(init.code, 0)
    const peerId = init.stdout.trim()
    assert.match(peerId, /^12D3KooW\w+$/)
    const out = join(dir, 'genesis.out.json')
    const gen = runCli(['genesis', '--network-id', 'testnet-1', '--operator', `${peerId}:10:alice`, '--param', 'gossip_ip_colocation_threshold=0', '--out', out])
    assert.equal(gen.code, 0, gen.stderr)
    const node = await spawnNode(['--data', dir, '--genesis', out, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0'])
    try {
      assert.equal(node.peerId, peerId)
      const net = await call<{ network_id: string }>(`${node.apiUrl}/v1/network/status`)
      assert.equal(net.body.network_id, 'testnet-1')
    } finally {
      assert.equal(await stopChild(node), 0)
    }
    const badOp = runCli(['genesis', '--network-id', 'x', '--operator', 'nonsense:1:bob'])
    assert.notEqual(badOp.code, 0)
    assert.match(badOp.stderr, /operators\.0\.peer_id: not a valid peer id/)
  })

  test('a signal delivered twice at once (process group and a forwarding parent) is one clean stop', async () => {
    const dir = await newDir()
    const node = await spawnNode(['--data', dir, ...LOOPBACK])
    await waitFor('/ready', async () => (await fetch(`${node.apiUrl}/ready`)).status === 200, { timeoutMs: 15_000 })
    node.child.kill('SIGTERM')
    node.child.kill('SIGTERM')
    assert.equal(await stopChild(node), 0)
    assert.doesNotMatch(node.stderr(), /second signal/)
  })

  test('the printed join line runs as printed: a second node on the same machine, its own data directory', async () => {
    const cwd = await newDir()
    // The first node takes the default data directory (./.meshnode in cwd); debug logs say what it does.
    const first = await spawnNode([...LOOPBACK, '--log-level', 'debug'], { PATH: CLONE_PATH }, { cwd, banner: true })
    const line = first.record.join
    assert.ok(first.stdout().includes(`join this network with:\n  ${line}\n`), `the banner prints the record's join line: ${first.stdout()}`)
    assert.match(line, /^npx meshnode start --data \.\/\.meshnode-2 --bootstrap \/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW\w+$/)
    const args = line.split(' ').slice(3)
    // The line leaves the p2p and API ports to their defaults (the first node took others);
    // variables, below the line's flags, keep this test off ports that other tests may hold.
    const second = await spawnNode(args, { PATH: CLONE_PATH, MESHNODE_LISTEN: '/ip4/127.0.0.1/tcp/0', MESHNODE_API: '127.0.0.1:0' }, { cwd })
    try {
      assert.notEqual(second.peerId, first.peerId)
      await waitFor('the second node to see the first', async () => {
        const peers = await call<{ peers: Array<{ peer_id: string }> }>(`${second.apiUrl}/v1/network/peers`)
        return peers.body.peers.some(p => p.peer_id === first.peerId)
      }, { timeoutMs: 30_000 })
      assert.ok((await stat(join(cwd, '.meshnode-2', 'node.key'))).isFile())
    } finally {
      assert.equal(await stopChild(second), 0)
      assert.equal(await stopChild(first), 0)
    }
    const logs = first.stderr()
    assert.equal(logRecords(logs, 'started').length, 1, 'one JSON start-up record')
    assert.ok(logRecords(logs, 'connection opened').some(r => typeof r.peer === 'string'), 'debug logs show connections')
    assert.ok(logRecords(logs, 'epoch began: bootstrap operators elected').length > 0, 'debug logs show elections')
    assert.doesNotMatch(logs, /aborted/, 'a stop aborts tasks on purpose: not an error')
  })

  test('start --json prints the start-up record on stdout; the log holds it too, without the token', async () => {
    const dir = await newDir()
    const child = spawn(process.execPath, [BIN, 'start', '--data', dir, ...LOOPBACK, '--json', '--announce', '/dns4/node1.example.com/tcp/4001'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
    try {
      await waitFor('the start-up record', () => out.includes('\n'), { timeoutMs: 30_000 })
      assert.equal(out.trim().split('\n').length, 1, 'one line, no banner')
      const record = JSON.parse(out) as Record<string, unknown>
      assert.match(String(record.peer_id), /^12D3KooW/)
      assert.match(String(record.network_id), /^dev-/)
      assert.match(String(record.genesis_hash), /^[0-9a-f]{64}$/)
      assert.match(String(record.api_url), /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.deepEqual(record.listen, ['/ip4/127.0.0.1/tcp/0'])
      assert.deepEqual(record.announce, [`/dns4/node1.example.com/tcp/4001/p2p/${String(record.peer_id)}`])
      assert.match(String(record.join), /--bootstrap \/dns4\/node1\.example\.com\/tcp\/4001\/p2p\//, 'the join line uses the announced address')
      assert.equal(record.join_address, `/dns4/node1.example.com/tcp/4001/p2p/${String(record.peer_id)}`)
      assert.ok(String(record.join).endsWith(` --bootstrap ${String(record.join_address)}`), 'join_address is the join line\'s bootstrap')
      assert.equal(typeof record.api_token, 'string', 'the token, printed once, is in the record of the first start')
      assert.equal((await call<{ status: string }>(`${String(record.api_url)}/health`)).status, 200)
    } finally {
      child.kill('SIGTERM')
      assert.equal(await exited, 0)
    }
    const logged = logRecords(err, 'started')
    assert.equal(logged.length, 1)
    assert.equal(logged[0]?.peer_id, JSON.parse(out).peer_id)
    assert.equal(logged[0]?.api_token, undefined, 'no secret in the logs')
  })

  test('a data directory this user cannot write (a bind mount of another user): one line with owner, user and fix', async () => {
    const parent = await newDir()
    const data = join(parent, 'data')
    await mkdir(data, { mode: 0o700 })
    let as: { uid?: number, gid?: number } = {}
    if (process.getuid?.() === 0) {
      // Root writes anywhere: run the node as nobody, as the image's `node` user meets a root-owned mount.
      await chmod(parent, 0o755)
      await chown(data, 1000, 1000)
      as = { uid: 65534, gid: 65534 }
    } else {
      await chmod(data, 0o500)
    }
    const r = runCli(['start', '--data', data, ...LOOPBACK], {}, as)
    await chmod(data, 0o700)
    assert.notEqual(r.code, 0)
    const lines = r.stderr.trim().split('\n')
    assert.equal(lines.length, 1, r.stderr)
    assert.match(lines[0] ?? '', new RegExp(`cannot write to data directory ${data}: .*owned by uid \\d+.*runs as uid \\d+.*chown -R`))
  })

  test('genesis --param sets map and text parameters; a bad one gets one line', () => {
    const peer = '12D3KooWDMPSPNDuobrGCUT8BPuieMnsjJKWxxdrcgbuap2n4etX'
    const ok = runCli(['genesis', '--network-id', 'eu-1', '--operator', `${peer}:1:alice`, '--param', 'currency=EUR', '--param', 'price_list={"storage":{"unit":"GB","unit_price":0.01}}'])
    assert.equal(ok.code, 0, ok.stderr)
    const genesis = JSON.parse(ok.stdout) as { params: { currency: string, price_list: unknown } }
    assert.equal(genesis.params.currency, 'EUR')
    assert.deepEqual(genesis.params.price_list, { storage: { unit: 'GB', unit_price: 0.01 } })
    const bad = runCli(['genesis', '--network-id', 'eu-1', '--operator', `${peer}:1:alice`, '--param', 'nosuch=2'])
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr.trim(), /^meshnode: invalid --param "nosuch=2": unknown parameter "nosuch" \(known: .*price_list.*\)$/)
  })
})

