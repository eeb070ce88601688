import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { UsageRecord } from '../../src/billing/usage-record.ts'
import { silentLogger } from '../../src/logging.ts'
import { RoutedUsage } from '../../src/routed-usage.ts'

describe('RoutedUsage', () => {
  test('a routed request is one usage record of its user, appended in a batch; the stop writes what is buffered', async () => {
    const appended: UsageRecord[][] = []
    const usage = new RoutedUsage({ append: async records => { appended.push(records) }, log: silentLogger() }, { usageFlushMs: 60_000, usageMaxRecords: 1_000 })
    await usage.start()
    const at = Date.UTC(2026, 0, 15)
    usage.record({ user: 'user-1', service: 'echo', peerId: 'peer-a', requestBytes: 10, responseBytes: 20, durationMs: 5, status: 200, at })
    usage.record({ user: 'user-2', service: 'echo', peerId: '', requestBytes: 0, responseBytes: 0, durationMs: 0, status: 503, at })
    assert.equal(appended.length, 0)
    await usage.stop()
    assert.equal(appended.length, 1)
    const [first, second] = appended[0] ?? []
    assert.ok(first !== undefined && second !== undefined)
    assert.deepEqual({ ...first, id: undefined }, {
      id: undefined,
      user_id: 'user-1',
      resource_type: 'request',
      unit: 'request',
      amount: 1,
      timestamp: at,
      metadata: { service: 'echo', peer: 'peer-a', status: 200, request_bytes: 10, response_bytes: 20, duration_ms: 5 }
    })
    assert.equal(second.user_id, 'user-2')
    assert.notEqual(first.id, second.id)
  })

  test("a tenant's request names its key in the record's metadata", async () => {
    const appended: UsageRecord[] = []
    const usage = new RoutedUsage({ append: async records => { appended.push(...records) }, log: silentLogger() }, { usageFlushMs: 60_000, usageMaxRecords: 1_000 })
    await usage.start()
    usage.record({ user: 'ten_1', keyId: 'key_1', service: 'echo', peerId: 'peer-a', requestBytes: 0, responseBytes: 0, durationMs: 1, status: 200, at: Date.UTC(2026, 0, 15) })
    await usage.stop()
    assert.equal(appended[0]?.user_id, 'ten_1')
    assert.equal(appended[0]?.metadata.key_id, 'key_1')
  })
})
