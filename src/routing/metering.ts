import type { Clock } from '../clock.ts'
import { observeBody } from './observe-body.ts'
import type { RouteRequest, RouteResult } from './route-request.ts'
import type { UsageEvent } from './usage.ts'

export interface MeteringComponents {
  clock: Clock
  onUsage: (event: UsageEvent) => void
}

/** The key id of an event, present only when the request had a key. */
const keyOf = (keyId: string | undefined): { keyId?: string } => keyId === undefined ? {} : { keyId }

/**
 * The usage events of the data plane: exactly one per routed request, served or failed, and
 * one per request refused before its body was read. A failed request names no peer.
 */
export class Metering {
  private readonly c: MeteringComponents

  constructor (components: MeteringComponents) {
    this.c = components
  }

  /** A request refused before any of its body was read. */
  refused (user: string, service: string, status: number, keyId?: string): void {
    this.emit({ user, service, keyId }, '', 0, 0, undefined, status)
  }

  /** A request that no peer served, begun at `started`. */
  failed (req: RouteRequest, started: number, status: number): void {
    this.emit(req, '', req.body.bytesRead, 0, started, status)
  }

  /** The served result, its body counted on its way: the event follows once the body has been sent or failed (at once for a body received whole). */
  served (req: RouteRequest, started: number, result: RouteResult): RouteResult {
    const whole = result.whole
    if (whole !== undefined) {
      // Received whole: sent as far as this node is concerned.
      this.emit(req, result.servedBy, req.body.bytesRead, whole.byteLength, started, result.status)
      return result
    }
    let bytes = 0
    const body = observeBody(result.body, {
      onChunk: chunk => { bytes += chunk.byteLength },
      onEnd: () => { this.emit(req, result.servedBy, req.body.bytesRead, bytes, started, result.status) }
    })
    return { ...result, body }
  }

  /** The one usage event of a request, now; `started` undefined for one refused at once (no duration). */
  private emit (req: Pick<RouteRequest, 'user' | 'service' | 'keyId'>, peerId: string, requestBytes: number, responseBytes: number, started: number | undefined, status: number): void {
    const at = this.c.clock.now()
    this.c.onUsage({ user: req.user, ...keyOf(req.keyId), service: req.service, peerId, requestBytes, responseBytes, durationMs: started === undefined ? 0 : at - started, status, at })
  }
}
