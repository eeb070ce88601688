import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  LoadReportWireSchema, decodeLoadReport, encodeLoadReport, fresherLoad, loadReportOf, type LoadReport
} from '../../src/routing/load-report.ts'
import { RouteReplySchema } from '../../src/routing/route-protocol.ts'

const REPORT: LoadReport = { cpu: 0.25, memory: 0.5, eventLoopDelayMs: 1.5, activeRequests: 7, errorRate: 0.125 }

describe('load report codec', () => {
  test('a report survives encoding, validation and decoding', () => {
    const wire = encodeLoadReport(REPORT)
    assert.deepEqual(decodeLoadReport(LoadReportWireSchema.parse(JSON.parse(JSON.stringify(wire)))), REPORT)
  })

  test('encoding rounds and bounds every figure, so that what a node sends always validates', () => {
    const wire = encodeLoadReport({ cpu: 1.0004, memory: -0.1, eventLoopDelayMs: 9e9, activeRequests: 2.6, errorRate: 1 / 3 })
    assert.deepEqual(wire, [1, 0, 3_600_000, 3, 0.333])
    assert.equal(LoadReportWireSchema.safeParse(wire).success, true)
  })

  const rejected: Array<[string, unknown]> = [
    ['not an array', { cpu: 0.1 }],
    ['too few fields', [0.1, 0.1, 1, 0]],
    ['too many fields', [0.1, 0.1, 1, 0, 0, 0]],
    ['cpu below 0', [-0.01, 0.1, 1, 0, 0]],
    ['cpu above 1', [1.01, 0.1, 1, 0, 0]],
    ['memory above 1', [0.1, 1.5, 1, 0, 0]],
    ['memory not a number', [0.1, '0.5', 1, 0, 0]],
    ['negative event-loop delay', [0.1, 0.1, -1, 0, 0]],
    ['event-loop delay beyond an hour', [0.1, 0.1, 3_600_001, 0, 0]],
    ['event-loop delay not finite', [0.1, 0.1, Infinity, 0, 0]],
    ['active requests not an integer', [0.1, 0.1, 1, 1.5, 0]],
    ['negative active requests', [0.1, 0.1, 1, -1, 0]],
    ['active requests beyond a million', [0.1, 0.1, 1, 1_000_001, 0]],
    ['error rate above 1', [0.1, 0.1, 1, 0, 1.01]],
    ['error rate NaN', [0.1, 0.1, 1, 0, Number.NaN]],
    ['null field', [0.1, null, 1, 0, 0]]
  ]
  for (const [name, value] of rejected) {
    test(`rejects ${name}`, () => {
      assert.equal(LoadReportWireSchema.safeParse(value).success, false)
    })
  }

  test('a response head carries the report, and a bad one fails the whole head', () => {
    const head = { kind: 'response', status: 200, headers: [], load: encodeLoadReport(REPORT) }
    assert.equal(RouteReplySchema.safeParse(head).success, true)
    assert.equal(RouteReplySchema.safeParse({ ...head, load: [2, 0, 0, 0, 0] }).success, false)
  })
})

describe('loadReportOf', () => {
  test('takes the last sample with the requests active now, and its error rate over the recent window', () => {
    const sample = {
      cpu: 0.4,
      memory: { rssBytes: 100, heapUsedBytes: 50, limitBytes: 400, limitSource: 'host' as const, share: 0.25 },
      eventLoopDelayMs: { p50: 0.5, p99: 3, max: 9 },
      requests: { active: 1, served: 100, errors: 10, recent: { windowMs: 60_000, served: 40, errors: 4 } }
    }
    assert.deepEqual(loadReportOf(sample, 12), { cpu: 0.4, memory: 0.25, eventLoopDelayMs: 3, activeRequests: 12, errorRate: 0.1 })
  })

  test('before the first sample, and with nothing served recently, it reports no load but the active requests', () => {
    assert.deepEqual(loadReportOf(undefined, 2), { cpu: 0, memory: 0, eventLoopDelayMs: 0, activeRequests: 2, errorRate: 0 })
  })
})

describe('fresherLoad', () => {
  const gossiped = { load: { cpu: 0.1, activeRequests: 1 }, receivedAt: 1_000 }

  test('without a report, the gossiped load', () => {
    assert.deepEqual(fresherLoad(undefined, gossiped), gossiped.load)
  })

  test('a report received after the snapshot wins', () => {
    assert.deepEqual(fresherLoad({ load: { ...REPORT, cpu: 0.9, activeRequests: 30 }, receivedAt: 1_001 }, gossiped), { cpu: 0.9, activeRequests: 30 })
  })

  test('a snapshot received after the report wins', () => {
    assert.deepEqual(fresherLoad({ load: REPORT, receivedAt: 999 }, gossiped), gossiped.load)
  })
})
