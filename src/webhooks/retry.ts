/** When a failed delivery is tried again, and for how long. */
export interface RetryPolicy {
  baseDelayMs: number
  maxDelayMs: number
  /** A delivery not done this long after its event (or its redelivery) has failed for good. */
  maxAgeMs: number
}

/**
 * The time of the next attempt after `attempts` failed ones: exponential backoff with equal
 * jitter (half the delay fixed, half random), so that the deliveries that failed together
 * (a receiver down) do not all come back at once; undefined past the maximum age.
 */
export function nextAttemptAt (policy: RetryPolicy, attempts: number, now: number, since: number, random: number): number | undefined {
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1))
  const at = now + Math.round(delay / 2 + delay / 2 * random)
  return at - since > policy.maxAgeMs ? undefined : at
}
