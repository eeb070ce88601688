import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { RunningNode } from '../../src/launch.ts'
import { createGenesis } from '../../src/network/genesis.ts'
import { PRODUCTION_PARAMS } from '../../src/network/params.ts'
import { signObject } from '../../src/governance/objects.ts'
import { signerOf } from '../../src/network/signing.ts'
import { KEY_FILE, loadOrCreateIdentity } from '../../src/p2p/identity.ts'
import { assertError, assertValidation, call, callAsOperator, metricsOf, sampleSum, type Reply } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { UPSTREAM_HEALTH_PATH } from '../../simulations/live/upstream.ts'
import { waitFor } from '../helpers/wait.ts'
import { SubscriptionListResponse } from '../../api/routes/subscriptions.ts'
import { ApiKeyResponse, KeyCreateResponse, KeyListResponse, SubscriptionResponse, TenantCreateResponse, TenantDetailResponse, TenantListResponse, TenantResponse } from '../../api/routes/tenants.ts'

interface Period { tier: string, from: string, to: string | null, status: string }
interface SubscriptionJson { id: string, tenant_id: string, tier: string, status: string, billing_cycle: string, price: number | null, periods: Period[] }
interface KeyJson { id: string, tenant_id: string, status: string, label: string | null, key?: string, revoked_at: string | null }
interface TenantJson {
  id: string
  name: string
  status: string
  tier: string | null
  metadata: Record<string, string>
  subscription: SubscriptionJson | null
  usage: { period: string, by_resource: Array<{ resource_type: string, amount: number }> }
  keys: KeyJson[]
}

/**
 * The tenants, keys and subscriptions API, and the data plane's key check, on a closed network
 * (anonymous routing off): operator A offers service "echo" (an upstream that answers with the
 * headers it got), B is a member that is not an operator.
 */
describe('tenants, keys and subscriptions API; the data plane requires a key', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  let a: RunningNode
  let b: RunningNode
  let upstream: Server
  let seen: IncomingHttpHeaders[] = []

  before(async () => {
    upstream = createServer((req, res) => {
      if (req.url !== UPSTREAM_HEALTH_PATH) seen.push(req.headers)
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }))
    })
    await new Promise<void>(resolve => upstream.listen(0, '127.0.0.1', resolve))
    const keyA = await generateKeyPair('Ed25519')
    const genesis = createGenesis({
      networkId: 'tenants-api',
      operators: [{ peer_id: peerIdFromPrivateKey(keyA).toString(), weight: 1, name: 'a' }],
      params: { ...PRODUCTION_PARAMS, gossip_ip_colocation_threshold: 0, open_membership: true },
      createdAt: new Date()
    })
    assert.equal(genesis.params.anonymous_routing, false)
    dirs.push(await tempDir(), await tempDir())
    const [dirA, dirB] = dirs as [string, string]
    await writeFile(join(dirA, KEY_FILE), privateKeyToProtobuf(keyA), { mode: 0o600 })
    for (const dir of dirs) await writeFile(join(dir, 'given-genesis.json'), JSON.stringify(genesis))
    const port = (upstream.address() as AddressInfo).port
    a = await startNode(dirA, { genesis: join(dirA, 'given-genesis.json'), services: [{ name: 'echo', url: `http://127.0.0.1:${port}`, capacity: 10 }] })
    b = await startNode(dirB, { genesis: join(dirB, 'given-genesis.json'), bootstrap: [a.mesh.network.listenAddresses()[0] ?? ''] })
    await waitFor('echo to be healthy on A', () => a.mesh.localServices.isHealthy('echo'), { timeoutMs: 10_000 })
  })

  after(async () => {
    await Promise.all([a, b].map(async n => { await n?.stop() }))
    await new Promise(resolve => upstream?.close(resolve))
    await Promise.all(dirs.map(removeDir))
  })

  const get = async <T = Record<string, unknown>>(path: string): Promise<Reply<T>> => await callAsOperator<T>(a, 'GET', path)
  const route = async (headers: Record<string, string>): Promise<Reply> => await call(`${a.api.url}/v1/route/echo/hello`, { headers })
  const newTenant = async (name: string, tier = 'basic'): Promise<TenantJson> => {
    const r = await callAsOperator<TenantJson>(a, 'POST', '/v1/tenants', { name, tier })
    assert.equal(r.status, 201, r.text)
    return r.body
  }
  const newKey = async (tenant: string, body: unknown = {}): Promise<Reply<KeyJson>> => await callAsOperator<KeyJson>(a, 'POST', `/v1/tenants/${tenant}/keys`, body)

  describe('tenants', () => {
    test('create, read, list with pagination, update, suspend, resume, delete', async () => {
      const created = await callAsOperator<TenantJson>(a, 'POST', '/v1/tenants', { name: 'Acme', tier: 'pro', metadata: { contact: 'ops@acme.test' } })
      assert.equal(created.status, 201, created.text)
      const t = created.body
      TenantCreateResponse.parse(t)
      assert.match(t.id, /^ten_[0-9a-f]{24}$/)
      assert.equal(t.tier, 'pro')
      assert.equal(t.status, 'active')
      assert.equal(t.subscription?.tier, 'pro')
      assert.equal(t.subscription?.price, 50)
      const read = await get<TenantJson>(`/v1/tenants/${t.id}`)
      assert.equal(read.status, 200)
      TenantDetailResponse.parse(read.body)
      assert.deepEqual(read.body.metadata, { contact: 'ops@acme.test' })
      assert.equal(read.body.subscription?.status, 'active')
      assert.deepEqual(read.body.keys, [])
      assert.match(read.body.usage.period, /^\d{4}-\d{2}$/)

      const others = [await newTenant('Beta'), await newTenant('Gamma')]
      const page = await get<{ tenants: TenantJson[], total: number, offset: number, limit: number }>('/v1/tenants?limit=2&offset=1')
      assert.equal(page.status, 200)
      TenantListResponse.parse(page.body)
      assert.ok(page.body.total >= 3)
      assert.equal(page.body.tenants.length, 2)
      assert.equal(page.body.limit, 2)
      const all = (await get<{ tenants: TenantJson[] }>('/v1/tenants?limit=500')).body.tenants.map(x => x.id)
      assert.deepEqual(page.body.tenants.map(x => x.id), all.slice(1, 3), 'a page is a slice of the whole list, oldest first')

      const renamed = await callAsOperator<TenantJson>(a, 'PATCH', `/v1/tenants/${t.id}`, { name: 'Acme Inc' })
      assert.equal(renamed.status, 200)
      assert.equal(renamed.body.name, 'Acme Inc')
      TenantResponse.parse(renamed.body)
      assert.equal((await callAsOperator<TenantJson>(a, 'POST', `/v1/tenants/${t.id}/suspend`)).body.status, 'suspended')
      assertError(await callAsOperator(a, 'POST', `/v1/tenants/${t.id}/suspend`), 409, 'CONFLICT')
      assert.deepEqual((await get<{ tenants: TenantJson[] }>('/v1/tenants?status=suspended')).body.tenants.map(x => x.id), [t.id])
      assert.equal((await callAsOperator<TenantJson>(a, 'POST', `/v1/tenants/${t.id}/resume`)).body.status, 'active')
      assertError(await callAsOperator(a, 'POST', `/v1/tenants/${t.id}/resume`), 409, 'CONFLICT')

      const deleted = await callAsOperator<TenantJson>(a, 'DELETE', `/v1/tenants/${others[1]?.id ?? ''}`)
      assert.equal(deleted.status, 200)
      assert.equal(deleted.body.status, 'deleted')
      assertError(await get(`/v1/tenants/${others[1]?.id ?? ''}`), 404, 'NOT_FOUND')
      const subs = (await get<{ subscriptions: SubscriptionJson[] }>(`/v1/billing/subscriptions?tenant_id=${others[1]?.id ?? ''}`)).body.subscriptions
      assert.deepEqual(subs.map(s => s.status), ['cancelled'], "a deleted tenant's subscription is cancelled")
      assertError(await callAsOperator(a, 'DELETE', `/v1/tenants/${others[1]?.id ?? ''}`), 404, 'NOT_FOUND')
    })

    test('validation: each bad field is 422 naming it, and nothing is created', async () => {
      const before = (await get<{ total: number }>('/v1/tenants')).body.total
      assertValidation(await callAsOperator(a, 'POST', '/v1/tenants', { tier: 'free' }), 'name')
      assertValidation(await callAsOperator(a, 'POST', '/v1/tenants', { name: '  ', tier: 'free' }), 'name')
      assertValidation(await callAsOperator(a, 'POST', '/v1/tenants', { name: 'x' }), 'tier')
      assertValidation(await callAsOperator(a, 'POST', '/v1/tenants', { name: 'x', tier: 'gold' }), 'tier')
      assertValidation(await callAsOperator(a, 'POST', '/v1/tenants', { name: 'x', tier: 'free', billing_cycle: 'weekly' }), 'billing_cycle')
      assertValidation(await callAsOperator(a, 'POST', '/v1/tenants', { name: 'x', tier: 'free', metadata: { k: 1 } }), 'metadata.k')
      assertValidation(await callAsOperator(a, 'POST', '/v1/tenants', { name: 'x', tier: 'free', plan: 'pro' }), '', true)
      assertValidation(await get('/v1/tenants?limit=0'), 'limit')
      assertValidation(await get('/v1/tenants?status=deleted'), 'status')
      const t = await newTenant('Delta')
      assertValidation(await callAsOperator(a, 'PATCH', `/v1/tenants/${t.id}`, {}), '')
      assertError(await callAsOperator(a, 'PATCH', '/v1/tenants/ten_nope', { name: 'x' }), 404, 'NOT_FOUND')
      assert.equal((await get<{ total: number }>('/v1/tenants')).body.total, before + 1)
    })

    test('authorisation: no or a wrong token is 401 (reads too); a node that is not an operator answers 403', async () => {
      assertError(await call(`${a.api.url}/v1/tenants`), 401, 'AUTHENTICATION_ERROR')
      assertError(await call(`${a.api.url}/v1/tenants`, { headers: { authorization: 'Bearer wrong' } }), 401, 'AUTHENTICATION_ERROR')
      assertError(await call(`${a.api.url}/v1/tenants`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x","tier":"free"}' }), 401, 'AUTHENTICATION_ERROR')
      assertError(await call(`${a.api.url}/v1/billing/subscriptions`), 401, 'AUTHENTICATION_ERROR')
      const t = await newTenant('Epsilon')
      assertError(await call(`${a.api.url}/v1/tenants/${t.id}/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 401, 'AUTHENTICATION_ERROR')
      assertError(await callAsOperator(b, 'POST', '/v1/tenants', { name: 'x', tier: 'free' }), 403, 'AUTHORIZATION_ERROR')
      await waitFor('the tenant on B', async () => (await callAsOperator(b, 'GET', `/v1/tenants/${t.id}`)).status === 200, { timeoutMs: 10_000 })
      assertError(await callAsOperator(b, 'POST', `/v1/tenants/${t.id}/keys`, {}), 403, 'AUTHORIZATION_ERROR')
      assertError(await callAsOperator(b, 'POST', `/v1/tenants/${t.id}/suspend`), 403, 'AUTHORIZATION_ERROR')
      assertError(await callAsOperator(b, 'POST', '/v1/billing/subscriptions', { tenant_id: t.id, tier: 'pro' }), 403, 'AUTHORIZATION_ERROR')
    })
  })

  test('every endpoint: 401 without the operator token; every change 403 on a node that is not an operator', async () => {
    const t = await newTenant('Table')
    const k = (await newKey(t.id)).body
    const sub = t.subscription?.id ?? ''
    const endpoints: Array<[string, string, unknown?]> = [
      ['GET', '/v1/tenants'], ['POST', '/v1/tenants', { name: 'x', tier: 'free' }], ['GET', `/v1/tenants/${t.id}`],
      ['PATCH', `/v1/tenants/${t.id}`, { name: 'y' }], ['DELETE', `/v1/tenants/${t.id}`],
      ['POST', `/v1/tenants/${t.id}/suspend`], ['POST', `/v1/tenants/${t.id}/resume`],
      ['GET', `/v1/tenants/${t.id}/keys`], ['POST', `/v1/tenants/${t.id}/keys`, {}], ['DELETE', `/v1/tenants/${t.id}/keys/${k.id}`],
      ['GET', '/v1/billing/subscriptions'], ['POST', '/v1/billing/subscriptions', { tenant_id: t.id, tier: 'pro' }], ['GET', `/v1/billing/subscriptions/${sub}`],
      ['PATCH', `/v1/billing/subscriptions/${sub}`, { tier: 'pro' }], ['POST', `/v1/billing/subscriptions/${sub}/cancel`],
      ['POST', `/v1/billing/subscriptions/${sub}/suspend`], ['POST', `/v1/billing/subscriptions/${sub}/resume`]
    ]
    await waitFor('the key on B', () => b.mesh.running().platform.state.key(k.id) !== undefined, { timeoutMs: 10_000 })
    for (const [method, path, body] of endpoints) {
      const anonymous = await call(`${a.api.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
      assertError(anonymous, 401, 'AUTHENTICATION_ERROR')
      // The operator's own call clears this address's failures, as it would for a mistyped
      // token: seventeen failures in a row from one address would be throttled, then refused.
      assert.equal((await get('/v1/tenants')).status, 200)
      if (method !== 'GET') assertError(await callAsOperator(b, method, path, body), 403, 'AUTHORIZATION_ERROR')
      else assert.equal((await callAsOperator(b, method, path)).status, 200, `${method} ${path} on B`)
    }
    assert.equal((await get<TenantJson>(`/v1/tenants/${t.id}`)).body.status, 'active', 'nothing changed')
  })

  describe('keys', () => {
    test('a key is shown once, with no-store; listed without its secret; revoked (twice is once)', async () => {
      const t = await newTenant('Keys')
      const created = await newKey(t.id, { label: 'ci' })
      assert.equal(created.status, 201, created.text)
      assert.equal(created.headers.get('cache-control'), 'no-store')
      KeyCreateResponse.parse(created.body)
      const secret = created.body.key ?? ''
      assert.match(secret, /^mn_live_[0-9a-f]{64}$/)
      assert.match(created.body.id, /^key_[0-9a-f]{24}$/)
      const read = await get<TenantJson>(`/v1/tenants/${t.id}`)
      assert.ok(!read.text.includes(secret.slice(8)), 'the secret is never shown again')
      assert.deepEqual(read.body.keys.map(k => [k.id, k.label, k.status]), [[created.body.id, 'ci', 'active']])
      const listed = await get<{ keys: KeyJson[] }>(`/v1/tenants/${t.id}/keys`)
      KeyListResponse.parse(listed.body)
      assert.ok(!listed.text.includes(secret.slice(8)))
      assert.equal(listed.body.keys.length, 1)
      const revoked = await callAsOperator<KeyJson>(a, 'DELETE', `/v1/tenants/${t.id}/keys/${created.body.id}`)
      assert.equal(revoked.status, 200)
      assert.equal(revoked.body.status, 'revoked')
      ApiKeyResponse.parse(revoked.body)
      const again = await callAsOperator<KeyJson>(a, 'DELETE', `/v1/tenants/${t.id}/keys/${created.body.id}`)
      assert.equal(again.status, 200)
      assert.equal(again.body.revoked_at, revoked.body.revoked_at, 'a second revocation changes nothing')
    })

    test('validation and unknowns', async () => {
      const t = await newTenant('Keys2')
      const other = await newTenant('Keys3')
      assertValidation(await newKey(t.id, { label: 5 }), 'label')
      assertValidation(await newKey(t.id, { expires_at: 'tomorrow' }), 'expires_at')
      assertValidation(await newKey(t.id, { expires_at: '2000-01-01T00:00:00Z' }), 'expires_at')
      assertValidation(await newKey(t.id, { secret: 'mine' }), '', true)
      assertError(await newKey('ten_' + '0'.repeat(24)), 404, 'NOT_FOUND')
      const k = await newKey(t.id)
      assertError(await callAsOperator(a, 'DELETE', `/v1/tenants/${other.id}/keys/${k.body.id}`), 404, 'NOT_FOUND')
      assertError(await callAsOperator(a, 'DELETE', `/v1/tenants/${t.id}/keys/key_${'0'.repeat(24)}`), 404, 'NOT_FOUND')
    })
  })

  describe('subscriptions', () => {
    test('create, change tier (a new period), suspend, resume, cancel, and a new one after the cancel', async () => {
      const t = await newTenant('Subs', 'free')
      const sub = t.subscription as SubscriptionJson
      assertError(await callAsOperator(a, 'POST', '/v1/billing/subscriptions', { tenant_id: t.id, tier: 'pro' }), 409, 'CONFLICT')
      const changed = await callAsOperator<SubscriptionJson>(a, 'PATCH', `/v1/billing/subscriptions/${sub.id}`, { tier: 'pro' })
      assert.equal(changed.status, 200, changed.text)
      SubscriptionResponse.parse(changed.body)
      assert.deepEqual(changed.body.periods.map(p => [p.tier, p.status]), [['free', 'active'], ['pro', 'active']])
      assert.equal(changed.body.periods[0]?.to, changed.body.periods[1]?.from)
      assertError(await callAsOperator(a, 'PATCH', `/v1/billing/subscriptions/${sub.id}`, { tier: 'pro' }), 409, 'CONFLICT')
      assert.equal((await callAsOperator<SubscriptionJson>(a, 'POST', `/v1/billing/subscriptions/${sub.id}/suspend`)).body.status, 'suspended')
      assertError(await callAsOperator(a, 'POST', `/v1/billing/subscriptions/${sub.id}/suspend`), 409, 'CONFLICT')
      assert.equal((await callAsOperator<SubscriptionJson>(a, 'POST', `/v1/billing/subscriptions/${sub.id}/resume`)).body.status, 'active')
      assert.equal((await callAsOperator<SubscriptionJson>(a, 'POST', `/v1/billing/subscriptions/${sub.id}/cancel`)).body.status, 'cancelled')
      assertError(await callAsOperator(a, 'POST', `/v1/billing/subscriptions/${sub.id}/cancel`), 409, 'CONFLICT')
      assertError(await callAsOperator(a, 'PATCH', `/v1/billing/subscriptions/${sub.id}`, { tier: 'basic' }), 409, 'CONFLICT')
      const next = await callAsOperator<SubscriptionJson>(a, 'POST', '/v1/billing/subscriptions', { tenant_id: t.id, tier: 'enterprise', billing_cycle: 'yearly' })
      assert.equal(next.status, 201, next.text)
      assert.equal(next.body.price, 6000)
      assert.equal((await get<TenantJson>(`/v1/tenants/${t.id}`)).body.subscription?.id, next.body.id)
      assert.equal((await get<SubscriptionJson>(`/v1/billing/subscriptions/${sub.id}`)).body.status, 'cancelled')
    })

    test('list with status and tier filters and pagination', async () => {
      const t = await newTenant('Filter', 'enterprise')
      const sub = t.subscription as SubscriptionJson
      await callAsOperator(a, 'POST', `/v1/billing/subscriptions/${sub.id}/suspend`)
      const list = async (q: string): Promise<SubscriptionJson[]> => (await get<{ subscriptions: SubscriptionJson[] }>(`/v1/billing/subscriptions?${q}`)).body.subscriptions
      assert.ok((await list('status=suspended&tier=enterprise')).some(s => s.id === sub.id))
      assert.ok(!(await list('status=active')).some(s => s.id === sub.id))
      assert.ok(!(await list('tier=free')).some(s => s.id === sub.id))
      const all = await list('limit=500')
      const page = await get<{ subscriptions: SubscriptionJson[], total: number }>('/v1/billing/subscriptions?limit=1&offset=1')
      assert.equal(page.body.total, all.length)
      SubscriptionListResponse.parse(page.body)
      assert.deepEqual(page.body.subscriptions.map(s => s.id), all.slice(1, 2).map(s => s.id))
    })

    test('validation and unknowns', async () => {
      const t = await newTenant('SubVal')
      assertValidation(await callAsOperator(a, 'POST', '/v1/billing/subscriptions', { tier: 'pro' }), 'tenant_id')
      assertValidation(await callAsOperator(a, 'POST', '/v1/billing/subscriptions', { tenant_id: 'acme', tier: 'pro' }), 'tenant_id')
      assertValidation(await callAsOperator(a, 'POST', '/v1/billing/subscriptions', { tenant_id: t.id, tier: 'pro', payment_method: { type: 'credit_card' } }), '', true)
      assertError(await callAsOperator(a, 'POST', '/v1/billing/subscriptions', { tenant_id: 'ten_' + '0'.repeat(24), tier: 'pro' }), 404, 'NOT_FOUND')
      assertValidation(await callAsOperator(a, 'PATCH', `/v1/billing/subscriptions/${t.subscription?.id ?? ''}`, { tier: 'gold' }), 'tier')
      assertValidation(await callAsOperator(a, 'PATCH', `/v1/billing/subscriptions/${t.subscription?.id ?? ''}`, {}), 'tier')
      assertValidation(await get('/v1/billing/subscriptions?status=gone'), 'status')
      assertError(await get('/v1/billing/subscriptions/sub_nope'), 404, 'NOT_FOUND')
      assertError(await callAsOperator(a, 'POST', '/v1/billing/subscriptions/sub_nope/cancel'), 404, 'NOT_FOUND')
    })
  })

  describe('the data plane', () => {
    test('no key, a made-up token or key, the operator token: 401 with the error shape', async () => {
      const refused: Array<Record<string, string>> = [{}, { authorization: 'Bearer made-up' }, { authorization: `Bearer mn_live_${'a'.repeat(64)}` }, { 'x-api-key': 'nope' }, { authorization: `Bearer ${a.token}` }]
      for (const headers of refused) {
        const r = await route(headers)
        const error = assertError(r, 401, 'AUTHENTICATION_ERROR')
        assert.equal(typeof (r.body as { request_id?: unknown }).request_id, 'string')
        assert.ok(['missing_key', 'invalid_key'].includes(String(error.details.reason)), JSON.stringify(error))
      }
      assert.equal(seen.length, 0, 'no refused request reached the upstream')
      const metrics = await metricsOf(a.api.url)
      assert.equal(sampleSum(metrics, 'meshnode_route_key_refusals_total', { reason: 'missing_key' }), 1)
      assert.equal(sampleSum(metrics, 'meshnode_route_key_refusals_total', { reason: 'invalid_key' }), 4)
    })

    test('a key routes (Bearer or X-API-Key), is never forwarded, and bills the tenant with the key id', async () => {
      const t = await newTenant('Router', 'pro')
      const key = (await newKey(t.id)).body
      seen = []
      const viaBearer = await route({ authorization: `Bearer ${key.key ?? ''}` })
      assert.equal(viaBearer.status, 200, viaBearer.text)
      const viaHeader = await route({ 'x-api-key': key.key ?? '' })
      assert.equal(viaHeader.status, 200, viaHeader.text)
      assert.equal(seen.length, 2)
      for (const h of seen) {
        assert.equal(h.authorization, undefined)
        assert.equal(h['x-api-key'], undefined)
      }
      const usage = await waitFor('the usage records', async () => {
        const r = await call<{ records: Array<{ user_id: string, metadata: Record<string, unknown> }> }>(`${a.api.url}/v1/billing/usage?user_id=${t.id}`)
        return r.body.records.length === 2 ? r.body.records : undefined
      }, { timeoutMs: 10_000 })
      assert.deepEqual(usage.map(r => r.metadata.key_id), [key.id, key.id])
      const detail = (await get<TenantJson>(`/v1/tenants/${t.id}`)).body
      assert.deepEqual(detail.usage.by_resource.map(x => [x.resource_type, x.amount]), [['request', 2]])
    })

    test('revoked key, suspended tenant, suspended subscription: 401, and served again once resumed', async () => {
      const t = await newTenant('Refused', 'basic')
      const k1 = (await newKey(t.id)).body
      const k2 = (await newKey(t.id)).body
      const as = async (k: KeyJson): Promise<Reply> => await route({ authorization: `Bearer ${k.key ?? ''}` })
      assert.equal((await as(k1)).status, 200)
      await callAsOperator(a, 'DELETE', `/v1/tenants/${t.id}/keys/${k1.id}`)
      assert.equal(assertError(await as(k1), 401, 'AUTHENTICATION_ERROR').details.reason, 'revoked_key')
      assert.equal((await as(k2)).status, 200, 'the tenant\'s other key still works')
      await callAsOperator(a, 'POST', `/v1/tenants/${t.id}/suspend`)
      assert.equal(assertError(await as(k2), 401, 'AUTHENTICATION_ERROR').details.reason, 'tenant_suspended')
      await callAsOperator(a, 'POST', `/v1/tenants/${t.id}/resume`)
      assert.equal((await as(k2)).status, 200)
      await callAsOperator(a, 'POST', `/v1/billing/subscriptions/${t.subscription?.id ?? ''}/suspend`)
      assert.equal(assertError(await as(k2), 401, 'AUTHENTICATION_ERROR').details.reason, 'subscription_suspended')
      await callAsOperator(a, 'POST', `/v1/billing/subscriptions/${t.subscription?.id ?? ''}/resume`)
      assert.equal((await as(k2)).status, 200)
    })
  })

  test('a record a member serves by anti-entropy but no operator signed is refused, held nowhere and counted', async () => {
    // B, a member that is no operator, holds (without judging) a tenant record of its own and offers it to A's anti-entropy.
    const self = b.mesh.peerId.toString()
    const topic = a.mesh.protocols.topics.governance
    const { privateKey } = await loadOrCreateIdentity(dirs[1] ?? '')
    const forged = signObject({ kind: 'tenant', author: self, tenant_id: `ten_${'e'.repeat(24)}`, action: 'create', name: 'evil', metadata: null, time: Date.now() }, signerOf(privateKey))
    b.mesh.running().governance.state.hold(forged)
    const counted = async (): Promise<number> => sampleSum(await metricsOf(a.api.url), 'meshnode_gossip_messages_total', { topic, reason: 'only_operators_manage_tenants' })
    const before = await counted()
    a.mesh.running().governance.peerJoined(self)
    await waitFor('A to refuse the record it fetched', async () => await counted() > before, { timeoutMs: 10_000 })
    assert.equal(a.mesh.running().governance.state.has(forged.id), false)
    assertError(await get(`/v1/tenants/ten_${'e'.repeat(24)}`), 404, 'NOT_FOUND')
  })

  test('after a restart the records come back from the store: the same tenants, a key works, a revoked one does not', async () => {
    const t = await newTenant('Durable', 'pro')
    const kept = (await newKey(t.id)).body
    const gone = (await newKey(t.id)).body
    await callAsOperator(a, 'DELETE', `/v1/tenants/${t.id}/keys/${gone.id}`)
    const before = (await get<{ tenants: TenantJson[] }>('/v1/tenants?limit=500')).body.tenants
    await b.stop()
    await a.stop()
    const [dirA] = dirs as [string]
    const port = (upstream.address() as AddressInfo).port
    a = await startNode(dirA, { genesis: join(dirA, 'given-genesis.json'), services: [{ name: 'echo', url: `http://127.0.0.1:${port}`, capacity: 10 }] })
    await waitFor('echo to be healthy on A', () => a.mesh.localServices.isHealthy('echo'), { timeoutMs: 10_000 })
    assert.deepEqual((await get<{ tenants: TenantJson[] }>('/v1/tenants?limit=500')).body.tenants, before)
    assert.equal((await route({ authorization: `Bearer ${kept.key ?? ''}` })).status, 200)
    assert.equal(assertError(await route({ authorization: `Bearer ${gone.key ?? ''}` }), 401, 'AUTHENTICATION_ERROR').details.reason, 'revoked_key')
  })
})
