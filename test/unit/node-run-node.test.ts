import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { joinCommand, meshnodeCommand } from '../../node/run-node.ts'

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
