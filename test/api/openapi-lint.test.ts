import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { apiDocument } from '../../api/operations.ts'
import { removeDir, tempDir } from '../helpers/nodes.ts'

const ROOT = new URL('../../', import.meta.url).pathname
const REDOCLY = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js')

const dirs: string[] = []
after(async () => { await Promise.all(dirs.map(removeDir)) })

test('the OpenAPI document passes an independent linter (Redocly CLI, recommended rules) with no warning', async () => {
  const dir = await tempDir()
  dirs.push(dir)
  const file = join(dir, 'openapi.json')
  await writeFile(file, JSON.stringify(apiDocument(), null, 2))
  const r = spawnSync(process.execPath, [REDOCLY, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'stylish'], {
    encoding: 'utf8',
    timeout: 60_000,
    // The linter may not phone home (the machine may have no internet).
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }
  })
  const out = `${r.stdout}\n${r.stderr}`
  assert.equal(r.status, 0, out)
  assert.match(out, /valid/i)
  assert.doesNotMatch(out, /warning|error/i, out)
})
