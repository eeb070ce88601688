import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { call } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

describe('the node reports its own figures', { timeout: 60_000 }, () => {
  const dirs: string[] = []
  after(async () => { await Promise.all(dirs.map(removeDir)) })

  test('memory_usage is this process\'s RSS over its limit, with the limit and its source; error_rate 0 after start-up', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const node = await startNode(dir)
    try {
      const load = await waitFor('the node\'s own load', async () => {
        const r = await call<{ load: Record<string, unknown> | null }>(`${node.api.url}/v1/system/status`)
        return r.body.load ?? undefined
      }, { timeoutMs: 10_000 })
      const limit = load.memory_limit_bytes as number
      assert.ok(['cgroup', 'host'].includes(load.memory_limit_source as string))
      assert.ok(limit > 0)
      const usage = load.memory_usage as number
      assert.ok(Math.abs(usage - (load.rss_bytes as number) / limit) < 0.01, `memory_usage ${usage} is rss ${String(load.rss_bytes)} / limit ${limit}`)
      assert.equal(load.error_rate, 0)
      assert.equal(load.error_rate_window_seconds, 60)
    } finally {
      await node.stop()
    }
  })
})
