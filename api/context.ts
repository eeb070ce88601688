import type { MeshNode } from '../src/mesh.ts'

/** What every route sees in its context. */
export interface ApiEnv {
  Variables: {
    mesh: MeshNode
    requestId: string
    shutdown: AbortSignal
  }
}
