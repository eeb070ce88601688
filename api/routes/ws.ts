import { Hono } from 'hono'
import { z } from 'zod'
import { MeshError } from '../../src/errors.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'

/** The WebSocket's channels; `logs` and `audit` need the operator token (at the upgrade, or an `auth` message). */
export const WS_CHANNELS = ['metrics', 'events', 'alerts', 'logs', 'audit'] as const
export type WsChannel = typeof WS_CHANNELS[number]
export const OPERATOR_CHANNELS: ReadonlySet<WsChannel> = new Set(['logs', 'audit'])

const Channels = z.array(z.enum(WS_CHANNELS)).min(1).max(WS_CHANNELS.length)

/** What a client may send, one JSON object per text message. */
export const WsClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), channels: Channels }).strict(),
  z.object({ type: z.literal('unsubscribe'), channels: Channels }).strict(),
  /** An application-level ping, answered with a pong carrying the same id (the server also pings at the protocol level). */
  z.object({ type: z.literal('ping'), id: z.string().max(1024).optional() }).strict(),
  z.object({ type: z.literal('auth'), token: z.string().min(1).max(512) }).strict()
])
export type WsClientMessage = z.infer<typeof WsClientMessage>

/** What the server sends. */
export const WsServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), channels: z.array(z.enum(WS_CHANNELS)), authenticated: z.boolean() }),
  z.object({ type: z.literal('subscribed'), channels: z.array(z.enum(WS_CHANNELS)) }),
  z.object({ type: z.literal('unsubscribed'), channels: z.array(z.enum(WS_CHANNELS)) }),
  z.object({ type: z.literal('authenticated') }),
  z.object({ type: z.literal('pong'), id: z.string().optional() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  /** One item of a channel: `event` names its kind (an event's type, `load`, a log level, an audit action). */
  z.object({ type: z.literal('message'), channel: z.enum(WS_CHANNELS), event: z.string(), time: z.iso.datetime(), data: z.record(z.string(), z.unknown()) })
])
export type WsServerMessage = z.infer<typeof WsServerMessage>

/** `GET /v1/ws` is a WebSocket upgrade (api/ws-hub.ts answers it before the app); a plain GET is told so. */
export const wsOperations = operations({
  id: 'webSocket',
  method: 'get',
  path: '/v1/ws',
  tag: 'operations',
  summary: 'WebSocket channels: metrics, events, alerts, logs and audit (the last two for the operator)',
  description: 'Upgrade with `Upgrade: websocket`; then the client sends JSON messages (`WsClientMessage` in api/routes/ws.ts: subscribe, unsubscribe, auth) and the node answers and pushes its own (`WsServerMessage`).',
  responses: { 101: { description: 'Switched to the WebSocket protocol' } },
  errors: [426]
})

export function wsRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/', c => {
    c.header('Upgrade', 'websocket')
    throw new MeshError('UPGRADE_REQUIRED', 'GET /v1/ws is a WebSocket endpoint: send Upgrade: websocket')
  })
  return app
}
