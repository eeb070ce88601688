import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ManualClock } from '../../src/clock.ts'
import type { DetectorConfig } from '../../src/telemetry/failure-detector.ts'
import { PeerTable, type PeerEvent } from '../../src/telemetry/peer-table.ts'
import { encodeSnapshot, type TelemetrySnapshot } from '../../src/telemetry/snapshot.ts'
import { validateSnapshot } from '../../src/telemetry/validator.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'

const TICK = 500
/** Peers publish every 500 ms, so that silence of more than 1500 ms makes them suspect. */
const INTERVAL = 500
const DETECTOR: DetectorConfig = { suspectAfterIntervals: 3, probeFailuresForDown: 2, suspicionMs: 0, downAfterMs: 30_000, suspicion: DEFAULT_TUNING.telemetry.detector.suspicion }
const SUSPECT_AFTER = DETECTOR.suspectAfterIntervals * INTERVAL
const FORGET = 60_000

const A = 'peer-a'
const B = 'peer-b'
const C = 'peer-c'

function snapshot (seq: number, time: number, overrides: Partial<TelemetrySnapshot> = {}): TelemetrySnapshot {
  return {
    incarnation: 1_000,
    seq,
    time,
    intervalMs: INTERVAL,
    cpu: 0.1,
    memory: { rssBytes: 1, heapUsedBytes: 1, limitBytes: 8_000_000_000, limitSource: 'host', share: 0.1 },
    eventLoopDelayMs: { p50: 1, p99: 2, max: 3 },
    requests: { active: 0, served: 0, errors: 0, recent: { windowMs: 60_000, served: 0, errors: 0 } },
    services: [],
    apiUrl: '',
    version: '0.1.0',
    region: 'local',
    uptimeMs: 0,
    ...overrides
  }
}

/** A table, its manual clock and the events it emitted; helpers stamp everything with clock.now(). */
class Harness {
  readonly clock = new ManualClock()
  readonly events: PeerEvent[] = []
  readonly table: PeerTable
  private readonly seqs = new Map<string, number>()

  constructor (forgetAfterMs = FORGET) {
    this.table = new PeerTable({
      detector: DETECTOR,
      tickIntervalMs: TICK,
      forgetAfterMs,
      onEvent: e => { this.events.push(e) }
    })
  }

  get now (): number {
    return this.clock.now()
  }

  /** The peer's next snapshot, received now. */
  hear (peerId: string, connected = true, overrides: Partial<TelemetrySnapshot> = {}): TelemetrySnapshot {
    const seq = (this.seqs.get(peerId) ?? 0) + 1
    this.seqs.set(peerId, seq)
    const s = snapshot(seq, this.now, overrides)
    this.table.applySnapshot(peerId, s, this.now, connected)
    return s
  }

  tick (): void {
    this.table.tick(this.now)
  }

  /** Advances by `ms` and ticks. */
  after (ms: number): void {
    this.clock.advance(ms)
    this.tick()
  }

  state (peerId: string): string | undefined {
    return this.table.get(peerId, this.now)?.state
  }

  /** Makes a known peer down now: its connection drops and two probes fail. */
  takeDown (peerId: string): void {
    this.table.connectionChanged(peerId, false, this.now)
    this.table.probeResult(peerId, { ok: false }, this.now)
    this.table.probeResult(peerId, { ok: false }, this.now)
    assert.equal(this.state(peerId), 'down')
  }

  clearEvents (): void {
    this.events.length = 0
  }
}

describe('PeerTable: joining and snapshots', () => {
  test('the first snapshot of a peer emits peer:joined and nothing else', () => {
    const h = new Harness()
    assert.equal(h.table.size, 0)
    assert.equal(h.table.has(A), false)
    h.hear(A)
    assert.deepEqual(h.events, [{ type: 'peer:joined', peerId: A, at: h.now }])
    assert.equal(h.table.size, 1)
    assert.equal(h.table.has(A), true)
  })

  test('later snapshots emit no event while the peer stays healthy', () => {
    const h = new Harness()
    h.hear(A)
    for (let i = 0; i < 5; i++) {
      h.after(INTERVAL)
      h.hear(A)
    }
    assert.deepEqual(h.events.map(e => e.type), ['peer:joined'])
  })

  test('get: a new peer is healthy, with the snapshot and the times it was received', () => {
    const h = new Harness()
    const start = h.now
    const s = h.hear(A, true)
    assert.deepEqual(h.table.get(A, start), {
      peerId: A,
      state: 'healthy',
      stateSince: start,
      snapshot: s,
      receivedAt: start,
      ageMs: 0,
      rttMs: undefined,
      connected: true,
      firstSeenAt: start
    })
    assert.equal(h.table.get(B, start), undefined)
  })

  test('a later snapshot replaces the stored one and its receive time, not firstSeenAt', () => {
    const h = new Harness()
    const start = h.now
    h.hear(A)
    h.clock.advance(400)
    const second = h.hear(A, true, { cpu: 0.9 })
    const view = h.table.get(A, h.now)
    assert.ok(view !== undefined)
    assert.equal(view.snapshot, second)
    assert.equal(view.snapshot.cpu, 0.9)
    assert.equal(view.receivedAt, start + 400)
    assert.equal(view.firstSeenAt, start)
  })

  test('the connection flag passed with the first snapshot is kept', () => {
    const h = new Harness()
    h.hear(A, false)
    h.hear(B, true)
    assert.equal(h.table.get(A, h.now)?.connected, false)
    assert.equal(h.table.get(B, h.now)?.connected, true)
  })

  test('the announced interval of a later snapshot changes the silence threshold', () => {
    const h = new Harness()
    h.hear(A)
    h.hear(A, true, { intervalMs: 2000 })
    h.tick()
    for (let t = TICK; t <= 3 * 2000; t += TICK) h.after(TICK)
    assert.equal(h.state(A), 'healthy')
    h.after(TICK)
    assert.equal(h.state(A), 'suspect')
  })
})

describe('PeerTable: peer:state events', () => {
  test('connection loss: healthy -> suspect, with from, to and the time', () => {
    const h = new Harness()
    h.hear(A)
    h.clearEvents()
    h.clock.advance(123)
    h.table.connectionChanged(A, false, h.now)
    assert.deepEqual(h.events, [{ type: 'peer:state', peerId: A, from: 'healthy', to: 'suspect', at: h.now }])
    assert.equal(h.table.get(A, h.now)?.stateSince, h.now)
    assert.equal(h.table.get(A, h.now)?.connected, false)
  })

  test('a fresh snapshot: suspect -> healthy', () => {
    const h = new Harness()
    h.hear(A)
    h.table.connectionChanged(A, false, h.now)
    h.clearEvents()
    h.clock.advance(10)
    h.hear(A)
    assert.deepEqual(h.events, [{ type: 'peer:state', peerId: A, from: 'suspect', to: 'healthy', at: h.now }])
  })

  test('silence on regular ticks: healthy -> suspect -> down, each announced once', () => {
    const h = new Harness()
    const start = h.now
    h.hear(A)
    h.tick()
    for (let t = 0; t < DETECTOR.downAfterMs + 2 * TICK; t += TICK) h.after(TICK)
    assert.deepEqual(h.events.filter(e => e.type === 'peer:state'), [
      { type: 'peer:state', peerId: A, from: 'healthy', to: 'suspect', at: start + SUSPECT_AFTER + TICK },
      { type: 'peer:state', peerId: A, from: 'suspect', to: 'down', at: start + DETECTOR.downAfterMs + TICK }
    ])
  })

  test('disconnected and failed probes: healthy -> suspect -> down; a snapshot: down -> healthy', () => {
    const h = new Harness()
    h.hear(A)
    h.clearEvents()
    h.takeDown(A)
    h.clock.advance(1000)
    h.hear(A)
    assert.deepEqual(h.events.map(e => e.type === 'peer:state' ? `${e.from}->${e.to}` : e.type), [
      'healthy->suspect', 'suspect->down', 'down->healthy'
    ])
  })

  test('a connected peer failing probes becomes suspect but not down (slow peer)', () => {
    const h = new Harness()
    h.hear(A, true)
    for (let i = 0; i < 10; i++) {
      h.after(TICK)
      h.table.probeResult(A, { ok: false }, h.now)
    }
    assert.equal(h.state(A), 'suspect')
    assert.deepEqual(h.events.filter(e => e.type === 'peer:state').map(e => e.type === 'peer:state' && e.to), ['suspect'])
  })

  test('an answered probe on a down peer: down -> suspect, and the RTT is recorded', () => {
    const h = new Harness()
    h.hear(A)
    h.takeDown(A)
    h.clearEvents()
    h.clock.advance(50)
    h.table.probeResult(A, { ok: true, rttMs: 12.5 }, h.now)
    assert.deepEqual(h.events, [{ type: 'peer:state', peerId: A, from: 'down', to: 'suspect', at: h.now }])
    assert.equal(h.table.get(A, h.now)?.rttMs, 12.5)
  })

  test('a failed probe does not erase the last RTT', () => {
    const h = new Harness()
    h.hear(A)
    h.table.probeResult(A, { ok: true, rttMs: 3 }, h.now)
    h.table.probeResult(A, { ok: false }, h.now)
    assert.equal(h.table.get(A, h.now)?.rttMs, 3)
    h.table.probeResult(A, { ok: true, rttMs: 7 }, h.now)
    assert.equal(h.table.get(A, h.now)?.rttMs, 7)
  })

  test('observations about unknown peers are ignored: no record, no event', () => {
    const h = new Harness()
    h.table.connectionChanged(A, false, h.now)
    h.table.connectionChanged(A, true, h.now)
    h.table.probeResult(A, { ok: true, rttMs: 1 }, h.now)
    h.table.probeResult(A, { ok: false }, h.now)
    h.after(TICK)
    assert.equal(h.table.size, 0)
    assert.equal(h.table.has(A), false)
    assert.deepEqual(h.events, [])
  })
})

describe('PeerTable: forgetting', () => {
  test('peer:forgotten after forgetAfterMs of being down, not before', () => {
    const h = new Harness()
    h.hear(A)
    h.hear(B)
    h.clock.advance(100)
    h.takeDown(A)
    const downAt = h.now
    h.hear(B)
    h.clearEvents()
    h.clock.advance(FORGET)
    h.hear(B)
    h.tick()
    assert.equal(h.table.has(A), true, 'exactly forgetAfterMs down: still kept')
    assert.deepEqual(h.events, [])
    h.clock.advance(1)
    h.hear(B)
    h.tick()
    assert.deepEqual(h.events, [{ type: 'peer:forgotten', peerId: A, at: downAt + FORGET + 1 }])
    assert.equal(h.table.has(A), false)
    assert.equal(h.table.get(A, h.now), undefined)
    assert.equal(h.table.position(A), undefined)
    assert.equal(h.table.size, 1)
    assert.deepEqual(h.table.list(h.now).map(p => p.peerId), [B])
    assert.deepEqual(h.table.countByState(), { healthy: 1, suspect: 0, down: 0, left: 0 })
  })

  test('the time counts from becoming down, not from the last snapshot', () => {
    const h = new Harness()
    h.hear(A)
    h.tick()
    // Silent: down after downAfterMs (on the tick that first exceeds it).
    for (let t = 0; t <= DETECTOR.downAfterMs; t += TICK) h.after(TICK)
    const view = h.table.get(A, h.now)
    assert.ok(view !== undefined)
    assert.equal(view.state, 'down')
    const downAt = view.stateSince
    while (h.now + TICK <= downAt + FORGET) h.after(TICK)
    assert.equal(h.table.has(A), true)
    h.clock.advance(downAt + FORGET + 1 - h.now)
    h.tick()
    assert.equal(h.table.has(A), false)
    assert.deepEqual(h.events.at(-1), { type: 'peer:forgotten', peerId: A, at: downAt + FORGET + 1 })
  })

  test('a suspect peer is never forgotten, however long it stays suspect', () => {
    const h = new Harness()
    h.hear(A, true)
    for (let i = 0; i < 2 * FORGET / 1000; i++) {
      h.after(1000)
      h.table.probeResult(A, { ok: true, rttMs: 1 }, h.now)
    }
    assert.equal(h.state(A), 'suspect')
    assert.equal(h.table.has(A), true)
  })

  test('a down peer that comes back before forgetAfterMs is kept', () => {
    const h = new Harness()
    h.hear(A)
    h.takeDown(A)
    h.clock.advance(FORGET - 1)
    h.hear(A)
    h.clock.advance(10)
    h.tick()
    assert.equal(h.state(A), 'healthy')
    assert.ok(!h.events.some(e => e.type === 'peer:forgotten'))
  })

  test('a forgotten peer that returns joins again', () => {
    const h = new Harness()
    h.hear(A)
    h.takeDown(A)
    h.clock.advance(FORGET + 1)
    h.tick()
    assert.equal(h.table.has(A), false)
    h.clock.advance(5)
    h.hear(A)
    assert.deepEqual(h.events.at(-1), { type: 'peer:joined', peerId: A, at: h.now })
    assert.equal(h.table.get(A, h.now)?.firstSeenAt, h.now)
  })

  test('forgetAfterMs defaults to ten minutes', () => {
    const h = new Harness(DEFAULT_TUNING.telemetry.forgetAfterMs)
    h.hear(A)
    h.takeDown(A)
    h.clock.advance(10 * 60_000)
    h.tick()
    assert.equal(h.table.has(A), true)
    h.clock.advance(1)
    h.tick()
    assert.equal(h.table.has(A), false)
  })
})

describe('PeerTable: position() feeds the replay check', () => {
  const ctx = (now: number): { now: number, maxSkewMs: number, maxAgeMs: number } => ({ now, maxSkewMs: 30_000, maxAgeMs: 30_000 })

  test('no position for an unknown peer', () => {
    assert.equal(new Harness().table.position(A), undefined)
  })

  test('the position is the (incarnation, seq) of the newest applied snapshot', () => {
    const h = new Harness()
    h.table.applySnapshot(A, snapshot(7, h.now, { incarnation: 99 }), h.now, true)
    const pos = h.table.position(A)
    assert.ok(pos !== undefined)
    assert.equal(pos.incarnation, 99)
    assert.equal(pos.seq, 7)
    h.table.applySnapshot(A, snapshot(8, h.now, { incarnation: 99 }), h.now, true)
    assert.equal(h.table.position(A)?.seq, 8)
  })

  test('a replayed snapshot is rejected, a newer one accepted and applied, a restart accepted', () => {
    const h = new Harness()
    const first = snapshot(5, h.now)
    const firstBytes = encodeSnapshot(first)
    const v1 = validateSnapshot(firstBytes, h.table.position(A), ctx(h.now))
    assert.ok(v1.accept)
    h.table.applySnapshot(A, v1.snapshot, h.now, true)

    h.clock.advance(INTERVAL)
    assert.deepEqual(validateSnapshot(firstBytes, h.table.position(A), ctx(h.now)), { accept: false, reason: 'replayed' })
    const older = encodeSnapshot(snapshot(4, h.now))
    assert.deepEqual(validateSnapshot(older, h.table.position(A), ctx(h.now)), { accept: false, reason: 'replayed' })

    const v2 = validateSnapshot(encodeSnapshot(snapshot(6, h.now)), h.table.position(A), ctx(h.now))
    assert.ok(v2.accept)
    h.table.applySnapshot(A, v2.snapshot, h.now, true)
    assert.deepEqual(validateSnapshot(encodeSnapshot(snapshot(6, h.now)), h.table.position(A), ctx(h.now)), { accept: false, reason: 'replayed' })

    const restarted = validateSnapshot(encodeSnapshot(snapshot(1, h.now, { incarnation: 2_000 })), h.table.position(A), ctx(h.now))
    assert.equal(restarted.accept, true)
  })

  test('positions are per peer', () => {
    const h = new Harness()
    h.table.applySnapshot(A, snapshot(10, h.now), h.now, true)
    const forB = validateSnapshot(encodeSnapshot(snapshot(3, h.now)), h.table.position(B), ctx(h.now))
    assert.equal(forB.accept, true)
  })
})

describe('PeerTable: countByState, members, list', () => {
  /** A healthy, B suspect (connection lost), C down. */
  function mixed (): Harness {
    const h = new Harness()
    h.hear(A)
    h.hear(B)
    h.hear(C)
    h.table.connectionChanged(B, false, h.now)
    h.takeDown(C)
    return h
  }

  test('countByState counts every state, zero included', () => {
    assert.deepEqual(new Harness().table.countByState(), { healthy: 0, suspect: 0, down: 0, left: 0 })
    const h = mixed()
    assert.deepEqual(h.table.countByState(), { healthy: 1, suspect: 1, down: 1, left: 0 })
    h.hear(C)
    assert.deepEqual(h.table.countByState(), { healthy: 2, suspect: 1, down: 0, left: 0 })
  })

  test('members are the healthy and suspect peers; probe targets add the down ones (a cut-off peer answers again), never the left', () => {
    const h = mixed()
    assert.deepEqual(h.table.members().sort(), [A, B])
    assert.deepEqual(h.table.probeTargets().sort(), [A, B, C])
    h.table.applyMembership({ event: 'left', peerId: A, incarnation: 1_000, time: h.now }, A, h.now, 3)
    assert.deepEqual(h.table.members(), [B])
    assert.deepEqual(h.table.probeTargets().sort(), [B, C])
  })

  test('list returns every peer with its state', () => {
    const h = mixed()
    const byId = Object.fromEntries(h.table.list(h.now).map(p => [p.peerId, p.state]))
    assert.deepEqual(byId, { [A]: 'healthy', [B]: 'suspect', [C]: 'down' })
  })

  test('ages are computed from the `now` passed in, not from any clock', () => {
    const h = new Harness()
    const start = h.now
    h.hear(A)
    h.clock.advance(300)
    h.hear(B)
    const ages = (now: number): Record<string, number> =>
      Object.fromEntries(h.table.list(now).map(p => [p.peerId, p.ageMs]))
    assert.deepEqual(ages(start + 300), { [A]: 300, [B]: 0 })
    assert.deepEqual(ages(start + 1300), { [A]: 1300, [B]: 1000 })
    assert.deepEqual(ages(start + 1_000_000), { [A]: 1_000_000, [B]: 999_700 })
    assert.equal(h.table.get(A, start + 42)?.ageMs, 42)
  })

  test('an age is never negative (now before the receive time)', () => {
    const h = new Harness()
    h.hear(A)
    assert.equal(h.table.list(h.now - 1000)[0]?.ageMs, 0)
    assert.equal(h.table.get(A, h.now - 1)?.ageMs, 0)
  })

  test('list and get do not advance the detector', () => {
    const h = new Harness()
    h.hear(A)
    assert.equal(h.table.get(A, h.now + 10 * DETECTOR.downAfterMs)?.state, 'healthy')
    assert.equal(h.table.list(h.now + 10 * DETECTOR.downAfterMs)[0]?.state, 'healthy')
    assert.deepEqual(h.events.map(e => e.type), ['peer:joined'])
  })
})

describe('PeerTable: the observer\'s own stalls (tick)', () => {
  test('a 2.5 s gap between 500 ms ticks does not make peers suspect', () => {
    const h = new Harness()
    const start = h.now
    // Peers publish every 500 ms and are heard while this node runs.
    h.hear(A)
    h.hear(B)
    h.tick()
    h.after(TICK)
    h.hear(A)
    h.hear(B)
    // This node is blocked from start+500 until start+3000: it neither ticks nor hears anyone.
    h.clock.advance(2500)
    h.tick()
    assert.equal(h.now, start + 3000)
    assert.equal(h.state(A), 'healthy')
    assert.equal(h.state(B), 'healthy')
    assert.deepEqual(h.events.filter(e => e.type === 'peer:state'), [])
    assert.equal(h.table.countByState().suspect, 0)
  })

  test('contrast: a peer silent for the same time while ticks arrive on schedule does turn suspect', () => {
    const h = new Harness()
    const start = h.now
    h.hear(A)
    h.tick()
    h.after(TICK)
    h.hear(A)
    // Ticks keep coming every 500 ms, A says nothing after start+500.
    h.after(TICK) // +1000
    h.after(TICK) // +1500
    h.after(TICK) // +2000: 1500 ms of silence, not more
    assert.equal(h.state(A), 'healthy')
    h.after(TICK) // +2500
    assert.equal(h.state(A), 'suspect')
    h.after(TICK) // +3000
    assert.equal(h.now, start + 3000)
    assert.equal(h.state(A), 'suspect')
    assert.deepEqual(h.events.filter(e => e.type === 'peer:state'),
      [{ type: 'peer:state', peerId: A, from: 'healthy', to: 'suspect', at: start + 2500 }])
  })

  test('after a stall, a peer that really went silent is still detected, counting from the end of the stall', () => {
    const h = new Harness()
    const start = h.now
    h.hear(A)
    h.tick()
    h.after(TICK)
    h.hear(A) // last heard at +500
    h.clock.advance(2500)
    h.tick() // +3000, stall of 2000 forgiven: A counts as heard at +2500
    assert.equal(h.state(A), 'healthy')
    h.after(TICK) // +3500
    h.after(TICK) // +4000: 1500 ms since +2500
    assert.equal(h.state(A), 'healthy')
    h.after(TICK) // +4500
    assert.equal(h.state(A), 'suspect')
    assert.equal(h.table.get(A, h.now)?.stateSince, start + 4500)
  })

  test('a long stall (40 s, longer than downAfterMs) makes no peer down or suspect', () => {
    const h = new Harness()
    h.hear(A)
    h.tick()
    h.clock.advance(40_000)
    h.tick()
    assert.equal(h.state(A), 'healthy')
    assert.deepEqual(h.events.map(e => e.type), ['peer:joined'])
  })

  test('a late tick within one extra interval is not a stall: that silence counts', () => {
    const h = new Harness()
    h.hear(A)
    h.tick()
    h.after(TICK)
    h.after(TICK) // +1000
    h.after(2 * TICK) // +2000: late by exactly one interval, not forgiven; 2000 > 1500
    assert.equal(h.state(A), 'suspect')
  })

  test('a tick later than one whole extra interval is a stall: forgiven', () => {
    const h = new Harness()
    h.hear(A)
    h.tick()
    h.after(TICK)
    h.after(TICK) // +1000
    h.after(2 * TICK + 1) // +2001: late by 501 ms, forgiven: A counts as heard at +501
    assert.equal(h.state(A), 'healthy')
  })

  test('the first tick has no previous one to measure a stall against', () => {
    const h = new Harness()
    h.hear(A)
    h.clock.advance(SUSPECT_AFTER + 1)
    h.tick()
    assert.equal(h.state(A), 'suspect')
  })

  test('forgiveness applies to every peer, including the down ones, without reviving them', () => {
    const h = new Harness()
    h.hear(A)
    h.hear(B)
    h.takeDown(B)
    h.tick()
    h.clock.advance(5000)
    h.tick()
    assert.equal(h.state(A), 'healthy')
    assert.equal(h.state(B), 'down')
  })

  test('a snapshot handled just after the stall, before the late tick, is not forgiven on top', () => {
    const h = new Harness()
    const start = h.now
    h.hear(A)
    h.tick()
    h.after(TICK)
    // Blocked from +500 to +3000. On waking, the queued gossip is handled first, then the tick.
    h.clock.advance(2500)
    h.hear(A) // heard at +3000
    h.tick() // +3000, late: stall of 2000
    // A then goes silent; ticks are on schedule. It was really heard at +3000, so more than
    // 1500 ms of silence is reached at the +4500 tick... give it up to the +5000 tick.
    while (h.now < start + 5000) h.after(TICK)
    assert.equal(h.state(A), 'suspect', `lastHeardAt pushed into the future: ${String(h.table.get(A, h.now)?.state)}`)
  })
})

describe('PeerTable: SWIM membership', () => {
  const SELF = 'self'
  const MEMBERS = 25
  const min = DETECTOR.suspicion.mult * Math.log10(MEMBERS) * DETECTOR.suspicion.probeIntervalMs

  test('accuse: this node\'s accusation makes the peer suspect and returns the incarnation to announce; a second one says nothing new', () => {
    const h = new Harness()
    h.hear(A)
    assert.equal(h.table.accuse(A, SELF, h.now, MEMBERS), 1_000)
    assert.equal(h.state(A), 'suspect')
    assert.equal(h.table.accuse(A, SELF, h.now, MEMBERS), undefined)
    assert.equal(h.table.accuse('unknown', SELF, h.now, MEMBERS), undefined)
  })

  test('an accusation that outlives its timeout is a verdict, returned by tick once, to be disseminated', () => {
    const h = new Harness()
    h.hear(A)
    h.table.accuse(A, SELF, h.now, MEMBERS)
    for (const accuser of ['x', 'y', 'z']) h.table.applyMembership({ event: 'suspect', peerId: A, incarnation: 1_000, time: h.now }, accuser, h.now, MEMBERS)
    // Keep A heard so that only the accusation can take it down.
    let verdicts: Array<{ peerId: string, incarnation: number, accusers: readonly string[] }> = []
    for (let t = 0; t < Math.ceil(min / TICK) + 1; t++) {
      h.clock.advance(TICK)
      verdicts = [...verdicts, ...h.table.tick(h.now).verdicts]
    }
    assert.equal(h.state(A), 'down')
    assert.deepEqual(verdicts, [{ peerId: A, incarnation: 1_000, accusers: [SELF, 'x', 'y', 'z'] }])
  })

  test('a verdict heard from the mesh is applied and not returned as this node\'s own', () => {
    const h = new Harness()
    h.hear(A)
    h.table.applyMembership({ event: 'down', peerId: A, incarnation: 1_000, time: h.now }, 'x', h.now, MEMBERS)
    assert.equal(h.state(A), 'down')
    h.clock.advance(TICK)
    assert.deepEqual(h.table.tick(h.now).verdicts, [])
  })

  test('left: the peer\'s goodbye is a peer:state event to left, never down; it is no member to probe; it is forgotten like a down peer', () => {
    const h = new Harness()
    h.hear(A)
    h.hear(B)
    h.clearEvents()
    h.table.applyMembership({ event: 'left', peerId: A, incarnation: 1_000, time: h.now }, A, h.now, MEMBERS)
    assert.deepEqual(h.events, [{ type: 'peer:state', peerId: A, from: 'healthy', to: 'left', at: h.now }])
    assert.deepEqual(h.table.members(), [B])
    assert.deepEqual(h.table.countByState(), { healthy: 1, suspect: 0, down: 0, left: 1 })
    h.table.connectionChanged(A, false, h.now)
    for (let t = 0; t < 10; t++) h.after(TICK)
    assert.equal(h.state(A), 'left')
    assert.ok(!h.events.some(e => e.type === 'peer:state' && e.to === 'down'))
    h.clock.advance(FORGET + 1)
    h.hear(B)
    h.tick()
    assert.equal(h.table.has(A), false)
    assert.deepEqual(h.events.at(-1), { type: 'peer:forgotten', peerId: A, at: h.now })
  })

  test('a peer that left and comes back with a new incarnation is healthy again', () => {
    const h = new Harness()
    h.hear(A)
    h.table.applyMembership({ event: 'left', peerId: A, incarnation: 1_000, time: h.now }, A, h.now, MEMBERS)
    h.hear(A)
    assert.equal(h.state(A), 'left', 'a snapshot of the same incarnation does not undo a goodbye')
    h.hear(A, true, { incarnation: 2_000 })
    assert.equal(h.state(A), 'healthy')
  })

  test('membership events about a peer this node does not know change nothing', () => {
    const h = new Harness()
    h.table.applyMembership({ event: 'suspect', peerId: A, incarnation: 1, time: h.now }, 'x', h.now, MEMBERS)
    assert.equal(h.table.size, 0)
    assert.deepEqual(h.events, [])
  })
})

describe('PeerTable: accusations past k are not announced', () => {
  test('the first accuser and k confirmations announce; a further accuser only holds it suspect', () => {
    const h = new Harness()
    h.hear(A)
    const k = DETECTOR.suspicion.confirmations
    for (let i = 0; i < k; i++) h.table.applyMembership({ event: 'suspect', peerId: A, incarnation: 1_000, time: h.now }, `other-${i}`, h.now, 25)
    assert.equal(h.table.accuse(A, 'self', h.now, 25), 1_000, 'the k-th confirmation still shortens the suspicion')
    const h2 = new Harness()
    h2.hear(A)
    for (let i = 0; i <= k; i++) h2.table.applyMembership({ event: 'suspect', peerId: A, incarnation: 1_000, time: h2.now }, `other-${i}`, h2.now, 25)
    assert.equal(h2.table.accuse(A, 'self', h2.now, 25), undefined)
    assert.equal(h2.state(A), 'suspect')
  })
})
