import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { AlertService, DEFAULT_RULES } from '../../src/alerts/alert-service.ts'
import type { MetricSample } from '../../src/alerts/condition.ts'
import type { AlertTransition } from '../../src/alerts/evaluator.ts'
import { ManualClock } from '../../src/clock.ts'
import { silentLogger } from '../../src/logging.ts'
import { MeshDatabase } from '../../src/storage/database.ts'
import { removeDir, tempDir } from '../helpers/nodes.ts'

describe('the alert service', () => {
  const dirs: string[] = []
  after(async () => { await Promise.all(dirs.map(removeDir)) })

  test('rules and open firings survive a restart; a deleted default rule is not put back; a firing fires once', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const clock = new ManualClock()
    let sample: MetricSample = { peers_down: 0 }
    const emitted: AlertTransition[] = []
    let ids = 0
    const open = async (): Promise<{ db: MeshDatabase, alerts: AlertService }> => {
      const db = new MeshDatabase(dir)
      await db.open()
      const alerts = new AlertService({
        rules: db.sublevel('alert-rules'),
        history: db.sublevel('alert-history'),
        meta: db.meta,
        clock,
        log: silentLogger(),
        sample: () => sample,
        emit: t => { emitted.push(t) },
        newId: () => `id-${++ids}`
      }, { intervalMs: 60_000, historyLimit: 100, maxRules: 10 })
      await alerts.start()
      return { db, alerts }
    }

    const first = await open()
    assert.deepEqual(first.alerts.list().map(r => r.name), DEFAULT_RULES.map(r => r.name))
    const peerDown = first.alerts.list().find(r => r.name === 'peer_down')
    assert.ok(peerDown !== undefined)
    await first.alerts.remove(peerDown.id)
    const mine = await first.alerts.add({ name: 'two-down', condition: 'peers_down >= 2', forMs: 0, severity: 'critical', channels: ['events'] })
    sample = { peers_down: 3 }
    first.alerts.evaluateNow()
    assert.deepEqual(emitted.map(t => [t.type, t.firing.ruleName]), [['alert.triggered', 'two-down']])
    await first.alerts.stop()
    await first.db.close()

    const second = await open()
    assert.deepEqual(second.alerts.list().map(r => r.name), [...DEFAULT_RULES.map(r => r.name).filter(n => n !== 'peer_down'), 'two-down'])
    assert.equal(second.alerts.state(mine.id).phase, 'firing', 'the open firing is open again')
    clock.advance(1_000)
    second.alerts.evaluateNow()
    assert.equal(emitted.length, 1, 'no second trigger for the same episode')
    sample = { peers_down: 0 }
    clock.advance(1_000)
    second.alerts.evaluateNow()
    assert.deepEqual(emitted.map(t => t.type), ['alert.triggered', 'alert.resolved'])
    const [resolved] = second.alerts.history({ ruleId: mine.id, limit: 10 })
    assert.equal(resolved?.resolvedAt, clock.now())
    assert.equal(resolved?.value, 3)

    await assert.rejects(second.alerts.add({ name: 'bad', condition: 'peers_down >=', forMs: 0, severity: 'info', channels: ['log'] }), /position 14/)
    for (let i = second.alerts.list().length; i < 10; i++) await second.alerts.add({ name: `r${i}`, condition: 'forks > 0', forMs: 0, severity: 'info', channels: ['log'] })
    await assert.rejects(second.alerts.add({ name: 'one-too-many', condition: 'forks > 0', forMs: 0, severity: 'info', channels: ['log'] }), /at most 10/)
    await second.alerts.stop()
    await second.db.close()
  })
})
