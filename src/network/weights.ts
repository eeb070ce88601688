/**
 * A weights snapshot: operator peer id -> voting weight. Tallies and elections both count
 * weight, so the check lives below governance and election alike.
 */
export type Weights = Readonly<Record<string, number>>

/**
 * The weight of the whole snapshot, after checking that every weight is a positive integer and
 * that the sum is exact in a double (so that weight sums need no bigint). Throws RangeError
 * otherwise: the snapshot is validated where it enters the system, so this is a bug guard.
 */
export function totalWeight (weights: Weights): number {
  let total = 0
  for (const [who, w] of Object.entries(weights)) {
    if (!Number.isSafeInteger(w) || w <= 0) throw new RangeError(`weight of ${who} must be a positive integer, got ${w}`)
    total += w
  }
  if (!Number.isSafeInteger(total)) throw new RangeError(`total weight ${total} is too large to add exactly`)
  return total
}
