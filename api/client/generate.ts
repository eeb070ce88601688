/**
 * Writes the typed client's types, `api/client/schema.ts`, from the API's OpenAPI document
 * (`npm run client:generate`). openapi-typescript turns the document into the `paths` type
 * that openapi-fetch checks every call against; the test `test/unit/api-client-generate.test.ts`
 * fails when the committed file no longer matches the document.
 */
import { writeFile } from 'node:fs/promises'
import openapiTS, { astToString } from 'openapi-typescript'
import { apiDocument } from '../operations.ts'

export const SCHEMA_FILE = new URL('./schema.ts', import.meta.url)

const HEADER = '// Generated from the OpenAPI document by `npm run client:generate` (api/client/generate.ts): do not edit.\n'

/** The text of schema.ts for the current document. */
export async function clientTypes (): Promise<string> {
  // A field with a default may be left out of a request: not required in the types either.
  const ast = await openapiTS(apiDocument() as unknown as Parameters<typeof openapiTS>[0], { defaultNonNullable: false })
  return HEADER + astToString(ast)
}

if (import.meta.main) {
  await writeFile(SCHEMA_FILE, await clientTypes())
  process.stdout.write(`wrote ${SCHEMA_FILE.pathname}\n`)
}
