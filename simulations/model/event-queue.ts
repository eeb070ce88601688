/**
 * The model's clock: a binary min-heap of events keyed by (virtual time, insertion order).
 * The insertion order breaks ties, so two events due at the same millisecond always run in
 * the order they were scheduled, and a seed always gives the same run.
 */
export type Action = () => void

export class EventQueue {
  private times: number[] = []
  private seqs: number[] = []
  private actions: Action[] = []
  private nextSeq = 0
  /** Virtual time of the event running now (or last run). */
  now = 0

  /** The time of the next event; Infinity when none is due. */
  peekTime (): number {
    return this.times[0] ?? Number.POSITIVE_INFINITY
  }

  at (time: number, action: Action): void {
    const t = Math.max(time, this.now)
    let i = this.times.length
    this.times.push(t)
    this.seqs.push(this.nextSeq++)
    this.actions.push(action)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }

  after (delay: number, action: Action): void {
    this.at(this.now + delay, action)
  }

  /** Runs the next event, advancing `now` to its time; false when there is none. */
  runNext (): boolean {
    const n = this.times.length
    if (n === 0) return false
    const time = this.times[0] as number
    const action = this.actions[0] as Action
    const last = n - 1
    this.swap(0, last)
    this.times.pop()
    this.seqs.pop()
    this.actions.pop()
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let min = i
      if (l < last && this.before(l, min)) min = l
      if (r < last && this.before(r, min)) min = r
      if (min === i) break
      this.swap(i, min)
      i = min
    }
    this.now = time
    action()
    return true
  }

  private before (a: number, b: number): boolean {
    const ta = this.times[a] as number
    const tb = this.times[b] as number
    return ta < tb || (ta === tb && (this.seqs[a] as number) < (this.seqs[b] as number))
  }

  private swap (a: number, b: number): void {
    const t = this.times[a] as number
    this.times[a] = this.times[b] as number
    this.times[b] = t
    const s = this.seqs[a] as number
    this.seqs[a] = this.seqs[b] as number
    this.seqs[b] = s
    const x = this.actions[a] as Action
    this.actions[a] = this.actions[b] as Action
    this.actions[b] = x
  }
}
