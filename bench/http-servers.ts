/**
 * The plain node:http servers of the routing benchmark, each run in a process of its own:
 *   node bench/http-servers.ts upstream
 *   node bench/http-servers.ts proxy <target-url>
 * Each prints its URL on the first line of stdout and serves until it is killed.
 * The upstream answers `GET /echo` with 100 bytes, `GET /health` with `ok`, `GET /blob?bytes=N`
 * with N bytes (streamed, with backpressure), and `POST /sink` by reading the body and answering
 * its length. The proxy is what a Node user would deploy in front of it: every request piped
 * to the target through a keep-alive agent, bodies streamed both ways, hop-by-hop headers dropped.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

const ECHO = Buffer.alloc(100, 'x')
const CHUNK = Buffer.alloc(64 * 1024, 'y')
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'])

function upstream (req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x')
  if (url.pathname === '/sink') {
    let bytes = 0
    req.on('data', (chunk: Buffer) => { bytes += chunk.byteLength })
    req.on('end', () => { res.end(String(bytes)) })
    return
  }
  req.resume()
  if (url.pathname === '/blob') {
    let left = Number(url.searchParams.get('bytes') ?? 0)
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(left) })
    const more = (): void => {
      while (left > 0) {
        const piece = left >= CHUNK.byteLength ? CHUNK : CHUNK.subarray(0, left)
        left -= piece.byteLength
        if (!res.write(piece)) {
          res.once('drain', more)
          return
        }
      }
      res.end()
    }
    more()
    return
  }
  if (url.pathname === '/health') {
    res.end('ok')
    return
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(ECHO.byteLength) }).end(ECHO)
}

function proxyTo (target: string): (req: IncomingMessage, res: ServerResponse) => void {
  const agent = new Agent({ keepAlive: true })
  const base = new URL(target)
  return (req, res) => {
    const headers: Record<string, string | string[]> = {}
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'host') headers[name] = value
    const out = request({ host: base.hostname, port: base.port, path: req.url, method: req.method, headers, agent }, upstreamRes => {
      const back: Record<string, string | string[]> = {}
      for (const [name, value] of Object.entries(upstreamRes.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) back[name] = value
      res.writeHead(upstreamRes.statusCode ?? 502, back)
      upstreamRes.pipe(res)
    })
    out.on('error', () => { if (!res.headersSent) res.writeHead(502).end(); else res.destroy() })
    req.pipe(out)
  }
}

const [mode, target] = process.argv.slice(2)
const handler = mode === 'upstream' ? upstream : mode === 'proxy' && target !== undefined ? proxyTo(target) : undefined
if (handler === undefined) {
  console.error('usage: node bench/http-servers.ts upstream | proxy <target-url>')
  process.exit(2)
}
const server = createServer({ keepAliveTimeout: 60_000 }, handler)
server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
})
