import { MeshError } from '../errors.ts'

/**
 * How deep decoded JSON may nest (objects and arrays). Every message of the mesh and every API
 * body is a few levels deep; the limit is far above that and far below what overflows a stack
 * in a recursive consumer (zod, the canonical encoder, JSON.stringify).
 */
export const MAX_JSON_DEPTH = 64

/**
 * How deep a value given to the canonical encoder may nest: decoded input wrapped in the
 * envelopes of records, objects and entries, which add a few levels each.
 */
export const MAX_ENCODE_DEPTH = 2 * MAX_JSON_DEPTH

/** The nesting depth of JSON text, by one pass over it: no recursion, so no text can overflow the stack. */
export function jsonTextDepth (text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 0x5c) i++ // a backslash escapes the next character
      else if (ch === 0x22) inString = false
    } else if (ch === 0x22) {
      inString = true
    } else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > max) max = depth
    } else if (ch === 0x7d || ch === 0x5d) {
      depth--
    }
  }
  return max
}

/**
 * JSON.parse with a nesting limit checked before parsing: deeper text is a VALIDATION_ERROR
 * naming the limit; text that is not JSON throws JSON.parse's SyntaxError, as before.
 */
export function parseJson (text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonTextDepth(text) > maxDepth) throw depthError(maxDepth)
  return JSON.parse(text)
}

/** Whether a value nests deeper than `maxDepth` objects and arrays, walked without recursion. */
export function nestsDeeperThan (value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [v, depth] = item
    if (typeof v !== 'object' || v === null) continue
    if (depth + 1 > maxDepth) return true
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1])
    }
  }
  return false
}

export function depthError (maxDepth: number): MeshError {
  return new MeshError('VALIDATION_ERROR', `JSON nests deeper than the limit of ${maxDepth} levels`, { limit: maxDepth, reason: 'too deep' })
}
