import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { assertError, assertValidation, call, callAsOperator } from '../helpers/api.ts'
import { removeDir, spawnNode, stopChild, tempDir, type ChildNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

interface ReloadBody { changed: Array<{ setting: string, from: unknown, to: unknown, applied: boolean }>, applied: string[], restart_required: string[], reloadable: string[] }
interface ConfigBody { node: { region: string, log_level: string }, network: { max_peers: number }, api: { cors_origins: string[] } }

describe('reload and shutdown of a node process', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  const children: ChildNode[] = []
  after(async () => {
    await Promise.all(children.map(async c => await stopChild(c)))
    await Promise.all(dirs.map(removeDir))
  })

  test('POST /v1/system/reload and SIGHUP apply changed settings and report those that need a restart; POST /v1/system/shutdown exits 0', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const file = join(dir, 'config.json')
    const dataDir = join(dir, 'data')
    await writeFile(file, JSON.stringify({ max_peers: 10, region: 'r1', log_level: 'warn' }))
    const child = await spawnNode(['--data', dataDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--config', file])
    children.push(child)
    const node = { api: { url: child.apiUrl }, token: (await readFile(join(dataDir, 'api-token'), 'utf8')).trim() }
    await waitFor('/ready', async () => (await fetch(`${child.apiUrl}/ready`)).status === 200, { timeoutMs: 20_000 })
    const config = async (): Promise<ConfigBody> => (await call<ConfigBody>(`${child.apiUrl}/v1/config/system`)).body

    // A changed setting that applies at run time, one that needs a restart, and CORS turned on.
    await writeFile(file, JSON.stringify({ max_peers: 20, region: 'r2', log_level: 'warn', cors_origins: ['https://app.example.com'] }))
    assertError(await call(`${child.apiUrl}/v1/system/reload`, { method: 'POST' }), 401, 'AUTHENTICATION_ERROR')
    const r = await callAsOperator<ReloadBody>(node, 'POST', '/v1/system/reload')
    assert.equal(r.status, 200, r.text)
    assert.deepEqual(r.body.applied.sort(), ['cors_origins', 'max_peers'])
    assert.deepEqual(r.body.restart_required, ['region'])
    assert.deepEqual(r.body.changed.find(c => c.setting === 'max_peers'), { setting: 'max_peers', from: 10, to: 20, applied: true })
    assert.deepEqual(r.body.changed.find(c => c.setting === 'region'), { setting: 'region', from: 'r1', to: 'r2', applied: false })
    assert.ok(r.body.reloadable.includes('log_level'))
    const after1 = await config()
    assert.equal(after1.network.max_peers, 20)
    assert.equal(after1.node.region, 'r1', 'a setting that needs a restart keeps its running value')
    assert.deepEqual(after1.api.cors_origins, ['https://app.example.com'])
    const preflight = await fetch(`${child.apiUrl}/v1/config/system`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT' } })
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example.com')

    // A reload again with nothing new reports the restart still needed and applies nothing.
    const again = await callAsOperator<ReloadBody>(node, 'POST', '/v1/system/reload')
    assert.deepEqual(again.body.applied, [])
    assert.deepEqual(again.body.restart_required, ['region'])

    // A bad file is refused with the key named; the node runs on with its settings.
    await writeFile(file, JSON.stringify({ max_peers: 0 }))
    assertValidation(await callAsOperator(node, 'POST', '/v1/system/reload'), 'max_peers', true)
    assert.equal((await config()).network.max_peers, 20)

    // SIGHUP re-reads the file the same way.
    // (The log level here comes from MESHNODE_LOG_LEVEL, set by spawnNode, which wins over the file.)
    await writeFile(file, JSON.stringify({ max_peers: 7, region: 'r1', strategy: 'round_robin' }))
    child.child.kill('SIGHUP')
    const reloaded = await waitFor('the SIGHUP reload', async () => {
      const c = await config()
      return c.network.max_peers === 7 ? c : undefined
    }, { timeoutMs: 10_000 })
    assert.equal((await call<{ strategy: string }>(`${child.apiUrl}/v1/load-balancer/status`)).body.strategy, 'round_robin')
    assert.deepEqual(reloaded.api.cors_origins, [])
    assert.equal(child.child.exitCode, null, 'SIGHUP does not stop the node')

    // Shutdown: validated, then the same graceful stop as SIGTERM, exit code 0.
    assertValidation(await callAsOperator(node, 'POST', '/v1/system/shutdown', { timeout_ms: -1 }), 'timeout_ms')
    assertValidation(await callAsOperator(node, 'POST', '/v1/system/shutdown', { force: 'yes' }), 'force')
    const s = await callAsOperator<{ status: string, timeout_ms: number, force: boolean }>(node, 'POST', '/v1/system/shutdown', { timeout_ms: 5_000 })
    assert.equal(s.status, 202, s.text)
    assert.deepEqual(s.body, { status: 'stopping', timeout_ms: 5_000, force: false })
    const code = await Promise.race([child.exited, new Promise<'timeout'>(resolve => setTimeout(() => resolve('timeout'), 20_000).unref())])
    assert.equal(code, 0, `exit code ${String(code)}: ${child.stderr()}`)
  })
})
