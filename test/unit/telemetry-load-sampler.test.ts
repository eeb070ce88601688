import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Hono } from 'hono'
import { Registry } from 'prom-client'
import { requestMetrics } from '../../api/middleware/request-metrics.ts'
import { RequestCounters, RequestWindow, memoryLimit } from '../../src/telemetry/load-sampler.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'

const GB = 1024 ** 3

describe('memory limit', () => {
  const files = (map: Record<string, string>) => (path: string): string | undefined => map[path]

  test('cgroup v2: memory.max of the process\'s cgroup, or of the mount root as in a container', () => {
    assert.deepEqual(memoryLimit(files({ '/proc/self/cgroup': '0::/system.slice/meshnode.service\n', '/sys/fs/cgroup/system.slice/meshnode.service/memory.max': '536870912\n' }), 16 * GB),
      { bytes: 512 * 1024 ** 2, source: 'cgroup' })
    assert.deepEqual(memoryLimit(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/memory.max': '1073741824\n' }), 16 * GB), { bytes: GB, source: 'cgroup' })
    assert.deepEqual(memoryLimit(files({ '/proc/self/cgroup': '0::/docker/abc\n', '/sys/fs/cgroup/memory.max': '1073741824\n' }), 16 * GB), { bytes: GB, source: 'cgroup' })
  })

  test('cgroup v1: memory.limit_in_bytes of the memory controller', () => {
    const cgroup = '4:memory:/process_api/17e0\n3:cpuset:/\n0::/\n'
    assert.deepEqual(memoryLimit(files({ '/proc/self/cgroup': cgroup, '/sys/fs/cgroup/memory/process_api/17e0/memory.limit_in_bytes': '2147483648' }), 16 * GB), { bytes: 2 * GB, source: 'cgroup' })
  })

  test('no limit ("max", v1\'s 2^63, one above the host, no cgroup at all): the host\'s total', () => {
    const host = { bytes: 16 * GB, source: 'host' }
    assert.deepEqual(memoryLimit(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/memory.max': 'max\n' }), 16 * GB), host)
    assert.deepEqual(memoryLimit(files({ '/proc/self/cgroup': '4:memory:/\n', '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712' }), 16 * GB), host)
    assert.deepEqual(memoryLimit(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/memory.max': String(32 * GB) }), 16 * GB), host)
    assert.deepEqual(memoryLimit(files({}), 16 * GB), host)
  })
})

describe('error rate: a sliding window of what the node served', () => {
  test('errors leave the window a minute later', () => {
    const w = new RequestWindow(60_000)
    for (let i = 0; i < 4; i++) w.record(true, 1_000 + i)
    w.record(false, 30_000)
    assert.deepEqual(w.totals(30_500), { served: 5, errors: 4 })
    assert.deepEqual(w.totals(61_500), { served: 1, errors: 0 }, 'the errors of second 1 are out of the last 60 s')
    assert.deepEqual(w.totals(200_000), { served: 0, errors: 0 })
    w.record(false, 200_000)
    assert.deepEqual(w.totals(200_000), { served: 1, errors: 0 }, 'a reused bucket starts from zero')
  })

  test('failed /ready polls during start-up are not counted; API requests are; routed ones are counted by their upstream', async () => {
    let now = 0
    const counters = new RequestCounters(() => now, DEFAULT_TUNING.telemetry.errorWindowMs)
    const app = new Hono()
    app.use(requestMetrics(new Registry(), counters))
    app.get('/ready', c => c.json({ ready: false }, 503))
    app.get('/health', c => c.json({}))
    app.get('/v1/system/status', c => c.json({}))
    app.get('/v1/broken', c => c.json({}, 500))
    app.all('/v1/route/*', c => c.json({}, 502))
    for (let i = 0; i < 4; i++) assert.equal((await app.request('/ready')).status, 503)
    await app.request('/health')
    await app.request('/v1/route/echo/x')
    assert.deepEqual(counters.recent.totals(now), { served: 0, errors: 0 })
    await app.request('/v1/system/status')
    await app.request('/v1/broken')
    assert.deepEqual(counters.recent.totals(now), { served: 2, errors: 1 })
    assert.equal(counters.active, 0)
    now = 61_000
    assert.deepEqual(counters.recent.totals(now), { served: 0, errors: 0 })
  })
})
