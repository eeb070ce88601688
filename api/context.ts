import type { HttpBindings } from '@hono/node-server'
import type { MeshNode } from '../src/mesh.ts'

/**
 * What the API uses of a node: its identity and readiness, the services that exist from its
 * construction (peer table, network view, guard, storage, load history, local services), and
 * the services built at its start (`running()`: 503 while the node starts or stops).
 */
export type ApiNode = Pick<MeshNode,
  | 'peerId' | 'genesis' | 'genesisHash' | 'networkId' | 'startedAt' | 'clock' | 'metrics' | 'requests'
  | 'readiness' | 'runtimeSettings' | 'updateSettings' | 'params' | 'operators' | 'onEvent' | 'leave'
  | 'peerTable' | 'network' | 'guard' | 'storage' | 'history' | 'peerHistory' | 'localServices' | 'built' | 'running'
  | 'audit' | 'authThrottle'>

/** What every route sees in its context; the node's raw request and response are the bindings of @hono/node-server. */
export interface ApiEnv {
  Bindings: HttpBindings
  Variables: {
    mesh: ApiNode
    requestId: string
    shutdown: AbortSignal
    /** Who the request authenticated as (`operator`, `key:<id>`), for the audit log; unset when it did not. */
    actor?: string
    /** The request's body parsed as JSON (middleware/json-body.ts); unset when it has none. */
    body?: unknown
  }
}
