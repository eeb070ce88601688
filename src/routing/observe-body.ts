export interface BodyHooks {
  onChunk?: (chunk: Uint8Array) => void
  /** Called once: `complete` when the body was read to its end, not when it failed or was cancelled. */
  onEnd: (complete: boolean) => void
}

/** The same body, seen on its way: one stream layer, not a TransformStream and a watcher per hook. */
export function observeBody (body: ReadableStream<Uint8Array>, hooks: BodyHooks): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  let ended = false
  const end = (complete: boolean): void => {
    if (ended) return
    ended = true
    hooks.onEnd(complete)
  }
  return new ReadableStream<Uint8Array>({
    pull: async controller => {
      // A rejected pull errors this stream with the same reason.
      const next = await reader.read().catch((err: unknown) => {
        end(false)
        throw err
      })
      if (next.done) {
        end(true)
        controller.close()
      } else {
        hooks.onChunk?.(next.value)
        controller.enqueue(next.value)
      }
    },
    cancel: async reason => {
      end(false)
      await reader.cancel(reason)
    }
  })
}
