import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { forgiveLocalStall, initialLiveness, observe, type DetectorConfig, type Liveness } from '../../src/telemetry/failure-detector.ts'
import { seededRandom as seeded } from '../../src/random.ts'
import { LocalHealth } from '../../src/telemetry/local-health.ts'
import { ProbeScheduler, pickHelpers } from '../../src/telemetry/probe-scheduler.ts'
import { confirm, minSuspicionMs, newSuspicion, suspicionTimeoutMs, type SuspicionConfig } from '../../src/telemetry/suspicion.ts'
import { DEFAULT_TUNING } from '../../src/tuning.ts'

const SUSPICION: SuspicionConfig = { mult: 2, maxMult: 3, confirmations: 3, probeIntervalMs: 1000 }
/** No local rule interferes here: no silence, probe or downAfter verdicts within these tests' time spans. */
const CONFIG: DetectorConfig = { suspectAfterIntervals: 1_000, probeFailuresForDown: 1_000, suspicionMs: 0, downAfterMs: 3_600_000, suspicion: SUSPICION }
const T0 = 1_000_000


describe('suspicion timeout (memberlist\'s formula)', () => {
  test('the least timeout is mult x log10(members) probe intervals, and never under mult intervals', () => {
    assert.equal(minSuspicionMs(1, SUSPICION), 2000)
    assert.equal(minSuspicionMs(10, SUSPICION), 2000)
    assert.equal(minSuspicionMs(100, SUSPICION), 4000)
    assert.equal(minSuspicionMs(10_000, SUSPICION), 8000)
  })

  test('with no confirmation it lasts maxMult times the least; each independent confirmation shortens it, down to the least', () => {
    let s = newSuspicion(T0, 'a', 25, SUSPICION)
    const min = minSuspicionMs(25, SUSPICION)
    assert.equal(s.k, 3)
    assert.equal(suspicionTimeoutMs(s), 3 * min)
    const timeouts = [suspicionTimeoutMs(s)]
    for (const accuser of ['b', 'c', 'd', 'e']) {
      s = confirm(s, accuser)
      timeouts.push(suspicionTimeoutMs(s))
    }
    // max - (max - min) * ln(c + 1) / ln(k + 1), floored, for c = 1, 2, 3; then no lower.
    assert.deepEqual(timeouts, [3 * min, Math.floor(3 * min - 2 * min * Math.log(2) / Math.log(4)), Math.floor(3 * min - 2 * min * Math.log(3) / Math.log(4)), min, min])
  })

  test('the same accuser twice is one confirmation', () => {
    const s = confirm(newSuspicion(T0, 'a', 25, SUSPICION), 'b')
    assert.equal(confirm(s, 'b'), s)
    assert.equal(confirm(s, 'a'), s)
  })

  test('a mesh too small for k confirmations uses the least timeout at once (memberlist)', () => {
    const s = newSuspicion(T0, 'a', 4, SUSPICION)
    assert.equal(s.k, 0)
    assert.equal(suspicionTimeoutMs(s), minSuspicionMs(4, SUSPICION))
    assert.equal(newSuspicion(T0, 'a', 5, SUSPICION).k, 3)
  })

  test('the defaults keep a crash at 10,000 nodes under 10 s once confirmed, where memberlist\'s 4 is 16 s', () => {
    assert.equal(minSuspicionMs(10_000, DEFAULT_TUNING.telemetry.detector.suspicion), 8000)
  })
})

function healthy (incarnation = 5): Liveness {
  return initialLiveness(T0, 1000, true, incarnation)
}

const at = (ms: number): number => T0 + ms

describe('detector: accusations, confirmations, refutation, verdicts', () => {
  test('an accusation makes a healthy peer suspect and starts a suspicion at its incarnation', () => {
    const l = observe(healthy(), { kind: 'suspect', at: at(10), incarnation: 5, accuser: 'a', members: 25 }, CONFIG)
    assert.equal(l.state, 'suspect')
    assert.equal(l.since, at(10))
    assert.deepEqual(l.accusation?.accusers, ['a'])
    assert.equal(l.accusation?.startedAt, at(10))
  })

  test('an accusation of an older incarnation is void', () => {
    const l = healthy(5)
    assert.equal(observe(l, { kind: 'suspect', at: at(10), incarnation: 4, accuser: 'a', members: 25 }, CONFIG), l)
  })

  test('an accusation of a newer incarnation than known is taken, with that incarnation', () => {
    const l = observe(healthy(5), { kind: 'suspect', at: at(10), incarnation: 7, accuser: 'a', members: 25 }, CONFIG)
    assert.equal(l.state, 'suspect')
    assert.equal(l.incarnation, 7)
  })

  test('the accusation becomes a verdict when its timeout passes, not a millisecond before', () => {
    const min = minSuspicionMs(25, SUSPICION)
    let l = observe(healthy(), { kind: 'suspect', at: at(0), incarnation: 5, accuser: 'a', members: 25 }, CONFIG)
    assert.equal(observe(l, { kind: 'tick', at: at(3 * min - 1) }, CONFIG).state, 'suspect')
    l = observe(l, { kind: 'tick', at: at(3 * min) }, CONFIG)
    assert.equal(l.state, 'down')
    assert.equal(l.accusation, undefined)
  })

  test('confirmations by other accusers bring the verdict forward', () => {
    const min = minSuspicionMs(25, SUSPICION)
    let l = observe(healthy(), { kind: 'suspect', at: at(0), incarnation: 5, accuser: 'a', members: 25 }, CONFIG)
    for (const accuser of ['b', 'c', 'd']) l = observe(l, { kind: 'suspect', at: at(100), incarnation: 5, accuser, members: 25 }, CONFIG)
    assert.equal(l.accusation?.accusers.length, 4)
    assert.equal(l.accusation?.startedAt, at(0), 'a confirmation does not restart the suspicion')
    assert.equal(observe(l, { kind: 'tick', at: at(min - 1) }, CONFIG).state, 'suspect')
    assert.equal(observe(l, { kind: 'tick', at: at(min) }, CONFIG).state, 'down')
  })

  test('a refutation (alive at a higher incarnation) clears the accusation: healthy, and the old accusation can never become a verdict', () => {
    let l = observe(healthy(), { kind: 'suspect', at: at(0), incarnation: 5, accuser: 'a', members: 25 }, CONFIG)
    l = observe(l, { kind: 'alive', at: at(500), incarnation: 6 }, CONFIG)
    assert.equal(l.state, 'healthy')
    assert.equal(l.incarnation, 6)
    assert.equal(l.accusation, undefined)
    assert.equal(observe(l, { kind: 'tick', at: at(60_000) }, CONFIG).state, 'healthy')
    assert.equal(observe(l, { kind: 'suspect', at: at(600), incarnation: 5, accuser: 'b', members: 25 }, CONFIG).state, 'healthy', 'a late accusation of the refuted incarnation is void')
  })

  test('alive at the same incarnation is no refutation', () => {
    const l = observe(healthy(), { kind: 'suspect', at: at(0), incarnation: 5, accuser: 'a', members: 25 }, CONFIG)
    assert.equal(observe(l, { kind: 'alive', at: at(10), incarnation: 5 }, CONFIG).state, 'suspect')
  })

  test('a snapshot of the accused incarnation does not clear the accusation; one of a higher incarnation does', () => {
    const l = observe(healthy(), { kind: 'suspect', at: at(0), incarnation: 5, accuser: 'a', members: 25 }, CONFIG)
    const same = observe(l, { kind: 'snapshot', at: at(10), intervalMs: 1000, incarnation: 5 }, CONFIG)
    assert.equal(same.state, 'suspect')
    assert.ok(same.accusation !== undefined)
    assert.equal(observe(l, { kind: 'snapshot', at: at(10), intervalMs: 1000, incarnation: 6 }, CONFIG).state, 'healthy')
  })

  test('another node\'s verdict makes a peer down at once; one about an older incarnation is void', () => {
    assert.equal(observe(healthy(5), { kind: 'down', at: at(1), incarnation: 5 }, CONFIG).state, 'down')
    assert.equal(observe(healthy(5), { kind: 'down', at: at(1), incarnation: 4 }, CONFIG).state, 'healthy')
  })

  test('an accusation of a down peer of the same incarnation changes nothing', () => {
    const down = observe(healthy(5), { kind: 'down', at: at(1), incarnation: 5 }, CONFIG)
    assert.equal(observe(down, { kind: 'suspect', at: at(2), incarnation: 5, accuser: 'a', members: 25 }, CONFIG), down)
  })

  test('a restarted peer (higher incarnation) is healthy again after a verdict', () => {
    const down = observe(healthy(5), { kind: 'down', at: at(1), incarnation: 5 }, CONFIG)
    assert.equal(observe(down, { kind: 'snapshot', at: at(2), intervalMs: 1000, incarnation: 9 }, CONFIG).state, 'healthy')
  })
})

describe('detector: left', () => {
  const left = (): Liveness => observe(healthy(5), { kind: 'left', at: at(1), incarnation: 5 }, CONFIG)

  test('the peer\'s goodbye makes it left at once, from healthy, suspect or down', () => {
    assert.equal(left().state, 'left')
    const suspect = observe(healthy(5), { kind: 'suspect', at: at(0), incarnation: 5, accuser: 'a', members: 25 }, CONFIG)
    const fromSuspect = observe(suspect, { kind: 'left', at: at(1), incarnation: 5 }, CONFIG)
    assert.equal(fromSuspect.state, 'left')
    assert.equal(fromSuspect.accusation, undefined)
    assert.equal(observe(observe(healthy(5), { kind: 'down', at: at(0), incarnation: 5 }, CONFIG), { kind: 'left', at: at(1), incarnation: 5 }, CONFIG).state, 'left')
  })

  test('a goodbye of an older incarnation is void (a replay after the peer came back)', () => {
    assert.equal(observe(healthy(6), { kind: 'left', at: at(1), incarnation: 5 }, CONFIG).state, 'healthy')
  })

  test('left is not down: no tick, silence, failed probe, lost connection, accusation or verdict moves it', () => {
    const l = left()
    const config: DetectorConfig = { ...CONFIG, suspectAfterIntervals: 1, probeFailuresForDown: 1, downAfterMs: 10 }
    assert.equal(observe(l, { kind: 'tick', at: at(100_000) }, config).state, 'left')
    assert.equal(observe(l, { kind: 'probe', at: at(100_000), ok: false }, config).state, 'left')
    assert.equal(observe(l, { kind: 'connection', at: at(2), connected: false }, config).state, 'left')
    assert.equal(observe(l, { kind: 'suspect', at: at(2), incarnation: 5, accuser: 'a', members: 25 }, config).state, 'left')
    assert.equal(observe(l, { kind: 'down', at: at(2), incarnation: 5 }, config).state, 'left')
  })

  test('a snapshot still in flight when it left does not bring it back; its return with a new incarnation does', () => {
    assert.equal(observe(left(), { kind: 'snapshot', at: at(2), intervalMs: 1000, incarnation: 5 }, CONFIG).state, 'left')
    const back = observe(left(), { kind: 'snapshot', at: at(2), intervalMs: 1000, incarnation: 6 }, CONFIG)
    assert.equal(back.state, 'healthy')
    assert.equal(back.incarnation, 6)
  })
})

describe('detector: the observer\'s own stall does not count towards an accusation', () => {
  test('forgiveLocalStall moves the accusation\'s start by the stall', () => {
    const l = observe(healthy(), { kind: 'suspect', at: at(0), incarnation: 5, accuser: 'a', members: 25 }, CONFIG)
    const forgiven = forgiveLocalStall(l, 2_000, at(3_000))
    assert.equal(forgiven.accusation?.startedAt, at(2_000))
    assert.equal(l.accusation?.startedAt, at(0), 'pure: the input is unchanged')
  })
})

describe('ProbeScheduler: round-robin over a shuffled member list', () => {
  test('every member is probed exactly once per round, and each round is shuffled anew', () => {
    const members = Array.from({ length: 10 }, (_, i) => `p${i}`)
    const s = new ProbeScheduler(seeded(7))
    const rounds: string[][] = []
    for (let r = 0; r < 3; r++) rounds.push(Array.from({ length: 10 }, () => s.next(members) as string))
    for (const round of rounds) assert.deepEqual([...round].sort(), [...members].sort())
    assert.notDeepEqual(rounds[0], rounds[1])
  })

  test('a member that is gone is skipped; a new one is probed from the next round on', () => {
    const s = new ProbeScheduler(seeded(3))
    const first = s.next(['a', 'b', 'c']) as string
    const rest = ['a', 'b', 'c'].filter(x => x !== first)
    const gone = rest[0] as string
    const now = ['a', 'b', 'c', 'd'].filter(x => x !== gone)
    const seen = [s.next(now)]
    assert.ok(!seen.includes(gone))
    assert.ok(!seen.includes('d'), 'the newcomer waits for the next round')
    const next = Array.from({ length: now.length }, () => s.next(now))
    assert.ok(next.includes('d'))
    assert.ok(!next.includes(gone))
  })

  test('no member: nothing to probe', () => {
    assert.equal(new ProbeScheduler(Math.random).next([]), undefined)
  })

  test('the helpers of an indirect probe are up to k others, never the target', () => {
    const helpers = pickHelpers(['a', 'b', 'c', 'd', 'e'], 3, 'c', seeded(1))
    assert.equal(helpers.length, 3)
    assert.ok(!helpers.includes('c'))
    assert.equal(new Set(helpers).size, 3)
    assert.deepEqual(pickHelpers(['a', 'c'], 3, 'c', seeded(1)), ['a'])
  })
})

describe('LocalHealth (Lifeguard)', () => {
  test('failures it may be to blame for raise the score up to its max; successful probes lower it to 0', () => {
    const h = new LocalHealth(3)
    assert.equal(h.scale(1000), 1000)
    h.record('probe_failed_unanswered')
    h.record('refuted')
    h.record('stalled')
    h.record('stalled')
    assert.equal(h.score, 3)
    assert.equal(h.scale(1000), 4000)
    for (let i = 0; i < 5; i++) h.record('probe_ok')
    assert.equal(h.score, 0)
  })
})

describe('detector: a peer that publishes rarely (under the receive budget)', () => {
  test('is not down after downAfterMs of silence when its interval is long: the limit is twice its suspect silence', () => {
    const config: DetectorConfig = { ...CONFIG, suspectAfterIntervals: 3, downAfterMs: 30_000 }
    const l = initialLiveness(T0, 250_000, true, 1)
    assert.equal(observe(l, { kind: 'tick', at: at(60_000) }, config).state, 'healthy')
    assert.equal(observe(l, { kind: 'tick', at: at(750_001) }, config).state, 'suspect')
    assert.equal(observe(l, { kind: 'tick', at: at(1_500_001) }, config).state, 'down')
    // A peer publishing every second keeps the plain downAfterMs.
    assert.equal(observe(initialLiveness(T0, 1_000, true, 1), { kind: 'tick', at: at(30_001) }, config).state, 'down')
  })
})
