import type { Context } from 'hono'
import type { z } from 'zod'
import { MeshError } from '../src/errors.ts'

function invalid (error: z.ZodError, where: string): MeshError {
  const issue = error.issues[0]
  const field = issue?.path.join('.') ?? ''
  return new MeshError('VALIDATION_ERROR', `invalid ${where}${field === '' ? '' : ` field "${field}"`}: ${issue?.message ?? 'invalid'}`,
    { field, reason: issue?.message ?? 'invalid' })
}

/** The request body, parsed as JSON (400 when it is not) and checked by the schema (422). */
export async function jsonBody<T extends z.ZodType> (c: Context, schema: T): Promise<z.infer<T>> {
  let value: unknown
  try {
    value = JSON.parse(await c.req.text())
  } catch {
    throw new MeshError('BAD_REQUEST', 'the request body is not valid JSON')
  }
  const result = schema.safeParse(value)
  if (!result.success) throw invalid(result.error, 'body')
  return result.data
}

export function query<T extends z.ZodType> (c: Context, schema: T): z.infer<T> {
  const result = schema.safeParse(c.req.query())
  if (!result.success) throw invalid(result.error, 'query')
  return result.data
}
