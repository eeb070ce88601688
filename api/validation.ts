import type { Context } from 'hono'
import type { z } from 'zod'
import { MeshError } from '../src/errors.ts'

function invalid (error: z.ZodError, where: string): MeshError {
  const issue = error.issues[0]
  const field = issue?.path.join('.') ?? ''
  return new MeshError('VALIDATION_ERROR', `invalid ${where}${field === '' ? '' : ` field "${field}"`}: ${issue?.message ?? 'invalid'}`,
    { field, reason: issue?.message ?? 'invalid' })
}

/** The request body parsed as JSON; 400 when it is not JSON. */
export async function jsonValue (c: Context): Promise<unknown> {
  try {
    return JSON.parse(await c.req.text())
  } catch {
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
