import { escapeHtml } from './format.ts'

/**
 * Hand-written SVG charts for the HTML report: a line chart over a numeric x axis and a bar
 * chart over categories, both with axes, ticks and labels. Pure functions returning markup;
 * the page's CSS styles them (classes `grid`, `axis`, `tick`, `event`), so they print as shown.
 */

export interface Axis {
  label: string
  format: (value: number) => string
  /** A fixed top of the domain (a share is always 0..1); otherwise a nice value above the data. */
  max?: number
}

export interface Point { x: number, y: number }

/** A point to ring, e.g. where nodes disagree; `title` shows on hover. */
export interface Mark extends Point { title: string }

export interface LineSeries {
  label: string
  color: string
  /** An SVG dash pattern: tells overlapping lines apart, also printed in black and white. */
  dash?: string
  points: Point[]
  marks?: Mark[]
}

/** A vertical dashed line at `x` (a scenario step), labelled briefly, explained on hover. */
export interface EventLine { x: number, label: string, title: string }

export interface LineChartSpec {
  /** Read by screen readers. */
  title: string
  x: Axis
  y: Axis
  series: LineSeries[]
  events?: EventLine[]
}

export interface BarGroup {
  label: string
  title: string
  /** One value per series; null draws no bar (the hover title says n/a). */
  values: Array<number | null>
}

export interface BarChartSpec {
  title: string
  xLabel: string
  y: Axis
  series: Array<{ label: string, color: string }>
  groups: BarGroup[]
}

const WIDTH = 720
const HEIGHT = 260
const MARGIN = { left: 64, right: 16, top: 20, bottom: 46 }
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom
const BOTTOM = MARGIN.top + PLOT_H
/** Rough width of one character of an 11 px label, to keep category labels from overlapping. */
const CHAR_W = 6.2
/** Narrowest bar that still has room for an "n/a" in place of a missing value. */
const MIN_TEXT_BAR = 14
/** Beyond this many points a series is thinned: the SVG stays small for a 10,000-node model. */
const MAX_BUCKETS = 600

/** Ticks from 0 at a 1-2-5 step, and the domain top they end at. */
export function niceScale (max: number, target = 5): { top: number, ticks: number[] } {
  if (!(max > 0) || !Number.isFinite(max)) return { top: 1, ticks: [0, 1] }
  const raw = max / target
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const norm = raw / magnitude
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude
  const count = Math.ceil(max / step - 1e-9)
  // toPrecision: 0.1 * 3 must label as 0.3, not 0.30000000000000004.
  const ticks = Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)))
  return { top: count * step, ticks }
}

/** The domain top: the axis's fixed one, or a nice value above the largest datum. */
function domain (axis: Axis, dataMax: number): { top: number, ticks: number[] } {
  if (axis.max === undefined) return niceScale(dataMax)
  return { top: axis.max, ticks: niceScale(axis.max).ticks }
}

/**
 * Keeps the lowest and the highest point of each of `buckets` runs of points, in order: a long
 * series draws fast and a short dip still shows.
 */
export function thin (points: readonly Point[], buckets = MAX_BUCKETS): Point[] {
  if (points.length <= buckets * 2) return [...points]
  const size = Math.ceil(points.length / buckets)
  const out: Point[] = []
  for (let i = 0; i < points.length; i += size) {
    const run = points.slice(i, i + size)
    const low = run.reduce((a, b) => (b.y < a.y ? b : a))
    const high = run.reduce((a, b) => (b.y > a.y ? b : a))
    out.push(...(low.x <= high.x ? [low, high] : [high, low]))
  }
  return out
}

const n = (v: number): string => String(Math.round(v * 10) / 10)

function svgOpen (title: string): string {
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">`
}

/** Horizontal grid lines with value labels at the left, and the rotated axis label. */
function yAxis (axis: Axis, ticks: number[], sy: (v: number) => number): string {
  const lines = ticks.map(t => {
    const y = n(sy(t))
    return `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}"/>` +
      `<text class="tick" x="${MARGIN.left - 6}" y="${y}" dy="0.32em" text-anchor="end">${escapeHtml(axis.format(t))}</text>`
  })
  const mid = MARGIN.top + PLOT_H / 2
  return lines.join('') +
    `<text class="label" transform="translate(14 ${mid}) rotate(-90)" text-anchor="middle">${escapeHtml(axis.label)}</text>`
}

function xAxisLine (): string {
  return `<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${BOTTOM}" y2="${BOTTOM}"/>`
}

function xLabel (label: string): string {
  return `<text class="label" x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 6}" text-anchor="middle">${escapeHtml(label)}</text>`
}

function linear (top: number, from: number, to: number): (v: number) => number {
  const k = top === 0 ? 0 : (to - from) / top
  return v => from + v * k
}

function eventLines (events: readonly EventLine[], sx: (v: number) => number): string {
  let lastLabelX = -Infinity
  return events.map(e => {
    const x = sx(e.x)
    // Steps that start together would print their labels on top of each other: label the first.
    const label = x - lastLabelX >= 14 ? `<text class="event" x="${n(x)}" y="${MARGIN.top - 6}" text-anchor="middle">${escapeHtml(e.label)}</text>` : ''
    if (label !== '') lastLabelX = x
    return `<g><title>${escapeHtml(e.title)}</title>` +
      `<line class="event" x1="${n(x)}" x2="${n(x)}" y1="${MARGIN.top}" y2="${BOTTOM}"/>${label}</g>`
  }).join('')
}

function seriesPath (s: LineSeries, sx: (v: number) => number, sy: (v: number) => number): string {
  const points = thin(s.points)
  const title = `<title>${escapeHtml(s.label)}</title>`
  if (points.length === 1 && points[0] !== undefined) {
    return `<circle cx="${n(sx(points[0].x))}" cy="${n(sy(points[0].y))}" r="2.5" fill="${s.color}">${title}</circle>`
  }
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(sx(p.x))} ${n(sy(p.y))}`).join('')
  const dash = s.dash === undefined ? '' : ` stroke-dasharray="${s.dash}"`
  return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8" stroke-linejoin="round"${dash}>${title}</path>`
}

function marks (s: LineSeries, sx: (v: number) => number, sy: (v: number) => number): string {
  return (s.marks ?? []).map(m =>
    `<circle class="mark" cx="${n(sx(m.x))}" cy="${n(sy(m.y))}" r="3.5"><title>${escapeHtml(m.title)}</title></circle>`
  ).join('')
}

export function lineChart (spec: LineChartSpec): string {
  const events = spec.events ?? []
  const all = spec.series.flatMap(s => s.points)
  const xMax = Math.max(0, ...all.map(p => p.x), ...events.map(e => e.x))
  const yMax = Math.max(0, ...all.map(p => p.y))
  const xd = domain(spec.x, xMax)
  const yd = domain(spec.y, yMax)
  const sx = linear(xd.top, MARGIN.left, MARGIN.left + PLOT_W)
  const sy = linear(yd.top, BOTTOM, MARGIN.top)
  const xTicks = xd.ticks.map(t =>
    `<line class="axis" x1="${n(sx(t))}" x2="${n(sx(t))}" y1="${BOTTOM}" y2="${BOTTOM + 4}"/>` +
    `<text class="tick" x="${n(sx(t))}" y="${BOTTOM + 16}" text-anchor="middle">${escapeHtml(spec.x.format(t))}</text>`
  ).join('')
  return svgOpen(spec.title) +
    yAxis(spec.y, yd.ticks, sy) + xAxisLine() + xTicks + xLabel(spec.x.label) +
    eventLines(events, sx) +
    spec.series.map(s => seriesPath(s, sx, sy)).join('') +
    spec.series.map(s => marks(s, sx, sy)).join('') +
    '</svg>'
}

/** Every k-th category label, so that labels of about `chars` characters do not overlap. */
function labelEvery (groups: number, chars: number): number {
  return Math.max(1, Math.ceil(groups * (chars * CHAR_W + 8) / PLOT_W))
}

export function barChart (spec: BarChartSpec): string {
  const values = spec.groups.flatMap(g => g.values).filter((v): v is number => v !== null && Number.isFinite(v))
  const yd = domain(spec.y, Math.max(0, ...values))
  const sy = linear(yd.top, BOTTOM, MARGIN.top)
  const groupW = PLOT_W / Math.max(1, spec.groups.length)
  const barW = (groupW * 0.8) / Math.max(1, spec.series.length)
  const every = labelEvery(spec.groups.length, Math.max(0, ...spec.groups.map(g => g.label.length)))
  const groups = spec.groups.map((g, gi) => {
    const x0 = MARGIN.left + gi * groupW + groupW * 0.1
    const bars = spec.series.map((s, si) => {
      const v = g.values[si] ?? null
      const title = `<title>${escapeHtml(`${g.title}: ${s.label} ${v === null ? 'n/a' : spec.y.format(v)}`)}</title>`
      const x = x0 + si * barW
      if (v === null || !Number.isFinite(v)) {
        // Too narrow to say n/a legibly: the gap alone shows it, and the hover title.
        return barW < MIN_TEXT_BAR ? '' : `<text class="missing" x="${n(x + barW / 2)}" y="${BOTTOM - 4}" text-anchor="middle">${title}n/a</text>`
      }
      const y = sy(Math.min(v, yd.top))
      // A 1 px gap between bars only while bars are wide enough to spare it.
      const w = barW > 3 ? barW - 1 : barW
      return `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(BOTTOM - y)}" fill="${s.color}">${title}</rect>`
    }).join('')
    const cx = x0 + groupW * 0.4
    const fits = cx + (g.label.length * CHAR_W) / 2 <= WIDTH
    const label = gi % every === 0 && fits
      ? `<text class="tick" x="${n(cx)}" y="${BOTTOM + 16}" text-anchor="middle">${escapeHtml(g.label)}</text>`
      : ''
    return `<g>${bars}${label}</g>`
  }).join('')
  return svgOpen(spec.title) + yAxis(spec.y, yd.ticks, sy) + groups + xAxisLine() + xLabel(spec.xLabel) + '</svg>'
}
