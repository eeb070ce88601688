import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { callAsOperator } from '../helpers/api.ts'
import { removeDir, spawnNode, startNode, stopChild, tempDir, type ChildNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

interface Firing { rule_id: string, state: string, value: number | null, triggered_at: string, resolved_at: string | null }

describe('alerts on a peer that goes away', { timeout: 240_000 }, () => {
  const dirs: string[] = []
  const observers: RunningNode[] = []
  const peers: ChildNode[] = []
  after(async () => {
    await Promise.all(peers.map(stopChild))
    await Promise.all(observers.map(async o => { await o.stop() }))
    await Promise.all(dirs.map(removeDir))
  })

  /** An observer with the rule `peers_down >= 1 for 2s`, and a child node joined to it that it sees healthy. */
  const observedPeer = async (): Promise<{ o: RunningNode, peer: ChildNode, args: string[], rule: string, history: (ruleId: string) => Promise<Firing[]> }> => {
    const observerDir = await tempDir()
    const peerDir = await tempDir()
    dirs.push(observerDir, peerDir)
    const o = await startNode(observerDir)
    observers.push(o)
    const rule = await callAsOperator<{ id: string }>(o, 'POST', '/v1/alerts/rules', { name: 'peer-gone', condition: 'peers_down >= 1', for: '2s', severity: 'critical' })
    assert.equal(rule.status, 201, rule.text)
    const args = ['--data', peerDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--bootstrap', o.mesh.network.listenAddresses()[0] ?? '']
    const peer = await spawnNode(args)
    peers.push(peer)
    await waitFor('the observer to see the peer healthy', () => o.mesh.peerTable.get(peer.peerId, Date.now())?.state === 'healthy', { timeoutMs: 30_000 })
    const history = async (ruleId: string): Promise<Firing[]> => (await callAsOperator<{ firings: Firing[] }>(o, 'GET', `/v1/alerts/history?rule_id=${ruleId}`)).body.firings
    return { o, peer, args, rule: rule.body.id, history }
  }

  test('`peers_down >= 1 for 2s` fires after the peer is SIGKILLed and resolves after it returns', async () => {
    const { o, peer, args, rule, history } = await observedPeer()
    const peerId = peer.peerId
    assert.deepEqual(await history(rule), [], 'no firing while the peer is up')

    peer.child.kill('SIGKILL')
    await peer.exited
    const firing = await waitFor('the rule to fire', async () => (await history(rule)).find(f => f.state === 'firing'), { timeoutMs: 60_000 })
    assert.ok((firing.value ?? 0) >= 1)

    peers.push(await spawnNode(args))
    await waitFor('the observer to see the peer healthy again', () => o.mesh.peerTable.get(peerId, Date.now())?.state === 'healthy', { timeoutMs: 60_000 })
    const resolved = await waitFor('the firing to resolve', async () => (await history(rule)).find(f => f.state === 'resolved'), { timeoutMs: 30_000 })
    assert.ok(resolved.resolved_at !== null && Date.parse(resolved.resolved_at) >= Date.parse(resolved.triggered_at))
  })

  test('a peer stopped with SIGTERM is left: `peers_left >= 1` fires, `peers_down >= 1 for 2s` and the default peer_down never do', async () => {
    const { o, peer, rule, history } = await observedPeer()
    const peerId = peer.peerId
    const left = await callAsOperator<{ id: string }>(o, 'POST', '/v1/alerts/rules', { name: 'peer-left', condition: 'peers_left >= 1', for: '0s', severity: 'info' })
    assert.equal(left.status, 201, left.text)
    const alerts = o.mesh.running().alerts
    const defaultRule = alerts.list().find(r => r.name === 'peer_down')
    assert.ok(defaultRule !== undefined)
    const states: string[] = []
    const unsubscribe = o.mesh.onEvent(e => { if (e.type === 'peer:state' && e.peerId === peerId) states.push(e.to) })

    assert.equal(await stopChild(peer), 0, 'the peer exits 0 on SIGTERM')
    await waitFor('the leave to fire `peers_left >= 1`', async () => (await history(left.body.id)).find(f => f.state === 'firing'), { timeoutMs: 30_000 })
    // Enough evaluations with the peer gone for a rule held 2 s to fire, had it seen the peer down.
    const seen = alerts.evaluated
    const intervalMs = (await callAsOperator<{ evaluation_interval_seconds: number }>(o, 'GET', '/v1/alerts/rules')).body.evaluation_interval_seconds * 1000
    await waitFor('the rules to be evaluated past 2 s with the peer gone', () => alerts.evaluated >= seen + Math.ceil(2_000 / intervalMs) + 2, { timeoutMs: 30_000 })
    unsubscribe()

    assert.deepEqual(states, ['left'], 'the observer saw the peer leave, never suspect or down')
    assert.equal(o.mesh.peerTable.get(peerId, Date.now())?.state, 'left')
    assert.deepEqual(await history(rule), [])
    assert.deepEqual(await history(defaultRule.id), [])
    assert.equal(alerts.state(rule).phase, 'inactive')
    assert.equal(alerts.state(defaultRule.id).phase, 'inactive')
  })
})
