import { configure } from 'safe-stable-stringify'
import { MAX_ENCODE_DEPTH, depthError, nestsDeeperThan } from './json-depth.ts'

/**
 * JSON with object keys sorted, so that equal values give equal bytes on every node: what
 * gets hashed or signed is serialised with this.
 */
const stable = configure({ deterministic: true, bigint: false, circularValue: Error })

/** Refuses a value nested deeper than MAX_ENCODE_DEPTH with a VALIDATION_ERROR: the encoder recurses, and would overflow the stack. */
export function canonicalJson (value: object): string {
  if (nestsDeeperThan(value, MAX_ENCODE_DEPTH)) throw depthError(MAX_ENCODE_DEPTH)
  return stable(value)
}
