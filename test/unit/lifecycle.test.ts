import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ServiceStack, type Startable } from '../../src/lifecycle.ts'
import { silentLogger } from '../../src/logging.ts'

/** A service that writes what happens to it into `journal`, and fails where it is told to. */
function recorder (name: string, journal: string[], fail: { start?: boolean, stop?: boolean } = {}): Startable {
  return {
    start: async () => {
      journal.push(`start ${name}`)
      if (fail.start === true) throw new Error(`${name} did not start`)
    },
    stop: async () => {
      journal.push(`stop ${name}`)
      if (fail.stop === true) throw new Error(`${name} did not stop`)
    }
  }
}

describe('ServiceStack', () => {
  const ALL = ['start storage', 'start libp2p', 'start billing', 'stop billing', 'stop libp2p', 'stop storage']

  test('starts in the order given and stops in reverse', async () => {
    const journal: string[] = []
    const stack = new ServiceStack(silentLogger())
    for (const name of ['storage', 'libp2p', 'billing']) await stack.start(name, recorder(name, journal))
    assert.deepEqual(stack.names(), ['storage', 'libp2p', 'billing'])
    await stack.stop()
    assert.deepEqual(journal, ALL)
  })

  test('a start that fails half-way leaves the services started before it, and the failed one, to stop in reverse', async () => {
    const journal: string[] = []
    const stack = new ServiceStack(silentLogger())
    await assert.rejects(async () => {
      for (const name of ['storage', 'libp2p', 'billing', 'api'] as const) await stack.start(name, recorder(name, journal, { start: name === 'billing' }))
    }, /billing did not start/)
    await stack.stop()
    assert.deepEqual(journal, ALL)
  })

  test('a stop that fails stops the rest, then throws the failure', async () => {
    const journal: string[] = []
    const stack = new ServiceStack(silentLogger())
    await stack.start('storage', recorder('storage', journal))
    await stack.start('libp2p', recorder('libp2p', journal, { stop: true }))
    await stack.start('billing', recorder('billing', journal))
    await assert.rejects(stack.stop(), /libp2p did not stop/)
    assert.deepEqual(journal.slice(3), ['stop billing', 'stop libp2p', 'stop storage'])
  })

  test('a second stop stops nothing again', async () => {
    const journal: string[] = []
    const stack = new ServiceStack(silentLogger())
    await stack.start('storage', recorder('storage', journal))
    await stack.stop()
    await stack.stop()
    assert.deepEqual(journal, ['start storage', 'stop storage'])
    assert.deepEqual(stack.names(), [])
  })
})
