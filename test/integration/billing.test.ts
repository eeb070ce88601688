import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { lpStream } from 'it-length-prefixed-stream'
import type { RunningNode } from '../../src/launch.ts'
import { GENESIS_PREV, sealEntry, type LogEntry } from '../../src/billing/log-entry.ts'
import { signerOf } from '../../src/network/signing.ts'
import { encodeJson } from '../../src/codec/json-bytes.ts'
import type { UsageRecord } from '../../src/billing/usage-record.ts'
import { createGenesis, genesisHash } from '../../src/network/genesis.ts'
import { DEVELOPMENT_PARAMS } from '../../src/network/params.ts'
import { silentLogger } from '../../src/logging.ts'
import { serveFrames } from '../../src/p2p/frames.ts'
import { serveGenesis } from '../../src/p2p/genesis-exchange.ts'
import type { MeshLibp2p } from '../../src/p2p/libp2p.ts'
import { KEY_FILE as KEY_FILE_NAME } from '../../src/p2p/identity.ts'
import { networkProtocols } from '../../src/p2p/protocols.ts'
import { call, metricsOf, sampleSum } from '../helpers/api.ts'
import { removeDir, spawnNode, startNode, stopChild, tempDir } from '../helpers/nodes.ts'
import { networkPeer } from '../helpers/network-peer.ts'
import { waitFor } from '../helpers/wait.ts'

interface Overview { records: number, totals_by_resource: unknown[], revenue: { total: number } }
interface LogView { authors: Array<{ author: string, held_seq: number }>, corrupt: unknown[] }

async function postUsage (node: { api: { url: string }, token: string } | { apiUrl: string, token: string }, body: unknown): Promise<Response> {
  const url = 'api' in node ? node.api.url : node.apiUrl
  return await fetch(`${url}/v1/billing/usage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
}

const record = (id: string, user: string, amount: number): Omit<UsageRecord, 'timestamp' | 'metadata'> =>
  ({ id, user_id: user, resource_type: id.charCodeAt(id.length - 1) % 2 === 0 ? 'storage' : 'request', amount, unit: id.charCodeAt(id.length - 1) % 2 === 0 ? 'GB' : 'request' })

async function overviewOf (url: string): Promise<Overview> {
  return (await call<Overview>(`${url}/v1/billing/overview`)).body
}

describe('billing replicated over five nodes', { timeout: 240_000 }, () => {
  const dirs: string[] = []
  const nodes: RunningNode[] = []
  after(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await Promise.all(dirs.map(removeDir))
  })

  test('records appended at different nodes give every node the same totals and the same invoices, byte for byte', async () => {
    for (let i = 0; i < 5; i++) {
      const dir = await tempDir()
      dirs.push(dir)
      nodes.push(await startNode(dir, { bootstrap: i === 0 ? [] : [nodes[i - 1]?.mesh.network.listenAddresses()[0] ?? ''] }))
    }
    const users = ['alice', 'bob', 'carol']
    let expected = 0
    await Promise.all(nodes.map(async (node, n) => {
      for (let batch = 0; batch < 4; batch++) {
        const records = Array.from({ length: 25 }, (_, k) => record(`n${n}-b${batch}-r${k}`, users[(n + k) % 3] ?? 'alice', (k + 1) / 10))
        assert.equal((await postUsage(node, { records })).status, 201)
      }
    }))
    expected += 5 * 4 * 25
    // One key accepted by two nodes counts once: the same content (timestamp included) is one record.
    const shared = { ...record('shared-key', 'alice', 7), timestamp: Date.now() }
    for (const node of [nodes[0], nodes[3]]) assert.equal((await postUsage(node as RunningNode, shared)).status, 201)
    expected += 1
    await waitFor('every node to hold every record', async () => {
      for (const node of nodes) if ((await overviewOf(node.api.url)).records !== expected) return false
      return true
    }, { timeoutMs: 30_000, intervalMs: 250 })
    const period = new Date().toISOString().slice(0, 7)
    for (const user of users) {
      const invoices = await Promise.all(nodes.map(async n => await (await fetch(`${n.api.url}/v1/billing/invoices?tenant=${user}&period=${period}`)).text()))
      for (const text of invoices) assert.equal(text, invoices[0])
      assert.ok(JSON.parse(invoices[0] ?? '{}').invoices[0].total > 0)
    }
    const overviews = await Promise.all(nodes.map(async n => JSON.stringify((await overviewOf(n.api.url)).totals_by_resource)))
    for (const o of overviews) assert.equal(o, overviews[0])
  })

  test('a node offline while 10,000 records are appended elsewhere converges after restart, with no new append', async () => {
    const offline = nodes[4] as RunningNode
    const dir = dirs[4] ?? ''
    await offline.stop()
    const before = (await overviewOf(nodes[0]?.api.url ?? '')).records
    for (let batch = 0; batch < 10; batch++) {
      const records = Array.from({ length: 1000 }, (_, k) => record(`offline-${batch}-${k}`, `user-${k % 50}`, 1))
      assert.equal((await postUsage(nodes[batch % 4] as RunningNode, { records })).status, 201)
    }
    const total = before + 10_000
    await waitFor('the four online nodes to hold everything', async () =>
      (await Promise.all(nodes.slice(0, 4).map(async n => (await overviewOf(n.api.url)).records))).every(r => r === total),
    { timeoutMs: 60_000, intervalMs: 500 })
    const restarted = await startNode(dir, { bootstrap: [nodes[0]?.mesh.network.listenAddresses()[0] ?? ''] })
    nodes[4] = restarted
    const started = Date.now()
    await waitFor('the restarted node to catch up', async () => (await overviewOf(restarted.api.url)).records === total,
      { timeoutMs: 60_000, intervalMs: 250 })
    const log = (await call<LogView>(`${restarted.api.url}/v1/billing/log`)).body
    assert.deepEqual(log.corrupt, [])
    console.log(`# caught up on 10,000 records in ${Date.now() - started} ms`)
  })
})

describe('crash safety', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  after(async () => { await Promise.all(dirs.map(removeDir)) })

  test('every record acknowledged with 201 before a SIGKILL is there after restart, and the chain verifies', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const args = ['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0']
    const node = await spawnNode(args)
    const token = node.record.api_token ?? ''
    const acknowledged: string[] = []
    let stop = false
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop && i < 10_000; i++) {
        const id = `crash-${w}-${i}`
        const r = await postUsage({ apiUrl: node.apiUrl, token }, record(id, 'crash-user', 1)).catch(() => undefined)
        if (r?.status === 201) acknowledged.push(id)
        else return
      }
    })
    await waitFor('a stream of 201 answers', () => acknowledged.length >= 300, { timeoutMs: 30_000 })
    node.child.kill('SIGKILL')
    stop = true
    await Promise.all(writers)
    await node.exited

    const again = await spawnNode(args)
    try {
      const log = (await call<LogView>(`${again.apiUrl}/v1/billing/log`)).body
      assert.deepEqual(log.corrupt, [], 'the chain verifies at start')
      const held = new Set<string>()
      let cursor: string | null = null
      do {
        const page: { records: Array<{ id: string }>, next_cursor: string | null } =
          (await call<{ records: Array<{ id: string }>, next_cursor: string | null }>(`${again.apiUrl}/v1/billing/usage?user_id=crash-user&limit=1000${cursor === null ? '' : `&cursor=${cursor}`}`)).body
        for (const r of page.records) held.add(r.id)
        cursor = page.next_cursor
      } while (cursor !== null)
      const lost = acknowledged.filter(id => !held.has(id))
      assert.deepEqual(lost, [], `${lost.length} acknowledged records lost`)
      console.log(`# ${acknowledged.length} acknowledged before SIGKILL, all present after restart (${held.size} held)`)
    } finally {
      assert.equal(await stopChild(again), 0)
    }
  })
})

/**
 * A peer that speaks the network's protocols but serves what the test scripts: forged,
 * broken or malformed sync answers.
 */
async function startImpostor (genesis: ReturnType<typeof createGenesis>, answer: (req: Uint8Array) => Uint8Array): Promise<MeshLibp2p> {
  const { libp2p, protocols } = await networkPeer(genesis)
  await serveGenesis(libp2p, genesis, silentLogger())
  await serveFrames(libp2p, protocols.sync, answer, { maxRequestBytes: 1024, maxResponseBytes: 16 << 20, timeoutMs: 5_000 }, silentLogger())
  await libp2p.start()
  return libp2p
}

describe('forged and malformed sync data', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  const impostors: MeshLibp2p[] = []
  let victim: RunningNode | undefined
  after(async () => {
    await victim?.stop()
    await Promise.all(impostors.map(async i => { await i.stop() }))
    await Promise.all(dirs.map(removeDir))
  })

  test('a peer serving a bad signature, a broken chain, a wrong author or garbage is rejected, and nothing of its batch is stored', async () => {
    // Operator A never runs a node; the test holds its key and signs its real entries.
    const keyA = await generateKeyPair('Ed25519')
    const a = peerIdFromPrivateKey(keyA).toString()
    // A closed network (only operators and admitted peers are members), so that the outsider is no member.
    const genesis = createGenesis({ networkId: 'forgery-test', operators: [{ peer_id: a, weight: 1, name: 'a' }], params: { ...DEVELOPMENT_PARAMS, open_membership: false }, createdAt: new Date() })
    const dir = await tempDir()
    dirs.push(dir)
    const genesisFile = join(dir, 'given-genesis.json')
    await writeFile(genesisFile, JSON.stringify(genesis))
    victim = await startNode(dir, { genesis: genesisFile })
    const v = victim

    const chainOf = (key: PrivateKey, author: string, n: number): LogEntry[] => {
      const sign = signerOf(key)
      const entries: LogEntry[] = []
      for (let seq = 1; seq <= n; seq++) {
        const records = [{ id: `${author.slice(-6)}-${seq}`, user_id: 'mallory', resource_type: 'request', amount: 1, unit: 'request', timestamp: Date.now(), metadata: {} }]
        entries.push(sealEntry({ author, seq, prev: entries[seq - 2]?.hash ?? GENESIS_PREV, time: Date.now(), records }, sign))
      }
      return entries
    }
    const real = chainOf(keyA, a, 3)
    const impostorKey = await generateKeyPair('Ed25519')
    const outsiderKey = await generateKeyPair('Ed25519')
    const outsider = peerIdFromPrivateKey(outsiderKey).toString()
    const scripts: Array<{ name: string, author: string, entries: () => unknown }> = [
      { name: 'bad signature', author: a, entries: () => chainOf(impostorKey, a, 3) },
      { name: 'broken chain', author: a, entries: () => [real[0], real[2]] },
      { name: 'tampered amount', author: a, entries: () => [{ ...real[0], records: [{ ...real[0]?.records[0], amount: 1000 }] }, real[1]] },
      { name: 'wrong author', author: outsider, entries: () => chainOf(outsiderKey, outsider, 2) },
      { name: 'garbage', author: a, entries: () => 'not entries' }
    ]
    const rejectedBefore = sampleSum(await metricsOf(v.api.url), 'meshnode_billing_rejected_batches_total')
    let rejected = 0
    for (const script of scripts) {
      const impostor = await startImpostor(genesis, req => {
        const ask = JSON.parse(new TextDecoder().decode(req)) as { type: string }
        if (ask.type === 'heads') return encodeJson({ heads: [{ author: script.author, seq: 3, hash: 'ab'.repeat(32) }] })
        return script.name === 'garbage' ? new TextEncoder().encode('\u0000{{{') : encodeJson({ entries: script.entries() })
      })
      impostors.push(impostor)
      await impostor.dial(multiaddr(v.mesh.network.listenAddresses()[0] ?? '')).catch(() => undefined)
      if (script.author === outsider) {
        // A non-member's entries are held back; the peer that served them is not blamed.
        await waitFor(`${script.name}: the batch to be held back`, async () => sampleSum(await metricsOf(v.api.url), 'meshnode_billing_held_back_batches_total') >= 1,
          { timeoutMs: 15_000, intervalMs: 100 })
      } else {
        rejected++
        await waitFor(`${script.name}: the batch to be rejected`, async () => sampleSum(await metricsOf(v.api.url), 'meshnode_billing_rejected_batches_total') >= rejectedBefore + rejected,
          { timeoutMs: 15_000, intervalMs: 100 })
        await waitFor(`${script.name}: the impostor to be cut off`, () => !v.mesh.network.connectedPeers().includes(impostor.peerId.toString()), { timeoutMs: 10_000 })
      }
      const log = (await call<LogView>(`${v.api.url}/v1/billing/log`)).body
      assert.deepEqual(log.authors.filter(x => x.held_seq > 0), [], `${script.name}: nothing stored`)
    }
    // Malformed requests to the victim's own sync protocol do not hurt it.
    const rude = await startImpostor(genesis, () => new Uint8Array(0))
    impostors.push(rude)
    const protocols = networkProtocols(genesis.network_id, genesisHash(genesis))
    for (const junk of ['', '{', '{"type":"range","author":1}', 'x'.repeat(1000)]) {
      const stream = await rude.dialProtocol(multiaddr(v.mesh.network.listenAddresses()[0] ?? ''), protocols.sync).catch(() => undefined)
      if (stream === undefined) continue
      await lpStream(stream).write(new TextEncoder().encode(junk)).catch(() => undefined)
      await stream.close().catch(() => undefined)
    }
    assert.equal((await fetch(`${v.api.url}/ready`)).status, 200, 'the victim still serves')
  })
})

describe('a corrupt tail and a fork', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  const running: RunningNode[] = []
  after(async () => {
    await Promise.all(running.map(async n => { await n.stop() }))
    await Promise.all(dirs.map(removeDir))
  })
  const start = async (dir: string, overrides: Parameters<typeof startNode>[1] = {}): Promise<RunningNode> => {
    const node = await startNode(dir, overrides)
    running.push(node)
    return node
  }
  const logOf = async (node: RunningNode): Promise<LogView & { forks: number }> =>
    (await call<LogView & { forks: number }>(`${node.api.url}/v1/billing/log`)).body

  test('a corrupt tail is found at start, cut off and not served; the node takes its own entry back from a peer', async () => {
    const dirA = await tempDir()
    const dirB = await tempDir()
    dirs.push(dirA, dirB)
    let a = await start(dirA)
    const b = await start(dirB, { bootstrap: [a.mesh.network.listenAddresses()[0] ?? ''] })
    const self = a.mesh.peerId.toString()
    for (let i = 0; i < 3; i++) assert.equal((await postUsage(a, record(`tail-${i}`, 'tina', 1))).status, 201)
    await waitFor('B to hold A\'s three entries', async () => (await logOf(b)).authors.find(x => x.author === self)?.held_seq === 3, { timeoutMs: 10_000 })
    await a.stop()
    // Flip an amount in A's last entry, as a bad disk would.
    const { MeshDatabase } = await import('../../src/storage/database.ts')
    const db = new MeshDatabase(dirA)
    await db.open()
    const entries = db.sublevel<LogEntry>('billing-entries')
    const key = `${self}!${String(3).padStart(12, '0')}`
    const entry = await entries.get(key) as LogEntry
    await entries.put(key, { ...entry, records: entry.records.map(r => ({ ...r, amount: 999 })) })
    await db.close()

    a = await start(dirA, { bootstrap: [b.mesh.network.listenAddresses()[0] ?? ''] })
    const log = await logOf(a)
    assert.deepEqual(log.corrupt, [{ author: self, seq: 3, fault: 'hash' }])
    await waitFor('A to take its entry 3 back from B', async () => (await logOf(a)).authors.find(x => x.author === self)?.held_seq === 3, { timeoutMs: 10_000 })
    await waitFor('appends to resume', async () => (await postUsage(a, record('tail-after', 'tina', 1))).status === 201, { timeoutMs: 10_000 })
    const usage = (await call<{ records: Array<{ amount: number }> }>(`${a.api.url}/v1/billing/usage?user_id=tina`)).body.records
    assert.deepEqual(usage.map(r => r.amount), [1, 1, 1, 1], 'the corrupt amount was never served')
  })

  test('an author that signs two different entries at one sequence is reported as a fork, and neither branch is counted', async () => {
    const dirX = await tempDir()
    const dirB = await tempDir()
    dirs.push(dirX, dirB)
    const x = await start(dirX)
    const b = await start(dirB, { bootstrap: [x.mesh.network.listenAddresses()[0] ?? ''] })
    const author = x.mesh.peerId.toString()
    assert.equal((await postUsage(x, record('branch-1', 'fay', 5))).status, 201)
    await waitFor('B to hold X\'s entry', async () => (await logOf(b)).authors.find(a => a.author === author)?.held_seq === 1, { timeoutMs: 10_000 })
    await x.stop()
    // The same key and network, with a fresh database: X writes a different entry at seq 1.
    const dirX2 = await tempDir()
    dirs.push(dirX2)
    const { copyFile } = await import('node:fs/promises')
    for (const f of [KEY_FILE_NAME, 'genesis.json', 'api-token']) await copyFile(join(dirX, f), join(dirX2, f))
    // Alone (no peer to confirm its head with, nothing written), X appends at seq 1 again, then meets B.
    const x2 = await start(dirX2)
    assert.equal((await postUsage(x2, record('branch-2', 'fay', 7))).status, 201)
    await x2.stop()
    await start(dirX2, { bootstrap: [b.mesh.network.listenAddresses()[0] ?? ''] })
    await waitFor('B to report the fork', async () => (await logOf(b)).forks > 0, { timeoutMs: 15_000 })
    const fork = (await call<{ authors: Array<{ author: string, forks: Array<{ seq: number, hashes: string[] }> }> }>(`${b.api.url}/v1/billing/log`)).body
      .authors.find(a => a.author === author)?.forks[0]
    assert.equal(fork?.seq, 1)
    assert.equal(fork?.hashes.length, 2)
    assert.ok(sampleSum(await metricsOf(b.api.url), 'meshnode_billing_forks_total') >= 1)
    const fay = (await call<{ records: unknown[] }>(`${b.api.url}/v1/billing/usage?user_id=fay`)).body.records
    assert.deepEqual(fay, [], 'neither branch is counted')
  })
})
