import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { call } from '../helpers/api.ts'
import { echoMeshForSuite, removeDir, spawnNode, startNode, stopChild, tempDir, waitForOffers, type ChildNode } from '../helpers/nodes.ts'
import { startUpstream, type Upstream } from '../../simulations/live/upstream.ts'
import { drained } from '../../src/routing/upstream-client.ts'
import { waitFor } from '../helpers/wait.ts'


async function setStrategy (node: RunningNode, strategy: string): Promise<void> {
  const r = await fetch(`${node.api.url}/v1/load-balancer/config`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ strategy })
  })
  assert.equal(r.status, 200)
}

describe('routing across three nodes', { timeout: 180_000 }, () => {
  const { nodes, upstreams } = echoMeshForSuite()
  let entry: RunningNode
  before(() => { entry = nodes[0] as RunningNode })

  test('requests sent to one node are served by all three, intact', async () => {
    await setStrategy(entry, 'round_robin')
    const servedBy = new Map<string, number>()
    for (let i = 0; i < 30; i++) {
      const body = `payload ${i} ${'x'.repeat(i * 100)}`
      const r = await fetch(`${entry.api.url}/v1/route/echo/echo?i=${i}`, { method: 'POST', body })
      assert.equal(r.status, 200)
      const peer = r.headers.get('x-mesh-peer') ?? ''
      servedBy.set(peer, (servedBy.get(peer) ?? 0) + 1)
      const echo = await r.json() as { served_by: string, method: string, path: string, body: string }
      assert.deepEqual({ method: echo.method, path: echo.path, body: echo.body }, { method: 'POST', path: `/echo?i=${i}`, body })
      assert.equal(r.headers.get('x-mesh-attempts'), '1')
    }
    assert.deepEqual([...servedBy.keys()].sort(), nodes.map(n => n.mesh.peerId.toString()).sort())
    for (const count of servedBy.values()) assert.equal(count, 10)

    const status = await fetch(`${entry.api.url}/v1/route/echo/status/418`)
    assert.equal(status.status, 418)
    assert.equal(await status.text(), 'status 418')

    for (let i = 0; i < 3; i++) {
      const streamed = await fetch(`${entry.api.url}/v1/route/echo/stream?chunks=20`)
      const text = await streamed.text()
      const who = streamed.headers.get('x-served-by') ?? ''
      assert.equal(text, Array.from({ length: 20 }, (_, k) => `chunk ${k} from ${who}\n`).join(''))
    }
    await setStrategy(entry, 'adaptive')
  })

  test('adaptive sends clearly fewer requests to a ten times slower upstream; round_robin does not', async () => {
    const slow = upstreams[2] as Upstream
    for (const u of upstreams) u.mode.delayMs = 5
    slow.mode.delayMs = 50
    const slowPeer = nodes[2]?.mesh.peerId.toString() ?? ''
    const share = async (strategy: string): Promise<number> => {
      await setStrategy(entry, strategy)
      let toSlow = 0
      const total = 120
      let next = 0
      await Promise.all(Array.from({ length: 4 }, async () => {
        while (next < total) {
          next++
          const r = await fetch(`${entry.api.url}/v1/route/echo/echo`)
          await r.arrayBuffer()
          if (r.headers.get('x-mesh-peer') === slowPeer) toSlow++
        }
      }))
      return toSlow / total
    }
    const roundRobin = await share('round_robin')
    const adaptive = await share('adaptive')
    for (const u of upstreams) u.mode.delayMs = 0
    assert.ok(roundRobin > 0.25, `round_robin gave the slow peer ${roundRobin}`)
    assert.ok(adaptive < roundRobin / 2, `adaptive gave the slow peer ${adaptive} (round_robin ${roundRobin})`)
  })

  test('a forced drain cuts the in-flight requests of a peer; they fail over, and the drain is reversible', async () => {
    await setStrategy(entry, 'round_robin')
    const [, b] = upstreams as [Upstream, Upstream, Upstream]
    const drained = nodes[1]?.mesh.peerId.toString() ?? ''
    b.mode.hold = true
    const abortedBefore = b.aborted
    const requests = Array.from({ length: 3 }, async () => await fetch(`${entry.api.url}/v1/route/echo/echo`))
    await waitFor('a request held by the peer to drain', () => b.held() > 0, { timeoutMs: 5_000 })
    const auth = { authorization: `Bearer ${entry.token}`, 'content-type': 'application/json' }
    const trigger = await fetch(`${entry.api.url}/v1/failover/trigger`, { method: 'POST', headers: auth, body: JSON.stringify({ node_id: drained, reason: 'maintenance', force: true }) })
    assert.equal(trigger.status, 200)
    const results = await Promise.all(requests)
    for (const r of results) {
      assert.equal(r.status, 200)
      assert.notEqual(r.headers.get('x-mesh-peer'), drained)
      await r.arrayBuffer()
    }
    assert.ok(results.some(r => r.headers.get('x-mesh-attempts') === '2'), 'the cut request was retried elsewhere')
    await waitFor('the drained upstream to see its request cancelled', () => b.aborted > abortedBefore, { timeoutMs: 5_000 })
    b.mode.hold = false
    b.release()
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${entry.api.url}/v1/route/echo/echo`)
      await r.arrayBuffer()
      assert.notEqual(r.headers.get('x-mesh-peer'), drained, 'a drained peer gets no new requests')
    }
    const undo = await fetch(`${entry.api.url}/v1/failover/trigger/${drained}`, { method: 'DELETE', headers: auth })
    assert.equal(undo.status, 200)
    const peers = new Set<string>()
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${entry.api.url}/v1/route/echo/echo`)
      await r.arrayBuffer()
      peers.add(r.headers.get('x-mesh-peer') ?? '')
    }
    assert.ok(peers.has(drained), 'after the drain is lifted the peer serves again')
    await setStrategy(entry, 'adaptive')
  })

  test('each routed request is recorded once, as usage of the calling user, by the node that received it', async () => {
    const token = `client-token-${Date.now()}`
    const n = 12
    for (let i = 0; i < n; i++) {
      const r = await fetch(`${entry.api.url}/v1/route/echo/echo`, { headers: { authorization: `Bearer ${token}` } })
      assert.equal(r.status, 200)
      await r.arrayBuffer()
    }
    const { createHash } = await import('node:crypto')
    const user = `user-${createHash('sha256').update(token).digest('hex').slice(0, 16)}`
    await waitFor('the usage on every node', async () => {
      for (const node of nodes) {
        const page = (await call<{ records: unknown[] }>(`${node.api.url}/v1/billing/usage?user_id=${user}&limit=100`)).body
        if (page.records.length !== n) return false
      }
      return true
    }, { timeoutMs: 15_000, intervalMs: 200 })
    const records = (await call<{ records: Array<{ resource_type: string, amount: number, metadata: { service: string, status: number } }> }>(
      `${nodes[2]?.api.url ?? ''}/v1/billing/usage?user_id=${user}&limit=100`)).body.records
    for (const r of records) assert.deepEqual([r.resource_type, r.amount, r.metadata.service, r.metadata.status], ['request', 1, 'echo', 200])
    const log = (await call<{ authors: Array<{ author: string, held_seq: number }> }>(`${entry.api.url}/v1/billing/log`)).body
    assert.ok(log.authors.some(a => a.author === entry.mesh.peerId.toString() && a.held_seq > 0), 'the entry node wrote them')
  })

  test('a client that goes away cancels the upstream request', async () => {
    await setStrategy(entry, 'round_robin')
    for (const u of upstreams) u.mode.hold = true
    const abortedBefore = upstreams.reduce((n, u) => n + u.aborted, 0)
    const ctl = new AbortController()
    const pending = fetch(`${entry.api.url}/v1/route/echo/echo`, { signal: ctl.signal }).catch(() => undefined)
    await waitFor('the upstream to hold the request', () => upstreams.some(u => u.held() > 0), { timeoutMs: 5_000 })
    ctl.abort()
    await pending
    await waitFor('the upstream request to be cancelled', () => upstreams.reduce((n, u) => n + u.aborted, 0) > abortedBefore, { timeoutMs: 5_000 })
    for (const u of upstreams) { u.mode.hold = false; u.release() }
    await setStrategy(entry, 'adaptive')
  })
})

describe('a hundred concurrent requests to one peer', { timeout: 60_000 }, () => {
  const dirs: string[] = []
  const nodes: RunningNode[] = []
  let upstream: Upstream | undefined

  after(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    await upstream?.close()
    await Promise.all(dirs.map(removeDir))
  })

  test('all succeed: route streams are not capped at libp2p\'s default of 64 per connection', async () => {
    upstream = await startUpstream('target')
    for (const services of [[{ name: 'echo', url: upstream.url, capacity: 100 }], []]) {
      const dir = await tempDir()
      dirs.push(dir)
      nodes.push(await startNode(dir, { services, bootstrap: nodes.length === 0 ? [] : [nodes[0]?.mesh.network.listenAddresses()[0] ?? ''] }))
    }
    const [target, entry] = nodes as [RunningNode, RunningNode]
    await waitForOffers(entry, 'echo', [target.mesh.peerId.toString()])
    // Slow enough that all hundred are in flight at once.
    upstream.mode.delayMs = 500
    const results = await Promise.all(Array.from({ length: 100 }, async (_, i) => {
      const r = await fetch(`${entry.api.url}/v1/route/echo/echo?n=${i}`)
      return { status: r.status, peer: r.headers.get('x-mesh-peer'), attempts: r.headers.get('x-mesh-attempts'), path: (await r.json() as { path?: string }).path }
    }))
    for (const [i, r] of results.entries()) assert.deepEqual(r, { status: 200, peer: target.mesh.peerId.toString(), attempts: '1', path: `/echo?n=${i}` })
  })
})

describe('a serving node crashes while requests are in flight', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  const upstreams: Upstream[] = []
  let entry: RunningNode | undefined
  let other: RunningNode | undefined
  let victim: ChildNode | undefined

  after(async () => {
    if (victim !== undefined) await stopChild(victim)
    await entry?.stop()
    await other?.stop()
    await Promise.all(upstreams.map(async u => { await u.close() }))
    await Promise.all(dirs.map(removeDir))
  })

  test('GETs complete elsewhere, a POST that reached the upstream fails with 502 and is not repeated', async () => {
    const [ua, ub, uc] = [await startUpstream('a'), await startUpstream('b'), await startUpstream('c')]
    upstreams.push(ua, ub, uc)
    for (let i = 0; i < 3; i++) dirs.push(await tempDir())
    // The entry node offers nothing itself, so that every request crosses the mesh.
    entry = await startNode(dirs[0] ?? '', { requestTimeoutMs: 10_000 })
    const bootstrap = entry.mesh.network.listenAddresses()[0] ?? ''
    other = await startNode(dirs[1] ?? '', { bootstrap: [bootstrap], services: [{ name: 'echo', url: uc.url, capacity: 100 }] })
    victim = await spawnNode(['--data', dirs[2] ?? '', '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0',
      '--bootstrap', bootstrap, '--service', `echo=${ub.url}`])
    await waitForOffers(entry, 'echo', [other.mesh.peerId.toString(), victim.peerId])
    await setStrategy(entry, 'round_robin')

    ub.mode.hold = true
    const url = `${entry.api.url}/v1/route/echo/echo`
    const requests = Array.from({ length: 8 }, (_, i) => {
      const method = i % 2 === 0 ? 'GET' : 'POST'
      const started = Date.now()
      return fetch(url, { method, headers: { 'x-test-id': `${method}-${i}` }, body: method === 'POST' ? `post ${i}` : undefined })
        .then(async r => ({ id: `${method}-${i}`, method, status: r.status, peer: r.headers.get('x-mesh-peer'), body: await r.text(), ms: Date.now() - started }))
    })
    await waitFor('the victim to hold a GET and a POST', () =>
      ub.ids.some(id => id.startsWith('GET')) && ub.ids.some(id => id.startsWith('POST')), { timeoutMs: 10_000 })
    victim.child.kill('SIGKILL')
    const results = await Promise.all(requests)

    const heldPosts = ub.ids.filter(id => id.startsWith('POST'))
    for (const r of results) {
      assert.ok(r.ms < 10_000, `${r.id} took ${r.ms} ms`)
      if (r.method === 'GET') {
        assert.equal(r.status, 200, `${r.id} should have completed elsewhere: ${r.body}`)
        assert.notEqual(r.peer, victim.peerId)
      } else if (heldPosts.includes(r.id)) {
        assert.equal(r.status, 502, `${r.id} reached the crashed upstream: ${r.body}`)
        assert.equal(JSON.parse(r.body).error.code, 'UPSTREAM_ERROR')
      } else {
        assert.equal(r.status, 200)
      }
    }
    // No POST reached two upstreams.
    const allPosts = [...ub.ids, ...uc.ids].filter(id => id.startsWith('POST'))
    assert.equal(new Set(allPosts).size, allPosts.length, `a POST was repeated: ${allPosts.join(', ')}`)
    const metrics = await call<unknown>(`${entry.api.url}/v1/failover/status`)
    assert.ok((metrics.body as { recent_failures: unknown[] }).recent_failures.length > 0)
  })
})

/** An upstream for large bodies: POST /sink counts what it reads and answers the count; GET /source?bytes=N streams N bytes. */
interface BigUpstream { url: string, received: number, close: () => Promise<void> }

async function startBigUpstream (): Promise<BigUpstream> {
  const piece = Buffer.alloc(64 * 1024, 'd')
  const up: BigUpstream = { url: '', received: 0, close: async () => {} }
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x')
      if (url.pathname === '/source') {
        let left = Number(url.searchParams.get('bytes') ?? 0)
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(left) })
        while (left > 0 && !res.destroyed) {
          const chunk = piece.subarray(0, Math.min(left, piece.byteLength))
          left -= chunk.byteLength
          if (!res.write(chunk)) await once(res, 'drain')
        }
        res.end()
        return
      }
      let bytes = 0
      for await (const chunk of req) {
        bytes += (chunk as Buffer).byteLength
        up.received += (chunk as Buffer).byteLength
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes }))
    })().catch(() => { res.destroy() })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  up.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  up.close = async () => {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  }
  return up
}

/**
 * Uploads `bytes` generated piece by piece (the client holds one 64 KiB piece, never the body),
 * with backpressure, optionally stopping once at `pauseAt` until `resume` resolves. It sends
 * the whole body even when the answer comes first, as many clients do; a write error after the
 * answer is not a failure.
 */
async function upload (url: string, bytes: number, opts: { chunked?: boolean, pauseAt?: number, resume?: () => Promise<void> } = {}): Promise<{ status: number, text: string }> {
  const piece = Buffer.alloc(64 * 1024, 'u')
  return await new Promise((resolve, reject) => {
    let answered = false
    const headers: Record<string, string> = opts.chunked === true ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(bytes) }
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream' }, agent: false }, res => {
      answered = true
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { text += d })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, text }) })
      res.on('error', reject)
    })
    req.on('error', err => { if (!answered) reject(err) })
    void (async () => {
      let sent = 0
      while (sent < bytes && !req.destroyed) {
        if (opts.pauseAt !== undefined && sent === opts.pauseAt) await opts.resume?.()
        const chunk = piece.subarray(0, Math.min(piece.byteLength, bytes - sent, opts.pauseAt !== undefined && sent < opts.pauseAt ? opts.pauseAt - sent : Infinity))
        sent += chunk.byteLength
        if (!req.write(chunk)) await drained(req)
      }
      req.end()
    })().catch(reject)
  })
}

/**
 * The anonymous resident memory of a process, from /proc (Linux): where a buffered body would
 * be. File-backed pages (the binary's code, touched the first time a path runs) are not.
 */
function rssOf (pid: number): number {
  const kb = /^RssAnon:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Number(kb ?? 0) * 1024
}

/**
 * Runs `work` until the RSS growth it causes is under `bound`, at most `trials` times, and
 * returns every growth measured. A body held whole adds itself on every run; what else moves
 * the peak (garbage whose freeing lags on a busy machine) differs from run to run, so one run
 * under the bound shows the body was not held.
 */
async function rssGrowthsUntil (pids: number[], bound: number, trials: number, work: () => Promise<void>): Promise<number[]> {
  const growths: number[] = []
  while (growths.length < trials && !growths.some(g => g < bound)) growths.push(await rssGrowth(pids, work))
  return growths
}

function mib (bytes: number[]): string {
  return bytes.map(b => `${(b / MiB).toFixed(1)} MiB`).join(', ')
}

/** Runs `work` and returns how far the RSS of the processes `pids` rose above where it was, each sampled every 20 ms; the larger rise. */
async function rssGrowth (pids: number[], work: () => Promise<void>): Promise<number> {
  const before = pids.map(rssOf)
  const peak = [...before]
  const sample = (): void => { pids.forEach((pid, i) => { peak[i] = Math.max(peak[i] ?? 0, rssOf(pid)) }) }
  const timer = setInterval(sample, 20)
  try {
    await work()
  } finally {
    clearInterval(timer)
    sample()
  }
  return Math.max(...peak.map((p, i) => p - (before[i] ?? 0)))
}

const MiB = 1024 * 1024

// Both nodes run as the binary runs them (its V8 and malloc settings), each in a process of its
// own, so that the RSS measured is the node's alone, not the test client's or the upstream's.
describe('large bodies stream through the mesh, never buffered whole', { timeout: 180_000 }, () => {
  const dirs: string[] = []
  const children: ChildNode[] = []
  const env = { NODE_OPTIONS: '--max-semi-space-size=1', MALLOC_ARENA_MAX: '2' }
  let up: BigUpstream
  let url: string
  let pids: number[]

  before(async () => {
    up = await startBigUpstream()
    for (let i = 0; i < 2; i++) dirs.push(await tempDir())
    const common = ['--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--max-request-bytes', String(128 * MiB)]
    const server = await spawnNode(['--data', dirs[0] ?? '', ...common, '--service', `big=${up.url}`], env)
    children.push(server)
    const entry = await spawnNode(['--data', dirs[1] ?? '', ...common, '--bootstrap', server.joinAddress], env)
    children.push(entry)
    url = entry.apiUrl
    pids = children.map(c => c.child.pid ?? 0)
    await waitFor('the entry node to route service big', async () => {
      const { body } = await call<{ services: Array<{ name: string, peers: unknown[] }> }>(`${url}/v1/services`)
      return body.services.some(s => s.name === 'big' && s.peers.length > 0)
    }, { timeoutMs: 30_000, intervalMs: 200 })
    // A few requests first, so that streams, buffers and the JIT are warm before RSS is measured.
    for (let i = 0; i < 3; i++) {
      assert.equal((await upload(`${url}/v1/route/big/sink`, 4 * MiB)).status, 200)
      assert.equal((await upload(`${url}/v1/route/nobody/x`, 4 * MiB)).status, 404)
    }
  })

  after(async () => {
    for (const c of children.reverse()) await stopChild(c)
    await up.close()
    await Promise.all(dirs.map(removeDir))
  })

  for (const chunked of [false, true]) {
    test(`a 64 MiB upload${chunked ? ' (chunked)' : ''} crosses the mesh whole, with RSS growing by less than 32 MiB`, async () => {
      const growths = await rssGrowthsUntil(pids, 32 * MiB, 3, async () => {
        const reply = await upload(`${url}/v1/route/big/sink`, 64 * MiB, { chunked })
        assert.equal(reply.status, 200, reply.text)
        assert.deepEqual(JSON.parse(reply.text), { bytes: 64 * MiB })
      })
      assert.ok(growths.some(g => g < 32 * MiB), `RSS grew by ${mib(growths)}`)
    })
  }

  test('a 64 MiB download crosses the mesh whole, with RSS growing by less than 32 MiB', async () => {
    const growths = await rssGrowthsUntil(pids, 32 * MiB, 3, async () => {
      const res = await fetch(`${url}/v1/route/big/source?bytes=${64 * MiB}`)
      assert.equal(res.status, 200)
      let bytes = 0
      for await (const chunk of res.body ?? []) bytes += (chunk as Uint8Array).byteLength
      assert.equal(bytes, 64 * MiB)
    })
    assert.ok(growths.some(g => g < 32 * MiB), `RSS grew by ${mib(growths)}`)
  })

  test('a client that sends slower than the upstream reads: the upstream has the first part before the client sent the rest', async () => {
    const before = up.received
    const reply = await upload(`${url}/v1/route/big/sink`, 4 * MiB, {
      pauseAt: 2 * MiB,
      // The node holds nothing back: what the client sent so far reaches the upstream while the client waits.
      resume: async () => { await waitFor('the first 2 MiB at the upstream', () => up.received - before >= 2 * MiB, { timeoutMs: 10_000, intervalMs: 20 }) }
    })
    assert.equal(reply.status, 200, reply.text)
    assert.deepEqual(JSON.parse(reply.text), { bytes: 4 * MiB })
  })

  // Read whole, as before, they took the node from 137 to 276 MB (126 MiB more here). Answered from the head, the node only
  // reads and drops what the clients send until they see the answer; its garbage, not the bodies, is what RSS shows.
  test('sixteen 10 MB bodies for a service nobody offers are answered 404 unread: RSS grows by less than 64 MiB', async () => {
    const growths = await rssGrowthsUntil(pids, 64 * MiB, 3, async () => {
      const replies = await Promise.all(Array.from({ length: 16 }, async () => await upload(`${url}/v1/route/nobody/x`, 10_000_000)))
      for (const r of replies) assert.equal(r.status, 404, r.text)
      assert.equal(JSON.parse(replies[0]?.text ?? '{}').error.code, 'NOT_FOUND')
    })
    assert.ok(growths.some(g => g < 64 * MiB), `RSS grew by ${mib(growths)}`)
  })
})
