import type { PrivateKey } from '@libp2p/interface'
import type { Clock } from './clock.ts'
import type { Logger } from './logging.ts'
import type { MeshMetrics } from './metrics.ts'
import type { MeshLibp2p } from './p2p/libp2p.ts'
import type { MeshDatabase } from './storage/database.ts'

/** What MeshNode hands every replicated service it runs, in the manner of js-libp2p components. */
export interface NodeComponents {
  libp2p: MeshLibp2p
  db: MeshDatabase
  clock: Clock
  log: Logger
  metrics: MeshMetrics
  privateKey: PrivateKey
  selfId: string
}
