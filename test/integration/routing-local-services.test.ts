import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { silentLogger } from '../../src/logging.ts'
import { LocalServices } from '../../src/routing/local-services.ts'
import { startUpstream } from '../../simulations/live/upstream.ts'

describe('calls of the node\'s own upstream count as served', () => {
  test('a 2xx is served, a 5xx and an unreachable upstream are errors, a caller that went away is neither', async () => {
    const upstream = await startUpstream('u')
    const statuses: number[] = []
    const check = { path: '/health', intervalMs: 60_000, timeoutMs: 1_000, rise: 1, fall: 1 }
    const services = new LocalServices([{ name: 'echo', url: upstream.url, capacity: 1 }, { name: 'gone', url: 'http://127.0.0.1:9', capacity: 1 }],
      check, silentLogger(), status => { statuses.push(status) })
    const get = (path: string) => ({ method: 'GET', path, headers: [], body: undefined })
    try {
      const ok = await services.call('echo', get('/echo'), AbortSignal.timeout(5_000))
      for await (const chunk of ok.body) assert.ok(chunk.byteLength >= 0)
      const failed = await services.call('echo', get('/status/500'), AbortSignal.timeout(5_000))
      for await (const chunk of failed.body) assert.ok(chunk.byteLength >= 0)
      await assert.rejects(services.call('gone', get('/'), AbortSignal.timeout(5_000)))
      const cancelled = new AbortController()
      cancelled.abort()
      await assert.rejects(services.call('echo', get('/echo'), cancelled.signal))
      assert.deepEqual(statuses, [200, 500, 502])
    } finally {
      await services.stop()
      await upstream.close()
    }
  })
})
