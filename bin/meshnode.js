#!/usr/bin/env node
// The meshnode binary. The project brings its own Node (>= 22.18, which runs TypeScript
// directly); npm scripts and npx put it first on the PATH.
import { existsSync } from 'node:fs'
import module from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import v8 from 'node:v8'

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`meshnode: needs Node.js >= 22.18 (found ${process.versions.node}); run it through npx meshnode or npm start, which use the Node that npm install brought`)
  process.exit(1)
}

// How the process runs, for a long-running node that idles most of the time (measured by
// bench/idle-memory.ts; a value the operator gives, as a flag or in NODE_OPTIONS, wins):
// - --max-semi-space-size=1: V8's young generation grows to 16 MB semi-spaces in the burst of
//   start-up and keeps them; the node allocates little afterwards, and 1 MB ones keep ~15 MB
//   less resident for more, still sub-millisecond, scavenges. Larger ones cost a routed request
//   less CPU (measured: 4 MB ~20 %, 16 MB ~35 % less) but hold the dead buffers of a large body
//   longer: a 64 MiB upload grew a node's RSS by 21-46 MiB with 4 MB, 9-18 MiB with 1 MB.
// - MALLOC_ARENA_MAX=2: glibc gives each thread (V8's and libuv's workers) an arena of its own
//   and keeps their freed pages; the JavaScript runs on one thread, two arenas serve it.
// - The compile cache: modules are compiled from a cache on disk, TypeScript with its types
//   already stripped, so the node process never loads Node's type stripper (~15 MB).
const V8_FLAGS = ['--max-semi-space-size=1']
const ENV = { MALLOC_ARENA_MAX: '2' }
const given = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`
const flags = V8_FLAGS.filter(f => !given.includes(f.split('=')[0]))
const env = Object.entries(ENV).filter(([name]) => process.env[name] === undefined)
const CACHE_DIR = join(tmpdir(), 'node-compile-cache')
// Settings missing: this process replaces itself (same pid and stdio, no child) by one with
// them. On a machine whose cache is still empty it first fills it, keyed by V8's flags as in
// the next process, so that not even the first start loads the stripper; later starts skip
// that and load the modules once (a start after an upgrade compiles the changed modules, with
// the stripper, once: measured 3.5 MB more for that run).
if ((flags.length > 0 || env.length > 0) && typeof process.execve === 'function') {
  if (!existsSync(CACHE_DIR)) {
    v8.setFlagsFromString(flags.join(' '))
    module.enableCompileCache(CACHE_DIR)
    await import('../node/run-cli.ts')
    module.flushCompileCache()
  }
  process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { ...process.env, ...Object.fromEntries(env) })
}
module.enableCompileCache(CACHE_DIR)
const { runCli } = await import('../node/run-cli.ts')
await runCli()
