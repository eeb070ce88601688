/**
 * A damaged disk never loses an acknowledged record silently, and a node never forks its own
 * log: the newest write-ahead log file of level truncated or garbled after a clean stop, a
 * corrupt table block, a database that cannot be written, and a SIGKILL while a peer
 * replicates from the node.
 */
import assert from 'node:assert/strict'
import { open, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { after, describe, test } from 'node:test'
import { pino } from 'pino'
import type { RunningNode } from '../../src/launch.ts'
import { MeshDatabase } from '../../src/storage/database.ts'
import { call, metricsOf, sample, type Reply } from '../helpers/api.ts'
import { freePort, removeDir, spawnNode, startNode, stopChild, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

interface LossView {
  author: string
  kind: string
  from_seq: number
  to_seq: number
  entries: number
  records: number | null
  recovered: { to_seq: number, entries: number, records: number, from: string[] }
  still_lost_entries: number
}
interface GapView { from_seq: number, to_seq: number, anchor_hash: string, records: number }
interface LogView {
  authors: Array<{ author: string, held_seq: number, held_hash: string | null, gap: GapView | null, forks: unknown[] }>
  forks: number
  corrupt: Array<{ author: string, seq: number, fault: string }>
  own_head: { state: string, answered_by: string[], held_seq_at_start: number, head_file: { seq: number, records: number } | null }
  losses: LossView[]
  database: { dropped_at_open: Array<{ file: string, bytes: number, reason: string }>, repaired: { reason: string, notes: string[] } | null }
}
interface Target { url: string, token: string }

const target = (n: RunningNode): Target => ({ url: n.api.url, token: n.token })

async function post (to: Target, records: unknown[]): Promise<Reply<{ records: Array<{ id: string, seq: number }> }>> {
  return await call(`${to.url}/v1/billing/usage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${to.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ records })
  })
}

const usage = (id: string, user: string): Record<string, unknown> => ({ id, user_id: user, resource_type: 'request', amount: 1, unit: 'request' })

async function logOf (url: string): Promise<LogView> {
  return (await call<LogView>(`${url}/v1/billing/log`)).body
}

/** How many records the node counts: each acknowledged record must be counted once. */
async function countedOf (url: string): Promise<number> {
  return (await call<{ records: number }>(`${url}/v1/billing/overview`)).body.records
}

/** Every record id of `user` the node counts, page by page. */
async function idsOf (url: string, user: string): Promise<Set<string>> {
  const ids = new Set<string>()
  let cursor: string | null = null
  do {
    const page: { records: Array<{ id: string }>, next_cursor: string | null } =
      (await call<{ records: Array<{ id: string }>, next_cursor: string | null }>(`${url}/v1/billing/usage?user_id=${user}&limit=1000${cursor === null ? '' : `&cursor=${cursor}`}`)).body
    for (const r of page.records) ids.add(r.id)
    cursor = page.next_cursor
  } while (cursor !== null)
  return ids
}

/** level's write-ahead log with the highest number in `<data>/db`: where a clean stop leaves the newest writes. */
async function newestLogFile (dataDir: string): Promise<string> {
  const logs = (await readdir(join(dataDir, 'db'))).filter(f => /^\d+\.log$/.test(f)).sort()
  const newest = logs[logs.length - 1]
  assert.ok(newest !== undefined, 'level keeps a write-ahead log')
  return join(dataDir, 'db', newest)
}

/** Overwrites `length` bytes at `at` (a share of the file's size) with garbage, as a bad disk would. */
async function garble (file: string, at: number, length: number): Promise<void> {
  const size = (await stat(file)).size
  const handle = await open(file, 'r+')
  try {
    await handle.write(Buffer.alloc(length, 0x5a), 0, length, Math.floor(size * at))
  } finally {
    await handle.close()
  }
}

/** `batches` appends of `per` records of `user`, each its own log entry; returns every acknowledged id. */
async function appendBatches (to: Target, user: string, batches: number, per: number): Promise<string[]> {
  const acknowledged: string[] = []
  for (let b = 0; b < batches; b++) {
    const records = Array.from({ length: per }, (_, k) => usage(`${user}-${b}-${k}`, user))
    const reply = await post(to, records)
    assert.equal(reply.status, 201, reply.text)
    acknowledged.push(...records.map(r => String(r.id)))
  }
  return acknowledged
}

const ownLoss = (log: LogView, self: string): LossView | undefined => log.losses.find(l => l.author === self)

describe('a damaged write-ahead log after a clean stop', { timeout: 180_000 }, () => {
  const dirs: string[] = []
  const running: RunningNode[] = []
  after(async () => {
    await Promise.all(running.map(async n => { await n.stop() }))
    await Promise.all(dirs.map(removeDir))
  })
  /** What the restarted node logs at warn and above, one parsed line each. */
  const logged: Array<Record<string, unknown>> = []
  const capture = pino({ level: 'warn' }, new Writable({
    write (chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') logged.push(JSON.parse(line) as Record<string, unknown>)
      done()
    }
  }))
  const start = async (dir: string, bootstrap: string[] = [], log = capture): Promise<RunningNode> => {
    const node = await startNode(dir, { bootstrap }, log)
    running.push(node)
    return node
  }
  const newDir = async (): Promise<string> => {
    const d = await tempDir()
    dirs.push(d)
    return d
  }

  /**
   * A writes 40 entries, B holds them all, A stops cleanly and its newest level log is
   * damaged; A restarts next to B. Returns A restarted, B, A's id and what A acknowledged.
   */
  async function damagedNextToPeer (damage: (logFile: string) => Promise<void>): Promise<{ a: RunningNode, b: RunningNode, self: string, acknowledged: string[], dirA: string }> {
    const dirA = await newDir()
    const first = await start(dirA)
    const b = await start(await newDir(), [first.mesh.network.listenAddresses()[0] ?? ''])
    const self = first.mesh.peerId.toString()
    const acknowledged = await appendBatches(target(first), 'wal', 40, 25)
    await waitFor('B to hold A\'s 40 entries', async () => (await logOf(b.api.url)).authors.find(x => x.author === self)?.held_seq === 40, { timeoutMs: 20_000 })
    await first.stop()
    await damage(await newestLogFile(dirA))
    const a = await start(dirA, [b.mesh.network.listenAddresses()[0] ?? ''])
    return { a, b, self, acknowledged, dirA }
  }

  /** What must hold once A is back: the next write at the next free seq, no fork, nothing lost, and what was lost and recovered reported. */
  async function assertRecovered (a: RunningNode, b: RunningNode, self: string, acknowledged: string[], kind: string): Promise<void> {
    const atStart = await logOf(a.api.url)
    // A write right after /ready goes to the next free sequence: no fork anywhere.
    assert.equal((await fetch(`${a.api.url}/ready`)).status, 200)
    const next = await post(target(a), [usage('after-restart', 'wal')])
    assert.equal(next.status, 201, next.text)
    assert.equal(next.body.records[0]?.seq, 41, 'the first append after the restart follows the 40 entries the peer holds')
    await waitFor('B to hold A\'s entry 41', async () => (await logOf(b.api.url)).authors.find(x => x.author === self)?.held_seq === 41, { timeoutMs: 15_000 })
    for (const node of [a, b]) {
      const view = await logOf(node.api.url)
      assert.equal(view.forks, 0)
      const held = await idsOf(node.api.url, 'wal')
      assert.deepEqual(acknowledged.filter(id => !held.has(id)), [], 'every acknowledged record is counted')
      assert.equal(held.size, acknowledged.length + 1)
    }

    assert.equal(atStart.own_head.state, 'confirmed')
    assert.deepEqual(atStart.own_head.answered_by, [b.mesh.peerId.toString()])
    assert.ok(atStart.own_head.held_seq_at_start < 40, `the damage lost entries (held ${atStart.own_head.held_seq_at_start} of 40 at start)`)
    const loss = ownLoss(atStart, self)
    assert.ok(loss !== undefined, `the loss is reported: ${JSON.stringify(atStart.losses)}`)
    assert.equal(loss.kind, kind)
    assert.equal(loss.from_seq, atStart.own_head.held_seq_at_start + 1)
    assert.equal(loss.to_seq, 40)
    assert.equal(loss.entries, 40 - loss.from_seq + 1)
    assert.equal(loss.records, loss.entries * 25, 'the head file tells how many records were lost')
    assert.deepEqual(loss.recovered, { to_seq: 40, entries: loss.entries, records: loss.entries * 25, from: [b.mesh.peerId.toString()] })
    assert.equal(loss.still_lost_entries, 0)
    const metrics = await metricsOf(a.api.url)
    assert.equal(sample(metrics, 'meshnode_billing_lost_entries_total', { kind }), loss.entries)
    assert.equal(sample(metrics, 'meshnode_billing_lost_records_total'), loss.entries * 25)
    assert.equal(sample(metrics, 'meshnode_billing_recovered_entries_total'), loss.entries)
    assert.equal(sample(metrics, 'meshnode_billing_unrecovered_entries'), 0)
    assert.equal(sample(metrics, 'meshnode_billing_log_state', { state: 'confirmed' }), 1)
  }

  test('truncated newest level log: the node takes its lost tail back from a peer before its first append, and reports it', async () => {
    const { a, b, self, acknowledged } = await damagedNextToPeer(async file => {
      await truncate(file, Math.floor((await stat(file)).size * 0.6))
      logged.length = 0
    })
    // level treats a cut log as its end: only the head file shows the head went back.
    const log = await logOf(a.api.url)
    assert.deepEqual(log.corrupt, [])
    await assertRecovered(a, b, self, acknowledged, 'head_backwards')
    // The error log carries the same figures as the API.
    const loss = ownLoss(log, self)
    const errors = logged.filter(l => l.level === 50 && l.author === self)
    assert.ok(errors.some(l => l.kind === 'head_backwards' && l.from_seq === loss?.from_seq && l.to_seq === 40 && l.records === loss?.records),
      `the loss at error level: ${JSON.stringify(errors)}`)
    assert.ok(errors.some(l => l.recovered_entries === loss?.entries && l.still_lost === 0), 'what peers gave back, at error level')
  })

  test('garbage in the newest level log: the entries level skipped are reported corrupt, taken back, and level\'s drop is reported', async () => {
    const { a, b, self, acknowledged } = await damagedNextToPeer(async file => { await garble(file, 0.4, 4000) })
    await assertRecovered(a, b, self, acknowledged, 'corrupt')
    const log = await logOf(a.api.url)
    assert.ok(log.database.dropped_at_open.length > 0, 'level\'s skipped bytes are reported')
    assert.ok(log.database.dropped_at_open.every(d => d.bytes > 0 && /Corruption/.test(d.reason)))
  })

  test('alone, a truncated log is reported with what it lost, and the node proceeds', async () => {
    const dir = await newDir()
    const first = await start(dir)
    const self = first.mesh.peerId.toString()
    await appendBatches(target(first), 'solo', 40, 25)
    await first.stop()
    const file = await newestLogFile(dir)
    await truncate(file, Math.floor((await stat(file)).size * 0.6))
    const a = await start(dir)
    const log = await logOf(a.api.url)
    assert.equal(log.own_head.state, 'alone')
    assert.deepEqual(log.own_head.answered_by, [])
    assert.equal(log.own_head.head_file?.seq, 40)
    const loss = ownLoss(log, self)
    assert.ok(loss !== undefined)
    assert.equal(loss.kind, 'head_backwards')
    assert.equal(loss.from_seq, log.own_head.held_seq_at_start + 1)
    assert.equal(loss.to_seq, 40)
    assert.equal(loss.records, loss.entries * 25)
    assert.equal(loss.still_lost_entries, loss.entries)
    const held = await idsOf(a.api.url, 'solo')
    assert.equal(held.size, 1000 - loss.entries * 25, 'the report matches what is gone')
    const metrics = await metricsOf(a.api.url)
    assert.equal(sample(metrics, 'meshnode_billing_unrecovered_entries'), loss.entries)
    assert.equal(sample(metrics, 'meshnode_billing_log_state', { state: 'alone' }), 1)
    assert.equal((await fetch(`${a.api.url}/ready`)).status, 200)
    const next = await post(target(a), [usage('alone-after', 'solo')])
    assert.equal(next.status, 201, next.text)
    assert.equal(next.body.records[0]?.seq, 41, 'the node never reuses a sequence number it wrote: it goes on after the head file\'s head')
    // After a restart the loss is still reported, and the head file follows the head the node went on from.
    await a.stop()
    const again = await start(dir)
    const later = await logOf(again.api.url)
    assert.deepEqual(later.losses, log.losses)
    assert.equal(later.own_head.head_file?.seq, 41)
    assert.equal(sample(await metricsOf(again.api.url), 'meshnode_billing_unrecovered_entries'), loss.entries)
  })

  test('alone after a lost tail, the node goes on after the head file\'s head, never reusing a sequence; its peer later fills the gap', async () => {
    const dirA = await newDir()
    const dirB = await newDir()
    const first = await start(dirA)
    const firstB = await start(dirB, [first.mesh.network.listenAddresses()[0] ?? ''])
    const self = first.mesh.peerId.toString()
    const acknowledged = await appendBatches(target(first), 'gap', 40, 25)
    await waitFor('B to hold A\'s 40 entries', async () => (await logOf(firstB.api.url)).authors.find(x => x.author === self)?.held_seq === 40, { timeoutMs: 20_000 })
    const hash40 = (await logOf(first.api.url)).authors.find(x => x.author === self)?.held_hash
    await first.stop()
    await firstB.stop()
    const file = await newestLogFile(dirA)
    await truncate(file, Math.floor((await stat(file)).size * 0.6))

    // Alone: the peer is down. The node proceeds after the bound and reports the loss.
    const alone = await start(dirA)
    const log = await logOf(alone.api.url)
    assert.equal(log.own_head.state, 'alone')
    const m = log.own_head.held_seq_at_start
    assert.ok(m < 40, `the truncation lost entries (held ${m} of 40)`)
    const loss = ownLoss(log, self)
    assert.ok(loss !== undefined, 'the loss is reported')
    assert.deepEqual([loss.from_seq, loss.to_seq, loss.still_lost_entries], [m + 1, 40, 40 - m])
    const mine = log.authors.find(x => x.author === self)
    assert.deepEqual(mine?.gap, { from_seq: m + 1, to_seq: 40, anchor_hash: hash40, records: (40 - m) * 25 }, 'the gap is shown, anchored by the head file')
    assert.equal(mine.held_seq, 40)
    assert.equal((await fetch(`${alone.api.url}/ready`)).status, 200)
    const after41 = await post(target(alone), [usage('gap-41', 'gap')])
    assert.equal(after41.status, 201, after41.text)
    assert.equal(after41.body.records[0]?.seq, 41, `the next append is at N+1 (41), not M+1 (${m + 1})`)
    acknowledged.push('gap-41')
    assert.equal(await countedOf(alone.api.url), acknowledged.length - (40 - m) * 25, 'what it holds is counted; the gap is not')

    // Restarted with the gap still open, still alone: the chain verifies across the gap and goes on.
    await alone.stop()
    const again = await start(dirA)
    const reopened = await logOf(again.api.url)
    assert.deepEqual(reopened.corrupt, [], 'the chain with its gap verifies at start')
    assert.deepEqual(reopened.losses, log.losses, 'no new loss; the old one still unrecovered')
    assert.deepEqual(reopened.authors.find(x => x.author === self)?.gap, mine.gap)
    assert.equal(reopened.own_head.head_file?.seq, 41)
    const after42 = await post(target(again), [usage('gap-42', 'gap')])
    assert.equal(after42.status, 201, after42.text)
    assert.equal(after42.body.records[0]?.seq, 42)
    acknowledged.push('gap-42')

    // The peer comes back: it takes 41.. as the continuation of the 40 entries it holds, and gives back m+1..40.
    const b = await start(dirB, [again.mesh.network.listenAddresses()[0] ?? ''])
    await waitFor('the gap to close and B to hold 42', async () => {
      const [la, lb] = await Promise.all([logOf(again.api.url), logOf(b.api.url)])
      return la.authors.find(x => x.author === self)?.gap === null && lb.authors.find(x => x.author === self)?.held_seq === 42
    }, { timeoutMs: 30_000 })
    const filled = await logOf(again.api.url)
    const back = ownLoss(filled, self)
    assert.deepEqual(back?.recovered, { to_seq: 40, entries: 40 - m, records: (40 - m) * 25, from: [b.mesh.peerId.toString()] })
    assert.equal(back.still_lost_entries, 0)
    assert.equal(sample(await metricsOf(again.api.url), 'meshnode_billing_unrecovered_entries'), 0)
    for (const node of [again, b]) {
      const view = await logOf(node.api.url)
      assert.equal(view.forks, 0, 'no fork on either node')
      assert.equal(view.authors.find(x => x.author === self)?.held_seq, 42)
      const held = await idsOf(node.api.url, 'gap')
      assert.deepEqual(acknowledged.filter(id => !held.has(id)), [], 'every acknowledged record is counted')
      assert.equal(await countedOf(node.api.url), acknowledged.length, 'and counted once')
    }
    // Filled, the chain reads whole at the next start.
    await again.stop()
    const whole = await start(dirA, [b.mesh.network.listenAddresses()[0] ?? ''])
    const end = await logOf(whole.api.url)
    assert.deepEqual([end.corrupt, end.authors.find(x => x.author === self)?.gap], [[], null])
    assert.equal(await countedOf(whole.api.url), acknowledged.length)
    const after43 = await post(target(whole), [usage('gap-43', 'gap')])
    assert.equal(after43.body.records[0]?.seq, 43)
  })

  test('lost entries that a peer holds with another end than the head file\'s hash are a fork, not taken back', async () => {
    const dirA = await newDir()
    const dirB = await newDir()
    const first = await start(dirA)
    const firstB = await start(dirB, [first.mesh.network.listenAddresses()[0] ?? ''])
    const self = first.mesh.peerId.toString()
    await appendBatches(target(first), 'other-end', 40, 25)
    await waitFor('B to hold A\'s 40 entries', async () => (await logOf(firstB.api.url)).authors.find(x => x.author === self)?.held_seq === 40, { timeoutMs: 20_000 })
    const hash40 = (await logOf(first.api.url)).authors.find(x => x.author === self)?.held_hash ?? ''
    await first.stop()
    await firstB.stop()
    const file = await newestLogFile(dirA)
    await truncate(file, Math.floor((await stat(file)).size * 0.6))
    // The head file remembers another entry 40 than the one B holds (as after an earlier fork).
    const headFile = join(dirA, 'billing-head.json')
    const remembered = JSON.parse((await readFile(headFile, 'utf8')).trim()) as { seq: number, hash: string, records: number }
    const otherHash = 'ab'.repeat(32)
    await writeFile(headFile, JSON.stringify({ ...remembered, hash: otherHash }).padEnd(256, ' '))

    const a = await start(dirA)
    assert.equal((await logOf(a.api.url)).authors.find(x => x.author === self)?.gap?.anchor_hash, otherHash)
    const next = await post(target(a), [usage('other-end-41', 'other-end')])
    assert.equal(next.body.records[0]?.seq, 41)
    const b = await start(dirB, [a.mesh.network.listenAddresses()[0] ?? ''])
    await waitFor('A to report the fork', async () => (await logOf(a.api.url)).forks > 0, { timeoutMs: 20_000 })
    const log = await logOf(a.api.url)
    const mine = log.authors.find(x => x.author === self)
    assert.deepEqual(mine?.forks.map(f => (f as { seq: number, hashes: string[] }).hashes), [[hash40, otherHash].sort()])
    assert.equal((mine.forks[0] as { seq: number }).seq, 40)
    assert.ok(mine.gap !== null, 'the gap stays open: the peer\'s entries are not taken back')
    assert.equal(ownLoss(log, self)?.recovered.entries, 0)
    assert.equal(sample(await metricsOf(a.api.url), 'meshnode_billing_forks_total'), 1, 'reported once')
    // B cannot chain 41 to the 40 it holds: it does not store it.
    assert.equal((await logOf(b.api.url)).authors.find(x => x.author === self)?.held_seq, 40)
  })

  test('a corrupt table block: level repairs the database, the loss is reported as corrupt, not missing, and taken back from a peer', async () => {
    const { a, b, self, acknowledged, dirA } = await damagedNextToPeer(async file => {
      // Opening the database once turns the log into a table; then a block of it goes bad.
      const dir = join(file, '..', '..')
      const db = new MeshDatabase(dir)
      await db.open()
      await db.close()
      const tables = (await readdir(join(dir, 'db'))).filter(f => f.endsWith('.ldb')).sort()
      assert.ok(tables.length > 0, 'the entries are in a table file')
      await garble(join(dir, 'db', tables[tables.length - 1] ?? ''), 0.3, 300)
    })
    await assertRecovered(a, b, self, acknowledged, 'corrupt')
    const log = await logOf(a.api.url)
    assert.ok(log.database.repaired !== null, 'the repair is reported')
    assert.match(log.database.repaired.reason, /Corruption/)
    assert.ok(log.database.repaired.notes.length > 0, `what the repair found is reported: ${JSON.stringify(log.database.repaired)}`)
    // Repaired and refilled, the database reads whole at the next start.
    await a.stop()
    const again = await start(dirA, [b.mesh.network.listenAddresses()[0] ?? ''])
    const clean = await logOf(again.api.url)
    assert.deepEqual([clean.corrupt, clean.database.repaired], [[], null])
    assert.deepEqual(clean.losses.map(l => [l.kind, l.still_lost_entries]), [['corrupt', 0]], 'the earlier loss is still reported, nothing new')
    assert.equal(clean.authors.find(x => x.author === self)?.held_seq, 41)
  })
})

describe('start-up confirmation of the own head', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  const running: RunningNode[] = []
  after(async () => {
    await Promise.all(running.map(async n => { await n.stop() }))
    await Promise.all(dirs.map(removeDir))
  })

  test('while the peers it knows have not answered, /ready is 503 with the reason and appends answer 503; then it proceeds alone', async () => {
    const dir = await tempDir()
    const peerDir = await tempDir()
    dirs.push(dir, peerDir)
    const first = await startNode(dir)
    assert.equal((await post(target(first), [usage('written-once', 'confirm')])).status, 201)
    await first.stop()
    // A peer it knows, which is gone when the node comes back.
    const gone = await startNode(peerDir)
    const goneAddress = gone.mesh.network.listenAddresses()[0] ?? ''
    await gone.stop()

    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const starting = startNode(dir, { api: { host: '127.0.0.1', port }, bootstrap: [goneAddress] })
    const waiting = await waitFor('/ready to answer while the node confirms its head', async () => {
      const r = await call<{ status: string, checks: { billing: boolean }, reason: string }>(`${url}/ready`).catch(() => undefined)
      return r?.status === 503 && r.body.reason.includes('billing: confirming own head') ? r : undefined
    }, { timeoutMs: 10_000, intervalMs: 20 })
    assert.equal(waiting.body.checks.billing, false)
    const early = await post({ url, token: first.token }, [usage('too-early', 'confirm')])
    assert.equal(early.status, 503, early.text)
    const node = await starting
    running.push(node)
    const log = await logOf(url)
    assert.equal(log.own_head.state, 'alone')
    assert.equal((await fetch(`${url}/ready`)).status, 200)
    const next = await post(target(node), [usage('after-alone', 'confirm')])
    assert.equal(next.status, 201, next.text)
    assert.equal(next.body.records[0]?.seq, 2)
  })
})

describe('a database that cannot be written', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  let node: RunningNode | undefined
  after(async () => {
    await node?.stop()
    await Promise.all(dirs.map(removeDir))
  })

  test('is reported by /ready (503 with the reason) and writes answer 503, not 500', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    node = await startNode(dir)
    const to = target(node)
    assert.equal((await post(to, [usage('before', 'disk')])).status, 201)
    // The disk goes away under the running node: level fails once it needs a new file.
    await rm(join(dir, 'db'), { recursive: true, force: true })
    const padding = 'x'.repeat(250)
    let reply: Reply | undefined
    for (let i = 0; i < 40; i++) {
      const records = Array.from({ length: 1000 }, (_, k) => ({ ...usage(`fill-${i}-${k}`, 'disk'), metadata: { a: padding, b: padding, c: padding } }))
      reply = await post(to, records)
      if (reply.status !== 201) break
    }
    assert.ok(reply !== undefined)
    assert.equal(reply.status, 503, reply.text)
    assert.match(reply.text, /billing log cannot be written/)
    const again = await post(to, [usage('after', 'disk')])
    assert.equal(again.status, 503)
    const ready = await call<{ status: string, checks: { billing: boolean }, reason: string }>(`${node.api.url}/ready`)
    assert.equal(ready.status, 503)
    assert.equal(ready.body.checks.billing, false)
    assert.match(ready.body.reason, /billing: log unusable/)
    assert.equal(sample(await metricsOf(node.api.url), 'meshnode_billing_log_state', { state: 'unusable' }), 1)
  })
})

describe('SIGKILL while a peer replicates', { timeout: 180_000 }, () => {
  const dirs: string[] = []
  let peer: RunningNode | undefined
  after(async () => {
    await peer?.stop()
    await Promise.all(dirs.map(removeDir))
  })

  test('a node killed while a peer pulls from it loses no acknowledged record, forks nothing, and both converge', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const args = ['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0']
    const node = await spawnNode(args)
    const token = node.record.api_token ?? ''
    const peerDir = await tempDir()
    dirs.push(peerDir)
    peer = await startNode(peerDir, { bootstrap: [node.joinAddress] })
    const p = peer
    const acknowledged: string[] = []
    let stop = false
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop && i < 5_000; i++) {
        const id = `kill-${w}-${i}`
        const r = await post({ url: node.apiUrl, token }, [usage(id, 'kill')]).catch(() => undefined)
        if (r?.status === 201) acknowledged.push(id)
        else return
      }
    })
    await waitFor('the peer to replicate a stream of entries', async () =>
      ((await logOf(p.api.url)).authors.find(x => x.author === node.peerId)?.held_seq ?? 0) >= 50, { timeoutMs: 30_000 })
    node.child.kill('SIGKILL')
    stop = true
    await Promise.all(writers)
    await node.exited
    const peerHeldAtKill = (await logOf(p.api.url)).authors.find(x => x.author === node.peerId)?.held_seq ?? 0

    const again = await spawnNode([...args, '--bootstrap', p.mesh.network.listenAddresses()[0] ?? ''])
    try {
      const log = await logOf(again.apiUrl)
      assert.deepEqual(log.corrupt, [], 'the chain verifies at start')
      assert.deepEqual(log.losses, [])
      assert.equal(log.own_head.state, 'confirmed')
      const after = await post({ url: again.apiUrl, token }, [usage('kill-after', 'kill')])
      assert.equal(after.status, 201, after.text)
      acknowledged.push('kill-after')
      const head = after.body.records[0]?.seq ?? 0
      await waitFor('the peer to hold the restarted node\'s whole log', async () =>
        (await logOf(p.api.url)).authors.find(x => x.author === again.peerId)?.held_seq === head, { timeoutMs: 30_000 })
      for (const url of [again.apiUrl, p.api.url]) {
        const view = await logOf(url)
        assert.equal(view.forks, 0, `no fork at ${url}`)
        const held = await idsOf(url, 'kill')
        assert.deepEqual(acknowledged.filter(id => !held.has(id)), [], `acknowledged records lost at ${url}`)
      }
      assert.deepEqual(await idsOf(again.apiUrl, 'kill'), await idsOf(p.api.url, 'kill'), 'both hold the same records')
      console.log(`# ${acknowledged.length} acknowledged; the peer held ${peerHeldAtKill} entries at the kill and ${head} after restart`)
    } finally {
      assert.equal(await stopChild(again), 0)
    }
  })
})
