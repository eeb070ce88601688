import type { z } from 'zod'
import { parseJson } from './json-depth.ts'

/** JSON messages as bytes, for the frames and gossip of billing and governance. */
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function encodeJson (value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

/** Parses with a schema; undefined for anything malformed, never a throw. */
export function decodeJson<T extends z.ZodType> (bytes: Uint8Array, schema: T): z.infer<T> | undefined {
  try {
    const parsed = schema.safeParse(parseJson(decoder.decode(bytes)))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}
