import type { Context } from 'hono'
import type { z } from 'zod'
import { parseJson } from '../src/codec/json-depth.ts'
import { MeshError } from '../src/errors.ts'

function invalid (error: z.ZodError, where: string): MeshError {
  const issue = error.issues[0]
  const field = issue?.path.join('.') ?? ''
  return new MeshError('VALIDATION_ERROR', `invalid ${where}${field === '' ? '' : ` field "${field}"`}: ${issue?.message ?? 'invalid'}`,
    { field, reason: issue?.message ?? 'invalid' })
}

/** `application/json` or a `+json` type, parameters (charset) allowed. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.!#$&^-]+\+)?json\s*(?:;|$)/i

/**
 * The request body parsed as JSON: 415 when it is not declared as JSON, 422 when it nests
 * deeper than the limit (checked before parsing), 400 when it is not JSON.
 */
export async function jsonValue (c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? ''
  if (!JSON_MEDIA_TYPE.test(type)) {
    throw new MeshError('UNSUPPORTED_MEDIA_TYPE', `the request body must be JSON (Content-Type: application/json), not ${type === '' ? 'undeclared' : type.slice(0, 100)}`,
      { content_type: type.slice(0, 100) })
  }
  const text = await c.req.text()
  try {
    return parseJson(text)
  } catch (err) {
    if (err instanceof MeshError) throw err
    throw new MeshError('BAD_REQUEST', 'the request body is not valid JSON')
  }
}

/** Checks a value with a schema; 422 naming the first bad field. */
export function validate<T extends z.ZodType> (value: unknown, schema: T, where: string): z.infer<T> {
  const result = schema.safeParse(value)
  if (!result.success) throw invalid(result.error, where)
  return result.data
}

/** The request body, parsed as JSON (400 when it is not) and checked by the schema (422). */
export async function jsonBody<T extends z.ZodType> (c: Context, schema: T): Promise<z.infer<T>> {
  return validate(await jsonValue(c), schema, 'body')
}

export function query<T extends z.ZodType> (c: Context, schema: T): z.infer<T> {
  return validate(c.req.query(), schema, 'query')
}
