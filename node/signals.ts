/**
 * How a process reads stop signals. The first SIGINT or SIGTERM asks for a clean stop. One
 * request often arrives twice: `timeout`, a terminal's Ctrl-C and a supervisor signal the whole
 * process group, and a parent such as npm or npx forwards its own copy as well. So only a
 * SIGINT that comes at least `graceMs` after the first signal (a person pressing Ctrl-C again)
 * forces an exit; every other later signal is the same request again. A supervisor that wants
 * the process gone at once sends SIGKILL, as systemd and Docker do after their grace period.
 */
export type SignalVerdict = 'stop' | 'again' | 'force'

export class StopRequests {
  private firstAt: number | undefined
  private readonly graceMs: number

  constructor (graceMs = 1_000) {
    this.graceMs = graceMs
  }

  receive (signal: NodeJS.Signals, now: number): SignalVerdict {
    if (this.firstAt === undefined) {
      this.firstAt = now
      return 'stop'
    }
    return signal === 'SIGINT' && now - this.firstAt >= this.graceMs ? 'force' : 'again'
  }
}

/** Installs one handler for SIGINT and SIGTERM; returns its removal. */
export function onStopSignals (handle: (verdict: SignalVerdict, signal: NodeJS.Signals) => void): () => void {
  const requests = new StopRequests()
  const listener = (signal: NodeJS.Signals): void => { handle(requests.receive(signal, Date.now()), signal) }
  process.on('SIGINT', listener)
  process.on('SIGTERM', listener)
  return () => {
    process.off('SIGINT', listener)
    process.off('SIGTERM', listener)
  }
}

/** Installs a handler for SIGHUP, the signal that asks a daemon to re-read its config; returns its removal. */
export function onReloadSignal (handle: () => void): () => void {
  const listener = (): void => { handle() }
  process.on('SIGHUP', listener)
  return () => { process.off('SIGHUP', listener) }
}
