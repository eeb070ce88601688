/**
 * Runs a load client in a child process, so that client and server do not share one event
 * loop: `runChild` for any client script, `runLoadClient` for bench/load-client.ts with this
 * process's (the server's) CPU over the span the client counts.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpuSecondsOfStat, median } from './stats.ts'

const LOAD_CLIENT = new URL('./load-client.ts', import.meta.url).pathname

export interface ChildOptions {
  /** Names the client in the error thrown when it exits with a code other than 0. */
  name: string
  /** The child is killed after this long: only a safety net, a client stops itself. */
  killAfterMs: number
  /** The child's environment; this process's when absent. */
  env?: NodeJS.ProcessEnv
  /** Called with all the stdout so far each time more of it arrives. */
  onStdout?: (out: string) => void
}

/** Runs `node <script> <args>`, waits for it to exit with 0 (or throws) and returns its stdout and stderr. */
export async function runChild (script: string, args: string[], options: ChildOptions): Promise<{ out: string, err: string }> {
  const child = spawn(process.execPath, [script, ...args], {
    ...(options.env === undefined ? {} : { env: options.env }),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
    options.onStdout?.(out)
  })
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs)
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', c => resolve(c))
    })
    if (code !== 0) throw new Error(`${options.name} exited with ${code}: ${err.trim()}`)
  } finally {
    clearTimeout(killer)
  }
  return { out, err }
}

/** The line of JSON a client prints last. */
export function lastJsonLine<T> (out: string): T {
  return JSON.parse(out.trim().split('\n').pop() ?? '') as T
}

export interface LoadOptions {
  /** Measured seconds, after the warm-up. */
  seconds: number
  concurrency: number
  /** Seconds run first and not counted. */
  warmupSeconds: number
  /** The client's HTTP stack: node:http with a keep-alive agent (the default) or fetch. */
  mode?: 'http' | 'fetch'
  /** Processes (by pid) whose CPU time over the measured window is returned, in `processCpuMs`. */
  processes?: number[]
  /** Headers of every request (an API key, say). */
  headers?: Record<string, string>
}

export interface LoadResult {
  requests: number
  errors: number
  rps: number
  /** The client's CPU share of one core over its measured window. */
  cpuShare: number
  /** This process's (the server's) CPU share of one core over the client's measured window. */
  serverCpu: number
  latencyMs: { p50: number, p90: number, p99: number, max: number, mean: number }
  firstError?: string
  /** CPU time of each of `processes` over the measured window, in ms (/proc, 10 ms ticks). */
  processCpuMs: number[]
}

/**
 * Runs bench/load-client.ts against `url` in a child process and parses the JSON of its last
 * line. This process's CPU is counted from the client's `measuring` line to its exit.
 */
export async function runLoadClient (url: string, options: LoadOptions): Promise<LoadResult> {
  const { seconds, concurrency, warmupSeconds, mode = 'http' } = options
  let cpu0: NodeJS.CpuUsage | undefined
  let wall0 = 0
  const pids = options.processes ?? []
  let processCpu0: number[] = []
  const { out } = await runChild(LOAD_CLIENT, [url, String(seconds), String(concurrency), String(warmupSeconds), mode], {
    name: 'load client',
    ...(options.headers === undefined ? {} : { env: { ...process.env, MESHNODE_LOAD_REQUEST: JSON.stringify({ headers: options.headers }) } }),
    // The client stops itself after warm-up + measurement; this is only the safety net.
    killAfterMs: (warmupSeconds + seconds + 30) * 1000,
    onStdout: stdout => {
      if (cpu0 === undefined && stdout.includes('measuring\n')) {
        cpu0 = process.cpuUsage()
        wall0 = performance.now()
        processCpu0 = pids.map(processCpuMs)
      }
    }
  })
  const processCpu = pids.map((pid, i) => processCpuMs(pid) - (processCpu0[i] ?? Number.NaN))
  const cpu = cpu0 === undefined ? undefined : process.cpuUsage(cpu0)
  const serverCpu = cpu === undefined ? Number.NaN : (cpu.user + cpu.system) / 1000 / (performance.now() - wall0)
  return { ...lastJsonLine<Omit<LoadResult, 'serverCpu' | 'processCpuMs'>>(out), serverCpu, processCpuMs: processCpu }
}

/** A process's CPU time so far (user + system), in ms, from /proc/<pid>/stat; NaN where there is no /proc. */
export function processCpuMs (pid: number): number {
  try {
    return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), pid) * 1000
  } catch {
    return Number.NaN
  }
}

/** The figures of several load runs of one side: medians of their rates, latencies and CPU, totals of their counts. */
export interface LoadFigures { rps: number, p50: number, p99: number, serverCpu: number, clientCpu: number, requests: number, errors: number }

export function loadFigures (results: LoadResult[]): LoadFigures {
  return {
    rps: median(results.map(r => r.rps)),
    p50: median(results.map(r => r.latencyMs.p50)),
    p99: median(results.map(r => r.latencyMs.p99)),
    serverCpu: median(results.map(r => r.serverCpu)),
    clientCpu: median(results.map(r => r.cpuShare)),
    requests: results.reduce((s, r) => s + r.requests, 0),
    errors: results.reduce((s, r) => s + r.errors, 0)
  }
}
