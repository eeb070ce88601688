import assert from 'node:assert/strict'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import { gzipSync } from 'node:zlib'
import { UpstreamClient } from '../../src/routing/upstream-client.ts'

// The upstream client of a proxy: what the upstream sends comes back as sent, and what the
// caller sends reaches the upstream as sent.
let server: Server
let url = ''
let seen: { method: string, headers: IncomingHttpHeaders, body: string } | undefined
const client = new UpstreamClient()
const compressed = gzipSync('hello, compressed')

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      seen = { method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() }
      if (req.url === '/gzip') res.writeHead(200, { 'content-encoding': 'gzip', 'set-cookie': ['a=1', 'b=2'] }).end(compressed)
      else res.end('ok')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

after(async () => {
  client.close()
  await new Promise(resolve => server.close(resolve))
})

async function read (body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  for await (const chunk of body) chunks.push(chunk)
  return Buffer.concat(chunks)
}

test('a compressed body passes through untouched, with its content-encoding and every repeated header', async () => {
  const res = await client.call(`${url}/gzip`, { method: 'GET', path: '/gzip', headers: [], body: undefined }, AbortSignal.timeout(5_000))
  assert.equal(res.status, 200)
  assert.deepEqual(await read(res.body), compressed)
  assert.deepEqual(res.headers.filter(([k]) => k.toLowerCase() === 'content-encoding'), [['content-encoding', 'gzip']])
  assert.deepEqual(res.headers.filter(([k]) => k.toLowerCase() === 'set-cookie').map(([, v]) => v), ['a=1', 'b=2'])
})

test('method, headers (repeated ones too) and body reach the upstream, with Host and Content-Length set', async () => {
  const res = await client.call(`${url}/echo`, { method: 'POST', path: '/echo', headers: [['x-a', '1'], ['X-A', '2'], ['x-b', 'b']], body: new TextEncoder().encode('payload') }, AbortSignal.timeout(5_000))
  await read(res.body)
  assert.equal(seen?.method, 'POST')
  assert.equal(seen?.body, 'payload')
  assert.equal(seen?.headers['x-a'], '1, 2')
  assert.equal(seen?.headers['x-b'], 'b')
  assert.equal(seen?.headers.host, new URL(url).host)
  assert.equal(seen?.headers['content-length'], '7')
})

test('a POST without a body says content-length 0; a GET without one says nothing', async () => {
  await read((await client.call(`${url}/echo`, { method: 'POST', path: '/echo', headers: [], body: new Uint8Array(0) }, AbortSignal.timeout(5_000))).body)
  assert.equal(seen?.headers['content-length'], '0')
  await read((await client.call(`${url}/echo`, { method: 'GET', path: '/echo', headers: [], body: new Uint8Array(0) }, AbortSignal.timeout(5_000))).body)
  assert.equal(seen?.headers['content-length'], undefined)
  assert.equal(seen?.headers['transfer-encoding'], undefined)
})
