import type { NetworkParams } from '../network/params.ts'

/** The price list's entry for a resource type (own keys only: `constructor` is no resource). */
export function priceOf (list: NetworkParams['price_list'], resourceType: string): NetworkParams['price_list'][string] | undefined {
  return Object.hasOwn(list, resourceType) ? list[resourceType] : undefined
}

/** `YYYY-MM` of a timestamp, in UTC. */
export function periodOf (timestamp: number): string {
  return new Date(timestamp).toISOString().slice(0, 7)
}

/** The first millisecond of a `YYYY-MM` period. */
export function periodStart (period: string): number {
  const [y, m] = period.split('-').map(Number)
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, 1)
}

/** The first millisecond after a `YYYY-MM` period. */
export function periodEnd (period: string): number {
  const [y, m] = period.split('-').map(Number)
  return Date.UTC(y ?? 1970, m ?? 1, 1)
}
