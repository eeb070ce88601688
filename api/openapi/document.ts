import { z } from 'zod'
import { ERROR_STATUS, type ErrorCode } from '../../src/errors.ts'
import type { Method, Named, Operation, Payload } from './operation.ts'

/** The one error shape of the API (api/errors.ts). */
export const ErrorResponse = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.record(z.string(), z.unknown())
  }),
  request_id: z.string()
})

type JsonSchema = Record<string, unknown>

export interface DocumentInfo {
  title: string
  version: string
  description: string
  /** Every operation's tag, described. */
  tags: Record<string, string>
  /** Response parts shared by several responses, named as components of their own (else they are inlined). */
  shared: Named
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed (bad JSON, a cut body)',
  401: 'The API token is missing or wrong (`Authorization: Bearer <token>`)',
  403: 'The node may not do this',
  404: 'Not found',
  409: 'Conflicts with the state',
  413: 'The body is larger than the limit',
  415: 'The body is not JSON',
  422: 'A field is invalid: `details.field` names it',
  426: 'A WebSocket endpoint: send `Upgrade: websocket`',
  429: 'Too many requests',
  500: 'Internal error',
  502: 'The upstream failed',
  503: 'The node is starting or stopping, or nothing can serve the request',
  504: 'Timed out'
}

/** `/v1/proposals/:id` -> `/v1/proposals/{id}`; a trailing `*` (any path below) -> `{path}`. */
export function openApiPath (honoPath: string): string {
  return honoPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}').replace(/\/\*$/, '/{path}')
}

function only (named: Named): [string, z.ZodType] {
  const entries = Object.entries(named)
  if (entries.length !== 1) throw new Error(`a named schema is written { Name }, got ${entries.length} entries`)
  return entries[0] as [string, z.ZodType]
}

function isNamed (p: Payload): p is Named {
  return typeof (p as { description?: unknown }).description !== 'string'
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` })

/**
 * A record keyed by an enum (`z.record(z.enum([...]), V)`) comes out of zod as `propertyNames`
 * with every key `required` but no `properties`: valid, but readers (and linters) see required
 * properties that are not defined. Each key becomes a property of V's schema.
 */
function enumRecordsAsProperties (node: unknown): unknown {
  if (Array.isArray(node)) return node.map(enumRecordsAsProperties)
  if (typeof node !== 'object' || node === null) return node
  const s = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, enumRecordsAsProperties(v)])) as JsonSchema
  const keys = (s.propertyNames as { enum?: unknown } | undefined)?.enum
  if (Array.isArray(keys) && s.properties === undefined && typeof s.additionalProperties === 'object') {
    const rest = Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'propertyNames'))
    return { ...rest, properties: Object.fromEntries(keys.map(k => [String(k), s.additionalProperties])), additionalProperties: false }
  }
  return s
}

/** Every named schema of one direction (requests are read as input, responses as written output) as components. */
function components (named: Map<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>()
  for (const [id, schema] of named) registry.add(schema, { id })
  const { schemas } = z.toJSONSchema(registry, { io, target: 'draft-2020-12', unrepresentable: 'any', uri: id => `#/components/schemas/${id}` }) as { schemas: Record<string, JsonSchema> }
  // Each component is a schema of the document, not a document of its own: no $schema, no $id.
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, enumRecordsAsProperties(Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$schema' && k !== '$id'))) as JsonSchema]))
}

function collect (into: Map<string, z.ZodType>, named: Named, where: string): string {
  const [name, schema] = only(named)
  const held = into.get(name)
  if (held !== undefined && held !== schema) throw new Error(`two schemas are named ${name} (${where})`)
  into.set(name, schema)
  return name
}

function accessOf (op: Operation): 'public' | 'operator' | 'client' {
  return op.access ?? (op.method === 'get' ? 'public' : 'operator')
}

/** The error statuses of an operation: what its kind implies, and what it declares. */
export function errorStatuses (op: Operation): number[] {
  const statuses = new Set<number>(op.errors ?? [])
  if (op.path.startsWith('/v1/')) statuses.add(503)
  if (op.query !== undefined || op.body !== undefined) statuses.add(422)
  if (op.body !== undefined) for (const s of [400, 413, 415]) statuses.add(s)
  if (accessOf(op) === 'operator') statuses.add(401)
  if (/:[A-Za-z_]/.test(op.path)) statuses.add(404)
  statuses.add(500)
  return [...statuses].sort((a, b) => a - b)
}

/**
 * The OpenAPI 3.1 document of the API, generated from the zod schemas the routes validate
 * and answer with. Requests are described as the schemas accept them (zod's input), responses
 * as the routes write them (output; objects are closed, so an undocumented field is an error).
 */
export function openApiDocument (ops: readonly Operation[], info: DocumentInfo): JsonSchema {
  const inputs = new Map<string, z.ZodType>()
  const outputs = new Map<string, z.ZodType>([['ErrorResponse', ErrorResponse], ...Object.entries(info.shared)])
  const paths: Record<string, Partial<Record<Method, JsonSchema>>> = {}
  const ids = new Set<string>()
  for (const op of ops) {
    if (ids.has(op.id)) throw new Error(`operation id ${op.id} is declared twice`)
    ids.add(op.id)
    const path = openApiPath(op.path)
    const parameters: JsonSchema[] = [...path.matchAll(/\{([^}]+)\}/g)].map(m => ({
      name: m[1], in: 'path', required: true, schema: { type: 'string' }, ...(m[1] === 'path' ? { description: 'The path below, slashes included' } : {})
    }))
    if (op.query !== undefined) {
      const schema = z.toJSONSchema(op.query, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchema>, required?: string[] }
      for (const [name, s] of Object.entries(schema.properties ?? {})) {
        parameters.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s })
      }
    }
    const responses: Record<string, JsonSchema> = {}
    for (const [status, payload] of Object.entries(op.responses)) {
      responses[status] = isNamed(payload)
        ? { description: only(payload)[0], content: { 'application/json': { schema: ref(collect(outputs, payload, op.id)) } } }
        : { description: payload.description, ...(payload.mediaType === undefined ? {} : { content: { [payload.mediaType]: { schema: { type: 'string' } } } }) }
    }
    for (const status of errorStatuses(op)) {
      responses[String(status)] = { description: ERROR_DESCRIPTIONS[status] ?? 'Error', content: { 'application/json': { schema: ref('ErrorResponse') } } }
    }
    const access = accessOf(op)
    paths[path] ??= {}
    paths[path][op.method] = {
      operationId: op.id,
      tags: [op.tag],
      summary: op.summary,
      ...(op.description === undefined ? {} : { description: op.description }),
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(op.body === undefined
        ? {}
        : { requestBody: { required: op.optionalBody !== true, content: { 'application/json': { schema: ref(collect(inputs, op.body, op.id)) } } } }),
      responses,
      security: access === 'operator' ? [{ operatorToken: [] }] : access === 'client' ? [{}, { clientToken: [] }] : []
    }
  }
  for (const name of inputs.keys()) if (outputs.has(name)) throw new Error(`${name} names both a request and a response schema`)
  const tags = [...new Set(ops.map(o => o.tag))].map(name => {
    const description = info.tags[name]
    if (description === undefined) throw new Error(`tag ${name} is not described`)
    return { name, description }
  })
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description, license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: '/', description: 'this node' }],
    tags,
    paths,
    components: {
      schemas: { ...components(inputs, 'input'), ...components(outputs, 'output') },
      securitySchemes: {
        operatorToken: { type: 'http', scheme: 'bearer', description: 'The node\'s API token (`api-token` in its data directory)' },
        clientToken: { type: 'http', scheme: 'bearer', description: 'A client\'s token: routed requests are metered by its hash; without one the caller is `anonymous`' }
      }
    }
  }
}
