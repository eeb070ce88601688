import type { Context } from 'hono'
import type { z } from 'zod'
import { MeshError } from '../src/errors.ts'
import type { ApiEnv } from './context.ts'
import { notJson, requireJsonType } from './middleware/json-body.ts'

function invalid (error: z.ZodError, where: string): MeshError {
  const issue = error.issues[0]
  const field = issue?.path.join('.') ?? ''
  return new MeshError('VALIDATION_ERROR', `invalid ${where}${field === '' ? '' : ` field "${field}"`}: ${issue?.message ?? 'invalid'}`,
    { field, reason: issue?.message ?? 'invalid' })
}

/** The request's JSON body, read by the `readJsonBody` middleware; a route that needs one and got none answers as for a bad body. */
export function jsonValue (c: Context<ApiEnv>): unknown {
  if (c.var.body !== undefined) return c.var.body
  requireJsonType(c)
  throw notJson()
}

/** Checks a value with a schema; 422 naming the first bad field. */
export function validate<T extends z.ZodType> (value: unknown, schema: T, where: string): z.infer<T> {
  const result = schema.safeParse(value)
  if (!result.success) throw invalid(result.error, where)
  return result.data
}

/** The request's JSON body checked by the schema (422). */
export function jsonBody<T extends z.ZodType> (c: Context<ApiEnv>, schema: T): z.infer<T> {
  return validate(jsonValue(c), schema, 'body')
}

export function query<T extends z.ZodType> (c: Context, schema: T): z.infer<T> {
  return validate(c.req.query(), schema, 'query')
}
