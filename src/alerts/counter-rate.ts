/** Reads of a counter closer together than this share one point: the window holds at most RESOLUTION + 2 points, however often it is read. */
const RESOLUTION = 60

/**
 * The per-second rate of a counter over a sliding window, from its totals read at each
 * evaluation, as Prometheus' `rate(counter[window])` computes it: the increase since the newest
 * read at or before the window's start, over the time since that read. Pure: the time and the
 * total are passed in.
 */
export class CounterRate {
  private readonly windowMs: number
  /** Reads in time order; the first is the baseline, at or before the window's start once the window is full. */
  private readonly points: Array<{ at: number, total: number }> = []

  constructor (windowMs: number) {
    this.windowMs = windowMs
  }

  /** Records the counter's total at `now` and answers its rate per second; 0 before a second read. */
  observe (now: number, total: number): number {
    const before = this.points[this.points.length - 2]
    if (before !== undefined && now - before.at < this.windowMs / RESOLUTION) this.points[this.points.length - 1] = { at: now, total }
    else this.points.push({ at: now, total })
    while ((this.points[1]?.at ?? Infinity) <= now - this.windowMs) this.points.shift()
    const first = this.points[0]
    if (first === undefined || now <= first.at) return 0
    return (total - first.total) * 1000 / (now - first.at)
  }
}
