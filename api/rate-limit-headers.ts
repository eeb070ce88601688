import type { Quota } from '../src/platform/rate-limiter.ts'

/** The `X-RateLimit-*` headers of a routed response: the window's limit, what may be spent now, and the window's end in Unix seconds. */
export function rateLimitHeaders (quota: Quota): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(quota.limit),
    'X-RateLimit-Remaining': String(quota.remaining),
    'X-RateLimit-Reset': String(Math.ceil(quota.resetAt / 1000))
  }
}
