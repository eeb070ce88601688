import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Browser, Page } from 'puppeteer-core'
import type { RunningNode } from '../../src/launch.ts'
import { createGenesis } from '../../src/network/genesis.ts'
import { DEVELOPMENT_PARAMS } from '../../src/network/params.ts'
import { KEY_FILE } from '../../src/p2p/identity.ts'
import { startUpstream, type Upstream } from '../../simulations/live/upstream.ts'
import { call, callAsOperator } from '../helpers/api.ts'
import { launchBrowser, watchedPage } from '../helpers/browser.ts'
import { removeDir, spawnNode, startNode, stopChild, tempDir, type ChildNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

/**
 * The operator UI in a real (headless) Chromium against a live mesh of three operators: A and
 * B in this process (B offers the service `echo`), C a child process that is SIGKILLed. Screenshots are kept under
 * `$TMPDIR/meshnode-ui-screenshots/` for a person to look at.
 */
const SHOTS = join(tmpdir(), 'meshnode-ui-screenshots')

// The functions given to page.evaluate and waitForFunction run in the page (puppeteer sends
// their source): the page's globals they use, typed here since the project has no DOM types.
interface PageElement { textContent: string | null, className: string, getAttribute: (name: string) => string | null, closest: (selector: string) => PageElement | null, getBoundingClientRect: () => { right: number }, tagName: string }
declare const document: { querySelector: (selector: string) => PageElement | null, querySelectorAll: (selector: string) => Iterable<PageElement> & { length: number }, documentElement: { scrollWidth: number } }
declare const window: { innerWidth: number, loadedOnce?: number }
declare const sessionStorage: { getItem: (key: string) => string | null }
declare const localStorage: { length: number }
const WAIT_MS = 30_000

describe('operator UI in a headless Chromium, against a live three-node mesh', { timeout: 180_000 }, () => {
  const dirs: string[] = []
  let a: RunningNode
  let b: RunningNode
  let c: ChildNode
  let upstream: Upstream
  let browser: Browser
  let pageA: Page
  let pageB: Page
  const errors: string[][] = []
  /** The URLs each page asked for, in order. */
  const requests = new Map<Page, string[]>()
  /** The errors each page logged (the same lists as in `errors`). */
  const logged = new Map<Page, string[]>()

  before(async () => {
    const keys = await Promise.all([0, 1, 2].map(async () => await generateKeyPair('Ed25519')))
    const genesis = createGenesis({
      networkId: 'ui-test',
      operators: keys.map((k, i) => ({ peer_id: peerIdFromPrivateKey(k).toString(), weight: 1, name: `op-${'abc'[i] ?? i}` })),
      params: { ...DEVELOPMENT_PARAMS, min_voting_period_ms: 1_000 },
      createdAt: new Date()
    })
    const files: string[] = []
    for (const key of keys) {
      const dir = await tempDir()
      dirs.push(dir)
      await writeFile(join(dir, KEY_FILE), privateKeyToProtobuf(key), { mode: 0o600 })
      const file = join(dir, 'given-genesis.json')
      await writeFile(file, JSON.stringify(genesis))
      files.push(file)
    }
    a = await startNode(dirs[0] ?? '', { genesis: files[0] ?? '', candidate: true })
    const join0 = a.mesh.network.listenAddresses()[0] ?? ''
    upstream = await startUpstream('ui-upstream')
    b = await startNode(dirs[1] ?? '', { genesis: files[1] ?? '', bootstrap: [join0], services: [{ name: 'echo', url: upstream.url, capacity: 10 }] })
    c = await spawnNode(['--data', dirs[2] ?? '', '--genesis', files[2] ?? '', '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--bootstrap', join0])
    await waitFor('A and B to see both others healthy', () => [a, b].every(n => n.mesh.peerTable.list(n.mesh.clock.now()).filter(p => p.state === 'healthy').length === 2), { timeoutMs: WAIT_MS })
    await mkdir(SHOTS, { recursive: true })
    browser = await launchBrowser()
  })

  after(async () => {
    await browser?.close()
    if (c !== undefined) await stopChild(c)
    for (const n of [b, a]) await n?.stop()
    await upstream?.close()
    await Promise.all(dirs.map(removeDir))
  })

  const open = async (node: RunningNode): Promise<Page> => {
    const { page, errors: seen } = await watchedPage(browser)
    errors.push(seen)
    logged.set(page, seen)
    const asked: string[] = []
    requests.set(page, asked)
    page.on('request', r => { asked.push(new URL(r.url()).pathname) })
    await page.goto(`${node.api.url}/ui`, { waitUntil: 'domcontentloaded' })
    return page
  }
  const row = (peerId: string, state: string): string => `tr[data-peer="${peerId}"][data-state="${state}"]`
  const asked = (page: Page, which: (path: string) => boolean): number => (requests.get(page) ?? []).filter(which).length
  /** The page's reads of proposals and the governance overview (the operators, polled with the peers, are not). */
  const governanceReads = (page: Page): number => asked(page, path => path.startsWith('/v1/governance/proposals') || path === '/v1/governance/overview')
  const polls = (page: Page): number => asked(page, path => path === '/v1/system/status')
  /** Replaces what an input holds, as a person does (select all, type over it). */
  const fill = async (page: Page, selector: string, text: string): Promise<void> => {
    await page.click(selector, { clickCount: 3 })
    await page.keyboard.press('Backspace')
    await page.type(selector, text)
  }

  test('the peers appear healthy, with their figures, and the page is live', async () => {
    pageA = await open(a)
    await pageA.waitForSelector(row(b.mesh.peerId.toString(), 'healthy'), { timeout: WAIT_MS })
    await pageA.waitForSelector(row(c.peerId, 'healthy'), { timeout: WAIT_MS })
    await pageA.waitForSelector('.live[data-live="live"]', { timeout: WAIT_MS })
    // A few polls, so that the sparklines have a course to show.
    await pageA.waitForFunction(() => document.querySelectorAll('.spark-value').length >= 4 && [...document.querySelectorAll('.spark-value')].every(e => e.textContent !== '–'), { timeout: WAIT_MS })
    assert.equal(await pageA.$eval('[data-testid="tile-healthy"] .tile-value', e => e.textContent), '2')
    assert.equal(await pageA.$eval('[data-testid="tile-left"] .tile-value', e => e.textContent), '0', 'left peers are counted apart')
    await pageA.screenshot({ path: join(SHOTS, 'peers-healthy-1280x800.png') })
  })

  test('in a browser whose locale is POSIX (LANG=C), the page, its plots and its feed work', async () => {
    const posix = await launchBrowser({ posix: true })
    try {
      const { page, errors: seen } = await watchedPage(posix)
      await page.goto(`${a.api.url}/ui`, { waitUntil: 'domcontentloaded' })
      // The browser's own language is ICU's POSIX id, which Intl rejects (the page uses its usable part).
      assert.equal(await page.evaluate('Object.getOwnPropertyDescriptor(Navigator.prototype, "language").get.call(navigator)'), 'en-US@posix')
      await page.waitForSelector(row(b.mesh.peerId.toString(), 'healthy'), { timeout: WAIT_MS })
      await page.waitForSelector('.live[data-live="live"]', { timeout: WAIT_MS })
      await page.waitForSelector('[data-testid="load"] .timeplot canvas', { timeout: WAIT_MS })
      await page.waitForFunction(() => document.querySelectorAll('.spark-plot canvas').length >= 4, { timeout: WAIT_MS })
      await page.screenshot({ path: join(SHOTS, 'posix-locale-1280x800.png') })
      assert.deepEqual(seen, [])
    } finally {
      await posix.close()
    }
  })

  test('routing figures and breakers, billing, and an invoice through the form', async () => {
    await waitFor('A to route echo to B', async () => (await call(`${a.api.url}/v1/route/echo/hello`)).status === 200, { timeoutMs: WAIT_MS, intervalMs: 250 })
    for (let i = 0; i < 4; i++) assert.equal((await call(`${a.api.url}/v1/route/echo/hello`)).status, 200)
    const usage = await callAsOperator(a, 'POST', '/v1/billing/usage', { id: 'ui-1', user_id: 'alice', resource_type: 'storage', amount: 3, unit: 'GB' })
    assert.equal(usage.status, 201, usage.text)

    await pageA.waitForSelector(`[data-testid="routing"] .breaker-closed`, { timeout: WAIT_MS })
    await pageA.waitForFunction(() => document.querySelector('[data-testid="routing"] .service')?.textContent?.includes('echo') === true, { timeout: WAIT_MS })
    await pageA.waitForFunction(() => Number(document.querySelector('[data-testid="billing"] .kv b')?.textContent ?? '0') >= 1, { timeout: WAIT_MS })

    await pageA.type('[data-testid="invoices"] input[placeholder="tenant id"]', 'alice')
    await pageA.click('[data-testid="invoices"] button[type="submit"]')
    // 3 GB of storage at 0.02 USD (the development price list).
    await pageA.waitForFunction(() => document.querySelector('[data-testid="invoices"] tfoot')?.textContent?.includes('0.06 USD') === true, { timeout: WAIT_MS })
  })

  test('a peer SIGKILLed turns down on the page, without a reload', async () => {
    await pageA.evaluate(() => { window.loadedOnce = 1 })
    c.child.kill('SIGKILL')
    await pageA.waitForSelector(row(c.peerId, 'down'), { timeout: WAIT_MS })
    assert.equal(await pageA.evaluate(() => window.loadedOnce), 1, 'the page was not reloaded')
    await pageA.screenshot({ path: join(SHOTS, 'peer-down-1280x800.png') })
  })

  test('a vote cast through the form on B changes the tally on A\'s page, from the event feed: governance is not polled', async () => {
    const proposal = await callAsOperator<{ id: string }>(a, 'POST', '/v1/governance/proposals', { title: 'Raise the telemetry interval', description: 'From the browser test', change: { type: 'text' }, voting_period: '10m' })
    assert.equal(proposal.status, 201, proposal.text)
    const id = proposal.body.id
    const tallyYes = (page: Page): Promise<string | null> => page.$eval(`[data-proposal="${id}"] [data-testid="tally"]`, e => e.getAttribute('data-yes'))

    pageB = await open(b)
    await pageB.waitForSelector(`[data-proposal="${id}"] button[data-vote="yes"]`, { timeout: WAIT_MS })
    // A's page was open before the proposal was made: it came from the feed (proposal.created).
    await pageA.waitForSelector(`[data-proposal="${id}"]`, { timeout: WAIT_MS })
    assert.equal(await tallyYes(pageA), '0')
    const reads = governanceReads(pageA)
    const polled = polls(pageA)
    await waitFor('A\'s page to poll its figures three times', () => polls(pageA) >= polled + 3, { timeoutMs: WAIT_MS, intervalMs: 100 })
    assert.equal(governanceReads(pageA), reads, 'A\'s page polls no governance')
    assert.equal(await pageB.$eval(`[data-proposal="${id}"] button[data-vote="yes"]`, e => (e as unknown as { disabled: boolean }).disabled), true, 'no vote without a token')

    await pageB.type('#token', b.token)
    await pageB.click('.token button[type="submit"]')
    await pageB.waitForSelector(`[data-proposal="${id}"] button[data-vote="yes"]:not([disabled])`, { timeout: WAIT_MS })
    assert.equal(await pageB.evaluate(() => sessionStorage.getItem('meshnode.token')), b.token)
    assert.equal(await pageB.evaluate(() => localStorage.length), 0, 'the token is kept in the session only')
    await pageB.click(`[data-proposal="${id}"] button[data-vote="yes"]`)
    await pageB.waitForFunction(sel => document.querySelector(sel)?.textContent === 'voted yes', { timeout: WAIT_MS }, `[data-proposal="${id}"] [data-testid="vote-result"]`)

    await pageA.waitForFunction(sel => document.querySelector(sel)?.getAttribute('data-yes') === '1', { timeout: WAIT_MS }, `[data-proposal="${id}"] [data-testid="tally"]`)
    assert.equal(governanceReads(pageA), reads, 'the tally came with the vote\'s event (proposal.voted): A\'s page fetched nothing of governance')
    assert.equal(await pageA.evaluate(() => window.loadedOnce), 1, 'the page was not reloaded')
    await pageA.screenshot({ path: join(SHOTS, 'vote-tally-1280x800.png'), fullPage: true })
    await pageB.screenshot({ path: join(SHOTS, 'vote-form-1280x800.png'), fullPage: true })
  })

  test('a proposal made through the form on B: the API\'s validation error beside the form, then the proposal on A\'s page from the feed', async () => {
    const form = '[data-testid="propose"]'
    const title = 'Double the weight of op-c'
    await pageB.click(`${form} summary`)
    await pageB.type(`${form} input[name="title"]`, title)
    await pageB.select(`${form} select[name="type"]`, 'operator_weight')
    await pageB.type(`${form} input[name="peer_id"]`, c.peerId)
    await fill(pageB, `${form} input[name="weight"]`, '2')
    await fill(pageB, `${form} input[name="voting_period"]`, 'ten minutes')
    await pageB.click(`${form} button[type="submit"]`)
    // The API refuses it (422, VALIDATION_ERROR naming the field): its message beside the form, the field marked.
    await pageB.waitForFunction(sel => document.querySelector(sel)?.getAttribute('data-field') === 'voting_period', { timeout: WAIT_MS }, `${form} [data-testid="propose-result"]`)
    assert.match(await pageB.$eval(`${form} [data-testid="propose-result"]`, e => e.textContent ?? ''), /invalid body field "voting_period": expected a duration/)
    assert.ok(await pageB.$(`${form} .field.invalid input[name="voting_period"]`) !== null, 'the field at fault is marked')
    // Chromium logs every refused request on the console: this one was meant, and is the only one.
    const seenB = logged.get(pageB) ?? []
    const refused = seenB.findIndex(e => e.includes('status of 422'))
    assert.notEqual(refused, -1, 'the browser saw the 422')
    seenB.splice(refused, 1)
    await (await pageB.$('[data-testid="governance"]'))?.screenshot({ path: join(SHOTS, 'propose-error-1280.png') })

    await fill(pageB, `${form} input[name="voting_period"]`, '10m')
    await pageB.click(`${form} button[type="submit"]`)
    await pageB.waitForFunction(sel => document.querySelector(sel)?.textContent?.startsWith('proposed:') === true, { timeout: WAIT_MS }, `${form} [data-testid="propose-result"]`)
    const listed = (t: string): boolean => [...document.querySelectorAll('[data-proposal] .proposal-head b')].some(e => e.textContent === t)
    await pageA.waitForFunction(listed, { timeout: WAIT_MS }, title)
    await pageB.waitForFunction(listed, { timeout: WAIT_MS }, title)
    assert.equal(await pageA.evaluate(() => window.loadedOnce), 1, 'A\'s page was not reloaded')
    await pageA.screenshot({ path: join(SHOTS, 'proposal-listed-1280x800.png'), fullPage: true })
  })

  test('the default alert on a peer down fires on the page', async () => {
    await pageA.waitForSelector('[data-testid="alerts"] [data-alert="peer_down"][data-state="firing"]', { timeout: WAIT_MS })
    await (await pageA.$('[data-testid="alerts"]'))?.screenshot({ path: join(SHOTS, 'alert-firing.png') })
  })

  test('a peer that leaves turns left on the page, counted apart from the one down', async () => {
    const leave = await callAsOperator(b, 'POST', '/v1/network/leave')
    assert.equal(leave.status, 202, leave.text)
    await pageA.waitForSelector(row(b.mesh.peerId.toString(), 'left'), { timeout: WAIT_MS })
    await pageA.waitForFunction(() => document.querySelector('[data-testid="tile-left"] .tile-value')?.textContent === '1', { timeout: WAIT_MS })
    assert.equal(await pageA.$eval('[data-testid="tile-down"] .tile-value', e => e.textContent), '1', 'only the SIGKILLed peer is down')
  })

  test('the page fits a narrow screen, and no page logged an error', async () => {
    await pageA.setViewport({ width: 390, height: 844 })
    await pageA.click('[data-testid="propose"] summary')
    // Wide tables scroll in their card; nothing else may be wider than the screen.
    // The plots follow their card's width on their next resize callback.
    let tooWide: string[] = []
    await waitFor('nothing wider than the screen', async () => {
      tooWide = await pageA.evaluate(() => [...document.querySelectorAll('body *')]
        .filter(e => e.closest('.scroll') === null && e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => `${e.tagName.toLowerCase()}.${e.className}`).slice(0, 10))
      return tooWide.length === 0
    }, { timeoutMs: WAIT_MS, intervalMs: 100 }).catch((err: unknown) => assert.fail(`${err instanceof Error ? err.message : String(err)}: ${tooWide.join(', ')}`))
    assert.ok(await pageA.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1))
    await pageA.screenshot({ path: join(SHOTS, 'narrow-390.png'), fullPage: true })
    await (await pageA.$('[data-testid="governance"]'))?.screenshot({ path: join(SHOTS, 'narrow-390-governance.png') })
    assert.deepEqual(errors.flat(), [])
  })
})
