/**
 * Idle memory: one real node (`meshnode start` in a child process, alone in its own dev
 * network) idles for 60 s; its RSS is read from /proc and from its own /v1/system/status.
 * The node runs as operators run it: bin/meshnode.js gives its process the runtime settings
 * of a daemon (V8 flags, malloc arenas, compile cache), and the table shows the command line
 * and environment it ended up with. Bare Node processes idling alongside for the same time
 * give the runtime's own floor.
 */
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { call } from '../test/helpers/api.ts'
import { removeDir, spawnNode, stopChild, tempDir, type ChildNode } from '../test/helpers/nodes.ts'
import { fmtMb, procMemory, sleep, table, verdict, type BenchOutcome } from './stats.ts'

const IDLE_MS = 60_000
const TARGET_BYTES = 120 * 1024 * 1024
const FLOORS = [
  { label: 'floor: node -e setInterval', args: ['-e', 'setInterval(() => {}, 1000)'] },
  { label: 'floor: same, TypeScript input', args: ['--input-type=module-typescript', '-e', 'const idle: number = 1000; setInterval(() => {}, idle)'] }
]

interface StatusBody { load: { rss_bytes: number, heap_used_bytes: number } | null }

export async function runIdleMemory (): Promise<BenchOutcome> {
  console.log(`\n== memory: RSS of one idle node (child process) after ${IDLE_MS / 1000} s ==`)
  const dir = await tempDir('meshnode-bench-mem-')
  let node: ChildNode | undefined
  // The runtime's floor: a bare Node process, and one that has loaded the TypeScript type
  // stripper as meshnode does (it runs its .ts sources directly).
  const floors = FLOORS.map(f => {
    const child = spawn(process.execPath, f.args, { stdio: 'ignore' })
    const exited = new Promise<void>(resolve => {
      child.once('exit', () => resolve())
      child.once('error', () => resolve())
    })
    return { ...f, child, exited }
  })
  try {
    node = await spawnNode(['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0'])
    const pid = node.child.pid
    if (pid === undefined || floors.some(f => f.child.pid === undefined)) throw new Error('a child process has no pid')
    const started = Date.now()
    console.log(`node pid ${pid} (${node.apiUrl}), floor pids ${floors.map(f => f.child.pid).join(', ')}; idling ${IDLE_MS / 1000} s`)
    const samples: Array<[string, number]> = []
    // Bounded: at most IDLE_MS / 10 s iterations.
    while (Date.now() - started < IDLE_MS) {
      await sleep(Math.min(10_000, IDLE_MS - (Date.now() - started)))
      if (node.child.exitCode !== null || node.child.signalCode !== null) throw new Error(`the node exited while idling: ${node.stderr()}`)
      samples.push([`${Math.round((Date.now() - started) / 1000)} s`, (await procMemory(pid)).rss])
    }
    const nodeMem = await procMemory(pid)
    const floorMem = await Promise.all(floors.map(async f => await procMemory(f.child.pid ?? 0)))
    const tsFloor = floorMem[floorMem.length - 1]?.rss ?? Number.NaN
    const status = await call<StatusBody>(`${node.apiUrl}/v1/system/status`)
    const reported = status.body.load?.rss_bytes ?? Number.NaN
    const heap = status.body.load?.heap_used_bytes ?? Number.NaN

    console.log(`node process: ${await processLine(pid)}`)
    console.log(`node RSS over time (/proc VmRSS): ${samples.map(([t, b]) => `${t} ${fmtMb(b)}`).join(', ')}`)
    console.log(table(
      ['process (at 60 s)', 'VmRSS', 'VmHWM (peak)', '/v1/system/status rss', 'heap used'],
      [
        ['meshnode start (idle, 0 peers)', `${fmtMb(nodeMem.rss)} (${await anonAndFile(pid)})`, fmtMb(nodeMem.hwm), fmtMb(reported), fmtMb(heap)],
        ...floors.map((f, i) => [f.label, fmtMb(floorMem[i]?.rss ?? Number.NaN), fmtMb(floorMem[i]?.hwm ?? Number.NaN), '-', '-']),
        ['meshnode minus the TypeScript floor', fmtMb(nodeMem.rss - tsFloor), '-', '-', '-']
      ]
    ))
    const pass = nodeMem.rss < TARGET_BYTES
    console.log(`target: VmRSS < ${fmtMb(TARGET_BYTES)}   ${verdict(pass)}   ` +
      '(the status figure is the last telemetry sample, up to one interval old)')
    return { name: 'memory', target: `idle RSS < ${fmtMb(TARGET_BYTES)}`, pass, measured: `${fmtMb(nodeMem.rss)} (floor ${floorMem.map(f => fmtMb(f.rss)).join(' / ')})` }
  } finally {
    if (node !== undefined) {
      const code = await stopChild(node)
      if (code !== 0) console.log(`note: the node exited with code ${code} on SIGTERM`)
    }
    for (const f of floors) if (f.child.exitCode === null && f.child.signalCode === null) f.child.kill('SIGTERM')
    await Promise.all(floors.map(async f => { await f.exited }))
    await removeDir(dir)
  }
}

/** The command line and the runtime variables the node process runs with. */
async function processLine (pid: number): Promise<string> {
  const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(a => a !== '')
  const env = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0').filter(v => /^(MALLOC_|NODE_OPTIONS|NODE_COMPILE_CACHE|UV_)/.test(v))
  return [...env, ...cmdline].join(' ')
}

/** VmRSS is anonymous memory plus pages of mapped files, mostly the node binary's (shared between processes). */
async function anonAndFile (pid: number): Promise<string> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const mb = (field: string): string => fmtMb(Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]) * 1024)
  return `anon ${mb('RssAnon')}, file ${mb('RssFile')}`
}
