import { z } from 'zod'
import { MeshError } from '../errors.ts'

/**
 * Exact decimal amounts for billing: quantities, prices and money are kept as bigint counts of
 * millionths, so that sums are exact and the same on every node whatever the order of
 * addition. On the wire they stay JSON numbers, read as the shortest decimal that denotes
 * them (what `String(x)` prints), which must have at most DECIMALS decimals: 0.3 is 300000
 * millionths, 0.1 + 0.2 (0.30000000000000004) is refused.
 */
export type Decimal = bigint

export const DECIMALS = 6
const SCALE = 10n ** BigInt(DECIMALS)
const SCALE_NUMBER = 10 ** DECIMALS
/** The largest amount of one usage record. */
export const MAX_AMOUNT = 1_000_000_000
/** The largest unit price of the price list. */
export const MAX_UNIT_PRICE = 1_000_000

/** Below this, millionths are integers that doubles hold exactly (2^52 millionths). */
const MAX_PARSED = 2 ** 52 / SCALE_NUMBER

/**
 * The exact millionths of a number, or undefined if it has more decimals, is negative, not
 * finite or above MAX_PARSED. A double has at most 6 decimals in its shortest form exactly when
 * it is the double nearest to k millionths for an integer k, which is k / 1e6 (a correctly
 * rounded division), so no string is built.
 */
export function parseDecimal (x: number): Decimal | undefined {
  if (!Number.isFinite(x) || x < 0 || x > MAX_PARSED) return undefined
  const k = Math.round(x * SCALE_NUMBER)
  return k / SCALE_NUMBER === x ? BigInt(k) : undefined
}

/** Like parseDecimal, for values the edges already checked; a MeshError otherwise. */
export function decimal (x: number): Decimal {
  const d = parseDecimal(x)
  if (d === undefined) throw new MeshError('VALIDATION_ERROR', `${x} is not an amount with at most ${DECIMALS} decimals`)
  return d
}

/** The decimal string of an amount: at most DECIMALS decimals, no trailing zeros. */
export function formatDecimal (d: Decimal): string {
  const int = d / SCALE
  const frac = (d % SCALE).toString().padStart(DECIMALS, '0').replace(/0+$/, '')
  return frac === '' ? int.toString() : `${int}.${frac}`
}

/**
 * The JSON number of an amount: exact up to 2^53 millionths (about 9 billion); beyond that,
 * the nearest double, which is still the same on every node since it comes from the exact value.
 */
export function toNumber (d: Decimal): number {
  return Number(formatDecimal(d))
}

/** quantity x unit price, rounded half up to millionths (amounts are never negative). */
export function multiply (quantity: Decimal, price: Decimal): Decimal {
  return (quantity * price + SCALE / 2n) / SCALE
}

/** A zod number that is an exact decimal, positive or at least 0, at most `max`. */
export function exactNumber (max: number, positive: boolean): z.ZodNumber {
  const base = z.number().finite().max(max)
  return (positive ? base.positive() : base.min(0))
    .refine(x => parseDecimal(x) !== undefined, { message: `at most ${DECIMALS} decimals` })
}
