import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import { UpstreamClient } from '../../src/routing/upstream-client.ts'

// An upstream's answer that arrived with its head is taken whole; one still coming streams.
let server: Server
let url = ''
let release: (() => void) | undefined
const client = new UpstreamClient()

before(async () => {
  server = createServer((req, res) => {
    req.resume()
    if (req.url === '/later') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('first;')
      release = () => { res.end('last') }
      return
    }
    res.end('small answer')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

after(async () => {
  client.close()
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

test('a small answer is taken whole, call after call', async () => {
  for (let i = 0; i < 3; i++) {
    const res = await client.call(`${url}/small`, { method: 'GET', path: '/small', headers: [], body: undefined }, AbortSignal.timeout(5_000))
    const whole = res.takeWhole?.()
    assert.equal(whole === undefined ? undefined : Buffer.from(whole).toString(), 'small answer')
  }
})

test('an answer still coming is not whole: its body streams to its end', async () => {
  const res = await client.call(`${url}/later`, { method: 'GET', path: '/later', headers: [], body: undefined }, AbortSignal.timeout(5_000))
  assert.equal(res.takeWhole?.(), undefined)
  release?.()
  const chunks: Uint8Array[] = []
  for await (const chunk of res.body) chunks.push(chunk)
  assert.equal(Buffer.concat(chunks).toString(), 'first;last')
})
