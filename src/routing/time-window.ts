/** The window is cut into this many buckets: memory stays bounded, precision is windowMs / 10. */
const BUCKETS = 10

/** Named counts over a trailing time window, kept in time buckets. Time is passed in. */
export class CountWindow<K extends string> {
  private readonly keys: readonly K[]
  private readonly bucketMs: number
  private buckets: Array<{ epoch: number, counts: Record<K, number> }> = []

  constructor (windowMs: number, keys: readonly K[]) {
    this.bucketMs = windowMs / BUCKETS
    this.keys = keys
  }

  add (now: number, key: K): void {
    const epoch = this.prune(now)
    let bucket = this.buckets.find(b => b.epoch === epoch)
    if (bucket === undefined) {
      bucket = { epoch, counts: this.zero() }
      this.buckets.push(bucket)
    }
    bucket.counts[key]++
  }

  totals (now: number): Record<K, number> {
    this.prune(now)
    const sum = this.zero()
    for (const b of this.buckets) for (const k of this.keys) sum[k] += b.counts[k]
    return sum
  }

  clear (): void {
    this.buckets = []
  }

  private zero (): Record<K, number> {
    return Object.fromEntries(this.keys.map(k => [k, 0])) as Record<K, number>
  }

  /** Drops the buckets that left the window; returns the current bucket's epoch. */
  private prune (now: number): number {
    const epoch = Math.floor(now / this.bucketMs)
    this.buckets = this.buckets.filter(b => b.epoch > epoch - BUCKETS)
    return epoch
  }
}
