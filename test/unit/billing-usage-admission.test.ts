import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { admitUsage, MAX_RECORD_AGE_MS, type AdmissionContext, type ReportedUsage } from '../../src/billing/usage-admission.ts'
import { MeshError } from '../../src/errors.ts'
import { PRODUCTION_PARAMS, type ParamsPeriod } from '../../src/network/params.ts'

const NOW = Date.UTC(2026, 2, 1)
const SKEW = 5_000
const withPrices = (price_list: ParamsPeriod['params']['price_list']): ParamsPeriod['params'] => ({ ...PRODUCTION_PARAMS, price_list })
/** Storage priced from the start; compute only from NOW - 1000. */
const PERIODS: ParamsPeriod[] = [
  { from: -Infinity, params: withPrices({ storage: { unit: 'GB', unit_price: 0.02 } }) },
  { from: NOW - 1000, params: withPrices({ storage: { unit: 'GB', unit_price: 0.02 }, compute: { unit: 'vcpu-hour', unit_price: 0.035 } }) }
]

function context (held: Record<string, number> = {}): AdmissionContext {
  let n = 0
  return {
    now: NOW,
    maxClockSkewMs: SKEW,
    periods: PERIODS,
    heldTimestamp: id => held[id],
    newId: () => `new-${++n}`,
    field: (i, name) => `records.${i}.${name}`
  }
}

const storage = (extra: Partial<ReportedUsage> = {}): ReportedUsage => ({ user_id: 'alice', resource_type: 'storage', amount: 2, unit: 'GB', ...extra })

function refusal (fn: () => unknown): { field: unknown, reason: unknown } {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof MeshError)
    assert.equal(err.code, 'VALIDATION_ERROR')
    return { field: err.details?.field, reason: err.details?.reason }
  }
  assert.fail('admitted')
}

describe('admitUsage', () => {
  test('fills in an id, the time and empty metadata; keeps what was given', () => {
    const [a, b] = admitUsage([storage(), storage({ id: 'mine', timestamp: NOW - 60_000, metadata: { region: 'eu' } })], context())
    assert.deepEqual(a, { user_id: 'alice', resource_type: 'storage', amount: 2, unit: 'GB', id: 'new-1', timestamp: NOW, metadata: {} })
    assert.deepEqual(b, { user_id: 'alice', resource_type: 'storage', amount: 2, unit: 'GB', id: 'mine', timestamp: NOW - 60_000, metadata: { region: 'eu' } })
  })

  test('a retry without a timestamp takes the time of the record already held under its id', () => {
    const [r] = admitUsage([storage({ id: 'retried' })], context({ retried: NOW - 3_600_000 }))
    assert.equal(r?.timestamp, NOW - 3_600_000)
  })

  test('a time past the clock skew ahead, or older than 31 days, is refused naming the field', () => {
    assert.equal(admitUsage([storage({ timestamp: NOW + SKEW })], context()).length, 1)
    assert.deepEqual(refusal(() => admitUsage([storage(), storage({ timestamp: NOW + SKEW + 1 })], context())), { field: 'records.1.timestamp', reason: 'future' })
    assert.equal(admitUsage([storage({ timestamp: NOW - MAX_RECORD_AGE_MS })], context()).length, 1)
    assert.deepEqual(refusal(() => admitUsage([storage({ timestamp: NOW - MAX_RECORD_AGE_MS - 1 })], context())), { field: 'records.0.timestamp', reason: 'too old' })
  })

  test('a resource is priced by the list in force at the record\'s time, in its unit', () => {
    const compute = (timestamp: number, unit = 'vcpu-hour'): ReportedUsage => ({ user_id: 'bob', resource_type: 'compute', amount: 1, unit, timestamp })
    assert.equal(admitUsage([compute(NOW - 1000)], context()).length, 1)
    assert.deepEqual(refusal(() => admitUsage([compute(NOW - 1001)], context())), { field: 'records.0.resource_type', reason: 'unknown resource type' })
    assert.deepEqual(refusal(() => admitUsage([compute(NOW, 'hour')], context())), { field: 'records.0.unit', reason: 'expected vcpu-hour' })
    assert.deepEqual(refusal(() => admitUsage([storage({ resource_type: 'constructor' })], context())).reason, 'unknown resource type')
  })
})
