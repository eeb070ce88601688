import { createHmac, timingSafeEqual } from 'node:crypto'

/** The headers of a delivery (as Stripe's): the timestamp apart, the signature over `timestamp.body`. */
export const SIGNATURE_HEADER = 'X-Meshnode-Signature'
export const TIMESTAMP_HEADER = 'X-Meshnode-Timestamp'

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, keyed with the webhook's secret; the timestamp is Unix seconds. */
export function webhookSignature (secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/**
 * What a receiver checks: the signature matches (in constant time), and the timestamp is
 * within `toleranceS` of its clock, so that a captured delivery cannot be replayed later.
 */
export function verifyWebhookSignature (secret: string, timestamp: string, body: string, signature: string, nowS: number, toleranceS = 300): boolean {
  const ts = Number(timestamp)
  if (!Number.isInteger(ts) || Math.abs(nowS - ts) > toleranceS) return false
  const expected = Buffer.from(webhookSignature(secret, ts, body))
  const given = Buffer.from(signature)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
