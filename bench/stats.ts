/** Shared helpers of the benchmarks: percentiles, formatting and a plain-text table. */
import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'

export { median, percentile, summarize, type Summary } from '../src/stats.ts'

export function fmtMs (ms: number, digits = 1): string {
  return Number.isFinite(ms) ? `${ms.toFixed(digits)} ms` : '-'
}

export function fmtMb (bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : '-'
}

export function fmtNum (n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-'
}

export function fmtPct (share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(0)} %` : '-'
}

export function verdict (pass: boolean): string {
  return pass ? 'PASS' : 'MISS'
}

/** A left-aligned first column and right-aligned others, separated by two spaces. */
export function table (headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)))
  const line = (cells: string[]): string => cells
    .map((c, i) => i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))
    .join('  ')
    .trimEnd()
  const rule = widths.map(w => '-'.repeat(w)).join('  ')
  return [line(headers), rule, ...rows.map(line)].join('\n')
}

/** Resident set size of a process in bytes, from /proc/<pid>/status (Linux); field VmRSS or VmHWM. */
export async function procMemory (pid: number): Promise<{ rss: number, hwm: number }> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text)
    return m?.[1] === undefined ? Number.NaN : Number(m[1]) * 1024
  }
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') }
}

const clockTicks = ((): number => {
  try {
    const t = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5_000 }).trim())
    return Number.isInteger(t) && t > 0 ? t : 100
  } catch {
    return 100
  }
})()

/** utime + stime of a process (all its threads), in seconds, from /proc/<pid>/stat. */
export async function procCpuSeconds (pid: number): Promise<number> {
  return cpuSecondsOfStat(await readFile(`/proc/${pid}/stat`, 'utf8'), pid)
}

/** utime + stime, in seconds, from the text of /proc/<pid>/stat. */
export function cpuSecondsOfStat (text: string, pid: number): number {
  // Fields after "(comm)", which may hold spaces: state is field 3, utime 14, stime 15.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const utime = Number(rest[11])
  const stime = Number(rest[12])
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`cannot parse /proc/${pid}/stat`)
  return (utime + stime) / clockTicks
}

export const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** What every benchmark returns to the runner. */
export interface BenchOutcome {
  name: string
  target: string
  pass: boolean
  /** The measured figure against the target, for the closing summary. */
  measured: string
}
