import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { genesisHash, parseGenesisJson } from '../../src/network/genesis.ts'
import type { RunningNode } from '../../src/launch.ts'
import { call, callAsOperator } from '../helpers/api.ts'
import { removeDir, spawnNode, startNode, stopChild, tempDir, type ChildNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

interface PeerRow { peer_id: string, status: string, last_snapshot_age_ms: number, api_url: string | null }

async function peersOf (apiUrl: string): Promise<PeerRow[]> {
  return (await call<{ peers: PeerRow[] }>(`${apiUrl}/v1/network/peers`)).body.peers
}

async function stateOn (apiUrl: string, peerId: string): Promise<string | undefined> {
  return (await peersOf(apiUrl)).find(p => p.peer_id === peerId)?.status
}

/** Every node in `observers` reports `peerId` in `state`. */
async function everywhere (observers: ChildNode[], peerId: string, state: string): Promise<boolean> {
  const states = await Promise.all(observers.map(async o => await stateOn(o.apiUrl, peerId)))
  return states.every(s => s === state)
}

describe('a five-node mesh on loopback', { timeout: 180_000 }, () => {
  const dirs: string[] = []
  const nodes: ChildNode[] = []
  const inProcess: RunningNode[] = []

  before(async () => {
    // A chain: each node knows only the previous one.
    for (let i = 0; i < 5; i++) {
      const dir = await tempDir()
      dirs.push(dir)
      const args = ['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0']
      const prev = nodes[i - 1]
      if (prev !== undefined) args.push('--bootstrap', prev.joinAddress)
      nodes.push(await spawnNode(args))
    }
  })

  after(async () => {
    await Promise.all(inProcess.map(async n => { await n.stop() }))
    await Promise.all(nodes.map(async n => await stopChild(n)))
    await Promise.all(dirs.map(removeDir))
  })

  test('every node lists the four others as healthy with fresh snapshots within 10 s', async t => {
    const started = Date.now()
    await waitFor('a converged mesh', async () => {
      for (const node of nodes) {
        const healthy = (await peersOf(node.apiUrl)).filter(p => p.status === 'healthy' && p.last_snapshot_age_ms < 3000)
        const ids = new Set(healthy.map(p => p.peer_id))
        if (!nodes.every(o => o === node || ids.has(o.peerId))) return false
      }
      return true
    }, { timeoutMs: 10_000, intervalMs: 200 })
    const peers = await peersOf(nodes[0]?.apiUrl ?? '')
    assert.equal(peers.length, 4)
    for (const p of peers) assert.match(p.api_url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/)
    t.diagnostic(`converged in ${Date.now() - started} ms`)
  })

  test('joining needed no file copying: every node pinned the genesis of the first', async () => {
    const first = parseGenesisJson(await readFile(join(dirs[0] ?? '', 'genesis.json'), 'utf8'), 'first')
    for (const dir of dirs.slice(1)) {
      const pinned = parseGenesisJson(await readFile(join(dir, 'genesis.json'), 'utf8'), dir)
      assert.equal(genesisHash(pinned), genesisHash(first))
    }
  })

  test('a crashed node is down everywhere within 5 s, and healthy again after a restart with the same id', async t => {
    const victim = nodes[2]
    assert.ok(victim !== undefined)
    const observers = nodes.filter(n => n !== victim)
    victim.child.kill('SIGKILL')
    const killedAt = Date.now()
    await victim.exited
    await waitFor('the crashed node to be down everywhere', async () => await everywhere(observers, victim.peerId, 'down'),
      { timeoutMs: 5_000, intervalMs: 100 })
    t.diagnostic(`down everywhere ${Date.now() - killedAt} ms after SIGKILL`)

    const restarted = await spawnNode(['--data', dirs[2] ?? '', '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0',
      '--bootstrap', nodes[1]?.joinAddress ?? ''])
    nodes[2] = restarted
    assert.equal(restarted.peerId, victim.peerId)
    await waitFor('the restarted node to be healthy everywhere', async () => await everywhere(observers, victim.peerId, 'healthy'),
      { timeoutMs: 10_000, intervalMs: 200 })
  })

  test('a node whose event loop is blocked for 2 s is at most suspect, never down, and accuses no one', async t => {
    const dir = await tempDir()
    dirs.push(dir)
    const slow = await startNode(dir, { bootstrap: [nodes[0]?.joinAddress ?? ''] })
    inProcess.push(slow)
    const id = slow.mesh.peerId.toString()
    await waitFor('the in-process node to be healthy everywhere', async () => await everywhere(nodes, id, 'healthy'),
      { timeoutMs: 15_000, intervalMs: 200 })
    await waitFor('the in-process node to see every other node healthy',
      () => slow.mesh.peerTable.list(slow.mesh.clock.now()).filter(p => p.state === 'healthy').length >= nodes.length, { timeoutMs: 10_000 })

    const accusedBySlow = new Set<string>()
    const unsubscribe = slow.mesh.onEvent(e => { if (e.type === 'peer:state' && e.to === 'down') accusedBySlow.add(e.peerId) })
    const blockUntil = Date.now() + 2_000
    while (Date.now() < blockUntil) { /* busy: the event loop of this process is blocked */ }

    const seen = new Set<string>()
    const watchUntil = Date.now() + 8_000
    while (Date.now() < watchUntil) {
      for (const node of nodes) seen.add(await stateOn(node.apiUrl, id) ?? 'missing')
      if (seen.has('down')) break
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    unsubscribe()
    assert.ok(!seen.has('down'), `a blocked node was declared down (states seen: ${[...seen].join(', ')})`)
    assert.deepEqual([...accusedBySlow], [], 'the blocked node accused its peers')
    assert.ok(slow.mesh.peerTable.list(slow.mesh.clock.now()).every(p => p.state !== 'down'))
    await waitFor('the blocked node to be healthy everywhere again', async () => await everywhere(nodes, id, 'healthy'),
      { timeoutMs: 10_000, intervalMs: 200 })
    t.diagnostic(`states seen while blocked: ${[...seen].join(', ')}`)
  })

  /** Every observer shows `peerId` in `state` (or no longer lists it) for `ms`, polled; returns the states seen. */
  async function statesFor (observers: ChildNode[], peerId: string, ms: number): Promise<Set<string>> {
    const seen = new Set<string>()
    const until = Date.now() + ms
    while (Date.now() < until) {
      for (const o of observers) seen.add(await stateOn(o.apiUrl, peerId) ?? 'missing')
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    return seen
  }

  test('a node stopped with SIGTERM is left everywhere, never down, and an observer raises no down; restarted, it is healthy again', async t => {
    const dir = await tempDir()
    dirs.push(dir)
    const args = ['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--bootstrap', nodes[0]?.joinAddress ?? '']
    const leaver = await spawnNode(args)
    const watcherDir = await tempDir()
    dirs.push(watcherDir)
    const watcher = await startNode(watcherDir, { bootstrap: [nodes[1]?.joinAddress ?? ''] })
    inProcess.push(watcher)
    await waitFor('the leaver to be healthy everywhere', async () => await everywhere(nodes, leaver.peerId, 'healthy') &&
      watcher.mesh.peerTable.get(leaver.peerId, Date.now())?.state === 'healthy', { timeoutMs: 20_000, intervalMs: 200 })
    const downs: string[] = []
    // Every transition the watcher saw, for the report of a failure: when, and whether it had a connection to lose.
    const trace: string[] = []
    const connected = watcher.mesh.network.connectedPeers().includes(leaver.peerId)
    t.after(() => { t.diagnostic(`the watcher (connected to the leaver at SIGTERM: ${String(connected)}) saw ${trace.join(', ')}`) })
    const stoppedAt = Date.now()
    const unsubscribe = watcher.mesh.onEvent(e => {
      if (e.type !== 'peer:state' || e.peerId !== leaver.peerId) return
      trace.push(`${e.from}->${e.to} ${Date.now() - stoppedAt} ms after SIGTERM`)
      if (e.to !== 'left') downs.push(`${e.from}->${e.to}`)
    })
    leaver.child.kill('SIGTERM')
    await waitFor('the leaver to be left everywhere', async () => await everywhere(nodes, leaver.peerId, 'left'),
      { timeoutMs: 10_000, intervalMs: 100 })
    t.diagnostic(`left everywhere ${Date.now() - stoppedAt} ms after SIGTERM`)
    assert.equal(await leaver.exited, 0)
    // Its connections are gone now: it must stay left, not turn suspect or down.
    const seen = await statesFor(nodes, leaver.peerId, 3_000)
    unsubscribe()
    assert.deepEqual([...seen], ['left'])
    assert.deepEqual(downs, [], 'the watcher saw the leaver change state other than to left')
    assert.equal(watcher.mesh.peerTable.get(leaver.peerId, Date.now())?.state, 'left')

    const back = await spawnNode(args)
    await waitFor('the node to be healthy everywhere after its return', async () => await everywhere(nodes, back.peerId, 'healthy'),
      { timeoutMs: 15_000, intervalMs: 200 })
    await stopChild(back)
  })

  test('POST /v1/network/leave (operator only) announces left: peers show it left while it still runs', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const leaver = await startNode(dir, { bootstrap: [nodes[2]?.joinAddress ?? ''] })
    inProcess.push(leaver)
    const id = leaver.mesh.peerId.toString()
    await waitFor('the leaver to be healthy everywhere', async () => await everywhere(nodes, id, 'healthy'), { timeoutMs: 20_000, intervalMs: 200 })
    assert.equal((await call(`${leaver.api.url}/v1/network/leave`, { method: 'POST' })).status, 401)
    assert.equal(await stateOn(nodes[0]?.apiUrl ?? '', id), 'healthy')
    const reply = await callAsOperator<{ status: string, peer_id: string, incarnation: number, left_at: string }>(leaver, 'POST', '/v1/network/leave')
    assert.equal(reply.status, 202)
    assert.equal(reply.body.status, 'left')
    assert.equal(reply.body.peer_id, id)
    assert.equal(reply.body.incarnation, leaver.mesh.built?.telemetry.incarnation)
    const status = await call<{ membership: { left: boolean, incarnation: number, local_health: number, publication_interval_ms: number } }>(`${leaver.api.url}/v1/network/status`)
    assert.equal(status.body.membership.left, true)
    assert.equal(status.body.membership.incarnation, reply.body.incarnation)
    await waitFor('the leaver to be left everywhere', async () => await everywhere(nodes, id, 'left'), { timeoutMs: 10_000, intervalMs: 100 })
    assert.ok(leaver.mesh.network.connectedPeers().length > 0, 'it left the membership, not the network: it still runs')
    assert.equal((await callAsOperator(leaver, 'POST', '/v1/network/leave')).status, 202, 'leaving twice is no error')
  })

  test('a node of another network is refused', async () => {
    const target = nodes[0]
    assert.ok(target !== undefined)
    // The stranger founds a network of its own first, then is pointed at the target.
    const dir = await tempDir()
    dirs.push(dir)
    await (await startNode(dir)).stop()
    const before = (await call<{ refused_peers: number }>(`${target.apiUrl}/v1/network/status`)).body.refused_peers
    const stranger = await startNode(dir, { bootstrap: [target.joinAddress] })
    inProcess.push(stranger)
    assert.equal(stranger.genesisOrigin, 'pinned')
    await waitFor('the target to refuse the stranger', async () =>
      (await call<{ refused_peers: number }>(`${target.apiUrl}/v1/network/status`)).body.refused_peers > before,
    { timeoutMs: 10_000 })
    await waitFor('the connection to be gone', () => !stranger.mesh.network.connectedPeers().includes(target.peerId), { timeoutMs: 10_000 })
    assert.equal(await stateOn(target.apiUrl, stranger.mesh.peerId.toString()), undefined)
    assert.equal(stranger.mesh.peerTable.get(target.peerId, stranger.mesh.clock.now()), undefined)
  })

})
