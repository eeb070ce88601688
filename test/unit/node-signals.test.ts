import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { StopRequests } from '../../node/signals.ts'

describe('stop signals', () => {
  test('a signal delivered twice at once (process group and a forwarding parent) is one stop request', () => {
    const r = new StopRequests(1_000)
    assert.equal(r.receive('SIGTERM', 0), 'stop')
    assert.equal(r.receive('SIGTERM', 1), 'again')
    assert.equal(r.receive('SIGTERM', 5_000), 'again', 'SIGTERM never forces: a supervisor escalates with SIGKILL')
  })

  test('Ctrl-C twice: the second, a moment later, forces the exit; its echo at once does not', () => {
    const r = new StopRequests(1_000)
    assert.equal(r.receive('SIGINT', 0), 'stop')
    assert.equal(r.receive('SIGINT', 10), 'again')
    assert.equal(r.receive('SIGINT', 1_500), 'force')
  })
})
