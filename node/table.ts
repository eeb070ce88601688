/** Plain-text output of the client commands: aligned columns and key/value blocks, for people. */

/** Rows under a header, each column as wide as its widest cell, two spaces apart; numbers right-aligned. */
export function table (header: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map(r => r.map(c => String(c)))
  const numeric = header.map((_, i) => cells.length > 0 && cells.every(r => /^-?[\d.,]+%?$|^–$/.test(r[i] ?? '')))
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map(r => (r[i] ?? '').length)))
  const line = (r: string[]): string => r.map((c, i) => {
    const w = widths[i] ?? 0
    return numeric[i] === true ? c.padStart(w) : c.padEnd(w)
  }).join('  ').trimEnd()
  return [line(header), ...cells.map(line)].join('\n')
}

/** `key  value` lines, the keys aligned. */
export function fields (entries: Array<[string, string | number]>): string {
  const width = Math.max(...entries.map(([k]) => k.length))
  return entries.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')
}

export const percent = (share: number): string => `${Math.round(share * 100)}%`
export const orDash = (x: string | number | null | undefined): string => x === null || x === undefined || x === '' ? '–' : String(x)
