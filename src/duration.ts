import { z } from 'zod'

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** A duration as people write it (`500ms`, `30s`, `10m`, `2h`, `14d`) or a number of milliseconds. */
export const DurationSchema = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 500ms, 30s, 10m, 2h or 14d').transform(s => {
    const [, n, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(s) ?? []
    return Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS]
  })
], { error: 'expected a duration such as 500ms, 30s, 10m, 2h or 14d, or a positive number of milliseconds' })
