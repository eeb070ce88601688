import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { Counter, Gauge } from 'prom-client'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { errorMessage } from '../src/errors.ts'
import type { LogFeed, Logger } from '../src/logging.ts'
import type { ApiNode } from './context.ts'
import { bearerToken, retryAfterSeconds, tokenMatcher, type AuthGuard } from './middleware/operator-auth.ts'
import { OPERATOR_CHANNELS, WS_CHANNELS, WsClientMessage, type WsChannel, type WsServerMessage } from './routes/ws.ts'
import { eventPayload } from '../src/events/node-event.ts'
import { loadView } from './views.ts'

const WS_PATH = '/v1/ws'
/** Client messages are small commands. */
const MAX_CLIENT_MESSAGE_BYTES = 4 * 1024
const SHUTDOWN_CLOSE_MS = 1_000

export interface WsHubOptions {
  maxBufferedBytes: number
  heartbeatMs: number
  /** How often the `metrics` channel sends the node's load. */
  metricsIntervalMs: () => number
  /**
   * Browser origins allowed besides the API's own (--cors-origin; `*` any): a page elsewhere may
   * not read the channels over a WebSocket any more than it may read the API (browsers send no
   * CORS check for a WebSocket, so the server makes it). Clients that send no Origin are not browsers.
   */
  allowedOrigins: () => readonly string[]
}

interface Client {
  ws: WebSocket
  channels: Set<WsChannel>
  operator: boolean
  alive: boolean
  address: string
}

type DropReason = 'slow' | 'heartbeat' | 'shutdown'

/**
 * The WebSocket channels of `GET /v1/ws`: a client subscribes to channels and receives each
 * item of them as one JSON message. Bounded per client: one whose unsent bytes pass
 * `maxBufferedBytes` is dropped (it does not keep up, and the node must not hold its backlog),
 * and one that misses a heartbeat pong is dropped.
 */
export class WsHub {
  private readonly mesh: ApiNode
  private readonly opts: WsHubOptions
  private readonly log: Logger
  private readonly guard: AuthGuard
  private readonly isOperatorToken: (token: string | undefined) => boolean
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES })
  private readonly clients = new Set<Client>()
  private readonly offs: Array<() => void> = []
  private heartbeat: NodeJS.Timeout | undefined
  private metricsTimer: NodeJS.Timeout | undefined
  private readonly dropped: Counter<'reason'>
  private closed = false

  /** `logs`: the records of the node's logger (absent for a logger that has no feed, such as a silent one: the channel stays quiet). */
  constructor (init: { mesh: ApiNode, token: string, guard: AuthGuard, log: Logger, logs?: LogFeed }, opts: WsHubOptions) {
    this.mesh = init.mesh
    this.opts = opts
    this.log = init.log
    this.guard = init.guard
    this.isOperatorToken = tokenMatcher(init.token)
    const registry = init.mesh.metrics.registry
    this.dropped = new Counter({ name: 'meshnode_ws_dropped_clients_total', help: 'WebSocket clients dropped by the node: slow (unsent bytes past the bound), heartbeat (no pong), shutdown', labelNames: ['reason'], registers: [registry] })
    const clients = this.clients
    new Gauge({ name: 'meshnode_ws_clients', help: 'WebSocket clients connected', registers: [registry], collect () { this.set(clients.size) } })
    this.offs.push(init.mesh.onEvent(e => {
      this.publish('events', e.type, e.at, () => eventPayload(e))
      if (e.type === 'alert.triggered' || e.type === 'alert.resolved') this.publish('alerts', e.type, e.at, () => eventPayload(e))
    }))
    this.offs.push(init.mesh.audit.subscribe(e => {
      this.publish('audit', e.action, e.time, () => ({ id: e.id, actor: e.actor, method: e.method, path: e.path, status: e.status, source_address: e.source, request_id: e.requestId }))
    }))
    if (init.logs !== undefined) this.offs.push(init.logs.subscribe(r => { this.publish('logs', r.level, r.time, () => ({ msg: r.msg, ...r.fields })) }))
    this.heartbeat = setInterval(() => { this.beat() }, opts.heartbeatMs)
    this.heartbeat.unref()
    this.scheduleMetrics()
  }

  get size (): number {
    return this.clients.size
  }

  /** The HTTP server's `upgrade` handler: `/v1/ws` becomes a WebSocket; anything else is refused. */
  upgrade (req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A client that resets the connection while it is refused or upgraded is no fault of the node's.
    socket.on('error', err => { this.log.debug({ err: errorMessage(err) }, 'WebSocket upgrade connection error') })
    const path = (req.url ?? '/').split('?')[0]
    if (this.closed || path !== WS_PATH) {
      socket.end(`HTTP/1.1 ${this.closed ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    if (!this.originAllowed(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const address = req.socket.remoteAddress ?? 'unknown'
    const authorization = req.headers.authorization
    let operator = false
    if (authorization !== undefined) {
      const verdict = this.authenticate(address, bearerToken(authorization))
      if (typeof verdict === 'object') {
        socket.end(`HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${retryAfterSeconds(verdict.retryAfterMs)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
        return
      }
      if (verdict === 'failed') {
        socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="meshnode"\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
        return
      }
      operator = true
    }
    this.wss.handleUpgrade(req, socket, head, ws => { this.connected(ws, operator, address) })
  }

  /** Drops every client and stops; the node's stop calls it before the HTTP server closes. */
  close (): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.heartbeat)
    clearTimeout(this.metricsTimer)
    for (const off of this.offs) off()
    for (const client of [...this.clients]) this.drop(client, 'shutdown')
    this.wss.close()
  }

  private originAllowed (req: IncomingMessage): boolean {
    const origin = req.headers.origin
    if (origin === undefined) return true
    const allowed = this.opts.allowedOrigins()
    if (allowed.includes('*') || allowed.includes(origin)) return true
    try {
      return new URL(origin).host === req.headers.host
    } catch {
      return false
    }
  }

  /** Checks a token against the operator's, under the same throttle and audit as the HTTP API. */
  private authenticate (address: string, token: string | undefined): 'ok' | 'failed' | { retryAfterMs: number } {
    const now = this.guard.now()
    const verdict = this.guard.throttle.check(address, now)
    if (verdict.refused) return { retryAfterMs: verdict.retryAfterMs }
    if (this.isOperatorToken(token)) {
      this.guard.throttle.success(address)
      return 'ok'
    }
    this.guard.throttle.failure(address, now)
    this.mesh.audit.record({ time: now, actor: 'anonymous', action: 'auth_failed', method: 'GET', path: WS_PATH, status: 401, source: address, requestId: '' })
    return 'failed'
  }

  private connected (ws: WebSocket, operator: boolean, address: string): void {
    const client: Client = { ws, channels: new Set(), operator, alive: true, address }
    this.clients.add(client)
    ws.on('pong', () => { client.alive = true })
    ws.on('message', (data, isBinary) => { this.received(client, data, isBinary) })
    ws.on('close', () => { this.clients.delete(client) })
    ws.on('error', err => {
      this.log.debug({ err: errorMessage(err) }, 'WebSocket client error')
      this.clients.delete(client)
    })
    this.send(client, { type: 'welcome', channels: [...WS_CHANNELS], authenticated: operator })
  }

  private received (client: Client, data: RawData, isBinary: boolean): void {
    let parsed: unknown
    try {
      parsed = isBinary ? undefined : JSON.parse(data.toString())
    } catch {
      parsed = undefined
    }
    const result = WsClientMessage.safeParse(parsed)
    if (!result.success) {
      const issue = result.error.issues[0]
      const field = issue?.path.join('.') ?? ''
      this.send(client, { type: 'error', code: 'VALIDATION_ERROR', message: parsed === undefined ? 'a message is one JSON object (text)' : `invalid message${field === '' ? '' : ` field "${field}"`}: ${issue?.message ?? 'invalid'}` })
      return
    }
    const m = result.data
    switch (m.type) {
      case 'ping':
        this.send(client, m.id === undefined ? { type: 'pong' } : { type: 'pong', id: m.id })
        return
      case 'auth': {
        const verdict = this.authenticate(client.address, m.token)
        if (verdict === 'ok') {
          client.operator = true
          this.send(client, { type: 'authenticated' })
        } else {
          this.send(client, typeof verdict === 'object'
            ? { type: 'error', code: 'RATE_LIMIT_ERROR', message: 'too many failed authentications from this address: try again later' }
            : { type: 'error', code: 'AUTHENTICATION_ERROR', message: 'not the operator token' })
        }
        return
      }
      case 'subscribe': {
        const denied = m.channels.filter(ch => OPERATOR_CHANNELS.has(ch) && !client.operator)
        if (denied.length > 0) {
          this.send(client, { type: 'error', code: 'AUTHENTICATION_ERROR', message: `the operator token is required for ${denied.join(', ')}: send it at the upgrade (Authorization: Bearer) or in an auth message` })
          return
        }
        for (const ch of m.channels) client.channels.add(ch)
        this.send(client, { type: 'subscribed', channels: [...client.channels] })
        return
      }
      case 'unsubscribe':
        for (const ch of m.channels) client.channels.delete(ch)
        this.send(client, { type: 'unsubscribed', channels: [...client.channels] })
    }
  }

  /** Sends an item to the channel's subscribers; `data` is built only if there is one. */
  private publish (channel: WsChannel, event: string, at: number, data: () => Record<string, unknown>): void {
    let text: string | undefined
    for (const client of this.clients) {
      if (!client.channels.has(channel)) continue
      text ??= JSON.stringify({ type: 'message', channel, event, time: new Date(at).toISOString(), data: data() } satisfies WsServerMessage)
      this.sendText(client, text)
    }
  }

  private send (client: Client, message: WsServerMessage): void {
    this.sendText(client, JSON.stringify(message))
  }

  /** Sends unless the client's backlog passed the bound; then it is dropped. */
  private sendText (client: Client, text: string): void {
    if (client.ws.readyState !== client.ws.OPEN) return
    if (client.ws.bufferedAmount + Buffer.byteLength(text) > this.opts.maxBufferedBytes) {
      this.drop(client, 'slow')
      return
    }
    client.ws.send(text)
  }

  private drop (client: Client, reason: DropReason): void {
    this.clients.delete(client)
    this.dropped.inc({ reason })
    if (reason === 'shutdown') {
      // A close frame, and the socket cut soon after if the client does not answer it: the HTTP server's close waits for it.
      client.ws.close(1001, 'the node is stopping')
      setTimeout(() => { client.ws.terminate() }, SHUTDOWN_CLOSE_MS).unref()
    } else {
      // A slow or silent client would not read a close frame either: its socket is cut.
      client.ws.terminate()
    }
    this.log.debug({ address: client.address, reason }, 'WebSocket client dropped')
  }

  private beat (): void {
    for (const client of [...this.clients]) {
      if (!client.alive) {
        this.drop(client, 'heartbeat')
        continue
      }
      client.alive = false
      client.ws.ping()
    }
  }

  private scheduleMetrics (): void {
    this.metricsTimer = setTimeout(() => {
      const own = this.mesh.built?.telemetry.published
      if (own !== undefined) this.publish('metrics', 'load', this.mesh.clock.now(), () => ({ ...loadView(own), peers: this.mesh.peerTable.countByState() }))
      this.scheduleMetrics()
    }, this.opts.metricsIntervalMs())
    this.metricsTimer.unref()
  }
}
