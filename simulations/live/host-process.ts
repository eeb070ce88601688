/**
 * A child process that hosts some nodes of a live simulation (`meshnode sim --procs N`). The
 * parent (ProcessNodeHost) sends requests over the IPC channel; this process answers each one
 * and sends what its nodes observe in batches, with its resident memory, every 50 ms, so that
 * IPC stays cheap.
 */
import { errorMessage } from '../../src/errors.ts'
import { LocalNodeHost, type HostEvent } from './node-host.ts'
import { HostRequestSchema, type HostBatch, type HostReply } from './host-protocol.ts'

const BATCH_MS = 50

let pending: HostEvent[] = []
const host = new LocalNodeHost(e => { pending.push(e) })
const flusher = setInterval(() => {
  send({ events: pending, rss: process.memoryUsage.rss() })
  pending = []
}, BATCH_MS)

function send (message: HostReply | HostBatch): void {
  process.send?.(message)
}

async function serve (raw: unknown): Promise<void> {
  const parsed = HostRequestSchema.safeParse(raw)
  if (!parsed.success) {
    send({ id: -1, ok: false, error: `bad request from the parent: ${parsed.error.message}` })
    return
  }
  const req = parsed.data
  try {
    switch (req.op) {
      case 'launch': send({ id: req.id, ok: true, result: await host.launch(req.launch) }); break
      case 'crash': await host.crash(req.index); send({ id: req.id, ok: true, result: null }); break
      case 'partition': await host.partition(req.index, req.reachable); send({ id: req.id, ok: true, result: null }); break
      case 'close':
        await host.close()
        clearInterval(flusher)
        if (pending.length > 0) send({ events: pending, rss: process.memoryUsage.rss() })
        send({ id: req.id, ok: true, result: null })
        process.disconnect()
        break
    }
  } catch (err) {
    send({ id: req.id, ok: false, error: errorMessage(err) })
  }
}

process.on('message', raw => { void serve(raw) })
// The parent went away (Ctrl-C, crash): stop the nodes rather than leave them running.
process.on('disconnect', () => { void host.close().finally(() => process.exit(0)) })
