import assert from 'node:assert/strict'
import { MeshError, type ErrorCode } from '../../src/errors.ts'

/** Checks that `caught` is a MeshError with `code` and a one-line message; returns it. */
function oneLine (caught: unknown, code: ErrorCode): MeshError {
  assert.ok(caught instanceof MeshError, `expected a MeshError, got ${String(caught)}`)
  assert.equal(caught.code, code)
  assert.equal(caught.name, 'MeshError')
  assert.ok(!caught.message.includes('\n'), `message is not one line: ${JSON.stringify(caught.message)}`)
  return caught
}

/** Runs `fn`, which must throw a one-line MeshError with `code`; returns it. */
export function meshError (code: ErrorCode, fn: () => unknown): MeshError {
  try {
    fn()
  } catch (err) {
    return oneLine(err, code)
  }
  return oneLine(undefined, code)
}

export async function meshErrorAsync (code: ErrorCode, fn: () => Promise<unknown>): Promise<MeshError> {
  try {
    await fn()
  } catch (err) {
    return oneLine(err, code)
  }
  return oneLine(undefined, code)
}

/** Asserts that a message mentions every part. */
export function includes (message: string, ...parts: string[]): void {
  for (const part of parts) assert.ok(message.includes(part), `message ${JSON.stringify(message)} does not mention ${part}`)
}
