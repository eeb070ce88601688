import { z } from 'zod'
import { MeshError } from '../errors.ts'

/**
 * Exact decimal amounts for billing: quantities, prices and money are kept as bigint counts of
 * millionths, so that sums are exact and the same on every node whatever the order of
 * addition. On the wire they stay JSON numbers, read as the shortest decimal that denotes
 * them (what `String(x)` prints), which must have at most DECIMALS decimals.
 */
export type Decimal = bigint

export const DECIMALS = 6
const SCALE = 10n ** BigInt(DECIMALS)
/** The largest amount of one usage record. */
export const MAX_AMOUNT = 1_000_000_000
/** The largest unit price of the price list. */
export const MAX_UNIT_PRICE = 1_000_000

const PLAIN = new RegExp(`^(\\d+)(?:\\.(\\d{1,${DECIMALS}}))?$`)

/** The exact millionths of a number, or undefined if it has more decimals, is negative or not finite. */
export function parseDecimal (x: number): Decimal | undefined {
  // Numbers from 1e-6 to below 1e21 print without an exponent; anything else is out of range anyway.
  const m = Number.isFinite(x) ? PLAIN.exec(String(x)) : null
  if (m === null) return undefined
  return BigInt(m[1] ?? '0') * SCALE + BigInt((m[2] ?? '').padEnd(DECIMALS, '0'))
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
