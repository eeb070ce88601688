import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ManualClock } from '../../src/clock.ts'
import {
  forgiveLocalStall, initialLiveness, observe,
  type DetectorConfig, type Liveness
} from '../../src/telemetry/failure-detector.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'

/** No suspicion delay here: the transitions are tested on their own; `suspicionMs` has its own tests. */
const CONFIG: DetectorConfig = { suspectAfterIntervals: 3, probeFailuresForDown: 2, suspicionMs: 0, downAfterMs: 30_000, suspicion: DEFAULT_TUNING.telemetry.detector.suspicion }
const INTERVAL = 1000
/** Silence after which a peer publishing every INTERVAL becomes suspect. */
const SUSPECT_AFTER = CONFIG.suspectAfterIntervals * INTERVAL

/** One peer's detector driven by a manual clock: every observation is stamped with clock.now(). */
class Peer {
  readonly clock: ManualClock
  private readonly config: DetectorConfig
  l: Liveness

  constructor (connected = true, config: DetectorConfig = CONFIG) {
    this.clock = new ManualClock()
    this.l = initialLiveness(this.clock.now(), INTERVAL, connected, 0)
    this.config = config
  }

  get state (): Liveness['state'] {
    return this.l.state
  }

  /** Advances the clock by `ms`, then ticks. */
  after (ms: number): this {
    this.clock.advance(ms)
    return this.tick()
  }

  tick (): this {
    this.l = observe(this.l, { kind: 'tick', at: this.clock.now() }, this.config)
    return this
  }

  snapshot (intervalMs = INTERVAL): this {
    this.l = observe(this.l, { kind: 'snapshot', at: this.clock.now(), intervalMs, incarnation: 0 }, this.config)
    return this
  }

  connection (connected: boolean): this {
    this.l = observe(this.l, { kind: 'connection', at: this.clock.now(), connected }, this.config)
    return this
  }

  probe (ok: boolean): this {
    this.l = observe(this.l, { kind: 'probe', at: this.clock.now(), ok }, this.config)
    return this
  }
}

/** A peer made suspect by silence (just past SUSPECT_AFTER), still connected unless told. */
function suspectPeer (connected = true): Peer {
  const p = new Peer(connected)
  p.after(SUSPECT_AFTER + 1)
  assert.equal(p.state, 'suspect')
  return p
}

/** A peer made down by losing its connection and failing probeFailuresForDown probes. */
function downPeer (): Peer {
  const p = new Peer()
  p.clock.advance(100)
  p.connection(false)
  for (let i = 0; i < CONFIG.probeFailuresForDown; i++) {
    p.clock.advance(100)
    p.probe(false)
  }
  assert.equal(p.state, 'down')
  return p
}

describe('initialLiveness', () => {
  test('a new peer is healthy, heard and alive now, with no failed probes', () => {
    const at = 1_700_000_000_000
    assert.deepEqual(initialLiveness(at, 500, false, 0), {
      state: 'healthy', since: at, incarnation: 0, lastHeardAt: at, lastAliveAt: at, intervalMs: 500, connected: false, probeFailures: 0, accusation: undefined
    })
  })

  test('the defaults are the documented ones', () => {
    assert.deepEqual(DEFAULT_TUNING.telemetry.detector, { suspectAfterIntervals: 3, probeFailuresForDown: 2, suspicionMs: 3_000, downAfterMs: 30_000, suspicion: { mult: 2, maxMult: 3, confirmations: 3, probeIntervalMs: 1_000 } })
  })
})

describe('suspicion lasts suspicionMs before a verdict', () => {
  const SUSPICION: DetectorConfig = { ...CONFIG, suspicionMs: 3_000 }
  const lost = (): { l: Liveness, at: number } => {
    const at = 1_000_000
    let l = initialLiveness(at, INTERVAL, true, 0)
    l = observe(l, { kind: 'connection', at, connected: false }, SUSPICION)
    l = observe(l, { kind: 'probe', at: at + 100, ok: false }, SUSPICION)
    l = observe(l, { kind: 'probe', at: at + 200, ok: false }, SUSPICION)
    return { l, at }
  }

  test('an unreachable peer stays suspect until suspicionMs after it became suspect', () => {
    const { l, at } = lost()
    assert.equal(l.state, 'suspect')
    assert.equal(observe(l, { kind: 'tick', at: at + 2_999 }, SUSPICION).state, 'suspect')
    assert.equal(observe(l, { kind: 'tick', at: at + 3_000 }, SUSPICION).state, 'down')
  })

  test('a peer that answers again within suspicionMs is never declared down (a two-second stall)', () => {
    const { l, at } = lost()
    const back = observe(l, { kind: 'probe', at: at + 2_000, ok: true }, SUSPICION)
    assert.equal(observe(back, { kind: 'tick', at: at + 3_500 }, SUSPICION).state, 'suspect')
    assert.equal(observe(back, { kind: 'snapshot', at: at + 2_100, intervalMs: INTERVAL, incarnation: 0 }, SUSPICION).state, 'healthy')
  })
})

describe('healthy -> suspect on silence', () => {
  test('not suspect while silent for exactly suspectAfterIntervals * intervalMs', () => {
    const p = new Peer()
    for (let i = 0; i < SUSPECT_AFTER / 250; i++) p.after(250)
    assert.equal(p.state, 'healthy')
  })

  test('suspect one millisecond later', () => {
    const p = new Peer()
    const start = p.clock.now()
    p.after(SUSPECT_AFTER).after(1)
    assert.equal(p.state, 'suspect')
    assert.equal(p.l.since, start + SUSPECT_AFTER + 1)
  })

  test('regular snapshots keep a peer healthy indefinitely', () => {
    const p = new Peer()
    for (let i = 0; i < 200; i++) {
      p.after(INTERVAL).snapshot()
      assert.equal(p.state, 'healthy')
    }
  })

  test('the threshold follows the peer\'s announced interval', () => {
    const p = new Peer()
    p.snapshot(5000)
    assert.equal(p.l.intervalMs, 5000)
    p.after(3 * 5000)
    assert.equal(p.state, 'healthy')
    p.after(1)
    assert.equal(p.state, 'suspect')
  })

  test('the threshold follows suspectAfterIntervals', () => {
    const p = new Peer(true, { ...CONFIG, suspectAfterIntervals: 5 })
    p.after(5 * INTERVAL)
    assert.equal(p.state, 'healthy')
    p.after(1)
    assert.equal(p.state, 'suspect')
  })

  test('silence counts from the last snapshot, not from the last tick', () => {
    const p = new Peer()
    p.after(2000).snapshot()
    p.after(SUSPECT_AFTER)
    assert.equal(p.state, 'healthy')
    p.after(1)
    assert.equal(p.state, 'suspect')
  })

  test('an answered probe does not count as being heard: a silent peer that answers pings still becomes suspect', () => {
    const p = new Peer()
    p.after(2000).probe(true)
    p.after(SUSPECT_AFTER - 2000 + 1)
    assert.equal(p.state, 'suspect')
  })
})

describe('suspect -> healthy', () => {
  test('a fresh snapshot makes a suspect peer healthy again, with its timestamps and probe count reset', () => {
    const p = suspectPeer()
    p.probe(false)
    p.clock.advance(10)
    p.snapshot()
    assert.equal(p.state, 'healthy')
    assert.equal(p.l.since, p.clock.now())
    assert.equal(p.l.lastHeardAt, p.clock.now())
    assert.equal(p.l.lastAliveAt, p.clock.now())
    assert.equal(p.l.probeFailures, 0)
  })

  test('an answered probe does not make a suspect peer healthy', () => {
    const p = suspectPeer()
    p.probe(true)
    assert.equal(p.state, 'suspect')
  })

  test('an answered probe (SWIM\'s ack) makes a peer suspect for a lost connection or failed pings healthy again, when it is not silent', () => {
    const lost = new Peer().connection(false)
    assert.equal(lost.state, 'suspect')
    lost.clock.advance(100)
    lost.probe(true)
    assert.equal(lost.state, 'healthy')
    assert.equal(lost.l.since, lost.clock.now())
    const failing = new Peer()
    failing.clock.advance(100)
    failing.probe(false).probe(false)
    assert.equal(failing.state, 'suspect')
    assert.equal(failing.probe(true).state, 'healthy')
  })

  test('an answered probe does not clear an accusation: only a refutation does', () => {
    const p = new Peer()
    p.l = observe(p.l, { kind: 'suspect', at: p.clock.now(), incarnation: 0, accuser: 'a', members: 25 }, CONFIG)
    assert.equal(p.probe(true).state, 'suspect')
  })

  test('a restored connection does not make a suspect peer healthy', () => {
    const p = new Peer()
    p.connection(false)
    assert.equal(p.state, 'suspect')
    p.connection(true)
    assert.equal(p.state, 'suspect')
    assert.equal(p.l.connected, true)
  })
})

describe('connection loss', () => {
  test('losing the connection makes a healthy peer suspect at once', () => {
    const p = new Peer()
    p.clock.advance(5)
    p.connection(false)
    assert.equal(p.state, 'suspect')
    assert.equal(p.l.since, p.clock.now())
    assert.equal(p.l.connected, false)
  })

  test('losing the connection alone does not make a peer down', () => {
    const p = new Peer()
    p.connection(false)
    p.after(1000)
    assert.equal(p.state, 'suspect')
  })

  test('gaining a connection changes only the flag', () => {
    const p = new Peer(false)
    p.connection(true)
    assert.equal(p.state, 'healthy')
    assert.equal(p.l.connected, true)
  })

  test('losing the connection of a down peer leaves it down', () => {
    const p = downPeer()
    p.connection(false)
    assert.equal(p.state, 'down')
  })
})

describe('failed probes', () => {
  test('suspect + disconnected + probeFailuresForDown failed probes -> down', () => {
    const p = new Peer()
    p.connection(false)
    p.clock.advance(100)
    p.probe(false)
    assert.equal(p.state, 'suspect', 'one failed probe is not enough')
    p.clock.advance(100)
    p.probe(false)
    assert.equal(p.state, 'down')
    assert.equal(p.l.since, p.clock.now())
    assert.equal(p.l.probeFailures, 2)
  })

  test('the number of probes needed follows probeFailuresForDown', () => {
    const config = { ...CONFIG, probeFailuresForDown: 4 }
    const p = new Peer(true, config)
    p.connection(false)
    for (let i = 1; i < 4; i++) {
      p.probe(false)
      assert.equal(p.state, 'suspect', `after ${i} failed probes`)
    }
    p.probe(false)
    assert.equal(p.state, 'down')
  })

  test('a suspect (silent) peer without a connection goes down on failed probes', () => {
    const p = suspectPeer()
    p.connection(false)
    p.probe(false).probe(false)
    assert.equal(p.state, 'down')
  })

  test('slow-peer rule: a connected peer with failed probes becomes suspect but NOT down', () => {
    const p = new Peer()
    p.probe(false)
    assert.equal(p.state, 'healthy', 'one failed probe is tolerated')
    p.probe(false)
    assert.equal(p.state, 'suspect', 'probeFailuresForDown failed probes make it suspect')
    for (let i = 0; i < 20; i++) {
      p.clock.advance(1000)
      p.probe(false)
      p.tick()
      assert.equal(p.state, 'suspect', `still only suspect after ${i + 3} failed probes`)
    }
    assert.ok(p.l.probeFailures >= 22)
  })

  test('a peer failing probes while disconnected only becomes down once suspect (healthy first moves to suspect)', () => {
    // Connection flag false from the start (e.g. heard through gossip relays), still healthy.
    const p = new Peer(false)
    p.probe(false).probe(false)
    assert.equal(p.state, 'suspect')
    p.probe(false)
    assert.equal(p.state, 'down')
  })

  test('a successful probe resets the failure count', () => {
    const p = new Peer()
    p.connection(false)
    p.probe(false).probe(true).probe(false)
    assert.equal(p.l.probeFailures, 1)
    // The answer made it healthy again (SWIM's ack); one failure since is not enough to doubt it.
    assert.equal(p.state, 'healthy')
    p.probe(false)
    assert.equal(p.state, 'suspect')
    p.probe(false)
    assert.equal(p.state, 'down')
  })

  test('a tick alone takes a disconnected suspect peer with enough failures down', () => {
    const p = new Peer(true, { ...CONFIG, probeFailuresForDown: 2 })
    p.probe(false).probe(false)
    assert.equal(p.state, 'suspect')
    p.connection(false)
    assert.equal(p.state, 'suspect', 'the connection event itself does not decide')
    p.after(1)
    assert.equal(p.state, 'down')
  })

  test('a snapshot clears the failures: after it, one failed probe does not suspect a connected peer', () => {
    const p = new Peer()
    p.probe(false).probe(false)
    assert.equal(p.state, 'suspect')
    p.snapshot()
    assert.equal(p.state, 'healthy')
    p.probe(false)
    assert.equal(p.state, 'healthy')
  })
})

describe('down after downAfterMs of no sign of life', () => {
  test('a connected peer silent for downAfterMs goes down, not before', () => {
    const p = new Peer()
    const start = p.clock.now()
    p.after(CONFIG.downAfterMs)
    assert.equal(p.state, 'suspect')
    assert.equal(p.l.connected, true)
    p.after(1)
    assert.equal(p.state, 'down')
    assert.equal(p.l.since, start + CONFIG.downAfterMs + 1)
  })

  test('goes down directly from healthy when no tick came in between', () => {
    const p = new Peer()
    p.clock.advance(CONFIG.downAfterMs + 1)
    p.tick()
    assert.equal(p.state, 'down')
  })

  test('a failed probe after downAfterMs of silence also takes it down, even if connected', () => {
    const p = new Peer()
    p.clock.advance(CONFIG.downAfterMs + 1)
    p.probe(false)
    assert.equal(p.state, 'down')
    assert.equal(p.l.connected, true)
  })

  test('answered probes are a sign of life: a connected silent peer that answers stays suspect', () => {
    const p = new Peer()
    for (let i = 0; i < 60; i++) {
      p.after(1000).probe(true)
    }
    assert.equal(p.state, 'suspect')
    assert.equal(p.clock.now() - p.l.lastHeardAt, 60_000)
    p.after(CONFIG.downAfterMs)
    assert.equal(p.state, 'suspect')
    p.after(1)
    assert.equal(p.state, 'down')
  })

  test('the limit follows downAfterMs (above twice the suspect silence, which is the floor)', () => {
    const p = new Peer(true, { ...CONFIG, downAfterMs: 8000 })
    p.after(8000)
    assert.equal(p.state, 'suspect')
    p.after(1)
    assert.equal(p.state, 'down')
  })
})

describe('leaving down', () => {
  test('a successful probe on a down peer makes it suspect, not healthy', () => {
    const p = downPeer()
    p.clock.advance(50)
    p.probe(true)
    assert.equal(p.state, 'suspect')
    assert.equal(p.l.since, p.clock.now())
    assert.equal(p.l.lastAliveAt, p.clock.now())
    assert.equal(p.l.probeFailures, 0)
  })

  test('after the probe revives it, the peer stays suspect on ticks (its answer is recent)', () => {
    const p = downPeer()
    p.probe(true)
    p.after(1000)
    assert.equal(p.state, 'suspect')
  })

  test('a failed probe or a tick leaves a down peer down', () => {
    const p = downPeer()
    p.probe(false)
    assert.equal(p.state, 'down')
    p.connection(true)
    p.after(10)
    assert.equal(p.state, 'down', 'even a reconnection does not undo down; only a sign of life does')
  })

  test('down -> healthy on a snapshot', () => {
    const p = downPeer()
    const downSince = p.l.since
    p.clock.advance(1000)
    p.snapshot()
    assert.equal(p.state, 'healthy')
    assert.ok(p.l.since > downSince)
    assert.equal(p.l.since, p.clock.now())
  })

  test('down (after long silence) -> healthy on a snapshot', () => {
    const p = new Peer()
    p.after(CONFIG.downAfterMs + 1)
    assert.equal(p.state, 'down')
    p.after(60_000).snapshot()
    assert.equal(p.state, 'healthy')
    p.after(SUSPECT_AFTER)
    assert.equal(p.state, 'healthy')
  })

  test('`since` does not move while the state stays the same', () => {
    const p = downPeer()
    const since = p.l.since
    p.after(1000).probe(false).after(1000)
    assert.equal(p.l.since, since)
  })
})


describe('observe is pure', () => {
  test('the input liveness is not modified', () => {
    const p = new Peer()
    const before = { ...p.l }
    const frozen = Object.freeze({ ...p.l })
    observe(frozen, { kind: 'connection', at: before.since + 1, connected: false }, CONFIG)
    observe(frozen, { kind: 'probe', at: before.since + 1, ok: false }, CONFIG)
    observe(frozen, { kind: 'snapshot', at: before.since + 1, intervalMs: 2000, incarnation: 0 }, CONFIG)
    observe(frozen, { kind: 'tick', at: before.since + 100_000 }, CONFIG)
    assert.deepEqual(frozen, before)
  })
})

describe('forgiveLocalStall', () => {
  test('moves lastHeardAt and lastAliveAt forward by the stall and nothing else', () => {
    const p = new Peer()
    p.after(700).probe(true)
    const l = p.l
    const forgiven = forgiveLocalStall(l, 2000, l.lastAliveAt + 5000)
    assert.deepEqual(forgiven, { ...l, lastHeardAt: l.lastHeardAt + 2000, lastAliveAt: l.lastAliveAt + 2000 })
    assert.notEqual(forgiven, l)
    assert.equal(p.l.lastHeardAt, l.lastHeardAt, 'the input is not modified')
  })

  test('no stall (zero or negative) changes nothing', () => {
    const l = new Peer().l
    assert.equal(forgiveLocalStall(l, 0, l.lastHeardAt + 1000), l)
    assert.equal(forgiveLocalStall(l, -500, l.lastHeardAt + 1000), l)
  })

  test('only the silence that overlaps the stall is excused', () => {
    const l = new Peer().l
    // Heard 500 ms before the stall ended: 500 ms are excused, not the whole 2000.
    const forgiven = forgiveLocalStall(l, 2000, l.lastHeardAt + 500)
    assert.equal(forgiven.lastHeardAt, l.lastHeardAt + 500)
    // Heard after the stall: nothing is excused.
    assert.equal(forgiveLocalStall(l, 2000, l.lastHeardAt).lastHeardAt, l.lastHeardAt)
  })

  test('a forgiven stall does not count as silence', () => {
    const p = new Peer()
    p.clock.advance(SUSPECT_AFTER + 2000)
    p.l = forgiveLocalStall(p.l, 2000, p.clock.now())
    p.tick()
    assert.equal(p.state, 'healthy')
    p.after(1)
    assert.equal(p.state, 'suspect')
  })

  test('a forgiven stall does not count towards downAfterMs', () => {
    const p = new Peer()
    p.clock.advance(CONFIG.downAfterMs + 5000)
    p.l = forgiveLocalStall(p.l, 5000, p.clock.now())
    p.tick()
    assert.equal(p.state, 'suspect')
    p.after(1)
    assert.equal(p.state, 'down')
  })
})
