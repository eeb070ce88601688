import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { call } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

interface PeerRow {
  peer_id: string
  status: string
  connected: boolean
  last_snapshot_age_ms: number
  rtt_ms: number | null
  api_url: string | null
  region: string
  version: string
  snapshot: { seq: number, interval_ms: number }
  metrics: Record<string, unknown>
}

interface Diagnostics {
  test_type: string
  peer_id: string
  sent: number
  received: number
  loss: number
  rtt_ms: Array<number | null>
  min_ms: number | null
  avg_ms: number | null
  max_ms: number | null
  errors: string[]
}

describe('HTTP API of two nodes joined by bootstrap', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  const nodes: RunningNode[] = []
  let first: RunningNode
  let second: RunningNode

  before(async () => {
    dirs.push(await tempDir(), await tempDir())
    first = await startNode(dirs[0] ?? '')
    nodes.push(first)
    second = await startNode(dirs[1] ?? '', { bootstrap: first.mesh.network.listenAddresses() })
    nodes.push(second)
  })

  after(async () => {
    for (const n of nodes.reverse()) await n.stop()
    await Promise.all(dirs.map(removeDir))
  })

  test('the second node is listed by the first as healthy, fresh, with its metrics and API URL', async () => {
    const id = second.mesh.peerId.toString()
    const row = await waitFor('the second node to be healthy with a fresh snapshot on the first', async () => {
      const { body } = await call<{ peers: PeerRow[], total: number }>(`${first.api.url}/v1/network/peers`)
      const p = body.peers.find(x => x.peer_id === id)
      return p !== undefined && p.status === 'healthy' && p.last_snapshot_age_ms < 3000 ? p : undefined
    }, { timeoutMs: 15_000, intervalMs: 200 })
    assert.equal(row.connected, true)
    assert.equal(row.api_url, second.api.url)
    assert.equal(row.region, 'local')
    assert.equal(typeof row.version, 'string')
    assert.ok(row.snapshot.seq >= 1)
    assert.equal(row.snapshot.interval_ms, 1000)
    for (const key of ['cpu_usage', 'memory_usage']) {
      const v = row.metrics[key]
      assert.equal(typeof v, 'number', key)
      assert.ok((v as number) >= 0 && (v as number) <= 1, `${key} = ${String(v)}`)
    }
    assert.ok((row.metrics.rss_bytes as number) > 0)

    const healthy = await call<{ peers: PeerRow[], total: number }>(`${first.api.url}/v1/network/peers?state=healthy`)
    assert.equal(healthy.status, 200)
    assert.deepEqual(healthy.body.peers.map(p => p.peer_id), [id])
    assert.equal(healthy.body.total, 1)
    const down = await call<{ peers: PeerRow[], total: number }>(`${first.api.url}/v1/network/peers?state=down`)
    assert.deepEqual(down.body, { peers: [], total: 0 })
  })

  test('each node sees the other in /v1/network/status', async () => {
    await waitFor('the first node to be healthy on the second', async () => {
      const { body } = await call<{ peers: PeerRow[] }>(`${second.api.url}/v1/network/peers`)
      return body.peers.some(p => p.peer_id === first.mesh.peerId.toString() && p.status === 'healthy')
    }, { timeoutMs: 15_000, intervalMs: 200 })
    for (const n of [first, second]) {
      const { status, body } = await call<Record<string, unknown>>(`${n.api.url}/v1/network/status`)
      assert.equal(status, 200)
      assert.equal(body.total_peers, 1)
      assert.ok((body.connected_peers as number) >= 1)
      assert.equal(body.network_id, first.mesh.networkId)
      assert.equal(body.genesis_hash, first.mesh.genesisHash)
    }
  })

  test('POST /v1/network/diagnostics pings the second node three times', async () => {
    const id = second.mesh.peerId.toString()
    const { status, body } = await call<Diagnostics>(`${first.api.url}/v1/network/diagnostics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${first.token}` },
      body: JSON.stringify({ peer_id: id, count: 3 })
    })
    assert.equal(status, 200, JSON.stringify(body))
    assert.equal(body.test_type, 'ping')
    assert.equal(body.peer_id, id)
    assert.equal(body.sent, 3)
    assert.equal(body.received, 3)
    assert.equal(body.loss, 0)
    assert.equal(body.rtt_ms.length, 3)
    for (const rtt of body.rtt_ms) {
      assert.equal(typeof rtt, 'number')
      assert.ok((rtt as number) >= 0)
    }
    assert.deepEqual(body.errors, [])
    const rtts = body.rtt_ms as number[]
    assert.equal(body.min_ms, Math.min(...rtts))
    assert.equal(body.max_ms, Math.max(...rtts))
    assert.ok(body.avg_ms !== null && body.avg_ms >= Math.min(...rtts) && body.avg_ms <= Math.max(...rtts))
  })
})
