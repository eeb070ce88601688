import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Registry } from 'prom-client'
import { inspectRoutes } from 'hono/dev'
import { createApi } from '../../api/app.ts'
import type { ApiNode } from '../../api/context.ts'
import { openApiPath } from '../../api/openapi/document.ts'
import { apiDocument } from '../../api/operations.ts'
import type { NodeControl } from '../../src/launch.ts'
import { silentLogger } from '../../src/logging.ts'

const METHODS = ['get', 'post', 'put', 'patch', 'delete']

/** Every route the app serves, as `METHOD /openapi/{path}`: middleware (a handler of (c, next)) excluded; `ALL` is every method. */
function servedRoutes (): string[] {
  // Building the app reads only the metrics registry of the node; no route runs.
  const mesh = { metrics: { registry: new Registry() }, requests: {} } as unknown as ApiNode
  const app = createApi({
    mesh,
    token: 't',
    log: silentLogger(),
    staticConfig: { dataDir: '', listen: [], announce: [], corsOrigins: [], apiUrl: '', bootstrap: [], region: '', logLevel: 'silent' },
    control: {} as unknown as NodeControl,
    shutdown: new AbortController().signal,
    maxRouteBodyBytes: 1024
  })
  const served = new Set<string>()
  for (const r of inspectRoutes(app)) {
    if (r.isMiddleware) continue
    for (const m of r.method === 'ALL' ? METHODS : [r.method.toLowerCase()]) served.add(`${m} ${openApiPath(r.path)}`)
  }
  return [...served].sort()
}

test('every route the app serves is documented, and every documented operation is served', () => {
  const doc = apiDocument() as { paths: Record<string, Record<string, unknown>> }
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map(m => `${m} ${path}`)).sort()
  const served = servedRoutes()
  assert.deepEqual(served.filter(r => !documented.includes(r)), [], 'served but not documented')
  assert.deepEqual(documented.filter(r => !served.includes(r)), [], 'documented but not served')
})

test('the document is generated the same on every call, from the route declarations', () => {
  assert.equal(apiDocument(), apiDocument())
  const doc = apiDocument() as { openapi: string, components: { schemas: Record<string, unknown> } }
  assert.equal(doc.openapi, '3.1.0')
  for (const name of ['ErrorResponse', 'ProposalRequest', 'ProposalResponse', 'PeersResponse']) assert.ok(name in doc.components.schemas, name)
})
