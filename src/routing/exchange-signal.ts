/**
 * The abort signal of one routed exchange: aborted at its deadline, when the signal it follows
 * (the client's) aborts, or by hand (a drain, a cancel). One controller and one timer, where
 * AbortSignal.timeout and AbortSignal.any cost a timer, several signals and their listeners per
 * request, twice per request on a path with two nodes. `done()` stops the clock, the following
 * and any later `abort()`.
 */
export class ExchangeSignal {
  readonly controller = new AbortController()
  private expired = false
  private finished = false
  private readonly timer: NodeJS.Timeout
  private readonly follows: AbortSignal | undefined

  constructor (timeoutMs: number, follows?: AbortSignal) {
    this.timer = setTimeout(() => {
      this.expired = true
      this.controller.abort(new DOMException(`the exchange took longer than ${timeoutMs} ms`, 'TimeoutError'))
    }, timeoutMs)
    // As AbortSignal.timeout's: a deadline does not keep a stopping process alive.
    this.timer.unref()
    this.follows = follows
    if (follows === undefined) return
    if (follows.aborted) this.abort(follows.reason)
    else follows.addEventListener('abort', this.onFollowed, { once: true })
  }

  get signal (): AbortSignal {
    return this.controller.signal
  }

  /** Whether it was the deadline that aborted it. */
  get timedOut (): boolean {
    return this.expired
  }

  /** Aborts it, unless it is done. */
  abort (reason?: unknown): void {
    if (!this.finished) this.controller.abort(reason)
  }

  done (): void {
    this.finished = true
    clearTimeout(this.timer)
    this.follows?.removeEventListener('abort', this.onFollowed)
  }

  private readonly onFollowed = (): void => {
    this.abort(this.follows?.reason)
  }
}
