import type { z } from 'zod'

/** The HTTP methods an operation is declared with (OpenAPI's lower-case names). */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'

/**
 * A schema with its name, written `{ SchemaName }` (the name of the exported const): the
 * document names its component after it, so that one concept has one name in the code, the
 * document and the generated client.
 */
export type Named = Readonly<Record<string, z.ZodType>>

/** What a response carries: a named JSON schema, another media type (text, HTML, event stream), or nothing (204, 101). */
export type Payload = Named | { readonly mediaType?: string, readonly description: string }

/**
 * One documented API operation, declared next to the route that serves it. The route keeps
 * validating with the same schemas (`api/validation.ts`); this only says which ones it uses.
 */
export interface Operation {
  /** Unique, camelCase: the name of the operation in the document and the generated client. */
  readonly id: string
  readonly method: Method
  /** The route's full path as Hono writes it: `/v1/governance/proposals/:id`, a trailing `*` for "any path below". */
  readonly path: string
  readonly tag: string
  readonly summary: string
  readonly description?: string
  /** The query's schema: an object of optional or required parameters. */
  readonly query?: z.ZodObject
  /** The JSON request body's schema. */
  readonly body?: Named
  /** The body may be left out (the route then takes its defaults). */
  readonly optionalBody?: boolean
  /** The successful responses by status; errors are added from `errors` and from what the operation declares. */
  readonly responses: Readonly<Record<number, Payload>>
  /** Error statuses the operation answers with beyond the ones every operation of its kind has (see document.ts). */
  readonly errors?: readonly number[]
  /** Who may call it: `operator` needs the node's API token; `client` takes an optional client token (the data plane). Default: `operator` for mutating methods, `public` for GET. */
  readonly access?: 'public' | 'operator' | 'client'
}

/** Declares a module's operations (a typed identity, so that declarations read alike). */
export function operations (...ops: Operation[]): readonly Operation[] {
  return ops
}
