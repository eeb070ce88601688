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
import { call, callAsOperator } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

interface ProposalJson { id: string, status: string, tally: { outcome: string, counted_hash: string, yes: number, no: number, voters: number }, certified: { by: string, counted_hash: string } | null }

const EPOCH_MS = 4_000

const proposalOn = async (node: RunningNode, id: string): Promise<ProposalJson | undefined> => {
  const r = await call<ProposalJson>(`${node.api.url}/v1/governance/proposals/${id}`)
  return r.status === 200 ? r.body : undefined
}

describe('governance among five operators', { timeout: 240_000 }, () => {
  const dirs: string[] = []
  const nodes: RunningNode[] = []
  let outsider: RunningNode

  before(async () => {
    const keys = await Promise.all(Array.from({ length: 5 }, async () => await generateKeyPair('Ed25519')))
    const genesis = createGenesis({
      networkId: 'gov-test',
      operators: keys.map((k, i) => ({ peer_id: peerIdFromPrivateKey(k).toString(), weight: 10 + i, name: `op-${i}` })),
      params: {
        ...DEVELOPMENT_PARAMS,
        min_voting_period_ms: 1_000,
        activation_delay_ms: 1_000,
        certification_grace_ms: 1_500,
        epoch_ms: EPOCH_MS,
        bootstrap_operator_count: 2
      },
      createdAt: new Date()
    })
    for (const [i, key] of keys.entries()) {
      const dir = await tempDir()
      dirs.push(dir)
      await writeFile(join(dir, KEY_FILE), privateKeyToProtobuf(key), { mode: 0o600 })
      const genesisFile = join(dir, 'given-genesis.json')
      await writeFile(genesisFile, JSON.stringify(genesis))
      nodes.push(await startNode(dir, { genesis: genesisFile, candidate: true, bootstrap: i === 0 ? [] : [nodes[0]?.mesh.network.listenAddresses()[0] ?? ''] }))
    }
    const dir = await tempDir()
    dirs.push(dir)
    outsider = await startNode(dir, { bootstrap: [nodes[0]?.mesh.network.listenAddresses()[0] ?? ''] })
    await waitFor('every operator to see the four others', () => nodes.every(n => n.mesh.peerTable.list(n.mesh.clock.now()).filter(p => p.state === 'healthy').length >= 4), { timeoutMs: 15_000 })
  })

  after(async () => {
    await Promise.all([...nodes, outsider].map(async n => { await n?.stop() }))
    await Promise.all(dirs.map(removeDir))
  })

  test('a proposal from one, votes from all: the same tally everywhere, and a passed change takes effect everywhere', async () => {
    const [a] = nodes as [RunningNode]
    const created = await callAsOperator(a, 'POST', '/v1/governance/proposals', {
      title: 'storage at half price',
      change: { type: 'param_change', params: { price_list: { ...DEVELOPMENT_PARAMS.price_list, storage: { unit: 'GB', unit_price: 0.01 } } } },
      voting_period: '4s'
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const id = String(created.body.id)
    await waitFor('the proposal everywhere', async () => (await Promise.all(nodes.map(async n => await proposalOn(n, id)))).every(p => p !== undefined), { timeoutMs: 10_000 })
    const options = ['yes', 'yes', 'no', 'yes', 'abstain']
    for (const [i, n] of nodes.entries()) assert.equal((await callAsOperator(n, 'POST', `/v1/governance/proposals/${id}/vote`, { vote: options[i] })).status, 201)
    // Changed vote: the latest counts.
    assert.equal((await callAsOperator(nodes[2] as RunningNode, 'POST', `/v1/governance/proposals/${id}/vote`, { vote: 'yes', reason: 'convinced' })).status, 201)

    await waitFor('one certified result everywhere', async () => {
      const views = await Promise.all(nodes.map(async n => await proposalOn(n, id)))
      return views.every(v => v?.status === 'passed' && v.certified !== null && v.tally.counted_hash === views[0]?.tally.counted_hash)
    }, { timeoutMs: 20_000, intervalMs: 250 })
    const view = await proposalOn(a, id)
    assert.equal(view?.tally.voters, 5)
    assert.equal(view?.tally.no, 0, 'the changed vote counts as its latest value')
    await waitFor('the new price everywhere', async () => (await Promise.all(nodes.map(async n =>
      (await call<{ current: { price_list: Record<string, { unit_price: number }> } }>(`${n.api.url}/v1/governance/params`)).body.current.price_list.storage?.unit_price))).every(p => p === 0.01),
    { timeoutMs: 10_000 })
  })

  test('each rejection: non-operator, after the end, unknown proposal, invalid change', async () => {
    const [a] = nodes as [RunningNode]
    const bad = await callAsOperator(a, 'POST', '/v1/governance/proposals', { title: 'x', change: { type: 'param_change', params: { quorum: 7 } }, voting_period: '2s' })
    assert.equal(bad.status, 422)
    assert.match(String((bad.body.error as { message: string }).message), /invalid parameter quorum/)
    const fixed = await callAsOperator(a, 'POST', '/v1/governance/proposals', { title: 'x', change: { type: 'param_change', params: { epoch_ms: 1000 } }, voting_period: '2s' })
    assert.equal(fixed.status, 422)
    const short = await callAsOperator(a, 'POST', '/v1/governance/proposals', { title: 'x', change: { type: 'text' }, voting_period: '10ms' })
    assert.equal(short.status, 422)
    const notOperator = await callAsOperator(outsider, 'POST', '/v1/governance/proposals', { title: 'x', change: { type: 'text' }, voting_period: '2s' })
    assert.equal(notOperator.status, 403)
    assert.match(String((notOperator.body.error as { message: string }).message), /only operators propose/)
    const unknown = await callAsOperator(a, 'POST', `/v1/governance/proposals/${'0'.repeat(64)}/vote`, { vote: 'yes' })
    assert.equal(unknown.status, 404)

    const text = await callAsOperator(a, 'POST', '/v1/governance/proposals', { title: 'a note', change: { type: 'text' }, voting_period: '1s' })
    const id = String(text.body.id)
    await waitFor('the note to reach the outsider', async () => await proposalOn(outsider, id) !== undefined, { timeoutMs: 10_000 })
    const outsiderVote = await callAsOperator(outsider, 'POST', `/v1/governance/proposals/${id}/vote`, { vote: 'yes' })
    assert.equal(outsiderVote.status, 403)
    assert.match(String((outsiderVote.body.error as { message: string }).message), /only operators vote/)
    await waitFor('the end of voting', async () => (await proposalOn(a, id))?.status !== 'voting', { timeoutMs: 5_000 })
    const late = await callAsOperator(a, 'POST', `/v1/governance/proposals/${id}/vote`, { vote: 'yes' })
    assert.equal(late.status, 422)
    assert.match(String((late.body.error as { message: string }).message), /voting has ended/)
  })

  test('a vote that reaches only one side of a partition before the end: every node ends on the one certified result', async () => {
    const [a, b, c, d, e] = nodes as [RunningNode, RunningNode, RunningNode, RunningNode, RunningNode]
    const created = await callAsOperator(a, 'POST', '/v1/governance/proposals', { title: 'split vote', change: { type: 'text' }, voting_period: '3s' })
    const id = String(created.body.id)
    await waitFor('the proposal everywhere', async () => (await Promise.all(nodes.map(async n => await proposalOn(n, id)))).every(p => p !== undefined), { timeoutMs: 10_000 })
    const ids = (ns: RunningNode[]): Set<string> => new Set(ns.map(n => n.mesh.peerId.toString()))
    const left = [a, b, c]
    const right = [d, e]
    for (const n of left) n.mesh.guard.partition(ids(left))
    for (const n of right) n.mesh.guard.partition(ids(right))
    outsider.mesh.guard.partition(new Set())
    await waitFor('the partition', () => left.every(n => !n.mesh.network.connectedPeers().some(p => ids(right).has(p))), { timeoutMs: 10_000 })
    for (const n of [a, b, d]) assert.equal((await callAsOperator(n, 'POST', `/v1/governance/proposals/${id}/vote`, { vote: 'yes' })).status, 201)
    assert.equal((await callAsOperator(e, 'POST', `/v1/governance/proposals/${id}/vote`, { vote: 'no' })).status, 201)
    await waitFor('the end of voting and the grace period', async () => (await proposalOn(a, id))?.status !== 'voting', { timeoutMs: 10_000 })
    const split = await Promise.all(nodes.map(async n => (await proposalOn(n, id))?.tally.counted_hash))
    assert.notEqual(split[0], split[3], 'the two sides counted different vote sets')
    for (const n of [...nodes, outsider]) n.mesh.guard.partition(undefined)
    await waitFor('one certified result everywhere', async () => {
      const views = await Promise.all(nodes.map(async n => await proposalOn(n, id)))
      return views.every(v => v?.certified !== null && v?.status !== 'tallying' && v?.tally.counted_hash === views[0]?.tally.counted_hash && v?.status === views[0]?.status)
    }, { timeoutMs: 30_000, intervalMs: 250 })
  })

  test('elections: every node elects the same set; a crashed operator is replaced; a new node finds the set through the DHT', async () => {
    const electedOn = async (n: RunningNode): Promise<{ epoch: number, elected: string[] }> =>
      (await call<{ epoch: number, elected: string[] }>(`${n.api.url}/v1/election/status`)).body
    await waitFor('an elected set agreed by all', async () => {
      const views = await Promise.all(nodes.map(electedOn))
      return views.every(v => v.elected.length === 2 && v.epoch === views[0]?.epoch && v.elected.join() === views[0]?.elected.join())
    }, { timeoutMs: 3 * EPOCH_MS, intervalMs: 200 })
    const before = await electedOn(nodes[0] as RunningNode)
    const crashedId = before.elected[0] ?? ''
    const crashed = nodes.find(n => n.mesh.peerId.toString() === crashedId) as RunningNode
    await crashed.stop()
    const alive = nodes.filter(n => n !== crashed)
    await waitFor('a replacement elected by every node', async () => {
      const views = await Promise.all(alive.map(electedOn))
      return views.every(v => v.elected.length === 2 && !v.elected.includes(crashedId) && v.elected.join() === views[0]?.elected.join() && v.epoch === views[0]?.epoch)
    }, { timeoutMs: 4 * EPOCH_MS, intervalMs: 200 })
    const now = await electedOn(alive[0] as RunningNode)

    // A new node joins through the outsider (no operator) and connects to the elected set it finds in the DHT.
    const dir = await tempDir()
    dirs.push(dir)
    const newcomer = await startNode(dir, { bootstrap: [outsider.mesh.network.listenAddresses()[0] ?? ''], maxPeers: 1 })
    nodes.push(newcomer)
    await waitFor('the newcomer to connect to the current bootstrap operators', async () => {
      const view = await electedOn(newcomer)
      if (view.elected.join() !== now.elected.join() && view.epoch === now.epoch) return false
      await newcomer.mesh.running().election.connectBootstrapOperators()
      const connected = new Set(newcomer.mesh.network.connectedPeers())
      return view.elected.length === 2 && view.elected.every(id => connected.has(id))
    }, { timeoutMs: 4 * EPOCH_MS, intervalMs: 500 })
  })
})
