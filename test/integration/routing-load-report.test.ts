import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { startUpstream, type Upstream } from '../../simulations/live/upstream.ts'
import { waitFor } from '../helpers/wait.ts'

// Issue 13 point 3: the serving peer's load rides on every routed response, and the adaptive
// strategy weighs it, with gossip turned down so far that only the responses can tell.

const HELD = 8
const GOSSIP_INTERVAL_MS = 30_000

describe('load reports on routed responses', { timeout: 180_000 }, () => {
  const dirs: string[] = []
  const upstreams: Record<string, Upstream> = {}
  const nodes: RunningNode[] = []
  let a: RunningNode
  let b: RunningNode
  let c: RunningNode
  const held: Array<Promise<Response>> = []

  before(async () => {
    for (const name of ['b', 'c', 'b-hold']) upstreams[name] = await startUpstream(name)
    const start = async (services: Array<{ name: string, url: string, capacity: number }>): Promise<RunningNode> => {
      const dir = await tempDir()
      dirs.push(dir)
      const bootstrap = nodes[0] === undefined ? [] : [nodes[0].mesh.network.listenAddresses()[0] ?? '']
      // Gossip turned down to one snapshot per 30 s: the first (at start, before any peer) reaches
      // nobody, the next makes the offers known, and none follows while the test runs, so that
      // what A learns of B's load after that comes from B's answers.
      const node = await startNode(dir, { services, bootstrap, telemetryIntervalMs: GOSSIP_INTERVAL_MS })
      nodes.push(node)
      return node
    }
    b = await start([{ name: 'work', url: upstreams.b?.url ?? '', capacity: 1 }, { name: 'hold', url: upstreams['b-hold']?.url ?? '', capacity: 100 }])
    c = await start([{ name: 'work', url: upstreams.c?.url ?? '', capacity: 1 }])
    a = await start([])
    const ids = [b, c].map(n => n.mesh.peerId.toString())
    await waitFor('A to route work to B and C', () => {
      const offering = new Set(a.mesh.running().router.candidates('work').map(x => x.peerId))
      return ids.every(id => offering.has(id))
    }, { timeoutMs: 2 * GOSSIP_INTERVAL_MS, intervalMs: 100 })
  })

  after(async () => {
    upstreams['b-hold']?.release()
    await Promise.allSettled(held)
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await Promise.all(Object.values(upstreams).map(async u => { await u.close() }))
    await Promise.all(dirs.map(removeDir))
  })

  test('every routed response carries the serving peer\'s load; a peer whose load rises is chosen less within a few requests', async () => {
    const bId = b.mesh.peerId.toString()
    const cId = c.mesh.peerId.toString()
    const route = async (): Promise<string> => {
      const r = await fetch(`${a.api.url}/v1/route/work/echo`, { signal: AbortSignal.timeout(10_000) })
      const body = await r.text()
      assert.equal(r.status, 200, body)
      return r.headers.get('x-mesh-peer') ?? ''
    }
    // Both peers idle, taken in turn: each answer leaves its report at A.
    const router = a.mesh.running().router
    router.configure({ strategy: 'round_robin' })
    for (let i = 0; i < 4; i++) await route()
    for (const id of [bId, cId]) {
      const report = router.peerStats().get(id)?.report
      assert.ok(report !== undefined, `A holds a load report of ${id}`)
      assert.ok(report.load.cpu >= 0 && report.load.cpu <= 1 && report.load.memory > 0 && report.load.memory <= 1)
      assert.ok(report.load.errorRate === 0 && report.load.activeRequests === 0, 'an idle peer reports no other request')
    }
    // Adaptive, with both upstreams taking 50 ms: the latencies A measures stay within a small
    // factor of each other on a busy machine, so that only the load can keep A off a peer.
    router.configure({ strategy: 'adaptive' })
    for (const name of ['b', 'c']) {
      const u = upstreams[name]
      assert.ok(u !== undefined)
      u.mode.delayMs = 50
    }
    const idle: string[] = []
    for (let i = 0; i < 20; i++) idle.push(await route())

    // B's load rises: requests that its other service holds, sent to B directly, not through A.
    const hold = upstreams['b-hold']
    assert.ok(hold !== undefined)
    hold.mode.hold = true
    // An answer before the release is a refusal: named in the failure, not left to the deadline.
    const early: string[] = []
    for (let i = 0; i < HELD; i++) {
      held.push(fetch(`${b.api.url}/v1/route/hold/echo`).then(async r => { early.push(`${r.status} ${await r.clone().text()}`); return r }))
    }
    await waitFor('B to hold its requests', () => {
      assert.deepEqual(early, [], 'B answered a request it should hold')
      return hold.held() === HELD
    }, { timeoutMs: 10_000 })
    const gossipedActive = a.mesh.peerTable.list(a.mesh.clock.now()).find(p => p.peerId === bId)?.snapshot.requests.active
    assert.ok(gossipedActive !== undefined && gossipedActive < HELD, 'A\'s gossiped snapshot of B predates the rise')

    // The next answer from B brings the rise back with it: two requests in turn, one of them B's.
    router.configure({ strategy: 'round_robin' })
    const turn = [await route(), await route()]
    assert.ok(turn.includes(bId))
    router.configure({ strategy: 'adaptive' })
    assert.ok((router.peerStats().get(bId)?.report?.load.activeRequests ?? 0) >= HELD, 'B\'s answer reported the requests it holds')
    const bLoad = a.mesh.running().router.candidates('work').find(x => x.peerId === bId)?.load
    assert.ok(bLoad !== undefined && bLoad.activeRequests >= HELD, 'the candidate weighs the reported load, not the stale snapshot')
    const after: string[] = []
    for (let i = 0; i < 20; i++) after.push(await route())
    const toB = after.filter(p => p === bId).length
    assert.ok(toB <= 4, `B served ${toB} of 20 requests after its load rose (${idle.filter(p => p === bId).length} of 20 before)`)

    // B's health checks (two, as many as take a service out) reach the upstream's health path
    // and are not held with the requests: B still offers the service and holds exactly those.
    const checks = hold.healthChecks
    await waitFor('two health checks of B\'s held upstream', () => hold.healthChecks >= checks + 2, { timeoutMs: 15_000 })
    assert.equal(hold.held(), HELD)
    assert.ok(b.mesh.localServices.isHealthy('hold'), 'B\'s held upstream stays healthy')
  })
})
