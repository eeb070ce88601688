import assert from 'node:assert/strict'
import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

// The data plane as a client sees it: what reaches the upstream of a routed request, and how its
// answer comes back (a small one whole, with its length; a trickling one as it comes).

/**
 * Answers /headers with the raw request headers it received, /trickle with three chunks 20 ms
 * apart; holds /hold unanswered, counting in `held` and in `cut` those whose caller went away.
 */
async function headerUpstream (): Promise<{ url: string, server: Server, held: number, cut: number }> {
  const counts = { held: 0, cut: 0 }
  const server = createServer((req, res) => {
    req.resume()
    if (req.url === '/hold') {
      counts.held++
      res.on('close', () => { if (!res.writableFinished) counts.cut++ })
      return
    }
    if (req.url === '/trickle') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      let n = 0
      const timer = setInterval(() => {
        res.write(`part ${n++};`)
        if (n === 3) {
          clearInterval(timer)
          res.end()
        }
      }, 20)
      return
    }
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(req.rawHeaders))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return Object.assign(counts, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })
}

/** A GET with its headers in the raw form, `[name, value, name, value, ...]`, so that a name can repeat as sent. */
async function get (url: string, headers: string[]): Promise<{ res: IncomingMessage, body: string }> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { headers: ['Host', new URL(url).host, ...headers] }, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => { resolve({ res, body }) })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the routed data plane, end to end', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  const nodes: RunningNode[] = []
  let upstream: Awaited<ReturnType<typeof headerUpstream>>
  let a: RunningNode
  let b: RunningNode

  before(async () => {
    upstream = await headerUpstream()
    for (const services of [[{ name: 'hdr', url: upstream.url, capacity: 10 }], []]) {
      const dir = await tempDir()
      dirs.push(dir)
      const bootstrap = nodes[0] === undefined ? [] : [nodes[0].mesh.network.listenAddresses()[0] ?? '']
      nodes.push(await startNode(dir, { services, bootstrap }))
    }
    [b, a] = nodes as [RunningNode, RunningNode]
    await waitFor('A to route hdr to B', () => a.mesh.running().router.candidates('hdr').some(c => c.peerId === b.mesh.peerId.toString()), { timeoutMs: 30_000, intervalMs: 100 })
  })

  after(async () => {
    await Promise.all(nodes.map(async n => { await n.stop() }))
    upstream.server.closeAllConnections()
    await new Promise(resolve => upstream.server.close(resolve))
    await Promise.all(dirs.map(removeDir))
  })

  test('the upstream gets every header as sent, repeated ones apart and in order, but not the caller\'s Authorization', async () => {
    const { res, body } = await get(`${a.api.url}/v1/route/hdr/headers`, ['X-Multi', 'one', 'Authorization', 'Bearer a-client', 'x-multi', 'two', 'X-Other', 'v'])
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['x-mesh-peer'], b.mesh.peerId.toString())
    assert.match(String(res.headers['x-request-id']), /^[\w-]+$/)
    const raw = JSON.parse(body) as string[]
    const seen: Array<[string, string]> = []
    for (let i = 0; i + 1 < raw.length; i += 2) seen.push([(raw[i] ?? '').toLowerCase(), raw[i + 1] ?? ''])
    assert.deepEqual(seen.filter(([k]) => k === 'x-multi').map(([, v]) => v), ['one', 'two'])
    assert.deepEqual(seen.filter(([k]) => k === 'x-other').map(([, v]) => v), ['v'])
    assert.equal(seen.some(([k]) => k === 'authorization'), false)
  })

  test('a small answer comes back whole, with its length; one that trickles comes back as it comes, whole', async () => {
    const small = await get(`${a.api.url}/v1/route/hdr/headers`, [])
    assert.equal(small.res.headers['content-length'], String(Buffer.byteLength(small.body)))
    assert.equal(small.res.headers['transfer-encoding'], undefined)
    const trickle = await get(`${a.api.url}/v1/route/hdr/trickle`, [])
    assert.equal(trickle.res.statusCode, 200)
    assert.equal(trickle.body, 'part 0;part 1;part 2;')
    assert.equal(trickle.res.headers['transfer-encoding'], 'chunked')
  })

  test('a client that goes away while the peer\'s upstream holds its request cancels the upstream call', async () => {
    const ctl = new AbortController()
    const pending = fetch(`${a.api.url}/v1/route/hdr/hold`, { signal: ctl.signal }).catch(() => undefined)
    await waitFor('the upstream to hold the request', () => upstream.held === 1, { timeoutMs: 10_000 })
    ctl.abort()
    await pending
    await waitFor('the upstream call to be cut', () => upstream.cut === 1, { timeoutMs: 10_000 })
  })
})
