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
