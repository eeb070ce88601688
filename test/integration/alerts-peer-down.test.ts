import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { callAsOperator } from '../helpers/api.ts'
import { removeDir, spawnNode, startNode, stopChild, tempDir, type ChildNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

interface Firing { rule_id: string, state: string, value: number | null, triggered_at: string, resolved_at: string | null }

describe('an alert on a peer that is SIGKILLed', { timeout: 180_000 }, () => {
  const dirs: string[] = []
  let observer: RunningNode | undefined
  let peer: ChildNode | undefined
  after(async () => {
    if (peer !== undefined) await stopChild(peer)
    await observer?.stop()
    await Promise.all(dirs.map(removeDir))
  })

  test('`peers_down >= 1 for 2s` fires after the peer is killed and resolves after it returns', async () => {
    const observerDir = await tempDir()
    const peerDir = await tempDir()
    dirs.push(observerDir, peerDir)
    observer = await startNode(observerDir)
    const o = observer
    const rule = await callAsOperator<{ id: string }>(o, 'POST', '/v1/alerts/rules', { name: 'peer-gone', condition: 'peers_down >= 1', for: '2s', severity: 'critical' })
    assert.equal(rule.status, 201, rule.text)
    const args = ['--data', peerDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--bootstrap', o.mesh.network.listenAddresses()[0] ?? '']
    peer = await spawnNode(args)
    const peerId = peer.peerId
    await waitFor('the observer to see the peer healthy', () => o.mesh.peerTable.get(peerId, Date.now())?.state === 'healthy', { timeoutMs: 30_000 })
    const history = async (): Promise<Firing[]> => (await callAsOperator<{ firings: Firing[] }>(o, 'GET', `/v1/alerts/history?rule_id=${rule.body.id}`)).body.firings
    assert.deepEqual(await history(), [], 'no firing while the peer is up')

    peer.child.kill('SIGKILL')
    await peer.exited
    const firing = await waitFor('the rule to fire', async () => (await history()).find(f => f.state === 'firing'), { timeoutMs: 60_000 })
    assert.ok((firing.value ?? 0) >= 1)

    peer = await spawnNode(args)
    await waitFor('the observer to see the peer healthy again', () => o.mesh.peerTable.get(peerId, Date.now())?.state === 'healthy', { timeoutMs: 60_000 })
    const resolved = await waitFor('the firing to resolve', async () => (await history()).find(f => f.state === 'resolved'), { timeoutMs: 30_000 })
    assert.ok(resolved.resolved_at !== null && Date.parse(resolved.resolved_at) >= Date.parse(resolved.triggered_at))
  })
})

describe('no alert on a peer that leaves gracefully', { timeout: 180_000 }, () => {
  const dirs: string[] = []
  let observer: RunningNode | undefined
  let peer: ChildNode | undefined
  after(async () => {
    if (peer !== undefined) await stopChild(peer)
    await observer?.stop()
    await Promise.all(dirs.map(removeDir))
  })

  test('a peer stopped with SIGTERM is left: `peers_left >= 1` fires, `peers_down >= 1 for 2s` and the default peer_down never do', async () => {
    const observerDir = await tempDir()
    const peerDir = await tempDir()
    dirs.push(observerDir, peerDir)
    observer = await startNode(observerDir)
    const o = observer
    const down = await callAsOperator<{ id: string }>(o, 'POST', '/v1/alerts/rules', { name: 'peer-gone', condition: 'peers_down >= 1', for: '2s', severity: 'critical' })
    const left = await callAsOperator<{ id: string }>(o, 'POST', '/v1/alerts/rules', { name: 'peer-left', condition: 'peers_left >= 1', for: '0s', severity: 'info' })
    assert.equal(down.status, 201, down.text)
    assert.equal(left.status, 201, left.text)
    const defaultRule = o.mesh.running().alerts.list().find(r => r.name === 'peer_down')
    assert.ok(defaultRule !== undefined)
    peer = await spawnNode(['--data', peerDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--bootstrap', o.mesh.network.listenAddresses()[0] ?? ''])
    const peerId = peer.peerId
    await waitFor('the observer to see the peer healthy', () => o.mesh.peerTable.get(peerId, Date.now())?.state === 'healthy', { timeoutMs: 30_000 })
    const states: string[] = []
    const unsubscribe = o.mesh.onEvent(e => { if (e.type === 'peer:state' && e.peerId === peerId) states.push(e.to) })
    const history = async (ruleId: string): Promise<Firing[]> => (await callAsOperator<{ firings: Firing[] }>(o, 'GET', `/v1/alerts/history?rule_id=${ruleId}`)).body.firings

    assert.equal(await stopChild(peer), 0, 'the peer exits 0 on SIGTERM')
    await waitFor('the leave to fire `peers_left >= 1`', async () => (await history(left.body.id)).find(f => f.state === 'firing'), { timeoutMs: 30_000 })
    // Enough evaluations with the peer gone for a rule held 2 s to fire, had it seen the peer down.
    const alerts = o.mesh.running().alerts
    const seen = alerts.evaluated
    const intervalMs = (await callAsOperator<{ evaluation_interval_seconds: number }>(o, 'GET', '/v1/alerts/rules')).body.evaluation_interval_seconds * 1000
    await waitFor('the rules to be evaluated past 2 s with the peer gone', () => alerts.evaluated >= seen + Math.ceil(2_000 / intervalMs) + 2, { timeoutMs: 30_000 })
    unsubscribe()

    assert.deepEqual(states, ['left'], 'the observer saw the peer leave, never suspect or down')
    assert.equal(o.mesh.peerTable.get(peerId, Date.now())?.state, 'left')
    assert.deepEqual(await history(down.body.id), [])
    assert.deepEqual(await history(defaultRule.id), [])
    assert.equal(alerts.state(down.body.id).phase, 'inactive')
    assert.equal(alerts.state(defaultRule.id).phase, 'inactive')
  })
})
