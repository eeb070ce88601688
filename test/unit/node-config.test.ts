import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { loadConfig, resolveConfig, type ConfigSources, type FlagValues } from '../../node/config.ts'
import type { MeshError } from '../../src/errors.ts'
import { DEFAULTS } from '../../src/node-config.ts'
import { removeDir, tempDir } from '../helpers/nodes.ts'
import { includes, meshError, meshErrorAsync } from '../helpers/errors.ts'

const FILE = '/etc/meshnode/config.json'

function sources (flags: FlagValues = {}, env: Record<string, string | undefined> = {}, file?: Record<string, unknown> | string): ConfigSources {
  return {
    flags,
    env,
    file: file === undefined ? undefined : { path: FILE, content: typeof file === 'string' ? file : JSON.stringify(file) }
  }
}

const configError = (fn: () => unknown): MeshError => meshError('CONFIG_ERROR', fn)
const configErrorAsync = async (fn: () => Promise<unknown>): Promise<MeshError> => await meshErrorAsync('CONFIG_ERROR', fn)

describe('resolveConfig', () => {
  let peerA: string
  let peerB: string
  let peerC: string
  const addr = (port: number, id: string): string => `/ip4/127.0.0.1/tcp/${port}/p2p/${id}`

  before(async () => {
    peerA = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    peerB = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    peerC = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  })

  describe('defaults', () => {
    test('nothing given: the documented defaults', () => {
      const config = resolveConfig(sources())
      assert.deepEqual(config, DEFAULTS)
      assert.equal(config.dataDir, './.meshnode')
      assert.deepEqual(config.listen, ['/ip4/0.0.0.0/tcp/4001'])
      assert.deepEqual(config.api, { host: '127.0.0.1', port: 8080 })
      assert.deepEqual(config.bootstrap, [])
      assert.equal(config.genesis, undefined)
      assert.equal(config.telemetryIntervalMs, 1000)
      assert.equal(config.maxPeers, 32)
      assert.equal(config.region, 'local')
      assert.equal(config.logLevel, 'info')
    })

    test('an empty config file object, unrelated and empty variables change nothing', () => {
      assert.deepEqual(resolveConfig(sources({}, { HOME: '/root', MESHNODE_REGION: '', MESHNODE_MAX_PEERS: '' }, {})), DEFAULTS)
    })

    test('resolving does not alter the defaults', () => {
      resolveConfig(sources({ listen: ['/ip4/127.0.0.1/tcp/1'], bootstrap: [] }, {}, { region: 'x' }))
      assert.deepEqual(DEFAULTS.listen, ['/ip4/0.0.0.0/tcp/4001'])
      assert.deepEqual(DEFAULTS.bootstrap, [])
      assert.equal(DEFAULTS.region, 'local')
    })
  })

  describe('precedence: flags > env > file > defaults', () => {
    test('a string setting (region)', () => {
      const env = { MESHNODE_REGION: 'from-env' }
      const file = { region: 'from-file' }
      assert.equal(resolveConfig(sources({ region: 'from-flag' }, env, file)).region, 'from-flag')
      assert.equal(resolveConfig(sources({}, env, file)).region, 'from-env')
      assert.equal(resolveConfig(sources({}, {}, file)).region, 'from-file')
      assert.equal(resolveConfig(sources({}, {}, {})).region, 'local')
    })

    test('a string setting (data directory, genesis, log level)', () => {
      const env = { MESHNODE_DATA: '/env', MESHNODE_GENESIS: '/env/g.json', MESHNODE_LOG_LEVEL: 'warn' }
      const file = { data: '/file', genesis: '/file/g.json', log_level: 'debug' }
      const flagged = resolveConfig(sources({ dataDir: '/flag', genesis: '/flag/g.json', logLevel: 'error' }, env, file))
      assert.deepEqual([flagged.dataDir, flagged.genesis, flagged.logLevel], ['/flag', '/flag/g.json', 'error'])
      const fromEnv = resolveConfig(sources({}, env, file))
      assert.deepEqual([fromEnv.dataDir, fromEnv.genesis, fromEnv.logLevel], ['/env', '/env/g.json', 'warn'])
      const fromFile = resolveConfig(sources({}, {}, file))
      assert.deepEqual([fromFile.dataDir, fromFile.genesis, fromFile.logLevel], ['/file', '/file/g.json', 'debug'])
    })

    test('a number setting (max peers, telemetry interval): text from flags and env is read as a number', () => {
      const env = { MESHNODE_MAX_PEERS: '20', MESHNODE_TELEMETRY_INTERVAL: '2000' }
      const file = { max_peers: 10, telemetry_interval_ms: 3000 }
      const flagged = resolveConfig(sources({ maxPeers: '30', telemetryIntervalMs: '1500' }, env, file))
      assert.equal(flagged.maxPeers, 30)
      assert.equal(flagged.telemetryIntervalMs, 1500)
      const fromEnv = resolveConfig(sources({}, env, file))
      assert.equal(fromEnv.maxPeers, 20)
      assert.equal(fromEnv.telemetryIntervalMs, 2000)
      const fromFile = resolveConfig(sources({}, {}, file))
      assert.equal(fromFile.maxPeers, 10)
      assert.equal(fromFile.telemetryIntervalMs, 3000)
      const none = resolveConfig(sources())
      assert.equal(none.maxPeers, 32)
      assert.equal(none.telemetryIntervalMs, 1000)
    })

    test('a list setting (listen): repeated flags are arrays, env is comma-separated, the file holds an array', () => {
      const env = { MESHNODE_LISTEN: '/ip4/127.0.0.1/tcp/2001, /ip4/127.0.0.1/tcp/2002' }
      const file = { listen: ['/ip4/127.0.0.1/tcp/3001'] }
      const flags = { listen: ['/ip4/127.0.0.1/tcp/1001', '/ip4/127.0.0.1/tcp/1002'] }
      assert.deepEqual(resolveConfig(sources(flags, env, file)).listen, ['/ip4/127.0.0.1/tcp/1001', '/ip4/127.0.0.1/tcp/1002'])
      assert.deepEqual(resolveConfig(sources({}, env, file)).listen, ['/ip4/127.0.0.1/tcp/2001', '/ip4/127.0.0.1/tcp/2002'])
      assert.deepEqual(resolveConfig(sources({}, {}, file)).listen, ['/ip4/127.0.0.1/tcp/3001'])
      assert.deepEqual(resolveConfig(sources({}, {}, {})).listen, ['/ip4/0.0.0.0/tcp/4001'])
    })

    test('a list setting (bootstrap)', () => {
      const env = { MESHNODE_BOOTSTRAP: `${addr(2001, peerB)},${addr(2002, peerC)}` }
      const file = { bootstrap: [addr(3001, peerC)] }
      assert.deepEqual(resolveConfig(sources({ bootstrap: [addr(1001, peerA)] }, env, file)).bootstrap, [addr(1001, peerA)])
      assert.deepEqual(resolveConfig(sources({}, env, file)).bootstrap, [addr(2001, peerB), addr(2002, peerC)])
      assert.deepEqual(resolveConfig(sources({}, {}, file)).bootstrap, [addr(3001, peerC)])
      assert.deepEqual(resolveConfig(sources({}, {}, {})).bootstrap, [])
    })

    test('a host:port setting (api)', () => {
      const env = { MESHNODE_API: '127.0.0.1:9002' }
      const file = { api: '127.0.0.1:9003' }
      assert.deepEqual(resolveConfig(sources({ api: '0.0.0.0:9001' }, env, file)).api, { host: '0.0.0.0', port: 9001 })
      assert.deepEqual(resolveConfig(sources({}, env, file)).api, { host: '127.0.0.1', port: 9002 })
      assert.deepEqual(resolveConfig(sources({}, {}, file)).api, { host: '127.0.0.1', port: 9003 })
      assert.deepEqual(resolveConfig(sources({}, {}, {})).api, { host: '127.0.0.1', port: 8080 })
    })

    test('sources mix per setting: each setting takes its own highest source', () => {
      const config = resolveConfig(sources(
        { region: 'flag-region' },
        { MESHNODE_MAX_PEERS: '7' },
        { region: 'file-region', max_peers: 9, telemetry_interval_ms: 250 }
      ))
      assert.equal(config.region, 'flag-region')
      assert.equal(config.maxPeers, 7)
      assert.equal(config.telemetryIntervalMs, 250)
      assert.equal(config.logLevel, 'info')
    })

    test('an empty flag list or an empty variable falls through to the next source', () => {
      const config = resolveConfig(sources(
        { listen: [], bootstrap: [] },
        { MESHNODE_LISTEN: '', MESHNODE_BOOTSTRAP: addr(2001, peerB), MESHNODE_REGION: '' },
        { listen: ['/ip4/127.0.0.1/tcp/3001'], region: 'file-region' }
      ))
      assert.deepEqual(config.listen, ['/ip4/127.0.0.1/tcp/3001'])
      assert.deepEqual(config.bootstrap, [addr(2001, peerB)])
      assert.equal(config.region, 'file-region')
    })

    test('a single address in the file may be a string instead of a list', () => {
      const config = resolveConfig(sources({}, {}, { listen: '/ip4/127.0.0.1/tcp/3001', bootstrap: addr(3002, peerA) }))
      assert.deepEqual(config.listen, ['/ip4/127.0.0.1/tcp/3001'])
      assert.deepEqual(config.bootstrap, [addr(3002, peerA)])
    })
  })

  describe('a bad config file names the file and the key', () => {
    test('an unknown key', () => {
      const err = configError(() => resolveConfig(sources({}, {}, { region: 'x', colour: 'blue' })))
      includes(err.message, FILE, 'colour')
    })

    test('invalid JSON', () => {
      const err = configError(() => resolveConfig(sources({}, {}, '{"region": ')))
      includes(err.message, FILE, 'JSON')
    })

    for (const [what, content] of [['an array', '["region"]'], ['a number', '42'], ['null', 'null'], ['a string', '"region"']] as const) {
      test(`a file that holds ${what}, not an object`, () => {
        const err = configError(() => resolveConfig(sources({}, {}, content)))
        includes(err.message, FILE)
      })
    }

    const badValues: Array<[string, unknown]> = [
      ['max_peers', 0],
      ['max_peers', '10'],
      ['max_peers', 1.5],
      ['telemetry_interval_ms', 99],
      ['region', ''],
      ['log_level', 'loud'],
      ['listen', []],
      ['listen', ['not a multiaddr']],
      ['bootstrap', ['/ip4/127.0.0.1/tcp/4001']],
      ['api', 'nohost'],
      ['data', 7]
    ]
    for (const [key, value] of badValues) {
      test(`a bad value: ${key} = ${JSON.stringify(value)}`, () => {
        const err = configError(() => resolveConfig(sources({}, {}, { [key]: value })))
        includes(err.message, FILE, key)
      })
    }

    test('a bad file value is reported even when only the file sets it', () => {
      const err = configError(() => resolveConfig(sources({ region: 'ok' }, {}, { region: 'ok', max_peers: -1 })))
      includes(err.message, FILE, 'max_peers')
      assert.equal(err.details?.field, 'maxPeers')
    })
  })

  describe('a bad flag names the flag, a bad variable names the variable', () => {
    const cases: Array<{ key: keyof FlagValues, flag: string, env: string, value: string }> = [
      { key: 'maxPeers', flag: '--max-peers', env: 'MESHNODE_MAX_PEERS', value: '0' },
      { key: 'maxPeers', flag: '--max-peers', env: 'MESHNODE_MAX_PEERS', value: 'many' },
      { key: 'maxPeers', flag: '--max-peers', env: 'MESHNODE_MAX_PEERS', value: '2.5' },
      { key: 'telemetryIntervalMs', flag: '--telemetry-interval', env: 'MESHNODE_TELEMETRY_INTERVAL', value: '99' },
      { key: 'telemetryIntervalMs', flag: '--telemetry-interval', env: 'MESHNODE_TELEMETRY_INTERVAL', value: '600001' },
      { key: 'logLevel', flag: '--log-level', env: 'MESHNODE_LOG_LEVEL', value: 'loud' },
      { key: 'region', flag: '--region', env: 'MESHNODE_REGION', value: 'r'.repeat(65) },
      { key: 'api', flag: '--api', env: 'MESHNODE_API', value: 'nohost' },
      { key: 'api', flag: '--api', env: 'MESHNODE_API', value: '1.2.3.4:99999' },
      { key: 'api', flag: '--api', env: 'MESHNODE_API', value: ':8080' },
      { key: 'api', flag: '--api', env: 'MESHNODE_API', value: 'localhost:' },
      { key: 'api', flag: '--api', env: 'MESHNODE_API', value: 'http://localhost:8080' }
    ]
    for (const c of cases) {
      test(`${c.flag} ${JSON.stringify(c.value)} and ${c.env}`, () => {
        const fromFlag = configError(() => resolveConfig(sources({ [c.key]: c.value })))
        includes(fromFlag.message, c.flag, c.value)
        assert.equal(fromFlag.details?.field, c.key)
        const fromEnv = configError(() => resolveConfig(sources({}, { [c.env]: c.value })))
        includes(fromEnv.message, c.env, c.value)
        assert.equal(fromEnv.details?.field, c.key)
      })
    }

    test('a bootstrap address without a /p2p/ peer id', () => {
      const noId = '/ip4/127.0.0.1/tcp/4001'
      const fromFlag = configError(() => resolveConfig(sources({ bootstrap: [addr(4002, peerA), noId] })))
      includes(fromFlag.message, '--bootstrap', '/p2p/')
      const fromEnv = configError(() => resolveConfig(sources({}, { MESHNODE_BOOTSTRAP: `${addr(4002, peerA)},${noId}` })))
      includes(fromEnv.message, 'MESHNODE_BOOTSTRAP', '/p2p/')
    })

    test('a listen value that is not a multiaddr', () => {
      includes(configError(() => resolveConfig(sources({ listen: ['tcp://0.0.0.0:4001'] }))).message, '--listen')
      includes(configError(() => resolveConfig(sources({}, { MESHNODE_LISTEN: 'nonsense' }))).message, 'MESHNODE_LISTEN')
      includes(configError(() => resolveConfig(sources({}, {}, { listen: ['nonsense'] }))).message, FILE, 'listen')
    })

    test('a bootstrap value that is not a multiaddr', () => {
      includes(configError(() => resolveConfig(sources({ bootstrap: ['127.0.0.1:4001'] }))).message, '--bootstrap')
      includes(configError(() => resolveConfig(sources({}, { MESHNODE_BOOTSTRAP: 'nonsense' }))).message, 'MESHNODE_BOOTSTRAP')
      includes(configError(() => resolveConfig(sources({}, {}, { bootstrap: ['nonsense'] }))).message, FILE, 'bootstrap')
    })

    test('the flag is checked, not the variable it hides, and vice versa', () => {
      includes(configError(() => resolveConfig(sources({ maxPeers: '0' }, { MESHNODE_MAX_PEERS: '5' }))).message, '--max-peers')
      includes(configError(() => resolveConfig(sources({}, { MESHNODE_MAX_PEERS: '0' }, { max_peers: 5 }))).message, 'MESHNODE_MAX_PEERS')
    })
  })

  describe('values at the edges', () => {
    test('api addresses: IPv4, IPv6 in brackets, names, port 0', () => {
      assert.deepEqual(resolveConfig(sources({ api: '0.0.0.0:0' })).api, { host: '0.0.0.0', port: 0 })
      assert.deepEqual(resolveConfig(sources({ api: '[::1]:9000' })).api, { host: '::1', port: 9000 })
      assert.deepEqual(resolveConfig(sources({ api: 'localhost:65535' })).api, { host: 'localhost', port: 65535 })
    })

    test('telemetry interval: 100 is the least accepted', () => {
      assert.equal(resolveConfig(sources({ telemetryIntervalMs: '100' })).telemetryIntervalMs, 100)
      assert.equal(resolveConfig(sources({}, {}, { telemetry_interval_ms: 100 })).telemetryIntervalMs, 100)
      includes(configError(() => resolveConfig(sources({ telemetryIntervalMs: '99' }))).message, '--telemetry-interval')
      includes(configError(() => resolveConfig(sources({}, { MESHNODE_TELEMETRY_INTERVAL: '50' }))).message, 'MESHNODE_TELEMETRY_INTERVAL')
      includes(configError(() => resolveConfig(sources({}, {}, { telemetry_interval_ms: 99 }))).message, 'telemetry_interval_ms', FILE)
    })

    test('a bootstrap address with a /p2p/ id is accepted', () => {
      assert.deepEqual(resolveConfig(sources({ bootstrap: [addr(4001, peerA)] })).bootstrap, [addr(4001, peerA)])
    })
  })
})

describe('every bad value: one line naming the source, the value and what is accepted', () => {
  test('a repeated flag names the bad item, not a JSON array or a validation path', () => {
    const err = configError(() => resolveConfig(sources({ listen: ['/ip4/127.0.0.1/tcp/1', 'garbage'] })))
    assert.equal(err.message, 'invalid --listen "garbage": not a multiaddr, such as /ip4/0.0.0.0/tcp/4001')
    const env = configError(() => resolveConfig(sources({}, { MESHNODE_LISTEN: '/ip4/127.0.0.1/tcp/1,garbage' })))
    assert.equal(env.message, 'invalid MESHNODE_LISTEN "garbage": not a multiaddr, such as /ip4/0.0.0.0/tcp/4001')
    const file = configError(() => resolveConfig(sources({}, {}, { listen: ['garbage'] })))
    assert.equal(file.message, `invalid listen "garbage" in config file ${FILE}: not a multiaddr, such as /ip4/0.0.0.0/tcp/4001`)
  })

  const cases: Array<[FlagValues, Record<string, string>, RegExp]> = [
    [{ maxPeers: 'many' }, {}, /^invalid --max-peers "many": expected a whole number from 1 to 1000$/],
    [{}, { MESHNODE_REQUEST_TIMEOUT: '5s' }, /^invalid MESHNODE_REQUEST_TIMEOUT "5s": expected a whole number of milliseconds from 100 to 600000$/],
    [{ logLevel: 'loud' }, {}, /^invalid --log-level "loud": expected one of fatal, error, warn, info, debug, trace, silent$/],
    [{ strategy: 'fastest' }, {}, /^invalid --strategy "fastest": expected one of round_robin, /],
    [{}, { MESHNODE_CANDIDATE: 'maybe' }, /^invalid MESHNODE_CANDIDATE "maybe": expected true or false \(or 1\/0, yes\/no\)$/],
    [{ services: ['echo'] }, {}, /^invalid --service "echo": expected NAME=URL/],
    [{ services: ['echo=ftp://x'] }, {}, /^invalid --service .*echo.*: expected NAME=URL with an http\(s\) URL/],
    [{ healthCheck: 'colour=blue' }, {}, /^invalid --health-check "colour=blue": unknown key colour; expected path=/],
    [{ announce: ['nonsense'] }, {}, /^invalid --announce "nonsense": not a multiaddr/],
    [{ corsOrigins: ['https://app.example.com/path'] }, {}, /^invalid --cors-origin "https:\/\/app.example.com\/path": not an origin/],
    [{}, { MESHNODE_LOG_FORMAT: 'xml' }, /^invalid MESHNODE_LOG_FORMAT "xml": expected one of json, pretty$/]
  ]
  for (const [flags, env, expected] of cases) {
    test(`${JSON.stringify({ ...flags, ...env })}`, () => {
      const err = configError(() => resolveConfig(sources(flags, env)))
      assert.match(err.message, expected)
    })
  }

  test('MESHNODE_CANDIDATE takes true/false, 1/0 and yes/no, in any case', () => {
    for (const [text, value] of [['true', true], ['1', true], ['yes', true], ['YES', true], ['false', false], ['0', false], ['no', false]] as const) {
      assert.equal(resolveConfig(sources({}, { MESHNODE_CANDIDATE: text })).candidate, value, text)
    }
  })
})

describe('announce, CORS origins and log format', () => {
  test('flags > env > file, lists comma-separated in variables', () => {
    const a = '/dns4/node1.example.com/tcp/4001'
    const b = '/ip4/203.0.113.7/tcp/4001'
    assert.deepEqual(resolveConfig(sources({ announce: [a] }, { MESHNODE_ANNOUNCE: b }, { announce: [b] })).announce, [a])
    assert.deepEqual(resolveConfig(sources({}, { MESHNODE_ANNOUNCE: `${a},${b}` })).announce, [a, b])
    assert.deepEqual(resolveConfig(sources({}, {}, { announce: a })).announce, [a])
    assert.deepEqual(resolveConfig(sources()).announce, [])
    assert.deepEqual(resolveConfig(sources({}, { MESHNODE_CORS_ORIGINS: 'https://app.example.com,http://localhost:3000' })).corsOrigins, ['https://app.example.com', 'http://localhost:3000'])
    assert.deepEqual(resolveConfig(sources({ corsOrigins: ['*'] })).corsOrigins, ['*'])
    assert.deepEqual(resolveConfig(sources()).corsOrigins, [], 'CORS is off by default')
    assert.equal(resolveConfig(sources({}, {}, { log_format: 'pretty' })).logFormat, 'pretty')
    assert.equal(resolveConfig(sources()).logFormat, 'json')
  })
})

describe('loadConfig', () => {
  let dir: string

  before(async () => {
    dir = await tempDir('meshnode-config-test-')
  })

  after(async () => {
    if (dir !== undefined) await removeDir(dir)
  })

  test('no config file: flags and environment only', async () => {
    const config = await loadConfig({ region: 'eu' }, { MESHNODE_MAX_PEERS: '3' })
    assert.equal(config.region, 'eu')
    assert.equal(config.maxPeers, 3)
    assert.equal(config.dataDir, DEFAULTS.dataDir)
  })

  test('a missing config file given by --config: CONFIG_ERROR naming the path', async () => {
    const path = join(dir, 'does-not-exist.json')
    const err = await configErrorAsync(async () => await loadConfig({ config: path }, {}))
    includes(err.message, path)
  })

  test('a missing config file given by MESHNODE_CONFIG: CONFIG_ERROR naming the path', async () => {
    const path = join(dir, 'also-missing.json')
    const err = await configErrorAsync(async () => await loadConfig({}, { MESHNODE_CONFIG: path }))
    includes(err.message, path)
  })

  test('a config file is read, and flags and variables override it', async () => {
    const path = join(dir, 'good.json')
    await writeFile(path, JSON.stringify({ region: 'file-region', max_peers: 9, telemetry_interval_ms: 250, listen: ['/ip4/127.0.0.1/tcp/5001'] }))
    const fromFile = await loadConfig({ config: path }, {})
    assert.equal(fromFile.region, 'file-region')
    assert.equal(fromFile.maxPeers, 9)
    assert.equal(fromFile.telemetryIntervalMs, 250)
    assert.deepEqual(fromFile.listen, ['/ip4/127.0.0.1/tcp/5001'])
    const overridden = await loadConfig({ config: path, region: 'flag-region' }, { MESHNODE_MAX_PEERS: '4' })
    assert.equal(overridden.region, 'flag-region')
    assert.equal(overridden.maxPeers, 4)
    assert.equal(overridden.telemetryIntervalMs, 250)
  })

  test('--config wins over MESHNODE_CONFIG, and an empty MESHNODE_CONFIG means none', async () => {
    const path = join(dir, 'chosen.json')
    await writeFile(path, JSON.stringify({ region: 'chosen' }))
    const config = await loadConfig({ config: path }, { MESHNODE_CONFIG: join(dir, 'missing.json') })
    assert.equal(config.region, 'chosen')
    assert.equal((await loadConfig({}, { MESHNODE_CONFIG: '' })).region, 'local')
    assert.equal((await loadConfig({}, { MESHNODE_CONFIG: path })).region, 'chosen')
  })

  test('a .yaml or .yml file is read as YAML; a broken one gets one line', async () => {
    const path = join(dir, 'node.yaml')
    await writeFile(path, 'region: eu\nmax_peers: 9\nlisten:\n  - /ip4/127.0.0.1/tcp/5001\n')
    const config = await loadConfig({ config: path }, {})
    assert.equal(config.region, 'eu')
    assert.equal(config.maxPeers, 9)
    assert.deepEqual(config.listen, ['/ip4/127.0.0.1/tcp/5001'])
    const broken = join(dir, 'broken.yml')
    await writeFile(broken, 'region: eu\nmax_peers: [1\n')
    includes((await configErrorAsync(async () => await loadConfig({ config: broken }, {}))).message, broken, 'not valid YAML')
    const yamlInJson = join(dir, 'yaml.json')
    await writeFile(yamlInJson, 'region: eu\nmax_peers: 9\n')
    includes((await configErrorAsync(async () => await loadConfig({ config: yamlInJson }, {}))).message, yamlInJson, 'not valid JSON', '.yaml')
  })

  test('a real file with invalid JSON, an unknown key or a bad value: CONFIG_ERROR naming the path (and the key)', async () => {
    const cases: Array<[string, string, string[]]> = [
      ['invalid.json', '{ "region": "eu", }', []],
      ['unknown.json', '{ "region": "eu", "colour": "blue" }', ['colour']],
      ['array.json', '[]', []],
      ['bad-value.json', '{ "max_peers": 0 }', ['max_peers']]
    ]
    for (const [name, content, keys] of cases) {
      const path = join(dir, name)
      await writeFile(path, content)
      const err = await configErrorAsync(async () => await loadConfig({}, { MESHNODE_CONFIG: path }))
      includes(err.message, path, ...keys)
    }
  })
})
