import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Cluster } from '../../simulations/live/cluster.ts'
import type { NodeHost, NodeLaunch } from '../../simulations/live/node-host.ts'
import { NetworkSchema } from '../../simulations/scenario/schema.ts'

describe('starting many live nodes', () => {
  test('stops between nodes when the signal is aborted, and says so', async () => {
    const aborter = new AbortController()
    const launched: number[] = []
    const host: NodeHost = {
      rss: 0,
      launch: async (l: NodeLaunch) => {
        launched.push(l.index)
        if (launched.length === 40) aborter.abort()
        await new Promise(resolve => setImmediate(resolve))
        return { index: l.index, peerId: `peer-${l.index}`, apiUrl: '', token: '', address: '/ip4/127.0.0.1/tcp/1' }
      },
      crash: async () => {},
      partition: async () => {},
      close: async () => {}
    }
    const count = 10_000
    const cluster = new Cluster({
      makeHost: () => host,
      procs: 1,
      network: { genesisFile: '', dataDirs: Array.from({ length: count }, (_, i) => `/nonexistent/${i}`) },
      spec: NetworkSchema.parse({}),
      now: Date.now,
      servicesFor: () => []
    })
    await assert.rejects(cluster.start(count, false, aborter.signal), (err: Error) => err.name === 'AbortError')
    assert.ok(launched.length < 100, `${launched.length} nodes launched after the abort`)
  })
})
