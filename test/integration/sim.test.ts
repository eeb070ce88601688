import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { SimulationResult } from '../../simulations/result.ts'
import { removeDir, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

const MAIN = new URL('../../node/main.ts', import.meta.url).pathname

interface Sim { code: Promise<number | null>, stdout: () => string, stderr: () => string, kill: (s: NodeJS.Signals) => void }

/** The runs' own temporary directory, so that other runs on the machine do not change what is counted in it. */
let simTmp = tmpdir()

function sim (args: string[]): Sim {
  const child = spawn(process.execPath, [MAIN, 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: simTmp } })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  return {
    code: new Promise(resolve => child.once('exit', code => resolve(code))),
    stdout: () => out,
    stderr: () => err,
    kill: s => child.kill(s)
  }
}

async function finished (s: Sim, timeoutMs: number): Promise<number | null> {
  const timer = setTimeout(() => s.kill('SIGKILL'), timeoutMs)
  try {
    return await s.code
  } finally {
    clearTimeout(timer)
  }
}

/** Temporary data directories of live runs: each run removes its own. */
async function simDirs (): Promise<string[]> {
  return (await readdir(simTmp)).filter(d => d.startsWith('meshnode-sim-'))
}

async function resultIn (dir: string): Promise<SimulationResult> {
  const files = await readdir(dir)
  const json = files.find(f => f.endsWith('.json'))
  assert.ok(json !== undefined, `no JSON result in ${files.join(', ')}`)
  assert.ok(files.some(f => f.endsWith('.html')), 'no HTML report')
  return JSON.parse(await readFile(join(dir, json), 'utf8')) as SimulationResult
}

describe('meshnode sim', { timeout: 300_000 }, () => {
  let dir: string
  let leftBefore: string[]

  before(async () => {
    dir = await tempDir('meshnode-sim-test-')
    simTmp = join(dir, 'tmp')
    await mkdir(simTmp)
    leftBefore = await simDirs()
  })

  after(async () => {
    await removeDir(dir)
  })

  test('--list names every built-in scenario with its mode and a line on it', async () => {
    const s = sim(['--list'])
    assert.equal(await finished(s, 30_000), 0)
    for (const name of ['smoke', 'churn', 'partition-heal', 'slow-peer', 'governance-race', 'scale-10k']) {
      assert.match(s.stdout(), new RegExp(`^${name}\\s+(live|model)\\s+\\S`, 'm'))
    }
  })

  test('smoke: five live nodes pass every assertion, and the run leaves a JSON result, an HTML report and no node behind', async () => {
    const out = join(dir, 'smoke')
    const s = sim(['smoke', '--out', out])
    assert.equal(await finished(s, 150_000), 0, s.stdout() + s.stderr())
    assert.match(s.stdout(), /PASS/)
    const result = await resultIn(out)
    assert.equal(result.ok, true)
    assert.equal(result.nodes, 5)
    assert.ok(result.steps.every(step => step.ok))
    assert.ok((result.convergence.times_ms?.count ?? 0) > 0, 'convergence was timed')
    assert.equal(result.detection[0]?.cause, 'crash')
    assert.ok(result.detection[0]?.all_down_ms !== null, 'every observer saw the crashed node down')
    assert.ok((result.requests?.served_by.length ?? 0) === 3, 'the three offering nodes served requests')
    assert.ok(result.agreement.some(a => a.subject.startsWith('proposal') && a.share === 1))
    assert.deepEqual(await simDirs(), leftBefore)
  })

  test('nodes spread over two processes: partition-heal passes', async () => {
    const out = join(dir, 'procs')
    const s = sim(['partition-heal', '--procs', '2', '--out', out])
    assert.equal(await finished(s, 150_000), 0, s.stdout() + s.stderr())
    const result = await resultIn(out)
    assert.equal(result.procs, 2)
    assert.equal(result.detection.length, 3, 'the smaller side (three nodes) is watched')
    assert.ok(result.detection.every(d => d.all_down_ms !== null && d.observers === 3))
  })

  test('the model agrees with live nodes on a small scenario (N = 10, no loss), and both reports say by how much', async () => {
    const out = join(dir, 'compare')
    const s = sim(['model-check', '--compare', '--out', out])
    assert.equal(await finished(s, 150_000), 0, s.stdout() + s.stderr())
    // What the model must get right whatever the machine's load: the same faults detected by
    // every observer, the same outcomes. How close its timings are is `npm run bench -- sim-compare`.
    assert.match(s.stdout(), /model vs live, model-check: convergence p50 [\d.]+ ms vs [\d.]+ ms \([\d.]+x\)/)
    assert.match(s.stdout(), /saw a fault down, mean [\d.]+ ms vs [\d.]+ ms \([\d.]+x\)/)
    const results = await Promise.all((await readdir(out)).filter(f => f.endsWith('.json')).map(async f => JSON.parse(await readFile(join(out, f), 'utf8')) as SimulationResult))
    assert.deepEqual(results.map(r => r.mode).sort(), ['live', 'model'])
    const [live, model] = ['live', 'model'].map(mode => results.find(r => r.mode === mode)) as [SimulationResult, SimulationResult]
    for (const r of [live, model]) {
      assert.ok(r.ok, `${r.mode}: ${r.error ?? ''}`)
      assert.ok(r.detection.length > 0 && r.detection.every(d => d.all_down_ms !== null), `${r.mode}: every observer saw the crash down`)
    }
    assert.deepEqual(model.detection.map(d => [d.node, d.cause, d.observers]), live.detection.map(d => [d.node, d.cause, d.observers]), 'the same faults, seen by as many observers')
    for (const r of results) assert.ok(r.notes.some(n => n.startsWith('model vs live, model-check: convergence p50')), 'the comparison is in both reports')
  })

  test('a scenario with a bad step is refused before any node starts', async () => {
    const file = join(dir, 'bad.yaml')
    await writeFile(file, 'name: bad\ndescription: crashes a node that does not exist\nsteps:\n  - start: { count: 2 }\n  - crash: 5\n')
    const out = join(dir, 'bad-out')
    const s = sim([file, '--out', out])
    assert.equal(await finished(s, 30_000), 1)
    assert.equal(s.stderr().trim().split('\n').length, 1, s.stderr())
    assert.match(s.stderr(), /step 2 \(crash\): node 5 does not exist yet/)
    assert.equal(s.stdout(), '', 'no progress: nothing ran')
    await assert.rejects(readdir(out), 'no report was written')
  })

  test('Ctrl-C stops every node it started and still writes what it measured', async () => {
    const out = join(dir, 'interrupted')
    const s = sim(['churn', '--out', out])
    await waitFor('the churn to begin', () => s.stdout().includes('step 5/'), { timeoutMs: 60_000 })
    s.kill('SIGINT')
    assert.equal(await finished(s, 30_000), 1)
    assert.match(s.stdout(), /FAIL/)
    const result = await resultIn(out)
    assert.equal(result.ok, false)
    assert.match(result.error ?? '', /interrupted/)
    assert.deepEqual(await simDirs(), leftBefore)
  })

  test('a live run this machine cannot hold is refused before it starts, with how many nodes it can run and why', async () => {
    const out = join(dir, 'too-big')
    const s = sim(['scale-10k', '--mode', 'live', '--procs', '2', '--out', out])
    assert.equal(await finished(s, 30_000), 1)
    const lines = s.stderr().trim().split('\n')
    assert.equal(lines.length, 1, s.stderr())
    assert.match(lines[0] ?? '', /^meshnode: scale-10k: 10000 live nodes are more than this machine can run, at most \d+ \(CPU: .* nodes a core .*; memory: .* a node = \d+\); run it with --mode model/)
    assert.equal(s.stdout(), '', 'nothing started')
    await assert.rejects(readdir(out), 'no report was written')
  })

  test('a signal during a load step: that step is interrupted (not ok), nothing is blamed on the next, one SIGTERM delivered twice is one', async () => {
    const file = join(dir, 'long-load.yaml')
    await writeFile(file, [
      'name: long-load',
      'description: three nodes, one long foreground load',
      'mode: live',
      'steps:',
      '  - start: { count: 3 }',
      '  - wait_converged: { within: 30s }',
      '  - offer_service: { service: echo, nodes: [1, 2] }',
      '  - load: { service: echo, rate: 20, duration: 120s, via: [0] }',
      '  - assert: { that: { load: { max_error_rate: 0.5 } } }',
      ''
    ].join('\n'))
    const out = join(dir, 'long-load-out')
    const s = sim([file, '--out', out])
    await waitFor('the load step to begin', () => s.stdout().includes('step 4/'), { timeoutMs: 90_000 })
    // As `timeout` or a terminal does: the process group's copy and a parent's forwarded one.
    s.kill('SIGTERM')
    s.kill('SIGTERM')
    assert.equal(await finished(s, 60_000), 1, 'a clean stop that reports a run that did not pass, not a forced exit (130)')
    const result = await resultIn(out)
    assert.equal(result.error, 'interrupted during step 4 (load)')
    assert.equal(result.steps.length, 4, 'no step after the interrupted one')
    const last = result.steps[3]
    assert.equal(last?.kind, 'load')
    assert.equal(last?.ok, false)
    assert.equal(last?.interrupted, true)
    assert.match(last?.summary ?? '', /^interrupted/)
    assert.ok(result.steps.slice(0, 3).every(step => step.ok && step.interrupted !== true))
    assert.match(s.stdout(), /INTERRUPTED/)
  })
})

