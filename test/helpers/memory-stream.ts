import type { Logger as StreamLogger } from '@libp2p/interface'
import { AbstractStream } from '@libp2p/utils/abstract-stream'

/** One end of an in-memory stream pair: what one end sends, the other receives. */
export class MemoryStream extends AbstractStream {
  other: MemoryStream | undefined
  sendNewStream (): void {}
  sendData (data: Parameters<AbstractStream['sendData']>[0]): void { this.other?.sourcePush(data) }
  sendReset (): void { this.other?.reset() }
  sendCloseWrite (): void { this.other?.remoteCloseWrite() }
  sendCloseRead (): void { this.other?.remoteCloseRead() }
}

const quietLog = Object.assign(() => {}, { enabled: false, trace: () => {}, error: () => {} })
const streamLog = Object.assign(quietLog, { newScope: () => streamLog }) as unknown as StreamLogger

/** A connected pair of in-memory libp2p streams: [the caller's end, the peer's end]. */
export function streamPair (id: number): [MemoryStream, MemoryStream] {
  const a = new MemoryStream({ id: `${id}`, direction: 'outbound', log: streamLog })
  const b = new MemoryStream({ id: `${id}`, direction: 'inbound', log: streamLog })
  a.other = b
  b.other = a
  return [a, b]
}
