import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseParams } from '../../node/cli.ts'
import { joinCommand, meshnodeCommand } from '../../node/run-node.ts'
import { StopRequests } from '../../node/signals.ts'
import { PRODUCTION_PARAMS } from '../../src/network/params.ts'
import { prettyLine } from '../../src/logging.ts'
import { includes, meshError } from '../helpers/errors.ts'

describe('genesis --param KEY=VALUE', () => {
  test('every parameter --help lists can be set: numbers, text and JSON maps', () => {
    const params = parseParams([
      'quorum=0.5',
      'currency=EUR',
      'price_list={"storage":{"unit":"GB","unit_price":0.01}}',
      'gossip_ip_colocation_threshold=0'
    ])
    assert.equal(params.quorum, 0.5)
    assert.equal(params.currency, 'EUR')
    assert.deepEqual(params.price_list, { storage: { unit: 'GB', unit_price: 0.01 } })
    assert.equal(params.gossip_ip_colocation_threshold, 0)
    assert.equal(params.epoch_ms, PRODUCTION_PARAMS.epoch_ms, 'unset keys keep their defaults')
    assert.equal(parseParams(['currency="CHF"']).currency, 'CHF', 'a JSON string is read as the string')
  })

  test('an unknown key names it and lists the known ones', () => {
    const err = meshError('GENESIS_ERROR', () => parseParams(['nosuch=2']))
    includes(err.message, '--param', 'nosuch', 'quorum', 'price_list', 'currency')
  })

  test('a bad value names the flag, the value and what is wrong, on one line', () => {
    includes(meshError('GENESIS_ERROR', () => parseParams(['currency=euro'])).message, '--param', 'currency=euro')
    includes(meshError('GENESIS_ERROR', () => parseParams(['quorum=2'])).message, 'quorum=2', '<=1')
    includes(meshError('GENESIS_ERROR', () => parseParams(['price_list={"storage":{"unit":"GB","unit_price":"cheap"}}'])).message, 'price_list', 'storage.unit_price')
    includes(meshError('GENESIS_ERROR', () => parseParams(['quorum'])).message, 'KEY=VALUE')
  })
})

describe('the join line', () => {
  const base = { bootstrap: '/ip4/192.0.2.1/tcp/4001/p2p/12D3KooWx', tcpPorts: [4001], apiPort: 8080, dataDir: './.meshnode' }

  test('npx meshnode unless the operator\'s own PATH has meshnode (npm\'s node_modules/.bin does not count)', () => {
    const has = (dir: string) => (file: string) => file === `${dir}/meshnode`
    assert.equal(meshnodeCommand('/usr/bin:/repo/node_modules/.bin', has('/repo/node_modules/.bin')), 'npx meshnode')
    assert.equal(meshnodeCommand('/usr/local/bin:/usr/bin', has('/usr/local/bin')), 'meshnode')
    assert.equal(meshnodeCommand('', () => true), 'npx meshnode')
  })

  test('a first node on the defaults: the line names its own data directory, p2p port and API port', () => {
    assert.equal(joinCommand({ command: 'npx meshnode', ...base }),
      'npx meshnode start --data ./.meshnode-2 --listen /ip4/0.0.0.0/tcp/4002 --api 127.0.0.1:8081 --bootstrap /ip4/192.0.2.1/tcp/4001/p2p/12D3KooWx')
    assert.equal(joinCommand({ command: 'meshnode', ...base, dataDir: '.meshnode/' }).includes('--data ./.meshnode-2'), true, 'the same directory, written otherwise')
  })

  test('a node started from such a line: the next line moves on from it, clear of the first node too', () => {
    assert.equal(joinCommand({ command: 'npx meshnode', ...base, dataDir: './.meshnode-2', tcpPorts: [4002], apiPort: 8081 }),
      'npx meshnode start --data ./.meshnode-3 --listen /ip4/0.0.0.0/tcp/4003 --api 127.0.0.1:8082 --bootstrap /ip4/192.0.2.1/tcp/4001/p2p/12D3KooWx')
  })

  test('a first node with its own settings: the defaults are free, the line names only the bootstrap address', () => {
    assert.equal(joinCommand({ command: 'meshnode', ...base, dataDir: './a', tcpPorts: [5101], apiPort: 9000 }),
      'meshnode start --bootstrap /ip4/192.0.2.1/tcp/4001/p2p/12D3KooWx')
  })
})

describe('stop signals', () => {
  test('a signal delivered twice at once (process group and a forwarding parent) is one stop request', () => {
    const r = new StopRequests(1_000)
    assert.equal(r.receive('SIGTERM', 0), 'stop')
    assert.equal(r.receive('SIGTERM', 1), 'again')
    assert.equal(r.receive('SIGTERM', 5_000), 'again', 'SIGTERM never forces: a supervisor escalates with SIGKILL')
  })

  test('Ctrl-C twice: the second, a moment later, forces the exit; its echo at once does not', () => {
    const r = new StopRequests(1_000)
    assert.equal(r.receive('SIGINT', 0), 'stop')
    assert.equal(r.receive('SIGINT', 10), 'again')
    assert.equal(r.receive('SIGINT', 1_500), 'force')
  })
})

describe('--log-format pretty', () => {
  test('a record as time, level, message and fields; anything else passes through', () => {
    const time = new Date(2026, 0, 2, 3, 4, 5, 6).getTime()
    const line = prettyLine(JSON.stringify({ level: 40, time, pid: 1, hostname: 'h', msg: 'peer down', peer: '12D3KooWx', note: 'two words', n: 3 }), false)
    assert.equal(line, '03:04:05.006 WARN  peer down peer=12D3KooWx note="two words" n=3\n')
    assert.equal(prettyLine('not json\n', false), 'not json\n')
    assert.ok(prettyLine(JSON.stringify({ level: 50, time, msg: 'x' }), true).includes('\u001b[31mERROR'))
  })
})
