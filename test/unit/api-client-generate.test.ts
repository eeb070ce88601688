import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { SCHEMA_FILE, clientTypes } from '../../api/client/generate.ts'

test('the typed client\'s committed types are those of the current OpenAPI document (npm run client:generate)', async () => {
  const committed = await readFile(SCHEMA_FILE, 'utf8')
  assert.ok(committed === await clientTypes(), 'api/client/schema.ts is stale: run npm run client:generate and commit it')
})
