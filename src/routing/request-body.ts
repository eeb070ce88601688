import { MeshError } from '../errors.ts'

/** Chunks as one array: the chunk itself when there is one (no copy). */
export function joinChunks (chunks: readonly Uint8Array[]): Uint8Array {
  return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks)
}

/**
 * The body of a routed request as it arrives from the client: whole when it is small (read at
 * once, and replayable on another peer), streamed otherwise (read once, as the peer that took
 * the request consumes it, so that memory does not grow with the body). Bytes past `maxBytes`
 * fail the stream with PAYLOAD_TOO_LARGE, counted as they arrive.
 */
export class RequestBody {
  /** Length declared by the client (Content-Length), undefined when it streams without one. */
  readonly declaredBytes: number | undefined
  private readonly maxBytes: number
  private source: AsyncIterator<Uint8Array> | undefined
  private buffered: Uint8Array[] = []
  private wholeBody: Uint8Array | undefined
  private started = false
  private read = 0

  private constructor (declaredBytes: number | undefined, maxBytes: number, source: AsyncIterator<Uint8Array> | undefined, whole: Uint8Array | undefined) {
    this.declaredBytes = declaredBytes
    this.maxBytes = maxBytes
    this.source = source
    this.wholeBody = whole
    if (whole !== undefined) this.read = whole.byteLength
  }

  static of (bytes: Uint8Array): RequestBody {
    return new RequestBody(bytes.byteLength, bytes.byteLength, undefined, bytes)
  }

  /**
   * A body read from `source`, at most `maxBytes`; the first `prefetchBytes` are read at once,
   * and a body that ends within them is whole. The declared length is checked against the limit first.
   */
  static async from (source: AsyncIterable<Uint8Array>, declaredBytes: number | undefined, maxBytes: number, prefetchBytes: number): Promise<RequestBody> {
    if (declaredBytes !== undefined && declaredBytes > maxBytes) throw tooLarge(maxBytes)
    const body = new RequestBody(declaredBytes, maxBytes, source[Symbol.asyncIterator](), undefined)
    await body.prefetch(prefetchBytes)
    return body
  }

  /** The whole body, when it was small enough to be read at once. */
  get whole (): Uint8Array | undefined {
    return this.wholeBody
  }

  /** Bytes read from the client so far: the request's size once it was sent. */
  get bytesRead (): number {
    return this.read
  }

  /** Whether another attempt can send the body again: it is whole, or nobody has read any of its stream yet. */
  get replayable (): boolean {
    return this.wholeBody !== undefined || !this.started
  }

  /** The body's chunks: a whole body as often as asked, a streamed one once. */
  async * chunks (): AsyncGenerator<Uint8Array> {
    if (this.wholeBody !== undefined) {
      if (this.wholeBody.byteLength > 0) yield this.wholeBody
      return
    }
    if (this.started) throw new Error('a streamed request body can be sent once')
    this.started = true
    const first = this.buffered
    this.buffered = []
    yield * first
    const source = this.source
    if (source === undefined) return
    for (;;) {
      const next = await source.next()
      if (next.done === true) return
      yield this.count(next.value)
    }
  }

  /** Reads up to `limit` bytes ahead; a body that ends within them becomes whole. */
  private async prefetch (limit: number): Promise<void> {
    const source = this.source
    if (source === undefined) return
    let bytes = 0
    while (bytes <= limit) {
      const next = await source.next()
      if (next.done === true) {
        this.wholeBody = joinChunks(this.buffered)
        this.buffered = []
        this.source = undefined
        return
      }
      this.buffered.push(this.count(next.value))
      bytes += next.value.byteLength
    }
  }

  private count (chunk: Uint8Array): Uint8Array {
    this.read += chunk.byteLength
    if (this.read > this.maxBytes) throw tooLarge(this.maxBytes)
    return chunk
  }
}

function tooLarge (maxBytes: number): MeshError {
  return new MeshError('PAYLOAD_TOO_LARGE', `the request body is larger than ${maxBytes} bytes`, { limit: maxBytes })
}
