import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { RunningNode } from '../../src/launch.ts'
import { startUpstream, type Upstream } from '../../simulations/live/upstream.ts'
import { call, type Reply } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { ContractChecker, type OpenApiDocument } from '../helpers/openapi.ts'
import { waitFor } from '../helpers/wait.ts'

/**
 * The contract: a mesh of two nodes (A offers `echo`), every operation of A's OpenAPI document
 * called, every answer (successes and errors) validated against the document's schemas by ajv.
 */
describe('OpenAPI contract: every documented operation answers as documented', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  let upstream: Upstream
  let a: RunningNode
  let b: RunningNode
  let contract: ContractChecker

  /** One call to A, checked against the document; its reply for the test to look into. */
  const send = async <T = Record<string, unknown>>(method: string, path: string, opts: { body?: unknown, token?: string | null, status?: number } = {}): Promise<Reply<T>> => {
    const token = opts.token === undefined ? a.token : opts.token
    const headers: Record<string, string> = {}
    if (token !== null) headers.authorization = `Bearer ${token}`
    if (opts.body !== undefined) headers['content-type'] = 'application/json'
    const reply = await call<T>(`${a.api.url}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) })
    contract.check(method, path, reply as Reply<unknown>)
    if (opts.status !== undefined) assert.equal(reply.status, opts.status, `${method} ${path}: ${reply.text.slice(0, 300)}`)
    return reply
  }

  before(async () => {
    upstream = await startUpstream('contract-upstream')
    dirs.push(await tempDir(), await tempDir())
    a = await startNode(dirs[0] ?? '', { services: [{ name: 'echo', url: upstream.url, capacity: 10 }], candidate: true, webhookAllowPrivate: true })
    b = await startNode(dirs[1] ?? '', { bootstrap: [a.mesh.network.listenAddresses()[0] ?? ''] })
    const doc = await call<OpenApiDocument>(`${a.api.url}/v1/openapi.json`)
    assert.equal(doc.status, 200)
    contract = new ContractChecker(doc.body)
    contract.check('GET', '/v1/openapi.json', doc as Reply<unknown>)
    await waitFor('B healthy on A, echo healthy locally, and a load sample taken', async () => {
      const peers = await call<{ peers: Array<{ peer_id: string, status: string }> }>(`${a.api.url}/v1/network/peers`)
      const metrics = await call(`${a.api.url}/v1/system/metrics?period=1m`)
      return peers.body.peers.some(p => p.peer_id === b.mesh.peerId.toString() && p.status === 'healthy') &&
        a.mesh.localServices.list().every(s => s.healthy) && metrics.status === 200
    }, { timeoutMs: 30_000, intervalMs: 200 })
  })

  after(async () => {
    for (const n of [b, a]) await n?.stop()
    await upstream?.close()
    await Promise.all(dirs.map(removeDir))
  })

  test('the document is OpenAPI 3.1 and names every error with the one error shape', () => {
    assert.equal(contract.doc.openapi, '3.1.0')
    for (const [path, ops] of Object.entries(contract.doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, r] of Object.entries(op.responses)) {
          // /ready answers 503 with its own shape (the reasons), as load balancers expect.
          if (Number(status) >= 400 && op.operationId !== 'ready') assert.deepEqual(r.content?.['application/json']?.schema, { $ref: '#/components/schemas/ErrorResponse' }, `${method} ${path} ${status}`)
        }
      }
    }
  })

  test('every operation, called on a live mesh, answers as its schemas say', async () => {
    const self = a.mesh.peerId.toString()
    const other = b.mesh.peerId.toString()
    for (const path of ['/health', '/ready', '/metrics', '/v1/system/status', '/v1/system/metrics?period=1m', '/v1/config/system',
      '/v1/network/status', '/v1/network/peers', '/v1/network/peers?state=healthy', '/v1/network/members', '/v1/services',
      '/v1/load-balancer/status', '/v1/load-balancer/config', '/v1/failover/status', '/v1/failover/nodes', '/v1/billing/overview',
      '/v1/billing/log', '/v1/governance/overview', '/v1/governance/operators', '/v1/governance/params', '/v1/election/status',
      '/docs', '/docs/assets/docs.js', '/docs/assets/swagger-ui.css', '/ui', '/ui/assets/app.js', '/ui/assets/uplot.css',
      '/v1/system/metrics?interval=30s', `/v1/network/peers/${other}/metrics?interval=30s`, `/v1/network/peers/${self}/metrics`,
      '/v1/performance/status', '/v1/performance/predictions?horizon=1m', '/v1/performance/recommendations',
      '/v1/analytics/usage?metric=storage&unit=GB&period=24h&granularity=hour', '/v1/analytics/business', '/v1/billing/payments']) {
      const r = await send('GET', path)
      assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 200)}`)
    }

    // The event stream: its head is enough (a stream does not end).
    const events = new AbortController()
    const stream = await fetch(`${a.api.url}/v1/events`, { signal: events.signal })
    contract.check('GET', '/v1/events', { status: stream.status, headers: stream.headers, text: '', body: {} })
    events.abort()

    await send('PUT', '/v1/config/system', { body: { telemetry: { interval_ms: 1000 } }, status: 200 })
    await send('POST', '/v1/network/diagnostics', { body: { peer_id: other, count: 1 }, status: 200 })
    // A development network has open membership: every node is a member already.
    await send('POST', '/v1/network/members', { body: { peer_id: other }, status: 201 })
    await send('DELETE', `/v1/network/members/${other}`, { status: 200 })

    await send('POST', '/v1/load-balancer/select-node', { body: { service: 'echo' }, status: 200 })
    await send('PUT', '/v1/load-balancer/config', { body: { strategy: 'adaptive' }, status: 200 })
    await send('POST', '/v1/failover/trigger', { body: { peer_id: other, reason: 'contract test' }, status: 200 })
    await send('DELETE', `/v1/failover/trigger/${other}`, { status: 200 })

    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await send(method, '/v1/route/echo/hello', { token: 'client-token', ...(method === 'GET' || method === 'DELETE' ? {} : { body: { x: 1 } }) })
      assert.equal(r.status, 200, `${method}: ${r.text.slice(0, 200)}`)
    }

    await send('POST', '/v1/billing/usage', { body: { user_id: 'u1', resource_type: 'bandwidth', amount: 2, unit: 'GB' }, status: 201 })
    await send('POST', '/v1/billing/usage', { body: { records: [{ id: 'r-1', user_id: 'u1', resource_type: 'storage', amount: 1.5, unit: 'GB' }] }, status: 201 })
    const usage = await send<{ records: unknown[] }>('GET', '/v1/billing/usage?user_id=u1&limit=1')
    assert.equal(usage.status, 200)
    assert.equal(usage.body.records.length, 1)
    await send('GET', '/v1/billing/invoices?tenant=u1', { status: 200 })

    // Tenants, keys and subscriptions.
    const tenant = await send<{ id: string }>('POST', '/v1/tenants', { body: { name: 'Acme', tier: 'basic' }, status: 201 })
    const tid = tenant.body.id
    await send('GET', '/v1/tenants', { status: 200 })
    await send('GET', `/v1/tenants/${tid}`, { status: 200 })
    await send('PATCH', `/v1/tenants/${tid}`, { body: { name: 'Acme Corp' }, status: 200 })
    await send('POST', `/v1/tenants/${tid}/suspend`, { status: 200 })
    await send('POST', `/v1/tenants/${tid}/resume`, { status: 200 })
    const key = await send<{ id: string }>('POST', `/v1/tenants/${tid}/keys`, { body: { label: 'contract' }, status: 201 })
    await send('GET', `/v1/tenants/${tid}/keys`, { status: 200 })
    await send('DELETE', `/v1/tenants/${tid}/keys/${key.body.id}`, { status: 200 })
    const subs = await send<{ subscriptions: Array<{ id: string }> }>('GET', `/v1/billing/subscriptions?tenant_id=${tid}`, { status: 200 })
    const sid = subs.body.subscriptions[0]?.id ?? ''
    await send('GET', `/v1/billing/subscriptions/${sid}`, { status: 200 })
    await send('PATCH', `/v1/billing/subscriptions/${sid}`, { body: { tier: 'pro' }, status: 200 })
    await send('POST', `/v1/billing/subscriptions/${sid}/suspend`, { status: 200 })
    await send('POST', `/v1/billing/subscriptions/${sid}/resume`, { status: 200 })
    await send('POST', `/v1/billing/subscriptions/${sid}/cancel`, { status: 200 })
    await send('POST', '/v1/billing/subscriptions', { body: { tenant_id: tid, tier: 'free' }, status: 201 })
    await send('GET', '/v1/tenants?limit=0', { status: 422 })

    // Invoices and payments.
    // Usage of a month gone by: its invoice is issued, and takes payments.
    const now = new Date()
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 1).toISOString()
    await send('POST', '/v1/billing/usage', { body: { user_id: 'u-old', resource_type: 'storage', amount: 5, unit: 'GB', timestamp: lastMonth }, status: 201 })
    const invoices = await send<{ invoices: Array<{ id: string, tenant_id: string }> }>('GET', '/v1/billing/invoices?tenant=u-old', { status: 200 })
    const invoice = invoices.body.invoices[0]
    assert.ok(invoice !== undefined, 'an invoice to pay')
    await send('GET', `/v1/billing/invoices/${invoice.id}`, { status: 200 })
    await send('POST', '/v1/billing/payments', { body: { payment_id: 'pay-1', invoice_id: invoice.id, amount: 0.01, payment_method: { type: 'bank_transfer', reference: 'ref-1' } }, status: 201 })
    await send('POST', '/v1/billing/payments', { body: { payment_id: 'pay-1', invoice_id: invoice.id, amount: 0.01, payment_method: { type: 'bank_transfer', reference: 'ref-1' } }, status: 200 })
    await send('GET', `/v1/billing/payments?invoice_id=${invoice.id}`, { status: 200 })

    // A load test through the mesh, to its end.
    const load = await send<{ test_id: string }>('POST', '/v1/testing/load', { body: { service: 'echo', rate: 5, duration_ms: 400 }, status: 202 })
    await waitFor('the load test to end', async () => (await send<{ status: string }>('GET', `/v1/testing/results/${load.body.test_id}`, { status: 200 })).body.status === 'done', { timeoutMs: 15_000, intervalMs: 200 })
    await send('GET', '/v1/testing/results/nope', { status: 404 })

    // Alerts, audit, security, webhooks, the WebSocket endpoint asked without an upgrade.
    const rule = await send<{ id: string }>('POST', '/v1/alerts/rules', { body: { name: 'contract-down', condition: 'peers_down > 0' }, status: 201 })
    await send('GET', '/v1/alerts/rules', { status: 200 })
    await send('GET', '/v1/alerts/history', { status: 200 })
    await send('DELETE', `/v1/alerts/rules/${rule.body.id}`, { status: 200 })
    await send('POST', '/v1/alerts/rules', { body: { name: 'bad', condition: 'peers_down >= and' }, status: 422 })
    await send('GET', '/v1/security/audit', { status: 200 })
    await send('GET', '/v1/security/status', { status: 200 })
    const hook = await send<{ id: string }>('POST', '/v1/webhooks', { body: { url: 'http://127.0.0.1:9/hook', events: ['proposal.passed'], secret: 'a-secret-of-16-chars' }, status: 201 })
    await send('GET', '/v1/webhooks', { status: 200 })
    await send('GET', `/v1/webhooks/${hook.body.id}`, { status: 200 })
    await send('GET', `/v1/webhooks/${hook.body.id}/deliveries`, { status: 200 })
    await send('POST', `/v1/webhooks/${hook.body.id}/deliveries/nope/redeliver`, { status: 404 })
    await send('DELETE', `/v1/webhooks/${hook.body.id}`, { status: 204 })
    await send('GET', '/v1/ws', { status: 426 })

    // A node started in-process has no config sources to re-read.
    await send('POST', '/v1/system/reload', { status: 503 })

    const proposal = await send<{ id: string }>('POST', '/v1/governance/proposals', { body: { title: 'contract', change: { type: 'text' }, voting_period: '1m' } })
    assert.equal(proposal.status, 201)
    await send('GET', '/v1/governance/proposals', { status: 200 })
    await send('GET', `/v1/governance/proposals/${proposal.body.id}`, { status: 200 })
    await send('POST', `/v1/governance/proposals/${proposal.body.id}/vote`, { body: { vote: 'yes' }, status: 201 })
    await send('POST', '/v1/election/endorsements', { body: { candidate: self }, status: 201 })

    // Errors: validated against the one error shape as well.
    await send('POST', '/v1/governance/proposals', { body: { title: '' }, status: 422 })
    await send('POST', '/v1/billing/usage', { body: { user_id: 'u1' }, token: null, status: 401 })
    await send('GET', `/v1/governance/proposals/${'0'.repeat(64)}`, { status: 404 })
    await send('GET', '/v1/billing/invoices?period=2026-13', { status: 422 })
    await send('GET', '/v1/route/nothing/here', { status: 404 })
    await send('DELETE', `/v1/failover/trigger/${other}`, { status: 404 })
    await send('DELETE', `/v1/tenants/${tid}`, { status: 200 })

    // Near the end: A leaves the mesh (it stays up and answers), then stops.
    await send('POST', '/v1/network/leave', { status: 202 })
    const status = await send<{ membership: { left: boolean } }>('GET', '/v1/network/status', { status: 200 })
    assert.equal(status.body.membership.left, true)
    // Last: the graceful stop of A (its answer first).
    await send('POST', '/v1/system/shutdown', { body: { timeout_ms: -1 }, status: 422 })
    await send('POST', '/v1/system/shutdown', { body: { timeout_ms: 2000 }, status: 202 })
    await waitFor('A to stop', async () => await fetch(`${a.api.url}/health`).then(() => false, () => true), { timeoutMs: 15_000, intervalMs: 100 })

    const documented = Object.values(contract.doc.paths).flatMap(ops => Object.values(ops).map(op => op.operationId))
    assert.deepEqual(documented.filter(id => !contract.called.has(id)), [], 'documented operations this test did not call')
  })
})
