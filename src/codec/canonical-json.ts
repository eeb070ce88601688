import { configure } from 'safe-stable-stringify'

/**
 * JSON with object keys sorted, so that equal values give equal bytes on every node: what
 * gets hashed or signed is serialised with this.
 */
const stable = configure({ deterministic: true, bigint: false, circularValue: Error })

export function canonicalJson (value: object): string {
  return stable(value)
}
