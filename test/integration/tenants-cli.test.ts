import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { callAsOperator } from '../helpers/api.ts'
import { removeDir, spawnNode, stopChild, tempDir, runCli } from '../helpers/nodes.ts'


describe('meshnode tenants, tenant create, key create and revoke; genesis --anonymous-routing', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  after(async () => { await Promise.all(dirs.map(removeDir)) })

  test('genesis requires API keys on the data plane unless --anonymous-routing', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const op = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    for (const [flags, expected] of [[[], false], [['--anonymous-routing'], true]] as const) {
      const out = join(dir, `g${flags.length}.json`)
      const r = runCli(['genesis', '--network-id', 'net-x', '--operator', `${op}:1:a`, ...flags, '--out', out])
      assert.equal(r.code, 0, r.stderr)
      const g = JSON.parse(await readFile(out, 'utf8')) as { params: { anonymous_routing?: boolean } }
      assert.equal(g.params.anonymous_routing, expected)
    }
  })

  test('an operator creates a tenant and a key, lists tenants and revokes the key; a refusal is one line and exit 1', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const node = await spawnNode(['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0'])
    try {
      const api = ['--api', node.apiUrl, '--data', dir]
      const created = runCli(['tenant', 'create', 'Acme Corp', '--tier', 'pro', ...api])
      assert.equal(created.code, 0, created.stderr)
      const tenantId = /^created tenant (ten_[0-9a-f]{24}) \(Acme Corp, tier pro\)$/m.exec(created.stdout)?.[1]
      assert.ok(tenantId !== undefined, created.stdout)
      assert.match(runCli(['tenants', ...api]).stdout, new RegExp(`^${tenantId}  active  pro  Acme Corp$`, 'm'))

      const key = runCli(['key', 'create', tenantId, '--label', 'ci', ...api])
      assert.equal(key.code, 0, key.stderr)
      assert.match(key.stdout, /^mn_live_[0-9a-f]{64}\n$/, 'stdout is the key alone, for a script to capture')
      const keyId = /key (key_[0-9a-f]{24}) of tenant/.exec(key.stderr)?.[1]
      assert.ok(keyId !== undefined, key.stderr)
      const revoked = runCli(['key', 'revoke', tenantId, keyId, ...api])
      assert.equal(revoked.code, 0, revoked.stderr)
      assert.match(revoked.stdout, new RegExp(`^revoked key ${keyId} of tenant ${tenantId} at `))
      const view = await callAsOperator<{ keys: Array<{ id: string, status: string }> }>({ api: { url: node.apiUrl }, token: (await readFile(join(dir, 'api-token'), 'utf8')).trim() }, 'GET', `/v1/tenants/${tenantId}`)
      assert.deepEqual(view.body.keys.map(k => [k.id, k.status]), [[keyId, 'revoked']])

      const bad = runCli(['tenant', 'create', 'x', '--tier', 'gold', ...api])
      assert.equal(bad.code, 1)
      assert.match(bad.stderr, /^meshnode: the node refused \(422 VALIDATION_ERROR: no tier gold: .*\)\n$/)
      const unknown = runCli(['key', 'revoke', tenantId, 'key_nope', ...api])
      assert.equal(unknown.code, 1)
      assert.match(unknown.stderr, /^meshnode: the node refused \(404 NOT_FOUND: .*\)\n$/)
    } finally {
      assert.equal(await stopChild(node), 0)
    }
  })
})
