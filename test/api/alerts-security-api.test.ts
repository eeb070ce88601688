import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DEFAULT_TUNING } from '../../src/tuning.ts'
import { assertError, assertValidation, call, callAsOperator } from '../helpers/api.ts'
import { nodeForSuite } from '../helpers/nodes.ts'
import { AlertHistoryResponse, AlertRuleDeleteResponse, AlertRuleListResponse, AlertRuleResponse } from '../../api/routes/alerts.ts'
import { SecurityAuditResponse, SecurityStatusResponse } from '../../api/routes/security.ts'
import { waitFor } from '../helpers/wait.ts'

interface Rule { id: string, name: string, condition: string, for_seconds: number, built_in: boolean, state: string }
interface Firing { rule_id: string, state: string, value: number | null, triggered_at: string, resolved_at: string | null }
interface AuditEntry { actor: string, action: string, method: string, path: string, status: number, source_address: string, request_id: string }
interface AuditPage { entries: AuditEntry[], next_cursor: string | null }

describe('alerts and security API', () => {
  const suite = nodeForSuite()

  test('the default rules ship; a rule is added, listed, fires into the history and the event feed, and is deleted', async () => {
    const list = await callAsOperator<{ rules: Rule[], metrics: Record<string, string> }>(suite.node, 'GET', '/v1/alerts/rules')
    assert.equal(list.status, 200)
    assert.deepEqual(list.body.rules.filter(r => r.built_in).map(r => r.name).sort(), ['breaker_open', 'event_loop_stalled', 'fork_detected', 'peer_down'])
    assert.ok('peers_down' in list.body.metrics)
    AlertRuleListResponse.parse(list.body)

    const events: string[] = []
    const off = suite.node.mesh.onEvent(e => { events.push(e.type) })
    const created = await callAsOperator<Rule>(suite.node, 'POST', '/v1/alerts/rules', { name: 'always', condition: 'peers_total >= 0', for: '0s', severity: 'info' })
    assert.equal(created.status, 201, created.text)
    assert.equal(created.body.condition, 'peers_total >= 0')
    AlertRuleResponse.parse(created.body)
    assertError(await callAsOperator(suite.node, 'POST', '/v1/alerts/rules', { name: 'always', condition: 'peers_down > 0' }), 409, 'CONFLICT')

    const firing = await waitFor('the rule to fire', async () => {
      const h = await call<{ firings: Firing[] }>(`${suite.node.api.url}/v1/alerts/history?rule_id=${created.body.id}`)
      return h.body.firings.find(f => f.state === 'firing')
    }, { timeoutMs: 15_000 })
    assert.equal(firing.value, 0)
    assert.equal(firing.resolved_at, null)
    assert.ok(events.includes('alert.triggered'))

    const deleted = await callAsOperator<{ deleted: Rule }>(suite.node, 'DELETE', `/v1/alerts/rules/${created.body.id}`)
    assert.equal(deleted.status, 200)
    AlertRuleDeleteResponse.parse(deleted.body)
    off()
    assert.ok(events.includes('alert.resolved'), 'deleting a firing rule resolves its firing')
    const history = await call<{ firings: Firing[] }>(`${suite.node.api.url}/v1/alerts/history?rule_id=${created.body.id}`)
    assert.equal(history.body.firings[0]?.state, 'resolved')
    AlertHistoryResponse.parse(history.body)
    assertError(await callAsOperator(suite.node, 'DELETE', `/v1/alerts/rules/${created.body.id}`), 404, 'NOT_FOUND')
  })

  test('firings are on the SSE stream as alert.triggered and alert.resolved', async () => {
    const controller = new AbortController()
    const res = await fetch(`${suite.node.api.url}/v1/events`, { signal: controller.signal })
    assert.ok(res.body !== null)
    const reader = res.body.getReader()
    let text = ''
    const until = async (needle: string): Promise<string> => await waitFor(`SSE ${needle}`, async () => {
      if (text.includes(needle)) return text
      const { value } = await reader.read()
      text += new TextDecoder().decode(value)
      return text.includes(needle) ? text : undefined
    }, { timeoutMs: 15_000, intervalMs: 1 })
    try {
      const rule = await callAsOperator<Rule>(suite.node, 'POST', '/v1/alerts/rules', { name: 'sse', condition: 'peers_total >= 0' })
      await until('event: alert.triggered')
      await callAsOperator(suite.node, 'DELETE', `/v1/alerts/rules/${rule.body.id}`)
      const all = await until('event: alert.resolved')
      const frame = all.split('\n\n').find(f => f.includes('event: alert.resolved')) ?? ''
      const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? '{}') as { alert: Firing & { rule_name: string } }
      assert.equal(data.alert.rule_name, 'sse')
      assert.equal(data.alert.state, 'resolved')
    } finally {
      controller.abort()
    }
  })

  test('a syntax error is refused with its position; an unknown metric is named', async () => {
    const bad = await callAsOperator(suite.node, 'POST', '/v1/alerts/rules', { name: 'bad', condition: 'peers_down >= and breakers_open > 0' })
    const error = assertValidation(bad, 'condition')
    assert.equal(error.details.position, 15)
    assert.match(error.message, /position 15/)
    const unknown = assertValidation(await callAsOperator(suite.node, 'POST', '/v1/alerts/rules', { name: 'bad', condition: 'disk_full > 0' }), 'condition')
    assert.match(unknown.message, /unknown metric "disk_full"/)
    assertValidation(await callAsOperator(suite.node, 'POST', '/v1/alerts/rules', { name: 'bad', condition: 'forks > 0', for: 'soon' }), 'for')
  })

  test('the audit log shows a failed and a successful mutating call with their actor and status', async () => {
    const failed = await call(`${suite.node.api.url}/v1/alerts/rules`, { method: 'POST', headers: { authorization: 'Bearer wrong-token', 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', condition: 'forks > 0' }) })
    assert.equal(failed.status, 401)
    const ok = await callAsOperator<Rule>(suite.node, 'POST', '/v1/alerts/rules', { name: 'audited', condition: 'forks > 0' })
    assert.equal(ok.status, 201)

    assertError(await call(`${suite.node.api.url}/v1/security/audit`), 401, 'AUTHENTICATION_ERROR')
    const page = await callAsOperator<AuditPage>(suite.node, 'GET', '/v1/security/audit?limit=1000')
    assert.equal(page.status, 200, page.text)
    SecurityAuditResponse.parse(page.body)
    const byRequest = (r: { headers: Headers }): AuditEntry | undefined => page.body.entries.find(e => e.request_id === r.headers.get('x-request-id'))
    assert.deepEqual(byRequest(failed), { ...byRequest(failed)!, actor: 'anonymous', action: 'auth_failed', method: 'POST', path: '/v1/alerts/rules', status: 401, source_address: '127.0.0.1' })
    assert.deepEqual(byRequest(ok), { ...byRequest(ok)!, actor: 'operator', action: 'create', method: 'POST', path: '/v1/alerts/rules', status: 201 })

    const failures = await callAsOperator<AuditPage>(suite.node, 'GET', '/v1/security/audit?action=auth_failed')
    assert.ok(failures.body.entries.length >= 1)
    assert.ok(failures.body.entries.every(e => e.action === 'auth_failed'))
    const operator = await callAsOperator<AuditPage>(suite.node, 'GET', '/v1/security/audit?actor=operator&limit=1')
    assert.equal(operator.body.entries.length, 1)
    assert.ok(operator.body.next_cursor !== null)
    const next = await callAsOperator<AuditPage>(suite.node, 'GET', `/v1/security/audit?actor=operator&limit=1&cursor=${operator.body.next_cursor}`)
    assert.equal(next.body.entries.length, 1)
    assert.notEqual(next.body.entries[0]?.request_id, operator.body.entries[0]?.request_id, 'the next page holds older entries')
    const future = await callAsOperator<AuditPage>(suite.node, 'GET', `/v1/security/audit?date_from=${new Date(Date.now() + 3_600_000).toISOString()}`)
    assert.deepEqual(future.body.entries, [])
    assertValidation(await callAsOperator(suite.node, 'GET', '/v1/security/audit?date_from=yesterday'), 'date_from')

    // Two routed requests with a made-up key: the key check refuses them (401) before any routing.
    for (let i = 0; i < 2; i++) assertError(await call(`${suite.node.api.url}/v1/route/echo/x`, { headers: { 'x-api-key': 'made-up' } }), 401, 'AUTHENTICATION_ERROR')
    const status = await callAsOperator<{ authentication: { failed: { last_1m: number, total: number }, policy: { refuse_after_failures: number } }, peers: { refused_total: number }, requests: { rate_limited: { total: number, by_reason: Record<string, number> }, key_refusals: { total: number, by_reason: Record<string, number> } }, audit: { entries_recorded_since_start: number } }>(suite.node, 'GET', '/v1/security/status')
    assert.equal(status.status, 200, status.text)
    SecurityStatusResponse.parse(status.body)
    assert.ok(status.body.authentication.failed.last_1m >= 1)
    assert.equal(status.body.authentication.policy.refuse_after_failures, DEFAULT_TUNING.operations.authThrottle.refuseAfterFailures)
    assert.equal(status.body.peers.refused_total, 0)
    assert.deepEqual(status.body.requests.rate_limited, { total: 0, by_reason: { limit: 0, share: 0 } })
    assert.equal(status.body.requests.key_refusals.total, 2)
    assert.equal(status.body.requests.key_refusals.by_reason.invalid_key, 2)
    assert.equal(status.body.requests.key_refusals.by_reason.missing_key, 0)
    assert.ok(status.body.audit.entries_recorded_since_start >= 2)
  })

  test('a failed read of an operator-only route counts as a failed authentication, as a failed change does', async () => {
    const failures = (): number => suite.node.mesh.authThrottle.stats(suite.node.mesh.clock.now()).failures['1m']
    const before = failures()
    for (const path of ['/v1/tenants', '/v1/webhooks', '/v1/billing/subscriptions']) {
      assertError(await call(`${suite.node.api.url}${path}`, { headers: { authorization: 'Bearer not-it' } }), 401, 'AUTHENTICATION_ERROR')
    }
    assert.equal(failures(), before + 3)
  })

  test('repeated failed operator auth from one address is slowed, then refused with 429 and Retry-After', async () => {
    const policy = DEFAULT_TUNING.operations.authThrottle
    const wrong = async (): Promise<Awaited<ReturnType<typeof call>>> => await call(`${suite.node.api.url}/v1/alerts/rules`, { method: 'POST', headers: { authorization: 'Bearer not-it' } })
    const statuses: number[] = []
    // The earlier test's failure counts too: the window holds every failure of the last minute.
    for (let i = 0; i < policy.refuseAfterFailures; i++) {
      const r = await wrong()
      statuses.push(r.status)
      if (r.status === 429) break
    }
    assert.ok(statuses.every(s => s === 401 || s === 429))
    const refused = await callAsOperator(suite.node, 'POST', '/v1/alerts/rules', { name: 'while-refused', condition: 'forks > 0' })
    assertError(refused, 429, 'RATE_LIMIT_ERROR')
    const retryAfter = Number(refused.headers.get('retry-after'))
    assert.ok(retryAfter > 0 && retryAfter <= policy.refuseForMs / 1000, `Retry-After ${retryAfter}`)

    // The refusal is the address's: the node's own view of it says so (read in-process, past the refusal).
    const status = suite.node.mesh.authThrottle.throttled(suite.node.mesh.clock.now())
    assert.deepEqual(status.map(a => [a.address, a.state]), [['127.0.0.1', 'refused']])
    const stats = suite.node.mesh.authThrottle.stats(suite.node.mesh.clock.now())
    assert.ok(stats.failures['1m'] >= policy.refuseAfterFailures)
    assert.ok(stats.refusedRequests >= 1)
  })
})
