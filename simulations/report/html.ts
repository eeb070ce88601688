import type { Summary } from '../../src/stats.ts'
import type { AgreementSample, DetectionRecord, RequestFigures, SimulationResult, StepRecord } from '../result.ts'
import { escapeHtml as esc, formatBytes, formatCount, formatMs, formatShare } from './format.ts'
import { barChart, lineChart, type EventLine, type LineSeries } from './svg.ts'

/**
 * The HTML report of a simulation run: one self-contained file (inline CSS and SVG, no
 * scripts, fonts or remote resources) that reads the same offline and on paper.
 */

const PALETTE = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#78716c']
/** Agreement lines often overlap at 100 %: a dash per subject lets the one beneath show. */
const DASHES = [undefined, '7 4', '2 3', '10 3 2 3']
const COLOR = { convergence: '#2563eb', suspect: '#f59e0b', down: '#b91c1c', latency: '#2563eb', load: '#0d9488' }
/** More bars than this would be slivers: the chart shows the busiest nodes and says so. */
const MAX_NODE_BARS = 60
/** The detection table lists this many records; the chart shows them all. */
const MAX_DETECTION_ROWS = 25

const msAxis = (label: string): { label: string, format: (v: number) => string } => ({ label, format: formatMs })
const shareAxis = { label: 'share of nodes', format: formatShare, max: 1 }

export function renderHtml (result: SimulationResult): string {
  const verdict = result.ok ? 'PASS' : 'FAIL'
  const events = stepEvents(result.steps)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`meshnode sim: ${result.scenario} (${result.mode}) ${verdict}`)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${header(result)}
${section('steps', 'Steps', stepsTable(result.steps))}
${section('convergence', 'Convergence over time', convergence(result, events))}
${section('detection', 'Failure detection', detection(result.detection))}
${section('requests', 'Requests', requests(result.requests))}
${section('agreement', 'Tally and election agreement', agreement(result.agreement, events))}
${section('notes', 'Notes', notes(result.notes))}
<footer>meshnode sim · ${esc(result.scenario)} · ${esc(result.mode)} · seed ${result.seed}</footer>
</main>
</body>
</html>
`
}

function section (id: string, title: string, body: string): string {
  return `<section id="${id}">\n<h2>${esc(title)}</h2>\n${body}\n</section>`
}

const empty = (text: string): string => `<p class="empty">${esc(text)}</p>`

function facts (pairs: Array<[string, string]>): string {
  return `<dl class="facts">${pairs.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>`
}

/** Swatches are SVG strokes, not CSS backgrounds: browsers drop backgrounds when printing. */
function legend (shape: 'bar' | 'line', items: Array<{ label: string, color: string, dash?: string }>): string {
  const swatch = (color: string, dash: string | undefined): string =>
    `<svg class="swatch" viewBox="0 0 20 10"><line x1="0" x2="20" y1="5" y2="5" stroke="${color}" stroke-width="${shape === 'bar' ? 10 : 2.5}"${dash === undefined ? '' : ` stroke-dasharray="${dash}"`}/></svg>`
  return `<ul class="legend">${items.map(i => `<li>${swatch(i.color, i.dash)}${esc(i.label)}</li>`).join('')}</ul>`
}

function header (r: SimulationResult): string {
  const badge = r.ok ? '<span class="badge pass">PASS</span>' : '<span class="badge fail">FAIL</span>'
  const error = r.error === null ? '' : `<pre class="error">${esc(r.error)}</pre>`
  return `<header>
<p class="kicker">meshnode simulation report · started ${esc(startedAt(r.started_at))}</p>
<h1>${esc(r.scenario)} ${badge}</h1>
<p class="description">${esc(r.description)}</p>
${facts([
    ['mode', r.mode],
    ['seed', String(r.seed)],
    ['nodes', formatCount(r.nodes)],
    ['processes', formatCount(r.procs)],
    ['wall time', formatMs(r.wall_ms)],
    ['virtual time', formatMs(r.virtual_ms)],
    ['peak RSS', formatBytes(r.peak_rss_bytes)]
  ])}
${error}
</header>`
}

/** `2025-03-01 12:04:05 UTC`; a time that does not parse shows as written. */
function startedAt (iso: string): string {
  const t = new Date(iso)
  return Number.isNaN(t.getTime()) ? iso : `${t.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** Steps as dashed lines on the time charts, so a dip lines up with the crash that caused it. */
function stepEvents (steps: readonly StepRecord[]): EventLine[] {
  return steps.map(s => ({ x: s.at_ms, label: String(s.index), title: `step ${s.index} ${s.kind} at ${formatMs(s.at_ms)}: ${s.summary}` }))
}

function stepsTable (steps: readonly StepRecord[]): string {
  if (steps.length === 0) return empty('No steps ran.')
  const rows = steps.map(s => `<tr${s.ok ? '' : ' class="failed"'}>` +
    `<td class="num">${s.index}</td><td><code>${esc(s.kind)}</code></td><td>${esc(s.summary)}</td>` +
    `<td class="num">${formatMs(s.at_ms)}</td><td class="num">${formatMs(s.duration_ms)}</td>` +
    `<td class="${s.ok ? 'ok' : 'bad'}">${s.ok ? '✓ ok' : s.interrupted === true ? '✗ interrupted' : '✗ failed'}</td></tr>`).join('\n')
  return `<table>
<thead><tr><th class="num">#</th><th>kind</th><th>summary</th><th class="num">at</th><th class="num">duration</th><th>ok</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
}

function summaryFacts (s: Summary): Array<[string, string]> {
  return [['p50', formatMs(s.p50)], ['p90', formatMs(s.p90)], ['p99', formatMs(s.p99)], ['max', formatMs(s.max)]]
}

function convergence (r: SimulationResult, events: EventLine[]): string {
  const { samples, times_ms: times } = r.convergence
  if (samples.length === 0) return empty('No convergence samples in this run.')
  const chart = lineChart({
    title: 'Share of nodes holding the latest snapshot over time',
    x: msAxis('time since start'),
    y: shareAxis,
    series: [{ label: 'share holding the latest snapshot', color: COLOR.convergence, points: samples.map(s => ({ x: s.at_ms, y: s.share })) }],
    events
  })
  const last = samples[samples.length - 1]
  const aside = times === null
    ? empty('No snapshot was seen by every node: no convergence time.')
    : `<h3>Time to converge</h3><p class="small">per snapshot, until the last reachable node held it (${formatCount(times.count)} snapshots)</p>${facts(summaryFacts(times))}`
  const final = last === undefined ? '' : facts([['final share', `${formatShare(last.share)} at ${formatMs(last.at_ms)}`]])
  return `<div class="chart-row"><figure>${chart}
<figcaption>Share of (observer, author) pairs of running, reachable nodes where the observer holds the author's latest snapshot. Dashed lines mark the steps (numbered as in the table).</figcaption></figure>
<aside>${aside}${final}</aside></div>`
}

function detection (records: readonly DetectionRecord[]): string {
  if (records.length === 0) return empty('No crash, partition or churn to detect in this run.')
  const chart = barChart({
    title: 'Failure detection times per event',
    xLabel: 'node and cause',
    y: msAxis('time to notice'),
    series: [{ label: 'median time to suspect', color: COLOR.suspect }, { label: 'time until all saw it down', color: COLOR.down }],
    groups: records.map(d => ({
      label: `n${d.node} ${d.cause}`,
      title: `node ${d.node} ${d.cause} at ${formatMs(d.at_ms)} (${d.observers} observers)`,
      values: [d.suspect_median_ms, d.all_down_ms]
    }))
  })
  const rows = records.slice(0, MAX_DETECTION_ROWS).map(d => `<tr><td class="num">${d.node}</td><td>${esc(d.cause)}</td>` +
    `<td class="num">${formatMs(d.at_ms)}</td><td class="num">${formatCount(d.observers)}</td>` +
    `<td class="num">${formatMs(d.suspect_median_ms)}</td><td class="num">${d.all_down_ms === null ? 'not all before it came back' : formatMs(d.all_down_ms)}</td></tr>`).join('\n')
  const more = records.length > MAX_DETECTION_ROWS ? `<p class="small">…and ${formatCount(records.length - MAX_DETECTION_ROWS)} more events (all in the chart and the JSON).</p>` : ''
  return `${legend('bar', [{ label: 'median time to suspect', color: COLOR.suspect }, { label: 'time until every observer saw it down (n/a: not all did)', color: COLOR.down }])}
<figure>${chart}</figure>
<table>
<thead><tr><th class="num">node</th><th>cause</th><th class="num">at</th><th class="num">observers</th><th class="num">suspect (median)</th><th class="num">all down</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>${more}`
}

/** Bucket i counts latencies above bucket i-1's bound up to its own; the last has no bound. */
function bucketLabel (histogram: RequestFigures['histogram'], i: number): string {
  const le = histogram[i]?.le_ms ?? null
  if (le !== null) return `≤${formatMs(le)}`
  const below = histogram[i - 1]?.le_ms ?? null
  return below === null ? 'all' : `>${formatMs(below)}`
}

function requests (q: RequestFigures | null): string {
  if (q === null) return empty('No request load in this run.')
  const figures = facts([
    ['requests', formatCount(q.total)],
    ['errors', `${formatCount(q.errors)} (${formatShare(q.error_rate)})`],
    ...summaryFacts(q.latency_ms)
  ])
  const histogram = q.histogram.length === 0
    ? empty('No latency histogram recorded.')
    : `<figure>${barChart({
      title: 'Request latency histogram',
      xLabel: 'latency bucket',
      y: { label: 'requests', format: formatCount },
      series: [{ label: 'requests', color: COLOR.latency }],
      groups: q.histogram.map((b, i) => ({ label: bucketLabel(q.histogram, i), title: `latency ${bucketLabel(q.histogram, i)}`, values: [b.count] }))
    })}<figcaption>Requests per latency bucket.</figcaption></figure>`
  return `${figures}\n<h3>Latency</h3>\n${histogram}\n<h3>Load per node</h3>\n${loadPerNode(q.served_by)}`
}

function loadPerNode (servedBy: RequestFigures['served_by']): string {
  if (servedBy.length === 0) return empty('No node served a request.')
  const total = servedBy.reduce((s, b) => s + b.count, 0)
  const many = servedBy.length > MAX_NODE_BARS
  // With many nodes the busiest matter most: where the load concentrates.
  const shown = many ? [...servedBy].sort((a, b) => b.count - a.count).slice(0, MAX_NODE_BARS) : [...servedBy].sort((a, b) => a.node - b.node)
  const busiest = servedBy.reduce((a, b) => (b.count > a.count ? b : a))
  const chart = barChart({
    title: 'Requests served per node',
    xLabel: many ? `node (the ${MAX_NODE_BARS} busiest of ${formatCount(servedBy.length)})` : 'node',
    y: { label: 'requests served', format: formatCount },
    series: [{ label: 'requests served', color: COLOR.load }],
    groups: shown.map(b => ({ label: `n${b.node}`, title: `node ${b.node} (${formatShare(total === 0 ? 0 : b.count / total)})`, values: [b.count] }))
  })
  return `<figure>${chart}<figcaption>${formatCount(servedBy.length)} nodes served requests; the busiest, node ${busiest.node}, served ${formatCount(busiest.count)} (${formatShare(total === 0 ? 0 : busiest.count / total)}).</figcaption></figure>`
}

/** Samples by subject, in the order subjects first appear, each sorted by time. */
function bySubject (samples: readonly AgreementSample[]): Map<string, AgreementSample[]> {
  const subjects = new Map<string, AgreementSample[]>()
  for (const s of samples) subjects.set(s.subject, [...(subjects.get(s.subject) ?? []), s])
  for (const list of subjects.values()) list.sort((a, b) => a.at_ms - b.at_ms)
  return subjects
}

function agreement (samples: readonly AgreementSample[], events: EventLine[]): string {
  if (samples.length === 0) return empty('No proposal or election to agree on in this run.')
  const subjects = [...bySubject(samples)]
  const series: LineSeries[] = subjects.map(([subject, list], i) => ({
    label: subject,
    color: PALETTE[i % PALETTE.length] ?? '#000',
    dash: DASHES[i % DASHES.length],
    points: list.map(s => ({ x: s.at_ms, y: s.share })),
    marks: list.filter(s => s.outcomes > 1).map(s => ({ x: s.at_ms, y: s.share, title: `${subject}: ${s.outcomes} outcomes at ${formatMs(s.at_ms)}` }))
  }))
  const chart = lineChart({ title: 'Agreement on each proposal and election over time', x: msAxis('time since start'), y: shareAxis, series, events })
  const rows = subjects.map(([subject, list]) => {
    const last = list[list.length - 1]
    const split = list.filter(s => s.outcomes > 1)
    const most = Math.max(1, ...list.map(s => s.outcomes))
    return `<tr><td>${esc(subject)}</td><td class="num">${last === undefined ? 'n/a' : `${formatShare(last.share)} (${last.outcomes} outcome${last.outcomes === 1 ? '' : 's'})`}</td>` +
      `<td class="num">${split.length} of ${list.length}</td><td class="num">${most}</td></tr>`
  }).join('\n')
  return `${legend('line', series)}
<figure>${chart}<figcaption>Share of running nodes holding the most common outcome; ringed points are times when nodes held more than one outcome.</figcaption></figure>
<table>
<thead><tr><th>subject</th><th class="num">final share</th><th class="num">samples with disagreement</th><th class="num">most outcomes at once</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
}

function notes (list: readonly string[]): string {
  if (list.length === 0) return empty('No notes.')
  return `<ul class="notes">${list.map(note => `<li>${esc(note)}</li>`).join('\n')}</ul>`
}

const CSS = `
:root { color-scheme: light; --ink: #1f2933; --muted: #616e7c; --line: #dde2e7; --pass: #17663f; --fail: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 28px 28px 48px; }
.kicker { margin: 0; color: var(--muted); font-size: .8rem; letter-spacing: .06em; text-transform: uppercase; }
h1 { margin: 2px 0 4px; font-size: 1.7rem; }
h2 { margin: 0 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); font-size: 1.2rem; }
h3 { margin: 16px 0 6px; font-size: 1rem; }
aside h3 { margin-top: 0; }
.description { margin: 0 0 14px; color: var(--muted); }
section { margin-top: 32px; }
figure { margin: 0; }
figcaption, .small { color: var(--muted); font-size: .85rem; }
.badge { display: inline-block; padding: 0 10px; border: 1.5px solid; border-radius: 4px; font-size: .95rem; vertical-align: middle; }
.pass { color: var(--pass); background: #e9f6ef; }
.fail { color: var(--fail); background: #fdecea; }
.error { margin: 12px 0 0; padding: 8px 12px; border-left: 4px solid var(--fail); background: #fdf3f2; white-space: pre-wrap; word-break: break-word; font: .85rem/1.45 ui-monospace, "SF Mono", Menlo, Consolas, monospace; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 8px 18px; margin: 0 0 8px; }
aside dl.facts { grid-template-columns: 1fr 1fr; }
dt { color: var(--muted); font-size: .72rem; letter-spacing: .05em; text-transform: uppercase; }
dd { margin: 0; font-variant-numeric: tabular-nums; }
table { width: 100%; margin-top: 10px; border-collapse: collapse; font-size: .88rem; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fdecea; }
td.ok { color: var(--pass); white-space: nowrap; }
td.bad { color: var(--fail); font-weight: 600; white-space: nowrap; }
code { font: .85em ui-monospace, "SF Mono", Menlo, Consolas, monospace; }
.empty { color: var(--muted); font-style: italic; }
.chart-row { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: flex-start; }
.chart-row figure { flex: 1 1 600px; min-width: 0; }
.chart-row aside { flex: 0 1 230px; }
svg.chart { display: block; width: 100%; height: auto; }
svg text { font-family: inherit; font-size: 11px; fill: #52606d; }
svg text.label { font-size: 12px; fill: #3e4c59; }
svg .grid { stroke: #eceff2; }
svg .axis { stroke: #9aa5b1; }
svg line.event { stroke: #9aa5b1; stroke-dasharray: 3 3; }
svg text.event { font-size: 10px; fill: #7b8794; }
svg text.missing { font-size: 10px; fill: #7b8794; }
svg .mark { fill: none; stroke: #dc2626; stroke-width: 1.6; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 0 0 4px; padding: 0; list-style: none; font-size: .85rem; }
.swatch { width: 20px; height: 10px; margin-right: 6px; vertical-align: -1px; }
.notes li { margin-bottom: 4px; }
footer { margin-top: 40px; color: var(--muted); font-size: .8rem; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  section, figure, tr { break-inside: avoid; }
  .pass, .fail, .error, tr.failed td { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`
