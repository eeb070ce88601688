/**
 * The policy against guessing the operator's token, per source address:
 * - the first `freeFailures` failures within `windowMs` are answered at once;
 * - each further failure in the window is answered after `delayBaseMs`, doubling per failure,
 *   up to `delayMaxMs` (slowed down);
 * - at `refuseAfterFailures` failures within the window the address is refused for
 *   `refuseForMs`: every request of it that needs the token is answered 429 with Retry-After,
 *   even one with the right token;
 * - a success clears the address's failures.
 */
export interface AuthThrottlePolicy {
  windowMs: number
  freeFailures: number
  delayBaseMs: number
  delayMaxMs: number
  refuseAfterFailures: number
  refuseForMs: number
  /** Addresses tracked at most; past it the longest-tracked is forgotten, so a spray of addresses costs bounded memory. */
  maxAddresses: number
}

interface AddressRecord {
  /** Failure times within the window, oldest first. */
  failures: number[]
  refusedUntil: number
}

export type AuthVerdict = { refused: false } | { refused: true, retryAfterMs: number }

export interface ThrottledAddress {
  address: string
  failures: number
  state: 'slowed' | 'refused'
  refusedUntil: number | null
}

/** The windows that failed authentications are counted over, in `stats`. */
const FAILURE_WINDOWS = { '1m': 60_000, '15m': 900_000, '1h': 3_600_000 } as const
/** Failures are counted per second over the longest window: constant cost per failure, whatever their number. */
const BUCKET_MS = 1_000
const BUCKETS = FAILURE_WINDOWS['1h'] / BUCKET_MS

/** Pure state, time passed in: the API's operator-auth middleware asks it and tells it what happened. */
export class AuthThrottle {
  private readonly policy: AuthThrottlePolicy
  private readonly addresses = new Map<string, AddressRecord>()
  /** Ring of per-second failure counts; `bucketSecond` says which second each slot holds. */
  private readonly bucketCount = new Array<number>(BUCKETS).fill(0)
  private readonly bucketSecond = new Array<number>(BUCKETS).fill(-1)
  private failuresTotal = 0
  private refusalsTotal = 0

  constructor (policy: AuthThrottlePolicy) {
    this.policy = policy
  }

  /** Whether a request from `address` may try to authenticate now. */
  check (address: string, now: number): AuthVerdict {
    const r = this.addresses.get(address)
    if (r === undefined || r.refusedUntil <= now) return { refused: false }
    this.refusalsTotal++
    return { refused: true, retryAfterMs: r.refusedUntil - now }
  }

  /** A failed authentication from `address`; returns how long to wait before answering it. */
  failure (address: string, now: number): { delayMs: number } {
    this.failuresTotal++
    const second = Math.floor(now / BUCKET_MS)
    const slot = second % BUCKETS
    if (this.bucketSecond[slot] !== second) {
      this.bucketSecond[slot] = second
      this.bucketCount[slot] = 0
    }
    this.bucketCount[slot] = (this.bucketCount[slot] ?? 0) + 1
    let r = this.addresses.get(address)
    if (r === undefined) {
      if (this.addresses.size >= this.policy.maxAddresses) {
        const oldest = this.addresses.keys().next().value
        if (oldest !== undefined) this.addresses.delete(oldest)
      }
      r = { failures: [], refusedUntil: 0 }
      this.addresses.set(address, r)
    }
    r.failures = r.failures.filter(t => now - t < this.policy.windowMs)
    r.failures.push(now)
    const n = r.failures.length
    if (n >= this.policy.refuseAfterFailures) {
      // Refused from now on: the refusal answers the next tries, this one need not wait.
      r.refusedUntil = now + this.policy.refuseForMs
      return { delayMs: 0 }
    }
    if (n <= this.policy.freeFailures) return { delayMs: 0 }
    return { delayMs: Math.min(this.policy.delayMaxMs, this.policy.delayBaseMs * 2 ** (n - this.policy.freeFailures - 1)) }
  }

  success (address: string): void {
    this.addresses.delete(address)
  }

  /** Addresses slowed down or refused now. */
  throttled (now: number): ThrottledAddress[] {
    const out: ThrottledAddress[] = []
    for (const [address, r] of this.addresses) {
      const recent = r.failures.filter(t => now - t < this.policy.windowMs).length
      if (r.refusedUntil > now) out.push({ address, failures: recent, state: 'refused', refusedUntil: r.refusedUntil })
      else if (recent > this.policy.freeFailures) out.push({ address, failures: recent, state: 'slowed', refusedUntil: null })
      else if (recent === 0) this.addresses.delete(address)
    }
    return out
  }

  /** Failed authentications per window (to the second), in total since start, and requests refused. */
  stats (now: number): { failures: Record<keyof typeof FAILURE_WINDOWS, number>, failuresTotal: number, refusedRequests: number } {
    const second = Math.floor(now / BUCKET_MS)
    const count = (ms: number): number => {
      let n = 0
      for (let i = 0; i < BUCKETS; i++) {
        const age = second - (this.bucketSecond[i] ?? -1)
        if (age >= 0 && age < ms / BUCKET_MS) n += this.bucketCount[i] ?? 0
      }
      return n
    }
    return {
      failures: { '1m': count(FAILURE_WINDOWS['1m']), '15m': count(FAILURE_WINDOWS['15m']), '1h': count(FAILURE_WINDOWS['1h']) },
      failuresTotal: this.failuresTotal,
      refusedRequests: this.refusalsTotal
    }
  }
}
