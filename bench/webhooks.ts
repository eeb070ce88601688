/**
 * Webhook outbox: events of a node's feed delivered to a receiver on 127.0.0.1 that answers
 * 200 at once. A burst of events (how many a second the outbox writes, signs and delivers) and
 * a steady rate (the p99 from the event to its arrival at the receiver).
 */
import type { RunningNode } from '../src/launch.ts'
import { percentile } from '../src/stats.ts'
import { removeDir, startNode, tempDir } from '../test/helpers/nodes.ts'
import { waitFor } from '../test/helpers/wait.ts'
import { startReceiver } from '../test/helpers/webhook-receiver.ts'
import { fmtMs, fmtNum, table, verdict, type BenchOutcome } from './stats.ts'

const SECRET = 'bench-webhook-secret-0123456789'
const BURST = 2_000
const STEADY_PER_SECOND = 100
const STEADY_SECONDS = 5
/** What a receiver should see at a steady 100 events/s: delivered within a second. */
const TARGET_P99_MS = 1_000

export async function runWebhooks (): Promise<BenchOutcome> {
  console.log(`\n== webhooks: a burst of ${BURST} events, then ${STEADY_PER_SECOND}/s for ${STEADY_SECONDS} s, delivered to a receiver on 127.0.0.1 ==`)
  const dir = await tempDir('meshnode-bench-webhooks-')
  const receiver = await startReceiver(SECRET)
  let node: RunningNode | undefined
  try {
    node = await startNode(dir, { webhookAllowPrivate: true })
    const mesh = node.mesh
    await waitFor('the node to run', () => mesh.readiness().ready, { timeoutMs: 30_000 })
    const created = await fetch(`${node.api.url}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, events: ['peer.down'], secret: SECRET })
    })
    if (created.status !== 201) throw new Error(`webhook not created: ${created.status} ${await created.text()}`)

    const emittedAt = new Map<string, number>()
    const emit = (i: number): void => {
      const id = `bench-${i}`
      emittedAt.set(id, Date.now())
      mesh.emitEvent('peer.down', { peer_id: `bench-peer-${i}` }, id)
    }
    const t0 = Date.now()
    for (let i = 0; i < BURST; i++) emit(i)
    await waitFor('the burst delivered', () => receiver.received.length >= BURST, { timeoutMs: 120_000, intervalMs: 20 })
    const burstSeconds = (Date.now() - t0) / 1000
    const burstRate = BURST / burstSeconds

    const steadyFrom = receiver.received.length
    for (let s = 0; s < STEADY_SECONDS * STEADY_PER_SECOND; s++) {
      emit(BURST + s)
      await new Promise(resolve => setTimeout(resolve, 1000 / STEADY_PER_SECOND))
    }
    await waitFor('the steady events delivered', () => receiver.received.length >= BURST + STEADY_SECONDS * STEADY_PER_SECOND, { timeoutMs: 60_000, intervalMs: 20 })
    const latency = (from: number, to: number): number[] => receiver.received.slice(from, to).map(r => r.at - (emittedAt.get(r.id) ?? r.at)).sort((a, b) => a - b)
    const burstLatency = latency(0, steadyFrom)
    const steadyLatency = latency(steadyFrom, receiver.received.length)
    const invalid = receiver.received.filter(r => !r.signatureValid).length
    const duplicates = receiver.received.length - new Set(receiver.received.map(r => r.id)).size
    const p99 = percentile(steadyLatency, 99)
    const pass = p99 <= TARGET_P99_MS && invalid === 0
    console.log(table(['phase', 'events', 'events/s delivered', 'p50 event->delivery', 'p99 event->delivery'], [
      [`burst of ${BURST}`, String(burstLatency.length), fmtNum(burstRate), fmtMs(percentile(burstLatency, 50)), fmtMs(percentile(burstLatency, 99))],
      [`${STEADY_PER_SECOND}/s for ${STEADY_SECONDS} s`, String(steadyLatency.length), fmtNum(STEADY_PER_SECOND), fmtMs(percentile(steadyLatency, 50)), fmtMs(p99)]
    ]))
    console.log(`signatures invalid: ${invalid}, duplicates: ${duplicates}`)
    console.log(`steady p99 event->delivery: ${fmtMs(p99)}   target: <= ${fmtMs(TARGET_P99_MS)} (and every signature valid)   ${verdict(pass)}`)
    console.log('note: node and receiver in this process, on a 2-core machine shared with other work; each delivery is written to level before it is sent and again after.')
    return { name: 'webhooks', target: `p99 event->delivery <= ${TARGET_P99_MS} ms at ${STEADY_PER_SECOND}/s`, pass, measured: `${fmtNum(burstRate)} events/s in a burst; p99 ${fmtMs(p99)} at ${STEADY_PER_SECOND}/s` }
  } finally {
    await node?.stop()
    await receiver.close()
    await removeDir(dir)
  }
}
