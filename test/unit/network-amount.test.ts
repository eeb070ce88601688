import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { formatDecimal, multiply, parseDecimal, toNumber } from '../../src/network/amount.ts'

describe('billing amounts: exact millionths', () => {
  test('parseDecimal: a number with at most 6 decimals is its exact millionths; anything else is undefined', () => {
    assert.equal(parseDecimal(0.3), 300_000n)
    assert.equal(parseDecimal(1), 1_000_000n)
    assert.equal(parseDecimal(0.000001), 1n)
    assert.equal(parseDecimal(0), 0n)
    assert.equal(parseDecimal(999_999_999.999999), 999_999_999_999_999n)
    for (const x of [0.1 + 0.2, 0.0000001, 1e-9, 1234567.1234567, -1, Number.NaN, Infinity, 1.7976931348623157e308, 1e21]) {
      assert.equal(parseDecimal(x), undefined, String(x))
    }
  })

  test('parseDecimal agrees with the shortest decimal form of the number (String(x)) for any double up to 4e9', () => {
    const viaString = (x: number): bigint | undefined => {
      const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(String(x))
      return m === null ? undefined : BigInt(m[1] ?? '0') * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'))
    }
    const millionths = fc.integer({ min: 0, max: 4_000_000_000_000_000 }).map(k => k / 1e6)
    fc.assert(fc.property(fc.oneof(millionths, fc.double({ min: 0, max: 4e9, noNaN: true })), x => parseDecimal(x) === viaString(x)), { numRuns: 20_000 })
  })

  test('formatDecimal and toNumber render the exact value; sums of parsed amounts are exact', () => {
    assert.equal(formatDecimal(300_000n), '0.3')
    assert.equal(formatDecimal(1_000_000n), '1')
    assert.equal(formatDecimal(1n), '0.000001')
    assert.equal(formatDecimal(12_345_678_901_234_567n), '12345678901.234567')
    const sum = [0.1, 0.2].map(x => parseDecimal(x) ?? 0n).reduce((a, b) => a + b, 0n)
    assert.equal(toNumber(sum), 0.3)
  })

  test('multiply: quantity x unit price, rounded half up to millionths', () => {
    assert.equal(multiply(3_000_000n, 100n), 300n) // 3 x 0.0001
    assert.equal(multiply(15n, 35_000n), 1n) // 0.000015 x 0.035 = 0.000000525
    assert.equal(multiply(14n, 35_000n), 0n) // 0.00000049
    assert.equal(multiply(1n, 500_000n), 1n) // 0.0000005: half goes up
    assert.equal(multiply(1_234_567_123_456n, 10_000n), 12_345_671_235n) // 12345.67123456
  })
})
