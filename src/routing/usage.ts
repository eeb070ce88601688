/**
 * What one routed request used, recorded by the node that received the client's request.
 * The billing log records these; until a sink is attached they are counted in metrics.
 */
export interface UsageEvent {
  user: string
  service: string
  /** The peer that served the request. */
  peerId: string
  requestBytes: number
  responseBytes: number
  durationMs: number
  status: number
  at: number
}
