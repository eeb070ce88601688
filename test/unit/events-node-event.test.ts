import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Firing } from '../../src/alerts/evaluator.ts'
import { deliverable, eventPayload, WEBHOOK_EVENT_TYPES, type NodeEvent } from '../../src/events/node-event.ts'

const AT = Date.parse('2026-12-01T12:00:00.000Z')
const firing: Firing = {
  id: 'f-1', ruleId: 'r-1', ruleName: 'peer_down', severity: 'critical', condition: 'peers_down >= 1',
  triggeredAt: AT, resolvedAt: null, value: 1, values: { peers_down: 1 }
}

describe('the node event feed', () => {
  test('webhooks may subscribe to the proposals made and the votes cast, as to the proposals\' outcomes', () => {
    for (const type of ['proposal.created', 'proposal.voted', 'proposal.passed', 'proposal.rejected']) assert.ok((WEBHOOK_EVENT_TYPES as readonly string[]).includes(type), type)
  })

  test('the peer table\'s own events are not delivered to webhooks; every other kind is, under a type webhooks accept', () => {
    const events: NodeEvent[] = [
      { type: 'tenant.created', tenantId: 't-1', recordId: 'rec-1', author: 'op', at: AT },
      { type: 'invoice.issued', invoiceId: 'inv_1', tenantId: 't-1', period: '2026-11', total: 10, currency: 'USD', dueAt: AT, at: AT },
      { type: 'payment.success', paymentId: 'pay-1', invoiceId: 'inv_1', amount: 10, method: 'bank_transfer', recordedBy: 'op', at: AT },
      { type: 'payment.failed', paymentId: null, invoiceId: null, reason: 'card number', at: AT },
      { type: 'alert.triggered', at: AT, firing },
      { type: 'alert.resolved', at: AT + 1, firing: { ...firing, resolvedAt: AT + 1 } },
      { id: 'e-1', type: 'breaker.opened', at: AT, data: { peer_id: 'p', service: 'echo' } },
      { id: 'e-2', type: 'proposal.created', at: AT, data: { proposal_id: 'p-1', title: 'Say hello', type: 'text', proposer: 'op', voting_ends_at: '2026-12-02T12:00:00.000Z' } },
      { id: 'e-3', type: 'proposal.voted', at: AT, data: { proposal_id: 'p-1', vote_id: 'v-1', voter: 'op', option: 'yes', weight: 1, counted: true, tally: { yes: 1, no: 0 } } }
    ]
    for (const e of events) {
      const d = deliverable(e)
      assert.ok(d !== undefined, e.type)
      assert.ok((WEBHOOK_EVENT_TYPES as readonly string[]).includes(d.type), d.type)
      assert.equal(d.at, e.at)
      // A mesh event is raised in the delivered shape; the others deliver the payload SSE carries.
      assert.deepEqual(d.data, 'data' in e ? e.data : eventPayload(e))
    }
    for (const type of ['peer:joined', 'peer:forgotten'] as const) assert.equal(deliverable({ type, peerId: 'p', at: AT }), undefined)
    assert.equal(deliverable({ type: 'peer:state', peerId: 'p', at: AT, from: 'healthy', to: 'down' }), undefined)
  })

  test('an event\'s id names its fact: the same fact has the same id on every node and after a restart, another fact another id', () => {
    const created = (recordId: string, at: number): NodeEvent => ({ type: 'tenant.created', tenantId: 't-1', recordId, author: 'op', at })
    assert.equal(deliverable(created('rec-1', AT))?.id, deliverable(created('rec-1', AT + 5))?.id)
    assert.notEqual(deliverable(created('rec-1', AT))?.id, deliverable(created('rec-2', AT))?.id)
    const triggered = deliverable({ type: 'alert.triggered', at: AT, firing })
    const resolved = deliverable({ type: 'alert.resolved', at: AT + 1, firing: { ...firing, resolvedAt: AT + 1 } })
    assert.notEqual(triggered?.id, resolved?.id, 'a firing and its resolution are two deliveries')
    const paid = (paymentId: string): NodeEvent => ({ type: 'payment.success', paymentId, invoiceId: 'inv_1', amount: 1, method: 'cash', recordedBy: 'op', at: AT })
    assert.equal(deliverable(paid('pay-1'))?.id, deliverable(paid('pay-1'))?.id)
    assert.notEqual(deliverable(paid('pay-1'))?.id, deliverable(paid('pay-2'))?.id)
  })

  test('payloads are snake_case JSON with ISO times', () => {
    assert.deepEqual(eventPayload({ type: 'peer:state', peerId: 'p', at: AT, from: 'healthy', to: 'left' }),
      { peer_id: 'p', time: '2026-12-01T12:00:00.000Z', from: 'healthy', to: 'left' })
    const alert = eventPayload({ type: 'alert.triggered', at: AT, firing }) as { alert: Record<string, unknown> }
    assert.deepEqual([alert.alert.rule_name, alert.alert.state, alert.alert.triggered_at, alert.alert.resolved_at], ['peer_down', 'firing', '2026-12-01T12:00:00.000Z', null])
    assert.deepEqual(eventPayload({ id: 'e-1', type: 'peer.down', at: AT, data: { peer_id: 'p' } }), { id: 'e-1', peer_id: 'p', time: '2026-12-01T12:00:00.000Z' })
    // What SSE and the WebSocket carry of a vote: the tally after it, as the UI shows it.
    assert.deepEqual(eventPayload({ id: 'e-3', type: 'proposal.voted', at: AT, data: { proposal_id: 'p-1', voter: 'op', option: 'no', tally: { yes: 0, no: 1 } } }),
      { id: 'e-3', proposal_id: 'p-1', voter: 'op', option: 'no', tally: { yes: 0, no: 1 }, time: '2026-12-01T12:00:00.000Z' })
  })
})
