import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { RunningNode } from '../../src/launch.ts'
import { createGenesis } from '../../src/network/genesis.ts'
import { DEVELOPMENT_PARAMS } from '../../src/network/params.ts'
import { KEY_FILE } from '../../src/p2p/identity.ts'
import { startUpstream, type Upstream } from '../../simulations/live/upstream.ts'
import { call, callAsOperator, metricsOf, sample, type ErrorBody } from '../helpers/api.ts'
import { freePort, removeDir, spawnNode, startNode, stopChild, tempDir, type ChildNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

const SECRET = 'a-webhook-secret-of-some-length'

interface DeliveryJson { id: string, event_id: string, event_type: string, status: string, attempts: number, last_error: string | null, response_code: number | null }

async function deliveries (node: { api: { url: string }, token: string }, webhookId: string): Promise<DeliveryJson[]> {
  const r = await callAsOperator<{ deliveries: DeliveryJson[] }>(node, 'GET', `/v1/webhooks/${webhookId}/deliveries`)
  assert.equal(r.status, 200)
  return r.body.deliveries
}

async function createWebhook (node: { api: { url: string }, token: string }, url: string, events: string[]): Promise<string> {
  const r = await callAsOperator<{ id: string }>(node, 'POST', '/v1/webhooks', { url, events, secret: SECRET })
  assert.equal(r.status, 201, r.text)
  return r.body.id
}

/** Five failed requests in a row trip the node's breaker of the service: a breaker.opened event. */
async function tripBreaker (apiUrl: string, service: string): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${apiUrl}/v1/route/${service}/status/500`)
    await r.body?.cancel()
  }
}

describe('webhooks', { timeout: 180_000 }, () => {
  const dirs: string[] = []
  let node: RunningNode
  let upstream: Upstream
  const receivers: WebhookReceiver[] = []

  before(async () => {
    upstream = await startUpstream('u')
    const dir = await tempDir()
    dirs.push(dir)
    node = await startNode(dir, { webhookAllowPrivate: true, services: [{ name: 'echo', url: upstream.url, capacity: 100 }, { name: 'other', url: upstream.url, capacity: 100 }] })
    await waitFor('echo to be routable', () => node.mesh.running().router.candidates('echo').length > 0, { timeoutMs: 20_000 })
  })

  after(async () => {
    await node.stop()
    await upstream.close()
    await Promise.all(receivers.map(async r => { await r.close() }))
    await Promise.all(dirs.map(removeDir))
  })

  test('the operator creates, lists, reads and deletes webhooks; the secret is never returned; bad input is refused', async () => {
    const url = `${node.api.url}/v1/webhooks`
    assert.equal((await call(url)).status, 401)
    assert.equal((await call(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'http://127.0.0.1:1/', events: ['*'], secret: SECRET }) })).status, 401)
    const bad: Array<[unknown, string]> = [
      [{ url: 'ftp://127.0.0.1/', events: ['*'], secret: SECRET }, 'url'],
      [{ url: 'http://127.0.0.1:1/', events: ['no.such'], secret: SECRET }, 'events.0'],
      [{ url: 'http://127.0.0.1:1/', events: [], secret: SECRET }, 'events'],
      [{ url: 'http://127.0.0.1:1/', events: ['*'], secret: 'short' }, 'secret'],
      [{ url: 'http://127.0.0.1:1/', events: ['*'] }, 'secret'],
      [{ url: 'http://127.0.0.1:1/', events: ['*'], secret: SECRET, extra: 1 }, '']
    ]
    for (const [body, field] of bad) {
      const r = await callAsOperator<ErrorBody>(node, 'POST', '/v1/webhooks', body)
      assert.equal(r.status, 422, JSON.stringify(body))
      assert.equal(r.body.error.code, 'VALIDATION_ERROR')
      assert.equal(r.body.error.details.field, field)
    }
    const created = await callAsOperator<Record<string, unknown>>(node, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:1/x', events: ['peer.down', 'peer.up'], secret: SECRET })
    assert.equal(created.status, 201)
    assert.equal(created.text.includes(SECRET), false)
    const id = String(created.body.id)
    assert.deepEqual(created.body.events, ['peer.down', 'peer.up'])
    const listed = await callAsOperator(node, 'GET', '/v1/webhooks')
    assert.ok(listed.text.includes(id) && !listed.text.includes(SECRET))
    const one = await callAsOperator(node, 'GET', `/v1/webhooks/${id}`)
    assert.equal(one.status, 200)
    assert.ok(!one.text.includes(SECRET))
    assert.equal((await callAsOperator(node, 'DELETE', `/v1/webhooks/${id}`)).status, 204)
    assert.equal((await callAsOperator(node, 'GET', `/v1/webhooks/${id}`)).status, 404)
    assert.equal((await callAsOperator(node, 'DELETE', `/v1/webhooks/${id}`)).status, 404)
    assert.equal((await callAsOperator(node, 'GET', `/v1/webhooks/${id}/deliveries`)).status, 404)
    assert.equal((await callAsOperator(node, 'GET', '/v1/webhooks/nope/deliveries?limit=0')).status, 422)
  })

  test('a breaker that opens is delivered, signed; a receiver that answers 500 then 200 gets the same event id again; a redelivery sends it once more', async () => {
    const receiver = await startReceiver(SECRET)
    receivers.push(receiver)
    receiver.answers = [500]
    const id = await createWebhook(node, receiver.url, ['breaker.opened'])
    await tripBreaker(node.api.url, 'echo')
    await waitFor('the event twice', () => receiver.received.length >= 2, { timeoutMs: 20_000 })
    const [first, second] = receiver.received
    assert.equal(first?.type, 'breaker.opened')
    assert.equal(first?.data.service, 'echo')
    assert.equal(second?.id, first?.id)
    assert.ok(receiver.received.every(r => r.signatureValid))
    const [d] = await waitFor('the delivery to be marked delivered', async () => {
      const list = await deliveries(node, id)
      return list[0]?.status === 'delivered' ? list : undefined
    }, { timeoutMs: 10_000 })
    assert.equal(d?.attempts, 2)
    assert.equal(d?.response_code, 200)
    assert.equal(d?.event_id, first?.id)
    const metrics = await metricsOf(node.api.url)
    assert.ok((sample(metrics, 'meshnode_webhook_attempts_total', { outcome: 'delivered' }) ?? 0) >= 1)
    assert.ok((sample(metrics, 'meshnode_webhook_attempts_total', { outcome: 'retry' }) ?? 0) >= 1)
    assert.notEqual(sample(metrics, 'meshnode_webhook_backlog'), undefined)

    const again = await callAsOperator(node, 'POST', `/v1/webhooks/${id}/deliveries/${d?.id ?? ''}/redeliver`)
    assert.equal(again.status, 202)
    await waitFor('the redelivery', () => receiver.received.length >= 3, { timeoutMs: 10_000 })
    assert.equal(receiver.received[2]?.id, first?.id)
    assert.ok(receiver.received[2]?.signatureValid)
    assert.equal((await callAsOperator(node, 'POST', `/v1/webhooks/${id}/deliveries/nope/redeliver`)).status, 404)
    assert.equal((await callAsOperator(node, 'DELETE', `/v1/webhooks/${id}`)).status, 204)
  })

  test('a peer that crashes is a peer.down delivery', async () => {
    const receiver = await startReceiver(SECRET)
    receivers.push(receiver)
    const id = await createWebhook(node, receiver.url, ['peer.down'])
    const dir = await tempDir()
    dirs.push(dir)
    const peer = await startNode(dir, { bootstrap: [node.mesh.network.listenAddresses()[0] ?? ''] })
    const peerId = peer.mesh.peerId.toString()
    await waitFor('the peer to be healthy', () => node.mesh.peerTable.list(node.mesh.clock.now()).some(p => p.peerId === peerId && p.state === 'healthy'), { timeoutMs: 20_000 })
    await peer.crash()
    const got = await waitFor('the peer.down delivery', () => receiver.received.find(r => r.data.peer_id === peerId), { timeoutMs: 30_000 })
    assert.equal(got.type, 'peer.down')
    assert.ok(got.signatureValid)
    assert.equal((await callAsOperator(node, 'DELETE', `/v1/webhooks/${id}`)).status, 204)
  })

  test('a receiver that hangs does not hold up the routed path', async () => {
    const receiver = await startReceiver(SECRET)
    receivers.push(receiver)
    receiver.fallback = 'hang'
    const id = await createWebhook(node, receiver.url, ['*'])
    for (let i = 0; i < 10; i++) node.mesh.emitEvent('peer.down', { peer_id: `test-${i}` })
    await waitFor('the receiver to hold deliveries', () => receiver.hanging() >= 1, { timeoutMs: 10_000 })
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${node.api.url}/v1/route/other/echo`, { method: 'POST', body: `while hanging ${i}` })
      assert.equal(r.status, 200)
      await r.body?.cancel()
    }
    assert.ok(receiver.hanging() >= 1, 'the receiver still holds its deliveries')
    assert.ok((await deliveries(node, id)).some(d => d.status === 'pending'))
    assert.equal((await callAsOperator(node, 'DELETE', `/v1/webhooks/${id}`)).status, 204)
  })
})

describe('the webhook outbox survives a SIGKILL', { timeout: 180_000 }, () => {
  let upstream: Upstream
  let dir = ''
  let child: ChildNode | undefined
  let receiver: WebhookReceiver | undefined

  before(async () => {
    upstream = await startUpstream('u')
    dir = await tempDir()
  })

  after(async () => {
    if (child !== undefined) await stopChild(child)
    await receiver?.close()
    await upstream.close()
    await removeDir(dir)
  })

  test('events not delivered before a SIGKILL are delivered after the restart, with their ids', async () => {
    const args = ['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--webhook-allow-private', '--service', `echo=${upstream.url}`]
    child = await spawnNode(args)
    const target = { api: { url: child.apiUrl }, token: child.record.api_token ?? '' }
    // Nobody listens on the receiver's port yet: every attempt fails and stays pending.
    const port = await freePort()
    const id = await createWebhook(target, `http://127.0.0.1:${port}/hook`, ['breaker.opened'])
    await waitFor('echo to be routable', async () => (await fetch(`${child?.apiUrl ?? ''}/v1/route/echo/echo`)).status === 200, { timeoutMs: 20_000 })
    await tripBreaker(child.apiUrl, 'echo')
    const [pending] = await waitFor('a failed attempt', async () => {
      const list = await deliveries(target, id)
      return list[0] !== undefined && list[0].attempts >= 1 ? list : undefined
    }, { timeoutMs: 20_000 })
    assert.equal(pending?.status, 'pending')
    child.child.kill('SIGKILL')
    await child.exited

    receiver = await startReceiver(SECRET, port)
    child = await spawnNode(args)
    const got = await waitFor('the delivery after the restart', () => receiver?.received[0], { timeoutMs: 30_000 })
    assert.equal(got.id, pending?.event_id)
    assert.equal(got.type, 'breaker.opened')
    assert.ok(got.signatureValid)
  })
})

describe('governance outcomes are webhook events', { timeout: 120_000 }, () => {
  let dir = ''
  let node: RunningNode
  let receiver: WebhookReceiver

  before(async () => {
    dir = await tempDir()
    const key = await generateKeyPair('Ed25519')
    const genesis = createGenesis({
      networkId: 'webhook-gov',
      operators: [{ peer_id: peerIdFromPrivateKey(key).toString(), weight: 1, name: 'op' }],
      params: { ...DEVELOPMENT_PARAMS, min_voting_period_ms: 1_000, activation_delay_ms: 500, certification_grace_ms: 500 },
      createdAt: new Date()
    })
    await writeFile(join(dir, KEY_FILE), privateKeyToProtobuf(key), { mode: 0o600 })
    const file = join(dir, 'given-genesis.json')
    await writeFile(file, JSON.stringify(genesis))
    node = await startNode(dir, { genesis: file, webhookAllowPrivate: true })
    receiver = await startReceiver(SECRET)
  })

  after(async () => {
    await node.stop()
    await receiver.close()
    await removeDir(dir)
  })

  test('a proposal that passes and one that is rejected are delivered, each once, with its outcome', async () => {
    await createWebhook(node, receiver.url, ['proposal.passed', 'proposal.rejected'])
    const ids: Record<string, string> = {}
    for (const vote of ['yes', 'no']) {
      const created = await callAsOperator<{ id: string }>(node, 'POST', '/v1/governance/proposals', { title: `vote ${vote}`, change: { type: 'text' }, voting_period: '1s' })
      assert.equal(created.status, 201, created.text)
      ids[vote] = created.body.id
      assert.equal((await callAsOperator(node, 'POST', `/v1/governance/proposals/${created.body.id}/vote`, { vote })).status, 201)
    }
    await waitFor('both outcomes delivered', () => receiver.received.length >= 2, { timeoutMs: 30_000 })
    const byProposal = new Map(receiver.received.map(r => [r.data.proposal_id, r]))
    assert.equal(byProposal.get(ids.yes)?.type, 'proposal.passed')
    assert.equal(byProposal.get(ids.no)?.type, 'proposal.rejected')
    assert.equal(byProposal.get(ids.no)?.data.outcome, 'rejected')
    assert.ok(receiver.received.every(r => r.signatureValid))
    assert.equal(receiver.received.length, 2)
  })
  test('a proposal made and a vote accepted are delivered, the vote with its weight and the tally after it', async () => {
    await createWebhook(node, receiver.url, ['proposal.created', 'proposal.voted'])
    const created = await callAsOperator<{ id: string }>(node, 'POST', '/v1/governance/proposals', { title: 'hello', change: { type: 'text' }, voting_period: '10m' })
    assert.equal(created.status, 201, created.text)
    const vote = await callAsOperator<{ id: string, voter: string }>(node, 'POST', `/v1/governance/proposals/${created.body.id}/vote`, { vote: 'yes' })
    assert.equal(vote.status, 201, vote.text)
    const of = (type: string): typeof receiver.received => receiver.received.filter(r => r.type === type && r.data.proposal_id === created.body.id)
    await waitFor('the proposal and the vote delivered', () => of('proposal.created').length === 1 && of('proposal.voted').length === 1, { timeoutMs: 30_000 })
    assert.deepEqual([of('proposal.created')[0]?.data.title, of('proposal.created')[0]?.data.type], ['hello', 'text'])
    const voted = of('proposal.voted')[0]?.data
    assert.deepEqual([voted?.vote_id, voted?.voter, voted?.option, voted?.weight, voted?.counted], [vote.body.id, vote.body.voter, 'yes', 1, true])
    assert.deepEqual(voted?.tally, (await call<{ tally: unknown }>(`${node.api.url}/v1/governance/proposals/${created.body.id}`)).body.tally, 'the tally the API shows')
    assert.ok(receiver.received.every(r => r.signatureValid))
  })
})
