import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A small upstream HTTP server behind a node's service, for simulations, routing tests and
 * benchmarks. It names itself in every answer, counts requests by method, and can be told to
 * be offline, slow, to fail, or to hold requests until released.
 *   GET /health              200 (503 while offline)
 *   ANY /echo                200 {served_by, method, path, body}
 *   GET /stream?chunks=N     N chunks, 10 ms apart
 *   GET /status/<code>       that status
 */
/**
 * The path of its health check, answered at once in every mode but offline: a node probing it
 * (--health-check path=) sees the upstream's health, never a request held or delayed by a test.
 */
export const UPSTREAM_HEALTH_PATH = '/health'

export interface Upstream {
  name: string
  url: string
  /** Requests by method, health checks excluded. */
  counts: Record<string, number>
  /** The x-test-id header of every request received, in order. */
  ids: string[]
  /** Requests whose client went away before the answer was sent. */
  aborted: number
  /** Health checks answered (offline ones excluded). */
  healthChecks: number
  mode: { delayMs: number, failRate: number, hold: boolean, offline: boolean }
  /** Answers every held request. */
  release: () => void
  held: () => number
  close: () => Promise<void>
}

export async function startUpstream (name: string, random: () => number = Math.random): Promise<Upstream> {
  const heldResponses: Array<() => void> = []
  const upstream: Upstream = {
    name,
    url: '',
    counts: {},
    ids: [],
    aborted: 0,
    healthChecks: 0,
    mode: { delayMs: 0, failRate: 0, hold: false, offline: false },
    release: () => { for (const answer of heldResponses.splice(0)) answer() },
    held: () => heldResponses.length,
    close: async () => {
      upstream.release()
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
  const server: Server = createServer((req, res) => { void handle(upstream, heldResponses, random, req, res) })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return upstream
}

async function handle (u: Upstream, held: Array<() => void>, random: () => number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x')
  if (u.mode.offline) {
    res.writeHead(503).end('offline')
    return
  }
  if (url.pathname === UPSTREAM_HEALTH_PATH) {
    u.healthChecks++
    res.end('ok')
    return
  }
  u.counts[req.method ?? '?'] = (u.counts[req.method ?? '?'] ?? 0) + 1
  res.on('close', () => { if (!res.writableFinished) u.aborted++ })
  const id = req.headers['x-test-id']
  if (typeof id === 'string') u.ids.push(id)
  const chunks: Buffer[] = []
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer)
  } catch {
    // A request cut half-way (its client or proxy gave up): nothing to answer; `aborted` counts it.
    return
  }
  const body = Buffer.concat(chunks)
  if (u.mode.hold) await new Promise<void>(resolve => held.push(resolve))
  if (u.mode.delayMs > 0) await new Promise(resolve => setTimeout(resolve, u.mode.delayMs))
  if (u.mode.failRate > 0 && random() < u.mode.failRate) {
    res.writeHead(503).end('injected failure')
    return
  }
  const status = /^\/status\/(\d{3})$/.exec(url.pathname)?.[1]
  if (status !== undefined) {
    res.writeHead(Number(status), { 'x-served-by': u.name }).end(`status ${status}`)
    return
  }
  if (url.pathname === '/stream') {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': u.name })
    const n = Number(url.searchParams.get('chunks') ?? 5)
    for (let i = 0; i < n; i++) {
      res.write(`chunk ${i} from ${u.name}\n`)
      await new Promise(resolve => setTimeout(resolve, 10))
    }
    res.end()
    return
  }
  res.writeHead(200, { 'content-type': 'application/json', 'x-served-by': u.name })
  res.end(JSON.stringify({ served_by: u.name, method: req.method, path: url.pathname + url.search, body: body.toString('utf8') }))
}
