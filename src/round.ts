/** A figure rounded to `digits` decimals, for display (the API's views and the event payloads). */
export function round (x: number, digits = 4): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
