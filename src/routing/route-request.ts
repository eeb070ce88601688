import type { LoadReport } from './load-report.ts'
import type { RequestBody } from './request-body.ts'

/** A request of the data plane, as the router forwards it to a peer of the mesh. */
export interface RouteRequest {
  service: string
  method: string
  /** Path and query under the service, starting with '/'. */
  path: string
  headers: Array<[string, string]>
  /** Streamed unless small; a streamed body that a peer has begun to read cannot go to another. */
  body: RequestBody
  user: string
  /** The API key the request came with (billed in its usage record); none for an anonymous caller. */
  keyId?: string
  /** Aborted when the client goes away. */
  signal: AbortSignal
}

/** A peer's answer: its head, and the body still streaming. */
export interface PeerResponse {
  status: number
  headers: Array<[string, string]>
  body: ReadableStream<Uint8Array>
  /** The same body as bytes, when the peer sent it whole (a small answer): nobody needs to read `body` then. */
  whole?: Uint8Array | undefined
  /** The serving peer's load as it answered; none from this node's own upstream. */
  load?: LoadReport | undefined
}

export interface RouteResult extends PeerResponse {
  servedBy: string
  attempts: number
}
