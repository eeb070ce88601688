import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import type { Duplex } from 'node:stream'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import type { ApiServer, ServeApi } from '../src/launch.ts'
import { logFeedOf, type Logger } from '../src/logging.ts'
import { tuningOf } from '../src/node-config.ts'
import { createApi } from './app.ts'
import type { ApiEnv } from './context.ts'
import { WsHub } from './ws-hub.ts'

/**
 * An answer sent before the request's body was read to its end (an error from its head, a
 * 413 half-way) is followed by reading the rest and dropping it, for at most this long and
 * this much: closing the connection with unread bytes in it would reset it, and a client that
 * sends its whole body before it reads would then never see the answer.
 */
const LINGER_MS = 5_000
const LINGER_BYTES = 64 * 1024 * 1024

/** Answers an HTTP upgrade (the WebSocket of /v1/ws). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void

export async function listenApi (app: Hono<ApiEnv>, host: string, port: number, log: Logger, upgrade?: UpgradeHandler): Promise<Omit<ApiServer, 'reconfigure'>> {
  const server = await new Promise<Server>((resolve, reject) => {
    // The adapter's own clean-up of unread bodies gives up after 500 ms, which a busy machine exceeds.
    const s = serve({ fetch: app.fetch, hostname: host, port, autoCleanupIncoming: false }, () => resolve(s as Server))
    s.once('error', reject)
  })
  // Malformed HTTP (a bad chunk size, a bad header) is the client's error: one warning, a 400 if the connection still takes one.
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      log.debug({ err: err.message }, 'API connection reset by its client')
      socket.destroy()
      return
    }
    // Node's own answers for these two, then 400 for any other parse error.
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request'
    if (status.startsWith('408')) log.debug({ err: err.message }, 'API request not received in time')
    else log.warn({ err: err.message, code: err.code }, 'malformed HTTP request')
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  })
  if (upgrade !== undefined) server.on('upgrade', upgrade)
  server.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    outgoing.once('finish', () => { if (!incoming.complete) discardRest(incoming) })
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shownHost}:${address.port}`,
    close: async () => {
      await new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeIdleConnections()
      })
    },
    destroy: async () => {
      await new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }
}

/** The node's API on its configured address; it announces --api-url, else the address it listens on. */
export const serveApi: ServeApi = async ({ mesh, token, config, log, shutdown, control }) => {
  const staticConfig = {
    dataDir: config.dataDir,
    listen: config.listen,
    announce: config.announce,
    corsOrigins: config.corsOrigins,
    apiUrl: '',
    bootstrap: config.bootstrap,
    region: config.region,
    logLevel: config.logLevel
  }
  const { operations } = tuningOf(config)
  const app = createApi({ mesh, token, log, staticConfig, shutdown, control, maxRouteBodyBytes: config.maxRequestBytes, operations })
  const hub = new WsHub({ mesh, token, guard: { throttle: mesh.authThrottle, now: () => mesh.clock.now() }, log, logs: logFeedOf(log) }, {
    maxBufferedBytes: operations.wsMaxBufferedBytes,
    heartbeatMs: operations.wsHeartbeatMs,
    metricsIntervalMs: () => mesh.runtimeSettings().telemetryIntervalMs,
    allowedOrigins: () => staticConfig.corsOrigins
  })
  shutdown.addEventListener('abort', () => { hub.close() }, { once: true })
  const server = await listenApi(app, config.api.host, config.api.port, log, (req, socket, head) => { hub.upgrade(req, socket, head) })
  staticConfig.apiUrl = config.apiUrl ?? advertisedUrl(server.url)
  // The CORS middleware and /v1/config/system read these from staticConfig on every request.
  const reconfigure: ApiServer['reconfigure'] = settings => {
    staticConfig.corsOrigins = settings.corsOrigins
    staticConfig.logLevel = settings.logLevel
  }
  return { server: { ...server, reconfigure }, apiUrl: staticConfig.apiUrl }
}

/** A wildcard address is no use to peers: announce the host's name instead. */
function advertisedUrl (bound: string): string {
  const url = new URL(bound)
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = hostname()
  return url.toString().replace(/\/$/, '')
}

/** Reads the rest of a request and drops it, within LINGER_MS and LINGER_BYTES; past them the connection is cut. */
function discardRest (incoming: IncomingMessage): void {
  const socket = incoming.socket
  let bytes = 0
  const cut = (): void => {
    clearTimeout(timer)
    socket.destroy()
  }
  const timer = setTimeout(cut, LINGER_MS)
  timer.unref()
  // Node ends a connection whose client asked for that (Connection: close) right after the
  // answer, and destroys it once the answer is out: with the body unread, a reset. It closes
  // once the rest is read instead.
  const closing = socket.listeners('finish').includes(socket.destroy)
  if (closing) socket.removeListener('finish', socket.destroy)
  const done = (): void => {
    clearTimeout(timer)
    if (closing) socket.destroySoon()
  }
  // A reader that stopped half-way (the route's body stream, a size limit) holds the flow: it is done with the body.
  incoming.removeAllListeners('readable')
  incoming.removeAllListeners('data')
  incoming.on('data', (chunk: Buffer) => {
    bytes += chunk.byteLength
    if (bytes > LINGER_BYTES) cut()
  })
  incoming.once('end', done)
  incoming.once('close', done)
  incoming.resume()
}
