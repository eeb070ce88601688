import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { eventPayload, WEBHOOK_EVENT_TYPES, type NodeEvent } from '../../src/events/node-event.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'

export const eventOperations = operations({
  id: 'events',
  method: 'get',
  path: '/v1/events',
  tag: 'system',
  summary: 'Server-sent events: the node\'s event feed',
  description: 'Each event\'s name is its type and its data the JSON payload webhooks deliver. The peer table\'s own: `peer:joined` and `peer:forgotten` carry `{peer_id, time}`; `peer:state` also `from` and `to`. Then ' +
    `${WEBHOOK_EVENT_TYPES.map(t => `\`${t}\``).join(', ')}. A comment line keeps the stream alive every 15 s.`,
  responses: { 200: { mediaType: 'text/event-stream', description: 'An event stream' } }
})

const KEEPALIVE_MS = 15_000

/** Server-sent events: the node's event feed (peers joining, leaving and changing state, as this node sees them; platform records; invoices and payments; alerts; the mesh events webhooks deliver). */
export function eventRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/', c => streamSSE(c, async stream => {
    const queue: NodeEvent[] = []
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
          await stream.writeSSE({ event: next.type, id: String(++id), data: JSON.stringify(eventPayload(next)) })
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
