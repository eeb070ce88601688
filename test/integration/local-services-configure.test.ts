import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { silentLogger } from '../../src/logging.ts'
import { LocalServices } from '../../src/routing/local-services.ts'
import { startUpstream } from '../../simulations/live/upstream.ts'
import { waitFor } from '../helpers/wait.ts'

describe('LocalServices.configure (a config reload)', () => {
  test('a new service is checked at once and offered once healthy; a removed one is offered and callable no more; a kept one keeps its health', async () => {
    const a = await startUpstream('a')
    const b = await startUpstream('b')
    const check = { path: '/health', intervalMs: 60_000, timeoutMs: 1_000, rise: 1, fall: 1 }
    const services = new LocalServices([{ name: 'one', url: a.url, capacity: 1 }], check, silentLogger())
    const offered = (): string[] => services.offers().map(o => o.name).sort()
    try {
      await services.start()
      await waitFor('one healthy', () => services.isHealthy('one'), { timeoutMs: 5_000, intervalMs: 20 })
      services.configure([{ name: 'one', url: a.url, capacity: 1 }, { name: 'two', url: b.url, capacity: 5 }])
      assert.equal(services.isHealthy('one'), true, 'kept as it was: its health stays')
      // The check interval is a minute: only the check at configure makes it healthy this soon.
      await waitFor('two healthy', () => services.isHealthy('two'), { timeoutMs: 5_000, intervalMs: 20 })
      assert.deepEqual(offered(), ['one', 'two'])
      services.configure([{ name: 'two', url: b.url, capacity: 5 }])
      assert.deepEqual(offered(), ['two'])
      assert.equal(services.has('one'), false)
      await assert.rejects(services.call('one', { method: 'GET', path: '/echo', headers: [], body: undefined }, AbortSignal.timeout(5_000)))
    } finally {
      await services.stop()
      await a.close()
      await b.close()
    }
  })
})
