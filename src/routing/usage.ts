import { createHash } from 'node:crypto'

/**
 * What one routed request used, recorded by the node that received the client's request.
 * The billing log records these; until a sink is attached they are counted in metrics.
 */
export interface UsageEvent {
  user: string
  /** The API key of the request, if it had one. */
  keyId?: string
  service: string
  /** The peer that served the request. */
  peerId: string
  requestBytes: number
  responseBytes: number
  durationMs: number
  status: number
  at: number
}

/**
 * The user a routed request is metered for, from its bearer token: none is `anonymous`, the
 * operator's own is `operator`, any other names a user by its hash (tokens are never stored).
 */
export function meteredUser (token: string | undefined, operatorToken: string): string {
  if (token === undefined) return 'anonymous'
  if (token === operatorToken) return 'operator'
  return `user-${createHash('sha256').update(token).digest('hex').slice(0, 16)}`
}
