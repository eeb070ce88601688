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
    const at = this.c.clock.now()
    this.c.onUsage({ user, ...keyOf(keyId), service, peerId: '', requestBytes: 0, responseBytes: 0, durationMs: 0, status, at })
  }

  /** A request that no peer served, begun at `started`. */
  failed (req: RouteRequest, started: number, status: number): void {
    const at = this.c.clock.now()
    this.c.onUsage({ user: req.user, ...keyOf(req.keyId), service: req.service, peerId: '', requestBytes: req.body.bytesRead, responseBytes: 0, durationMs: at - started, status, at })
  }

  /** The served result, its body counted on its way: the event follows once the body has been sent or failed (at once for a body received whole). */
  served (req: RouteRequest, started: number, result: RouteResult): RouteResult {
    const whole = result.whole
    if (whole !== undefined) {
      // Received whole: sent as far as this node is concerned.
      const at = this.c.clock.now()
      this.c.onUsage({ user: req.user, service: req.service, peerId: result.servedBy, requestBytes: req.body.bytesRead, responseBytes: whole.byteLength, durationMs: at - started, status: result.status, at })
      return result
    }
    let bytes = 0
    const body = observeBody(result.body, {
      onChunk: chunk => { bytes += chunk.byteLength },
      onEnd: () => {
        const at = this.c.clock.now()
        this.c.onUsage({ user: req.user, ...keyOf(req.keyId), service: req.service, peerId: result.servedBy, requestBytes: req.body.bytesRead, responseBytes: bytes, durationMs: at - started, status: result.status, at })
      }
    })
    return { ...result, body }
  }
}
