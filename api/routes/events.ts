import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { MeshEvent } from '../../src/mesh.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'

export const eventOperations = operations({
  id: 'events',
  method: 'get',
  path: '/v1/events',
  tag: 'system',
  summary: 'Server-sent events: peers joining, leaving and changing state',
  description: 'Events `peer:joined` and `peer:left` carry `{peer_id, time}`; `peer:state` also `from` and `to`. A comment line keeps the stream alive every 15 s.',
  responses: { 200: { mediaType: 'text/event-stream', description: 'An event stream' } }
})

const KEEPALIVE_MS = 15_000

/** Server-sent events: peers joining, leaving and changing state, as this node sees them, the platform records it accepts, invoices and payments. */
export function eventRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/', c => streamSSE(c, async stream => {
    const queue: MeshEvent[] = []
    let wake: (() => void) | undefined
    const unsubscribe = c.var.mesh.onEvent(e => {
      queue.push(e)
      wake?.()
    })
    const done = new Promise<void>(resolve => {
      stream.onAbort(resolve)
      c.var.shutdown.addEventListener('abort', () => resolve(), { once: true })
    })
    let id = 0
    try {
      while (!stream.aborted && !c.var.shutdown.aborted) {
        const next = queue.shift()
        if (next !== undefined) {
          await stream.writeSSE({ event: next.type, id: String(++id), data: JSON.stringify(eventView(next)) })
          continue
        }
        const timer = new Promise<'keepalive'>(resolve => setTimeout(() => resolve('keepalive'), KEEPALIVE_MS).unref())
        const woken = new Promise<void>(resolve => { wake = resolve })
        if (await Promise.race([timer, woken, done]) === 'keepalive') await stream.write(': keepalive\n\n')
      }
    } finally {
      unsubscribe()
    }
  }))
  return app
}

function eventView (e: MeshEvent): Record<string, unknown> {
  const time = new Date(e.at).toISOString()
  switch (e.type) {
    case 'invoice.issued':
      return { invoice_id: e.invoiceId, tenant_id: e.tenantId, period: e.period, total: e.total, currency: e.currency, due_at: new Date(e.dueAt).toISOString(), time }
    case 'payment.success':
      return { payment_id: e.paymentId, invoice_id: e.invoiceId, amount: e.amount, method: e.method, recorded_by: e.recordedBy, time }
    case 'payment.failed':
      return { payment_id: e.paymentId, invoice_id: e.invoiceId, reason: e.reason, time }
    case 'peer:joined':
    case 'peer:left':
      return { peer_id: e.peerId, time }
    case 'peer:state':
      return { peer_id: e.peerId, time, from: e.from, to: e.to }
    default:
      return {
        tenant_id: e.tenantId,
        record_id: e.recordId,
        by: e.author,
        time,
        ...(e.keyId === undefined ? {} : { key_id: e.keyId }),
        ...(e.subscriptionId === undefined ? {} : { subscription_id: e.subscriptionId }),
        ...(e.tier === undefined ? {} : { tier: e.tier })
      }
  }
}
