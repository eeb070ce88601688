import { median } from '../../src/stats.ts'
import type { Progress } from '../engine.ts'
import type { SimulationResult, StepRecord } from '../result.ts'
import { formatCount, formatMs, formatShare } from './format.ts'

/** What the terminal shows while a scenario runs and after: a progress bar and a summary table. */

export type ProgressReporter = ((p: Progress) => void) & {
  /** Ends the progress line so that what follows starts on a fresh one. */
  done: () => void
}

const BAR_WIDTH = 20
/** Longest step summary in the table: the HTML report and the JSON keep the full text. */
const MAX_SUMMARY = 72

/** `[#####...............] step 3/9 crash 2  12.4 s`: filled by the steps already done. */
export function progressLine (p: Progress): string {
  const done = p.steps === 0 ? 0 : Math.max(0, Math.min(p.steps, p.step - 1)) / p.steps
  const filled = Math.round(done * BAR_WIDTH)
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] step ${p.step}/${p.steps} ${p.label}  ${formatMs(p.at_ms)}`
}

/**
 * On a TTY, redraws one line in place with `\r` (cut to the terminal's width: a wrapped line
 * cannot be redrawn); elsewhere, as in CI logs, prints one plain line per new step.
 */
export function progressReporter (stream: NodeJS.WriteStream): ProgressReporter {
  let last = ''
  let lastStep = -1
  const tty = stream.isTTY === true
  const report = (p: Progress): void => {
    if (tty) {
      const line = progressLine(p).slice(0, Math.max(10, (stream.columns ?? 80) - 1))
      // The engine may report often within a step; write only when the text changes.
      if (line === last) return
      stream.write(`\r${line}\x1b[K`)
      last = line
    } else if (p.step !== lastStep) {
      stream.write(`${progressLine(p)}\n`)
    }
    lastStep = p.step
  }
  const done = (): void => {
    if (tty && last !== '') stream.write('\n')
    last = ''
  }
  return Object.assign(report, { done })
}

const paint = (color: boolean, code: number, text: string): string => (color ? `\x1b[${code}m${text}\x1b[0m` : text)
const GREEN = 32
const RED = 31

function cut (text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** Columns padded to their widest cell; `right` columns align their numbers. */
function table (header: string[], rows: string[][], right: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)))
  const line = (cells: string[]): string => cells
    .map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
    .join('  ').trimEnd()
  return [line(header), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(line)]
}

function stepRows (steps: readonly StepRecord[]): string[][] {
  return steps.map(s => [String(s.index), s.kind, cut(s.summary.replace(/\s+/g, ' '), MAX_SUMMARY), formatMs(s.at_ms), formatMs(s.duration_ms), s.ok ? 'ok' : s.interrupted === true ? 'INTERRUPTED' : 'FAILED'])
}

function detectionLine (r: SimulationResult): string {
  if (r.detection.length === 0) return 'none'
  const known = (values: Array<number | null>): number[] => values.filter((v): v is number => v !== null)
  const suspect = known(r.detection.map(d => d.suspect_median_ms))
  const down = known(r.detection.map(d => d.all_down_ms))
  const missed = r.detection.length - down.length
  return `${r.detection.length} event${r.detection.length === 1 ? '' : 's'}: suspect ${formatMs(suspect.length === 0 ? null : median(suspect))}, ` +
    `all down ${formatMs(down.length === 0 ? null : median(down))} (medians)` +
    (missed > 0 ? `; ${missed} not seen down by all` : '')
}

/** Per node, what it receives a second of telemetry and membership (the budgeted kinds), mean, p99 and max over every node. */
function trafficLines (r: SimulationResult): string[] {
  const t = r.traffic
  if (t === undefined) return []
  return t.kinds.filter(k => k.sent_per_s.max > 0).map(k =>
    `${k.kind}: received ${fmtRate(k.received_per_s.mean)}/${fmtRate(k.received_per_s.p99)}/${fmtRate(k.received_per_s.max)}, ` +
    `sent ${fmtRate(k.sent_per_s.mean)}/${fmtRate(k.sent_per_s.p99)}/${fmtRate(k.sent_per_s.max)} msgs/s per node (mean/p99/max)` +
    (k.received_bytes_per_s === null ? '' : `, ${fmtRate(k.received_bytes_per_s.mean / 1024)} KiB/s in`))
}

const fmtRate = (x: number): string => x >= 100 ? x.toFixed(0) : x.toFixed(1)

function requestsLine (r: SimulationResult): string {
  const q = r.requests
  if (q === null) return 'none'
  return `${formatCount(q.total)}, errors ${formatShare(q.error_rate)}, p50 ${formatMs(q.latency_ms.p50)}, p99 ${formatMs(q.latency_ms.p99)}`
}

/** The last sample of each subject: where agreement ended up. */
function agreementLines (r: SimulationResult): string[] {
  const last = new Map<string, { at_ms: number, share: number, outcomes: number }>()
  for (const s of r.agreement) {
    const prev = last.get(s.subject)
    if (prev === undefined || s.at_ms >= prev.at_ms) last.set(s.subject, s)
  }
  if (last.size === 0) return ['none']
  return [...last].map(([subject, s]) => `${subject}: ${formatShare(s.share)} (${s.outcomes} outcome${s.outcomes === 1 ? '' : 's'})`)
}

/** The steps, then the key figures and the verdict, as plain text (ANSI colours only if `color`). */
export function summaryTable (result: SimulationResult, color = false): string {
  const steps = result.steps.length === 0
    ? ['no steps ran']
    : table(['#', 'kind', 'summary', 'at', 'duration', 'ok'], stepRows(result.steps), new Set([0, 3, 4]))
      .map(line => (line.endsWith('FAILED') || line.endsWith('INTERRUPTED') ? paint(color, RED, line) : line))
  const conv = result.convergence.times_ms
  const figures: Array<[string, string]> = [
    ['scenario', `${result.scenario} (${result.mode}, seed ${result.seed})`],
    ['nodes', `${formatCount(result.nodes)} in ${result.procs} process${result.procs === 1 ? '' : 'es'}`],
    ['wall time', formatMs(result.wall_ms) + (result.virtual_ms === null ? '' : `, virtual ${formatMs(result.virtual_ms)}`)],
    ['convergence', conv === null ? 'none' : `p50 ${formatMs(conv.p50)}, p99 ${formatMs(conv.p99)} (${formatCount(conv.count)} snapshots)`],
    ['detection', detectionLine(result)],
    ['requests', requestsLine(result)],
    ...trafficLines(result).map((line, i): [string, string] => [i === 0 ? 'traffic' : '', line]),
    ...agreementLines(result).map((line, i): [string, string] => [i === 0 ? 'agreement' : '', line])
  ]
  const width = Math.max(...figures.map(([k]) => k.length))
  const verdict = result.ok ? paint(color, GREEN, 'PASS') : paint(color, RED, `FAIL: ${result.error ?? 'a step failed'}`)
  return [
    ...steps,
    '',
    ...figures.map(([k, v]) => `${k.padEnd(width)}  ${v}`),
    '',
    verdict
  ].join('\n') + '\n'
}
