import { YamuxStream } from '@chainsafe/libp2p-yamux/stream'

/** The parts of a yamux stream's receive window that the rule below reads (private in the library's types). */
interface ReceiveWindow {
  state: number
  recvWindow: number
  recvWindowCapacity: number
}

/** StreamState.Init and StreamState.SYNReceived: a stream's first frame must carry its SYN or ACK flag. */
const OPENING_STATES = new Set([0, 2])

let installed = false

/**
 * Window updates as hashicorp/yamux sends them: once the reader has consumed half of its
 * receive window, not after every frame it reads. @chainsafe/libp2p-yamux answers every data
 * frame with a window update, so a small routed request costs each side a frame, an
 * encryption and a socket write more than its data (measured: 2 of the 3 writes A made to B per
 * request, 1 of B's 3). The sender still always has half a window or more to send into, and
 * the update that restores it goes as soon as that half has been read, so a stream never
 * stalls for it. Installed once per process, for every yamux stream: the library's own rule
 * runs whenever an update is due (it also grows the window for a fast reader) or a SYN/ACK is
 * owed.
 */
export function coalesceYamuxWindowUpdates (): void {
  if (installed) return
  installed = true
  const proto = YamuxStream.prototype as unknown as { sendWindowUpdate: (this: ReceiveWindow) => void }
  const sendWindowUpdate = proto.sendWindowUpdate
  proto.sendWindowUpdate = function (this: ReceiveWindow): void {
    if (!OPENING_STATES.has(this.state) && this.recvWindow - this.recvWindowCapacity < this.recvWindow / 2) return
    sendWindowUpdate.call(this)
  }
}
