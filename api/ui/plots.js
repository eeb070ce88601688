// Plots of the operator UI, drawn with uPlot: a sparkline per peer figure, a time plot of the node's load.
import { h } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import htm from 'htm'
import uPlot from 'uplot'

const html = htm.bind(h)

/** A small line with no axes: the recent course of one figure, its latest value beside it. */
export function Sparkline ({ points, color, label, format }) {
  const el = useRef(null)
  const plot = useRef(null)
  useEffect(() => {
    plot.current = new uPlot({
      width: 96,
      height: 26,
      cursor: { show: false },
      legend: { show: false },
      select: { show: false },
      scales: { x: { time: false }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.15 : 1] } },
      axes: [{ show: false }, { show: false }],
      // A missing sample (the peer was not healthy) is a gap in the line, not a fall to zero.
      series: [{}, { stroke: color, width: 1.5, fill: `${color}26`, points: { show: false }, spanGaps: false }]
    }, [[], []], el.current)
    return () => plot.current?.destroy()
  }, [])
  useEffect(() => {
    plot.current?.setData([points.map((_, i) => i), points.map(p => p ?? null)])
  }, [points])
  const last = points.length === 0 ? null : points[points.length - 1]
  return html`<span class="spark" title=${label}>
    <span class="spark-plot" ref=${el}></span>
    <span class="spark-value">${last === null || last === undefined ? '–' : format(last)}</span>
  </span>`
}

/** A time plot of several series that share one axis, sized to its container. */
export function TimePlot ({ times, series, height = 160, unit }) {
  const el = useRef(null)
  const plot = useRef(null)
  useEffect(() => {
    const width = Math.max(200, el.current.clientWidth)
    plot.current = new uPlot({
      width,
      height,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { y: { range: (_u, _min, max) => [0, Math.max(max * 1.1, unit === '%' ? 10 : 1)] } },
      axes: [
        // Wall-clock times, at most one label per 90 px, on whole seconds or minutes.
        { stroke: '#8a94a6', grid: { stroke: '#2a3140' }, ticks: { stroke: '#2a3140' }, space: 90, incrs: [5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600], values: (_u, vals) => vals.map(v => new Date(v * 1000).toLocaleTimeString('en-GB', { hour12: false })) },
        { stroke: '#8a94a6', grid: { stroke: '#2a3140' }, ticks: { stroke: '#2a3140' }, values: (_u, vals) => vals.map(v => `${v}${unit}`), size: 48 }
      ],
      series: [{}, ...series.map(s => ({ label: s.label, stroke: s.color, width: 2, fill: `${s.color}1f`, points: { show: false } }))]
    }, [times, ...series.map(s => s.values)], el.current)
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.current.clientWidth), height }))
    resize.observe(el.current)
    return () => {
      resize.disconnect()
      plot.current?.destroy()
    }
  }, [])
  useEffect(() => {
    plot.current?.setData([times, ...series.map(s => s.values)])
  }, [times, series])
  return html`<div class="timeplot" ref=${el}></div>`
}
