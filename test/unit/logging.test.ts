import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { prettyLine } from '../../src/logging.ts'

describe('--log-format pretty', () => {
  test('a record as time, level, message and fields; anything else passes through', () => {
    const time = new Date(2026, 0, 2, 3, 4, 5, 6).getTime()
    const line = prettyLine(JSON.stringify({ level: 40, time, pid: 1, hostname: 'h', msg: 'peer down', peer: '12D3KooWx', note: 'two words', n: 3 }), false)
    assert.equal(line, '03:04:05.006 WARN  peer down peer=12D3KooWx note="two words" n=3\n')
    assert.equal(prettyLine('not json\n', false), 'not json\n')
    assert.ok(prettyLine(JSON.stringify({ level: 50, time, msg: 'x' }), true).includes('\u001b[31mERROR'))
  })
})
