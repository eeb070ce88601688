import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import type { Progress } from '../../simulations/engine.ts'
import { formatMs } from '../../simulations/report/format.ts'
import { renderHtml } from '../../simulations/report/html.ts'
import { niceScale, thin } from '../../simulations/report/svg.ts'
import { progressReporter, summaryTable } from '../../simulations/report/terminal.ts'
import { writeReport } from '../../simulations/report/write.ts'
import type { SimulationResult } from '../../simulations/result.ts'
import { summarize } from '../../src/stats.ts'

const XSS = '<script>alert(1)</script>'

/** Fixture: a hand-made live run that measured everything once. */
function fullResult (): SimulationResult {
  return {
    scenario: 'smoke',
    description: 'Five live nodes & every capability',
    mode: 'live',
    seed: 42,
    nodes: 5,
    procs: 1,
    started_at: '2025-03-01T12:04:05.123Z',
    wall_ms: 41_250,
    virtual_ms: null,
    peak_rss_bytes: 312 * 2 ** 20,
    ok: true,
    error: null,
    steps: [
      { index: 1, kind: 'start', summary: '5 nodes started', at_ms: 0, duration_ms: 1_800, ok: true },
      { index: 2, kind: 'wait_converged', summary: 'converged in 640 ms', at_ms: 1_800, duration_ms: 640, ok: true },
      { index: 3, kind: 'crash', summary: 'node 2 crashed', at_ms: 5_000, duration_ms: 12, ok: true },
      { index: 4, kind: 'load', summary: '1,200 requests at 40/s', at_ms: 8_000, duration_ms: 30_000, ok: true }
    ],
    convergence: {
      samples: [{ at_ms: 0, share: 0.2 }, { at_ms: 1_000, share: 0.7 }, { at_ms: 2_000, share: 1 }, { at_ms: 5_500, share: 0.8 }, { at_ms: 9_000, share: 1 }],
      times_ms: summarize([420, 510, 640, 700, 1_900])
    },
    detection: [
      { node: 2, cause: 'crash', at_ms: 5_000, suspect_median_ms: 1_400, all_down_ms: 3_900, observers: 4 },
      { node: 4, cause: 'partition', at_ms: 20_000, suspect_median_ms: 1_800, all_down_ms: null, observers: 3 }
    ],
    requests: {
      total: 1_200,
      errors: 6,
      error_rate: 0.005,
      latency_ms: summarize([3, 4, 5, 8, 12, 40]),
      histogram: [{ le_ms: 5, count: 700 }, { le_ms: 10, count: 380 }, { le_ms: 50, count: 114 }, { le_ms: null, count: 6 }],
      served_by: [{ node: 0, count: 310 }, { node: 1, count: 290 }, { node: 3, count: 300 }, { node: 4, count: 300 }]
    },
    agreement: [
      { at_ms: 10_000, subject: 'proposal p1', share: 0.6, outcomes: 2 },
      { at_ms: 12_000, subject: 'proposal p1', share: 1, outcomes: 1 },
      { at_ms: 11_000, subject: 'election epoch 2', share: 1, outcomes: 1 }
    ],
    notes: ['billing is not built yet: its steps were skipped', `a note with ${XSS} & "quotes"`]
  }
}

/** Fixture: a model run that measured nothing before its second step failed. */
function emptyFailedResult (): SimulationResult {
  return {
    ...fullResult(),
    scenario: 'partition-heal',
    mode: 'model',
    nodes: 10_000,
    virtual_ms: 60_000,
    ok: false,
    error: 'step 2 (assert converged) timed out after 5 s: 3 < 4 nodes',
    steps: [
      { index: 1, kind: 'start', summary: '10000 nodes started', at_ms: 0, duration_ms: 0, ok: true },
      { index: 2, kind: 'assert', summary: 'not converged by the deadline', at_ms: 0, duration_ms: 5_000, ok: false }
    ],
    convergence: { samples: [], times_ms: null },
    detection: [],
    requests: null,
    agreement: [],
    notes: []
  }
}

/** The markup of one report section. */
function sectionOf (html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`)
  assert.notEqual(start, -1, `section ${id}`)
  return html.slice(start, html.indexOf('</section>', start))
}

const count = (text: string, needle: string): number => text.split(needle).length - 1

/** A stream double that records what is written; `isTTY` decides how the reporter draws. */
function fakeStream (isTTY: boolean): { stream: NodeJS.WriteStream, output: () => string } {
  const chunks: string[] = []
  const stream = { isTTY, columns: 100, write: (chunk: string): boolean => { chunks.push(chunk); return true } }
  return { stream: stream as unknown as NodeJS.WriteStream, output: () => chunks.join('') }
}

const progress = (step: number, label: string, atMs: number): Progress => ({ step, steps: 4, label, at_ms: atMs })

describe('sim report: HTML', () => {
  test('draws an SVG in every plotted section of a full run', () => {
    const html = renderHtml(fullResult())
    const charts = (id: string): number => count(sectionOf(html, id), '<svg class="chart"')
    for (const id of ['convergence', 'detection', 'agreement']) assert.equal(charts(id), 1, id)
    // Latency histogram and load per node.
    assert.equal(charts('requests'), 2)
    assert.doesNotMatch(html, /class="empty"/)
  })

  test('says "no data" in one line instead of drawing an empty chart', () => {
    const html = renderHtml(emptyFailedResult())
    assert.equal(count(html, '<svg'), 0)
    for (const id of ['convergence', 'detection', 'requests', 'agreement', 'notes']) {
      assert.equal(count(sectionOf(html, id), 'class="empty"'), 1, id)
    }
  })

  test('shows the header, every step and the verdict', () => {
    const html = renderHtml(fullResult())
    assert.match(html, /<h1>smoke <span class="badge pass">PASS<\/span><\/h1>/)
    assert.match(html, /Five live nodes &amp; every capability/)
    assert.match(html, /<dt>peak RSS<\/dt><dd>312 MiB<\/dd>/)
    for (const kind of ['start', 'wait_converged', 'crash', 'load']) assert.match(html, new RegExp(`<code>${kind}</code>`))
    const failed = renderHtml(emptyFailedResult())
    assert.match(failed, /badge fail">FAIL</)
    assert.match(failed, /<pre class="error">step 2 \(assert converged\) timed out after 5 s: 3 &lt; 4 nodes<\/pre>/)
    assert.match(failed, /<tr class="failed">.*<code>assert<\/code>/)
  })

  test('escapes strings from the result', () => {
    const html = renderHtml({ ...fullResult(), scenario: '"><img src=x>', error: XSS, ok: false })
    assert.ok(!html.includes(XSS))
    assert.ok(!html.includes('<img'))
    assert.ok(sectionOf(html, 'notes').includes('a note with &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;'))
  })

  test('is self-contained: no scripts and no remote resources', () => {
    for (const html of [renderHtml(fullResult()), renderHtml(emptyFailedResult())]) {
      assert.doesNotMatch(html, /https?:\/\//)
      assert.doesNotMatch(html, /<script|<link|@import|url\(/i)
    }
  })

  test('marks disagreement and keeps a 10,000-point series small', () => {
    assert.equal(count(sectionOf(renderHtml(fullResult()), 'agreement'), 'class="mark"'), 1)
    const points = Array.from({ length: 10_000 }, (_, i) => ({ x: i, y: i === 5_000 ? 0 : 1 }))
    const thinned = thin(points)
    assert.ok(thinned.length <= 1_200)
    assert.ok(thinned.some(p => p.y === 0), 'a one-sample dip survives')
  })

  test('ticks step by 1, 2 or 5 and cover the data', () => {
    assert.deepEqual(niceScale(1), { top: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] })
    assert.deepEqual(niceScale(41_250).ticks, [0, 10_000, 20_000, 30_000, 40_000, 50_000])
    assert.deepEqual(niceScale(0), { top: 1, ticks: [0, 1] })
    assert.deepEqual([0.42, 4.25, 123, 1_250, 12_400, 900_000, Number.NaN].map(formatMs), ['0.42 ms', '4.3 ms', '123 ms', '1.25 s', '12.4 s', '15 min', 'n/a'])
  })
})

describe('sim report: terminal', () => {
  test('the summary table lists every step, the key figures and PASS', () => {
    const text = summaryTable(fullResult())
    const r = fullResult()
    for (const s of r.steps) assert.match(text, new RegExp(`^ *${s.index}  ${s.kind} +${s.summary}.* ok$`, 'm'))
    assert.match(text, /^convergence +p50 640 ms, p99 1\.9 s \(5 snapshots\)$/m)
    assert.match(text, /^detection +2 events: suspect 1\.6 s, all down 3\.9 s \(medians\); 1 not seen down by all$/m)
    assert.match(text, /^requests +1,200, errors 0\.5 %, p50 5 ms, p99 40 ms$/m)
    assert.match(text, /^agreement +proposal p1: 100 % \(1 outcome\)$/m)
    assert.match(text, /^ +election epoch 2: 100 % \(1 outcome\)$/m)
    assert.match(text, /\nPASS\n$/)
    assert.ok(!text.includes('\x1b['), 'no colours unless asked')
  })

  test('the summary table of a failed run marks the step and says FAIL with the error', () => {
    const text = summaryTable(emptyFailedResult())
    assert.match(text, /2 {2}assert +not converged by the deadline .*FAILED$/m)
    assert.match(text, /^convergence +none$/m)
    assert.match(text, /\nFAIL: step 2 \(assert converged\) timed out after 5 s: 3 < 4 nodes\n$/)
    assert.ok(summaryTable(emptyFailedResult(), true).includes('\x1b[31mFAIL'))
  })

  test('on a TTY the progress bar rewrites one line with \\r', () => {
    const { stream, output } = fakeStream(true)
    const report = progressReporter(stream)
    report(progress(1, 'start', 0))
    report(progress(3, 'crash 2', 12_400))
    report(progress(3, 'crash 2', 12_400))
    report.done()
    assert.equal(output(),
      '\r[....................] step 1/4 start  0 ms\x1b[K' +
      '\r[##########..........] step 3/4 crash 2  12.4 s\x1b[K\n')
  })

  test('elsewhere it prints one plain line per new step', () => {
    const { stream, output } = fakeStream(false)
    const report = progressReporter(stream)
    report(progress(1, 'start', 0))
    report(progress(1, 'start', 500))
    report(progress(2, 'load', 1_000))
    report.done()
    assert.equal(output(), '[....................] step 1/4 start  0 ms\n[#####...............] step 2/4 load  1 s\n')
  })
})

describe('sim report: files', () => {
  test('writeReport writes the JSON and the HTML next to it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-report-'))
    try {
      const out = join(dir, 'reports', 'nested')
      const paths = await writeReport(fullResult(), out)
      assert.equal(basename(paths.json), 'smoke-live-20250301-120405-123.json')
      assert.equal(paths.html, paths.json.replace(/\.json$/, '.html'))
      assert.equal(dirname(paths.html), out)
      assert.deepEqual(JSON.parse(await readFile(paths.json, 'utf8')), fullResult())
      assert.equal(await readFile(paths.html, 'utf8'), renderHtml(fullResult()))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
