/** Number formats shared by the HTML report and the terminal. Missing figures read "n/a". */

const MISSING = 'n/a'

/** Drops trailing zeros so that tick labels read "2 s", not "2.00 s". */
function fixed (value: number, digits: number): string {
  return String(Number(value.toFixed(digits)))
}

/** A duration at a precision that suits its size: "0.42 ms", "123 ms", "1.25 s", "12.4 s", "12.5 min". */
export function formatMs (ms: number | null): string {
  // A NaN in a Summary comes back from JSON as null: both read as missing.
  if (ms === null || !Number.isFinite(ms)) return MISSING
  const abs = Math.abs(ms)
  if (abs < 1) return `${fixed(ms, 2)} ms`
  if (abs < 10) return `${fixed(ms, 1)} ms`
  if (abs < 1_000) return `${fixed(ms, 0)} ms`
  if (abs < 10_000) return `${fixed(ms / 1_000, 2)} s`
  if (abs < 600_000) return `${fixed(ms / 1_000, 1)} s`
  return `${fixed(ms / 60_000, 1)} min`
}

/** A share (0..1) as a percentage: "100 %", "87.5 %". */
export function formatShare (share: number | null): string {
  if (share === null || !Number.isFinite(share)) return MISSING
  return `${fixed(share * 100, 1)} %`
}

export function formatBytes (bytes: number): string {
  if (!Number.isFinite(bytes)) return MISSING
  const mib = bytes / 2 ** 20
  return mib < 1_024 ? `${fixed(mib, 1)} MiB` : `${fixed(mib / 1_024, 2)} GiB`
}

/** Thousands grouped, so that 10000 nodes read "10,000". */
export function formatCount (n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : MISSING
}

/** Escapes text for HTML content and quoted attributes: results carry errors and notes verbatim. */
export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, c => ESCAPES[c] ?? c)
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
