import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { resolveConfig } from '../../node/config.ts'
import { ManualClock } from '../../src/clock.ts'
import { silentLogger } from '../../src/logging.ts'
import { tuningOf } from '../../src/node-config.ts'
import { AuditLog, type AuditEntry, type AuditRecord } from '../../src/security/audit-log.ts'
import { MeshDatabase } from '../../src/storage/database.ts'
import { removeDir, tempDir } from '../helpers/nodes.ts'

const DAY = 86_400_000

function rec (time: number, actor: string, action: AuditRecord['action'] = 'create', status = 201): AuditRecord {
  return { time, actor, action, method: action === 'delete' ? 'DELETE' : 'POST', path: '/v1/alerts/rules', status, source: '127.0.0.1', requestId: `r-${time}` }
}

describe('the audit log', () => {
  const dirs: string[] = []
  after(async () => { await Promise.all(dirs.map(removeDir)) })

  async function open (clock: ManualClock, retentionMs = 30 * DAY, maxScan?: number): Promise<{ db: MeshDatabase, audit: AuditLog }> {
    const dir = dirs[0] ?? await tempDir()
    if (dirs.length === 0) dirs.push(dir)
    const db = new MeshDatabase(dir)
    await db.open()
    const audit = new AuditLog({ store: () => db.sublevel<AuditEntry[]>('audit'), clock, log: silentLogger() }, { retentionMs, flushMs: 10_000, maxBatch: 3, maxScan })
    await audit.start()
    return { db, audit }
  }

  test('entries are kept across a restart, newest first, filtered by actor, action and dates, paged by cursor; the retention drops old ones', async () => {
    const clock = new ManualClock(100 * DAY)
    const t0 = clock.now()
    const first = await open(clock)
    // Seven entries: batches of three are written at once, the rest at stop.
    const times = [0, 1, 2, 3, 4, 5, 6].map(i => t0 + i * 1000)
    for (const [i, t] of times.entries()) first.audit.record(rec(t, i % 2 === 0 ? 'operator' : 'anonymous', i % 2 === 0 ? 'create' : 'auth_failed', i % 2 === 0 ? 201 : 401))
    await first.audit.stop()
    await first.db.close()

    const { db, audit } = await open(clock)
    const all = await audit.query({ limit: 100 })
    assert.deepEqual(all.entries.map(e => e.time), [...times].reverse())
    assert.equal(all.nextCursor, null)
    assert.deepEqual((await audit.query({ actor: 'operator', limit: 100 })).entries.map(e => e.time), [times[6], times[4], times[2], times[0]])
    assert.ok((await audit.query({ action: 'auth_failed', limit: 100 })).entries.every(e => e.status === 401 && e.actor === 'anonymous'))
    assert.deepEqual((await audit.query({ from: times[2], to: times[4], limit: 100 })).entries.map(e => e.time), [times[4], times[3], times[2]])

    const pages: number[][] = []
    let cursor: string | undefined
    for (let i = 0; i < 10; i++) {
      const page = await audit.query({ limit: 2, cursor })
      pages.push(page.entries.map(e => e.time))
      if (page.nextCursor === null) break
      cursor = page.nextCursor
    }
    assert.deepEqual(pages.flat(), [...times].reverse(), 'the pages cover every entry once, in order')
    assert.equal(pages.length, 4)

    // An entry queued and not yet written is in the answer too.
    audit.record(rec(t0 + 10_000, 'operator', 'delete', 200))
    assert.equal((await audit.query({ limit: 1 })).entries[0]?.action, 'delete')
    await audit.stop()
    await db.close()

    // A filter that matches rarely: a query reads a bounded number of entries and says where to go on.
    const bounded = await open(clock, 30 * DAY, 3)
    const rare = await bounded.audit.query({ actor: 'nobody', limit: 10 })
    assert.deepEqual(rare.entries, [])
    assert.ok(rare.nextCursor !== null)
    const onward = await bounded.audit.query({ actor: 'operator', limit: 10, cursor: rare.nextCursor })
    assert.ok(onward.entries.length > 0 && onward.entries.every(e => e.id < rare.nextCursor!))
    await bounded.audit.stop()
    await bounded.db.close()

    clock.advance(40 * DAY)
    const later = await open(clock)
    assert.deepEqual((await later.audit.query({ limit: 100 })).entries, [], 'past the retention at the next start')
    await later.audit.stop()
    await later.db.close()
  })

  test('the retention is a node setting: --audit-retention, MESHNODE_AUDIT_RETENTION, audit_retention', () => {
    const config = resolveConfig({ flags: {}, env: { MESHNODE_AUDIT_RETENTION: '30d' } })
    assert.equal(config.auditRetentionMs, 30 * DAY)
    assert.equal(tuningOf(config).operations.auditRetentionMs, 30 * DAY)
    assert.equal(resolveConfig({ flags: { auditRetentionMs: '2h' }, env: {} }).auditRetentionMs, 2 * 3_600_000)
    assert.throws(() => resolveConfig({ flags: { auditRetentionMs: '10m' }, env: {} }), /audit-retention.*at least 1h/)
  })
})
