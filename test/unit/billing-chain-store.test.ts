/**
 * The chain store on its own, over a real database in a temporary directory and no network:
 * start-up verification cuts a damaged tail off and reports it, a head file ahead of the held
 * head is a loss, and the own-head confirmation ends as the peers' answers say.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ChainStore, type OwnAhead } from '../../src/billing/chain-store.ts'
import { GENESIS_PREV, sealEntry, type LogEntry } from '../../src/billing/log-entry.ts'
import { LogStore } from '../../src/billing/log-store.ts'
import { ManualClock } from '../../src/clock.ts'
import { silentLogger } from '../../src/logging.ts'
import { MeshMetrics } from '../../src/metrics.ts'
import { signerOf, type Sign } from '../../src/network/signing.ts'
import { MeshDatabase } from '../../src/storage/database.ts'
import { removeDir, tempDir } from '../helpers/nodes.ts'

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0)

describe('the chain store', () => {
  let self: string
  let sign: Sign
  const dirs: string[] = []
  const open: Array<{ close: () => Promise<void> }> = []

  before(async () => {
    const key = await generateKeyPair('Ed25519')
    self = peerIdFromPrivateKey(key).toString()
    sign = signerOf(key)
  })
  after(async () => {
    for (const o of open.reverse()) await o.close()
    await Promise.all(dirs.map(removeDir))
  })

  const chain = (n: number): LogEntry[] => {
    const entries: LogEntry[] = []
    let prev = GENESIS_PREV
    for (let seq = 1; seq <= n; seq++) {
      const e = sealEntry({ author: self, seq, prev, time: T0 + seq, records: [{ id: `r${seq}`, user_id: 'alice', resource_type: 'request', amount: 1, unit: 'request', timestamp: T0, metadata: {} }] }, sign)
      entries.push(e)
      prev = e.hash
    }
    return entries
  }

  const database = async (dir: string): Promise<MeshDatabase> => {
    const db = new MeshDatabase(dir)
    await db.open()
    return db
  }

  /** A chain store over `dir`; `peers` stands for replication: what asking the peers does, and what a peer holds of this node's chain. */
  const chainStore = async (dir: string, peers: { ask?: () => void, ahead?: () => OwnAhead | undefined } = {}): Promise<{ chains: ChainStore, db: MeshDatabase }> => {
    const db = await database(dir)
    const chains = new ChainStore({
      db,
      clock: new ManualClock(T0),
      log: silentLogger(),
      metrics: new MeshMetrics(() => ({ healthy: 0, suspect: 0, down: 0, left: 0 })),
      selfId: self,
      authoredThrough: () => Infinity,
      askPeers: peers.ask ?? (() => {}),
      ownAhead: peers.ahead ?? (() => undefined)
    }, { headFile: join(dir, 'billing-head.json') })
    await chains.open()
    const handle = { close: async () => { await chains.close(); await db.close() } }
    open.push(handle)
    return { chains, db }
  }

  const fresh = async (): Promise<string> => {
    const dir = await tempDir()
    dirs.push(dir)
    return dir
  }

  test('at open, a chain is verified from its first entry: from a forged entry on, the tail is cut off, reported and not counted', async () => {
    const dir = await fresh()
    const entries = chain(4)
    const forged = { ...entries[2] as LogEntry, records: [{ ...(entries[2] as LogEntry).records[0] as LogEntry['records'][number], amount: 1000 }] }
    const db = await database(dir)
    const store = new LogStore(db)
    await store.open()
    await store.append([entries[0], entries[1], forged, entries[3]] as LogEntry[], true)
    await db.close()
    const { chains } = await chainStore(dir)
    assert.deepEqual(chains.corruptions(), [{ author: self, seq: 3, fault: 'hash' }], 'the first bad entry is reported')
    assert.deepEqual(chains.held.head(self), { seq: 2, hash: (entries[1] as LogEntry).hash }, 'the chain ends before it')
    assert.deepEqual(chains.ledger.records().map(r => r.id), ['r1', 'r2'])
    assert.deepEqual(chains.lossReport().map(l => [l.kind, l.fromSeq, l.toSeq]), [['corrupt', 3, 4]])
  })

  test('a head file ahead of the held head is a loss; alone, the chain goes on after the head file\'s head, leaving a gap', async () => {
    const dir = await fresh()
    const entries = chain(3)
    let asked = 0
    {
      const { chains } = await chainStore(dir)
      await chains.confirmOwnHead([], 1000)
      assert.equal(chains.ownHead().state, 'alone', 'nothing written and no peer: nothing to confirm')
      for (const e of entries) await chains.appendOwn(e)
    }
    await (open.pop() as { close: () => Promise<void> }).close()
    // The database loses the tail behind the head file's back.
    {
      const db = await database(dir)
      const store = new LogStore(db)
      await store.open()
      await store.truncate(self, { seq: 1, hash: (entries[0] as LogEntry).hash })
      await db.close()
    }
    const { chains } = await chainStore(dir, { ask: () => { asked++ } })
    assert.deepEqual(chains.lossReport().map(l => [l.kind, l.fromSeq, l.toSeq, l.records]), [['head_backwards', 2, 3, 2]])
    assert.equal(chains.ownHead().remembered?.seq, 3)
    assert.equal(chains.confirming, true, 'appends wait for the confirmation')
    await chains.confirmOwnHead([], 10)
    assert.equal(chains.ownHead().state, 'alone')
    assert.ok(asked >= 1, 'the peers were asked')
    assert.deepEqual(chains.held.gap(self), { from: 2, to: 3, hash: (entries[2] as LogEntry).hash, prev: (entries[0] as LogEntry).hash, records: 2 })
    assert.equal(chains.held.head(self)?.seq, 3, 'the next own entry is 4: no sequence is used twice')
  })

  test('the confirmation ends once the peers waited for answered, and not while a peer holds more of the own chain', async () => {
    const dir = await fresh()
    let ahead: OwnAhead | undefined = { held: 0, seq: 2, peerId: 'peer-a' }
    const { chains } = await chainStore(dir, { ahead: () => ahead })
    const confirmed = chains.confirmOwnHead(['peer-a', self], 60_000)
    chains.noteAnswered('peer-a')
    chains.checkConfirmed()
    assert.equal(chains.confirming, true, 'a peer holds entries this node does not: still confirming')
    ahead = undefined
    chains.checkConfirmed()
    await confirmed
    assert.equal(chains.ownHead().state, 'confirmed')
    assert.deepEqual(chains.ownHead().answered, ['peer-a'])
  })
})
