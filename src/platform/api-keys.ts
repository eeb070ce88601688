import { createHash } from 'node:crypto'

/**
 * API keys: a fixed prefix that secret scanners can match (as GitHub's `ghp_` and Stripe's
 * `sk_live_`), then 256 random bits in hex. A key has that much entropy, so a plain SHA-256
 * of it is what the records carry: no salt or slow hash is needed to keep it from being guessed.
 */
export const API_KEY_PREFIX = 'mn_live_'

/** Random bytes, passed in (node:crypto's randomBytes live). */
export type RandomBytes = (n: number) => Uint8Array

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

export function newApiKey (random: RandomBytes): string {
  return `${API_KEY_PREFIX}${hex(random(32))}`
}

/** Whether a credential is shaped as an API key (a bearer token that is not one may be an anonymous caller's). */
export function looksLikeApiKey (credential: string): boolean {
  return credential.startsWith(API_KEY_PREFIX)
}

export function apiKeyHash (secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** A new record id: its prefix and 96 random bits in hex. */
export function newId (prefix: 'ten' | 'key' | 'sub', random: RandomBytes): string {
  return `${prefix}_${hex(random(12))}`
}
