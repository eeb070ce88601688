import { MeshError } from '../errors.ts'
import type { Startable } from '../lifecycle.ts'
import { MeshDatabase, type DroppedBytes, type Repair } from './database.ts'

export interface NodeStorageInit {
  dataDir: string
  /** The network this data directory belongs to: the first start pins it, later ones check it. */
  genesisHash: string
}

const GENESIS_HASH_KEY = 'genesis_hash'

/** The node's database as a service: opened and checked against its network at start, closed at stop. */
export class NodeStorage implements Startable {
  readonly db: MeshDatabase
  private readonly init: NodeStorageInit

  constructor (init: NodeStorageInit) {
    this.init = init
    this.db = new MeshDatabase(init.dataDir)
  }

  async start (): Promise<void> {
    if (this.db.isOpen) return
    await this.db.open()
    await this.checkGenesisPin()
  }

  async stop (): Promise<void> {
    if (this.db.isOpen) await this.db.close()
  }

  /** What the database skipped as corrupt in its write-ahead log when it opened, and what a repair at open found. */
  integrity (): { dropped_at_open: DroppedBytes[], repaired: Repair | null } {
    return { dropped_at_open: this.db.droppedAtOpen(), repaired: this.db.repaired ?? null }
  }

  /** The database belongs to one network: opening it with another genesis is refused. */
  private async checkGenesisPin (): Promise<void> {
    const pinned = await this.db.getMeta<string>(GENESIS_HASH_KEY)
    if (pinned === undefined) {
      await this.db.putMeta(GENESIS_HASH_KEY, this.init.genesisHash)
    } else if (pinned !== this.init.genesisHash) {
      throw new MeshError('NETWORK_MISMATCH', `the database in ${this.init.dataDir} belongs to genesis ${pinned.slice(0, 16)}, not ${this.init.genesisHash.slice(0, 16)}`)
    }
  }
}
