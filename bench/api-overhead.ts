/**
 * API overhead: GET /v1/system/status of a running in-process node against a bare Hono route
 * served by the same @hono/node-server in the same process. The load comes from a closed-loop
 * client in a child process (bench/load-client.ts), so client and server do not share one
 * event loop. Runs alternate (bare, mesh, health, bare, mesh, health) and each route's median is reported.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { RunningNode } from '../src/launch.ts'
import { removeDir, startNode, tempDir } from '../test/helpers/nodes.ts'
import { waitFor } from '../test/helpers/wait.ts'
import { loadFigures, runLoadClient, type LoadFigures, type LoadResult } from './load-runner.ts'
import { fmtMs, fmtNum, fmtPct, median, table, verdict, type BenchOutcome } from './stats.ts'

const CONCURRENCY = 32
const SECONDS = 10
const WARMUP_SECONDS = 2
const ROUNDS = 2
const TARGET_RATIO = 0.7

/** A load run, with this (server) process's CPU time per request in microseconds: not capped by the client. */
type ApiLoadResult = LoadResult & { serverUsPerRequest: number }

async function load (url: string): Promise<ApiLoadResult> {
  const result = await runLoadClient(url, { seconds: SECONDS, concurrency: CONCURRENCY, warmupSeconds: WARMUP_SECONDS, mode: 'http' })
  return { ...result, serverUsPerRequest: result.serverCpu * 1e6 / result.rps }
}

async function serveBare (): Promise<{ url: string, close: () => Promise<void> }> {
  const app = new Hono().get('/x', c => c.json({ status: 'ok', value: 1 }))
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server))
    s.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/x`,
    close: async () => {
      await new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }
}

export async function runApiOverhead (): Promise<BenchOutcome> {
  console.log(`\n== api: GET /v1/system/status vs a bare Hono route (${CONCURRENCY} keep-alive workers, ` +
    `${WARMUP_SECONDS} s warm-up + ${SECONDS} s per run, ${ROUNDS} rounds alternating bare, mesh, health) ==`)
  const dir = await tempDir('meshnode-bench-api-')
  let node: RunningNode | undefined
  let bare: Awaited<ReturnType<typeof serveBare>> | undefined
  try {
    node = await startNode(dir)
    const mesh = node.mesh
    await waitFor('the node to be ready', () => mesh.readiness().ready && mesh.built?.telemetry.published !== undefined, { timeoutMs: 30_000 })
    bare = await serveBare()
    const meshUrl = `${node.api.url}/v1/system/status`
    const probe = await fetch(meshUrl)
    const body = await probe.text()
    console.log(`mesh route: ${meshUrl} -> HTTP ${probe.status}, ${body.length} bytes; bare route: ${bare.url}`)

    // /health goes through the same middleware as /v1/system/status with a trivial handler:
    // an informational third row that splits the overhead between middleware and handler.
    const urls = { bare: bare.url, mesh: meshUrl, health: `${node.api.url}/health` }
    type Target = keyof typeof urls
    const runs: Array<{ target: Target, round: number, r: ApiLoadResult }> = []
    for (let round = 1; round <= ROUNDS; round++) {
      for (const target of ['bare', 'mesh', 'health'] as const) {
        const r = await load(urls[target])
        runs.push({ target, round, r })
        console.log(`  round ${round} ${target.padEnd(6)}: ${fmtNum(r.rps)} req/s, p50 ${fmtMs(r.latencyMs.p50, 2)}, ` +
          `p99 ${fmtMs(r.latencyMs.p99, 2)}, CPU server ${fmtPct(r.serverCpu)} ` +
          `(${fmtNum(r.serverUsPerRequest, 1)} us/req) client ${fmtPct(r.cpuShare)}, errors ${r.errors}${r.firstError === undefined ? '' : ` (${r.firstError})`}`)
      }
    }

    const side = (target: Target): LoadFigures & { serverUs: number } => {
      const rs = runs.filter(x => x.target === target).map(x => x.r)
      return { ...loadFigures(rs), serverUs: median(rs.map(r => r.serverUsPerRequest)) }
    }
    const b = side('bare')
    const m = side('mesh')
    const h = side('health')
    const ratio = m.rps / b.rps
    const pass = ratio >= TARGET_RATIO && m.errors === 0 && b.errors === 0
    console.log()
    console.log(table(
      ['route', 'req/s (median)', 'p50 latency', 'p99 latency', 'server CPU', 'server us/req', 'client CPU', 'requests', 'errors'],
      [
        ['bare Hono GET /x', fmtNum(b.rps), fmtMs(b.p50, 2), fmtMs(b.p99, 2), fmtPct(b.serverCpu), fmtNum(b.serverUs, 1), fmtPct(b.clientCpu), String(b.requests), String(b.errors)],
        ['mesh GET /v1/system/status', fmtNum(m.rps), fmtMs(m.p50, 2), fmtMs(m.p99, 2), fmtPct(m.serverCpu), fmtNum(m.serverUs, 1), fmtPct(m.clientCpu), String(m.requests), String(m.errors)],
        ['(info) mesh GET /health', fmtNum(h.rps), fmtMs(h.p50, 2), fmtMs(h.p99, 2), fmtPct(h.serverCpu), fmtNum(h.serverUs, 1), fmtPct(h.clientCpu), String(h.requests), String(h.errors)]
      ]
    ))
    console.log(`(info) ratio mesh /health/bare req/s: ${(h.rps / b.rps).toFixed(2)}: the mesh API's middleware alone, with a trivial handler`)
    console.log(`(info) server CPU per request, mesh/bare: ${(m.serverUs / b.serverUs).toFixed(2)} for /v1/system/status, ` +
      `${(h.serverUs / b.serverUs).toFixed(2)} for /health (not capped by the client, so it shows the cost the req/s ratio may hide)`)
    console.log(`ratio mesh/bare req/s: ${ratio.toFixed(2)}   target: >= ${TARGET_RATIO} (and no errors)   ${verdict(pass)}`)
    console.log('note: server (node + bare app) in this process, client in one child process, on a 2-core machine ' +
      'shared with other work; all routes are measured in the same run with the same client. CPU is a share of one core ' +
      'over the measured span (server: this whole process); a client near 100 % caps the route it loads.')
    return { name: 'api', target: `mesh/bare req/s >= ${TARGET_RATIO}`, pass, measured: `ratio ${ratio.toFixed(2)} (${fmtNum(m.rps)} vs ${fmtNum(b.rps)} req/s)` }
  } finally {
    await bare?.close()
    await node?.stop()
    await removeDir(dir)
  }
}
