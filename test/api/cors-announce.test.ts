import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { call } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'

const PAGE = 'https://app.example.com'

describe('CORS', { timeout: 60_000 }, () => {
  let open: RunningNode
  let closed: RunningNode
  const dirs: string[] = []

  before(async () => {
    dirs.push(await tempDir(), await tempDir())
    open = await startNode(dirs[0] ?? '', { corsOrigins: [PAGE] })
    closed = await startNode(dirs[1] ?? '')
  })

  after(async () => {
    await Promise.all([open?.stop(), closed?.stop()])
    await Promise.all(dirs.map(removeDir))
  })

  test('a preflight from an allowed origin allows the method and the Authorization header', async () => {
    const r = await call(`${open.api.url}/v1/config/system`, {
      method: 'OPTIONS',
      headers: { Origin: PAGE, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization,content-type' }
    })
    assert.equal(r.status, 204)
    assert.equal(r.headers.get('access-control-allow-origin'), PAGE)
    assert.match(r.headers.get('access-control-allow-methods') ?? '', /\bPUT\b/)
    assert.match(r.headers.get('access-control-allow-headers') ?? '', /authorization/i)
  })

  test('answers, errors included, carry the allowed origin; the request id is readable', async () => {
    const ok = await call(`${open.api.url}/v1/system/status`, { headers: { Origin: PAGE } })
    assert.equal(ok.status, 200)
    assert.equal(ok.headers.get('access-control-allow-origin'), PAGE)
    assert.match(ok.headers.get('access-control-expose-headers') ?? '', /x-request-id/i)
    const denied = await call(`${open.api.url}/v1/config/system`, { method: 'PUT', headers: { Origin: PAGE, 'Content-Type': 'application/json' }, body: '{}' })
    assert.equal(denied.status, 401)
    assert.equal(denied.headers.get('access-control-allow-origin'), PAGE, 'a page can read why it was refused')
    const authorized = await call(`${open.api.url}/v1/config/system`, {
      method: 'PUT',
      headers: { Origin: PAGE, 'Content-Type': 'application/json', Authorization: `Bearer ${open.token}` },
      body: JSON.stringify({ network: { max_peers: 20 } })
    })
    assert.equal(authorized.status, 200)
    assert.equal(authorized.headers.get('access-control-allow-origin'), PAGE)
  })

  test('another origin, or a node without --cors-origin, gets no CORS headers', async () => {
    const other = await call(`${open.api.url}/v1/system/status`, { headers: { Origin: 'https://evil.example.net' } })
    assert.equal(other.headers.get('access-control-allow-origin'), null)
    const off = await call(`${closed.api.url}/v1/system/status`, { headers: { Origin: PAGE } })
    assert.equal(off.status, 200)
    assert.equal(off.headers.get('access-control-allow-origin'), null)
    const preflight = await call(`${closed.api.url}/v1/system/status`, { method: 'OPTIONS', headers: { Origin: PAGE, 'Access-Control-Request-Method': 'GET' } })
    assert.equal(preflight.headers.get('access-control-allow-origin'), null)
  })
})

describe('--announce', { timeout: 60_000 }, () => {
  test('the announced addresses replace the listen addresses in what libp2p tells peers (identify)', async () => {
    const dir = await tempDir()
    const announce = ['/dns4/node1.example.com/tcp/4001', '/ip4/203.0.113.7/tcp/4001']
    const node = await startNode(dir, { announce })
    try {
      const id = node.mesh.peerId.toString()
      assert.deepEqual(node.mesh.network.listenAddresses().sort(), announce.map(a => `${a}/p2p/${id}`).sort())
      const config = await call<{ network: { announce: string[] } }>(`${node.api.url}/v1/config/system`)
      assert.deepEqual(config.body.network.announce, announce, 'the settings say what is announced')
    } finally {
      await node.stop()
      await removeDir(dir)
    }
  })
})
