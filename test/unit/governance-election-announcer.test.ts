import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { silentLogger } from '../../src/logging.ts'
import { ElectionAnnouncer, operatorsToFind, type ElectionAnnouncerComponents } from '../../src/governance/election-announcer.ts'

const SELF = '12D3KooWGRUVh6tpdrVsy8TVQXxsX1v8nRkCx1AYn5nwKeFy2Dvm'
const A = '12D3KooWLRPJAA5o6Z6ovzmrUYdPkbEXbx7kSqtSEK3RhMrvx9ZK'
const B = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'

describe('operatorsToFind', () => {
  test('splits the elected others into connected and to look up, never itself', () => {
    assert.deepEqual(operatorsToFind([SELF, A, B], SELF, id => id === A), { connected: [A], missing: [B] })
    assert.deepEqual(operatorsToFind([A, B], SELF, () => true), { connected: [A, B], missing: [] })
  })
})

describe('ElectionAnnouncer.connectBootstrapOperators', () => {
  function announcer (connected: Set<string>): { announcer: ElectionAnnouncer, queries: () => number } {
    let queries = 0
    const components = {
      state: { epochOf: () => 1, election: () => ({ elected: [SELF, A, B] }) },
      publish: async () => {},
      libp2p: {
        dial: async () => { throw new Error('no dial in this test') },
        getConnections: (id: { toString: () => string }) => connected.has(id.toString()) ? [{}] : [],
        services: { dht: { findProviders: async function * () { queries++; yield * [] } } }
      },
      clock: { now: () => 0 },
      log: silentLogger(),
      selfId: SELF
    } as unknown as ElectionAnnouncerComponents
    return { announcer: new ElectionAnnouncer(components, { genesisHash: 'g', candidate: false, tickMs: 1_000, dhtTimeoutMs: 1_000, dialTimeoutMs: 1_000 }), queries: () => queries }
  }

  test('connected to every elected operator: no DHT query', async () => {
    const a = announcer(new Set([A, B]))
    assert.deepEqual(await a.announcer.connectBootstrapOperators(), [A, B])
    assert.equal(a.queries(), 0)
  })

  test('an elected operator not connected: looked up in the DHT', async () => {
    const a = announcer(new Set([A]))
    assert.deepEqual(await a.announcer.connectBootstrapOperators(), [A])
    assert.equal(a.queries(), 1)
  })
})
