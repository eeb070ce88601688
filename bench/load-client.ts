/**
 * A closed-loop HTTP load client, run as a child process by bench/api-overhead.ts so that it
 * does not share an event loop with the server it measures.
 *
 *   node bench/load-client.ts <url> <seconds> <concurrency> [warmup-seconds] [fetch|http]
 *
 * `concurrency` workers each send one GET, wait for the whole body, and send the next, over
 * keep-alive connections. The first `warmup-seconds` are run but not counted. Prints the line
 * `measuring` when the counted part starts (so that the server can time its own CPU over the
 * same span), then one line of JSON: requests, errors, requests per second, latency
 * percentiles in milliseconds and this client's CPU share.
 *
 * Client `http` (the default) uses node:http with a keep-alive agent: it costs less CPU per
 * request than `fetch` (undici), so on a small machine the client is less likely to be the
 * bottleneck that hides the server's cost.
 *
 * `MESHNODE_LOAD_REQUEST` (JSON `{"method", "headers", "body"}`, each optional) sends that
 * request instead of a bare GET, for mutating calls (bench/alerts-audit.ts).
 */
import { Agent, request } from 'node:http'
import { summarize } from './stats.ts'

const MAX_LATENCY_SAMPLES = 2_000_000

interface Result {
  url: string
  client: string
  concurrency: number
  seconds: number
  requests: number
  errors: number
  rps: number
  /** This client's CPU time during the measured window, as a share of one core: near 1 means the client was the bottleneck. */
  cpuShare: number
  latencyMs: { p50: number, p90: number, p99: number, max: number, mean: number }
  firstError?: string
}

function parseArgs (): { url: string, seconds: number, concurrency: number, warmup: number, client: 'fetch' | 'http' } {
  const [url, seconds, concurrency, warmup, client] = process.argv.slice(2)
  const n = (s: string | undefined, fallback: number): number => s === undefined ? fallback : Number(s)
  const parsed = {
    url: url ?? '',
    seconds: n(seconds, 10),
    concurrency: n(concurrency, 32),
    warmup: n(warmup, 0),
    client: client === 'fetch' ? 'fetch' as const : 'http' as const
  }
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(parsed.url) || !(parsed.seconds > 0 && parsed.seconds <= 600) ||
    !(Number.isInteger(parsed.concurrency) && parsed.concurrency >= 1 && parsed.concurrency <= 1024) ||
    !(parsed.warmup >= 0 && parsed.warmup <= 60)) {
    console.error('usage: node bench/load-client.ts http://127.0.0.1:<port>/<path> <seconds 1-600> <concurrency 1-1024> [warmup 0-60] [fetch|http]')
    process.exit(2)
  }
  return parsed
}

interface LoadRequest { method: string, headers: Record<string, string>, body: string | undefined }

function loadRequest (): LoadRequest {
  const given = JSON.parse(process.env.MESHNODE_LOAD_REQUEST ?? '{}') as Partial<LoadRequest>
  const body = typeof given.body === 'string' ? given.body : undefined
  return { method: given.method ?? 'GET', headers: given.headers ?? {}, body }
}

function httpGetter (concurrency: number): (url: string) => Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency })
  const { method, headers: given, body } = loadRequest()
  const headers = body === undefined ? given : { ...given, 'content-length': String(Buffer.byteLength(body)) }
  return async url => await new Promise<number>((resolve, reject) => {
    const req = request(url, { agent, method, headers }, res => {
      res.on('data', () => {})
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', reject)
    })
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out after 10 s')))
    req.on('error', reject)
    req.end(body)
  })
}

async function fetchGet (url: string): Promise<number> {
  const { method, headers, body } = loadRequest()
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(10_000) })
  await res.arrayBuffer()
  return res.status
}

async function main (): Promise<void> {
  const args = parseArgs()
  const get = args.client === 'fetch' ? fetchGet : httpGetter(args.concurrency)
  const start = performance.now()
  const measureFrom = start + args.warmup * 1000
  const end = measureFrom + args.seconds * 1000
  const latencies: number[] = []
  let requests = 0
  let errors = 0
  let firstError: string | undefined

  const worker = async (): Promise<void> => {
    // Bounded by time; each request is bounded by its own 10 s timeout.
    while (performance.now() < end) {
      const t0 = performance.now()
      let ok = false
      try {
        const status = await get(args.url)
        ok = status >= 200 && status < 300
        if (!ok) firstError ??= `HTTP ${status}`
      } catch (err) {
        firstError ??= err instanceof Error ? err.message : String(err)
      }
      const t1 = performance.now()
      if (t0 >= measureFrom && t1 <= end) {
        requests++
        if (!ok) errors++
        if (latencies.length < MAX_LATENCY_SAMPLES) latencies.push(t1 - t0)
      }
    }
  }
  // CPU is counted from the end of the warm-up; a timer marks it.
  let cpuAtMeasure = process.cpuUsage()
  let wallAtMeasure = performance.now()
  const mark = setTimeout(() => {
    cpuAtMeasure = process.cpuUsage()
    wallAtMeasure = performance.now()
    process.stdout.write('measuring\n')
  }, Math.max(0, measureFrom - performance.now()))
  await Promise.all(Array.from({ length: args.concurrency }, worker))
  clearTimeout(mark)
  const cpu = process.cpuUsage(cpuAtMeasure)
  const cpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wallAtMeasure)
  const s = summarize(latencies)
  const result: Result = {
    url: args.url,
    client: args.client,
    concurrency: args.concurrency,
    seconds: args.seconds,
    requests,
    errors,
    rps: requests / args.seconds,
    cpuShare,
    latencyMs: { p50: s.p50, p90: s.p90, p99: s.p99, max: s.max, mean: s.mean },
    ...(firstError === undefined ? {} : { firstError })
  }
  console.log(JSON.stringify(result))
}

await main()
process.exit(0)
