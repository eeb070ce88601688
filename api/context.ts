import type { HttpBindings } from '@hono/node-server'
import type { MeshNode } from '../src/mesh.ts'

/** What every route sees in its context; the node's raw request and response are the bindings of @hono/node-server. */
export interface ApiEnv {
  Bindings: HttpBindings
  Variables: {
    mesh: MeshNode
    requestId: string
    shutdown: AbortSignal
    /** The request's body parsed as JSON (middleware/json-body.ts); unset when it has none. */
    body?: unknown
  }
}
