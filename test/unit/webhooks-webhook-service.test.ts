import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { ManualClock } from '../../src/clock.ts'
import type { NodeEvent } from '../../src/events/node-event.ts'
import { silentLogger } from '../../src/logging.ts'
import { MeshDatabase } from '../../src/storage/database.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'
import { WebhookService, type Delivery, type Webhook } from '../../src/webhooks/webhook-service.ts'
import { removeDir, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

/** Nothing listens on the discard port of loopback: every attempt fails at once. */
const NOWHERE = 'http://127.0.0.1:9/hook'
const SECRET = 'unit-test-secret-0123'

interface Harness { service: WebhookService, emit: (e: NodeEvent) => void, clock: ManualClock }

function harness (db: MeshDatabase, clock: ManualClock, maxAgeMs = DEFAULT_TUNING.webhooks.maxAgeMs): Harness {
  let listener: (e: NodeEvent) => void = () => {}
  const service = new WebhookService({
    webhooks: db.sublevel<Webhook>('webhooks'),
    deliveries: db.sublevel<Delivery>('webhook-deliveries'),
    subscribe: l => { listener = l; return () => { listener = () => {} } },
    clock,
    random: () => 0.5,
    log: silentLogger(),
    metrics: { webhookAttempt: () => {} }
  }, { ...DEFAULT_TUNING.webhooks, maxAgeMs, allowPrivateTargets: true })
  return { service, emit: e => { listener(e) }, clock }
}

describe('webhook outbox', () => {
  const dirs: string[] = []
  after(async () => { await Promise.all(dirs.map(removeDir)) })

  async function database (): Promise<MeshDatabase> {
    const dir = await tempDir()
    dirs.push(dir)
    const db = new MeshDatabase(dir)
    await db.open()
    return db
  }

  test('an event a webhook asks for is a delivery in the store before its attempt; a restarted service has it pending', async () => {
    const db = await database()
    const clock = new ManualClock()
    const { service, emit } = harness(db, clock)
    await service.open()
    await service.start()
    const all = await service.create({ url: NOWHERE, events: ['*'], secret: SECRET })
    const some = await service.create({ url: NOWHERE, events: ['peer.up'], secret: SECRET })
    emit({ type: 'peer:joined', peerId: 'p', at: clock.now() })
    emit({ id: 'e1', type: 'peer.down', at: clock.now(), data: { peer_id: 'p' } })
    const [d] = await waitFor('the delivery to fail once', async () => {
      const list = await service.deliveries(all.id, 10)
      return list[0]?.attempts === 1 ? list : undefined
    }, { timeoutMs: 10_000 })
    assert.equal(d?.event.id, 'e1')
    assert.equal(d?.status, 'pending')
    assert.match(d?.lastError ?? '', /fetch failed|ECONNREFUSED/)
    assert.deepEqual(await service.deliveries(some.id, 10), [])
    await service.stop()

    const restarted = harness(db, clock).service
    await restarted.open()
    assert.equal(restarted.backlog, 1)
    // The same event seen again (a replicated fact, after a restart) is not a second delivery.
    const again = harness(db, clock)
    await again.service.open()
    await again.service.start()
    again.emit({ id: 'e1', type: 'peer.down', at: clock.now(), data: { peer_id: 'p' } })
    await again.service.stop()
    const kept = await again.service.deliveries(all.id, 10)
    assert.deepEqual(kept.map(k => [k.event.id, k.attempts]), [['e1', 1]])
    await db.close()
  })

  test('past its maximum age a delivery fails for good, is listed a week, then deleted; deleting a webhook drops its deliveries', async () => {
    const db = await database()
    const clock = new ManualClock()
    const { service, emit } = harness(db, clock, 0)
    await service.open()
    await service.start()
    const hook = await service.create({ url: NOWHERE, events: ['breaker.opened'], secret: SECRET })
    emit({ id: 'e2', type: 'breaker.opened', at: clock.now(), data: {} })
    await waitFor('the delivery to fail', async () => (await service.deliveries(hook.id, 10))[0]?.status === 'failed', { timeoutMs: 10_000 })
    assert.equal(service.backlog, 0)
    await service.stop()

    clock.advance(DEFAULT_TUNING.webhooks.keepMs + 1)
    const later = harness(db, clock)
    await later.service.open()
    await later.service.start()
    await waitFor('the old delivery to be deleted', async () => (await later.service.deliveries(hook.id, 10)).length === 0, { timeoutMs: 10_000 })
    later.emit({ id: 'e3', type: 'breaker.opened', at: clock.now(), data: {} })
    await waitFor('a new delivery', async () => (await later.service.deliveries(hook.id, 10)).length === 1, { timeoutMs: 10_000 })
    await later.service.remove(hook.id)
    assert.throws(() => later.service.get(hook.id), /no webhook/)
    assert.equal(later.service.backlog, 0)
    assert.equal((await db.sublevel<Delivery>('webhook-deliveries').keys().all()).length, 0)
    await later.service.stop()
    await db.close()
  })
})
