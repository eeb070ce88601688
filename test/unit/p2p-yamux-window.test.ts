import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Logger } from '@libp2p/interface'
import { defaultConfig } from '@chainsafe/libp2p-yamux/config'
import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'
import { Uint8ArrayList } from 'uint8arraylist'
import { coalesceYamuxWindowUpdates } from '../../src/p2p/yamux-window.ts'

// The receiving end of one yamux stream, fed data frames by hand: which window updates does it send as it reads them?

const quiet = Object.assign(() => {}, { enabled: false, trace: () => {}, error: () => {} })
const log = Object.assign(quiet, { newScope: () => log }) as unknown as Logger
/** FrameType.Data and FrameType.WindowUpdate. */
const DATA = 0
const WINDOW_UPDATE = 1

function receiver (state: StreamState): { stream: YamuxStream, updates: Array<{ flag: number, length: number }> } {
  const updates: Array<{ flag: number, length: number }> = []
  const stream = new YamuxStream({
    id: '1',
    name: '1',
    direction: 'inbound',
    log,
    config: defaultConfig,
    state,
    getRTT: () => -1,
    sendFrame: header => { if (header.type === WINDOW_UPDATE) updates.push({ flag: header.flag, length: header.length }) }
  })
  return { stream, updates }
}

/** Delivers `count` data frames of `bytes` each and reads them all. */
async function deliverAndRead (stream: YamuxStream, count: number, bytes: number): Promise<void> {
  const reader = stream.source[Symbol.asyncIterator]()
  for (let i = 0; i < count; i++) {
    await stream.handleData({ type: DATA, flag: 0, streamID: 1, length: bytes, version: 0 }, async () => new Uint8ArrayList(new Uint8Array(bytes)))
    await reader.next()
  }
}

coalesceYamuxWindowUpdates()

test('a reader of small frames sends no window update until it has read half its window, then one for all of it', async () => {
  const { stream, updates } = receiver(StreamState.Established)
  const window = defaultConfig.initialStreamWindowSize
  const frame = 1024
  await deliverAndRead(stream, 100, frame)
  assert.deepEqual(updates, [], 'a hundred small frames, no update')
  await deliverAndRead(stream, window / 2 / frame - 100, frame)
  assert.deepEqual(updates, [{ flag: 0, length: window / 2 }], 'half the window read: one update restores it')
})

test('the first frame a stream sends still carries its ACK, whatever was read', async () => {
  const { stream, updates } = receiver(StreamState.SYNReceived)
  await deliverAndRead(stream, 1, 10)
  assert.equal(updates.length, 1)
  assert.equal(updates[0]?.flag, 2, 'Flag.ACK')
})
