/**
 * Checks real answers of the API against its OpenAPI document with a standard JSON Schema
 * validator (ajv, draft 2020-12, with ajv-formats): the status must be documented for the
 * operation, and a JSON body must match the documented schema.
 */
import assert from 'node:assert/strict'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { Reply } from './api.ts'

interface MediaObject { schema?: Record<string, unknown> }
interface ResponseObject { content?: Record<string, MediaObject> }
interface OperationObject { operationId: string, responses: Record<string, ResponseObject> }
export interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, OperationObject>>
  components: { schemas: Record<string, unknown> }
}

const DOC_ID = 'meshnode-openapi.json'

export class ContractChecker {
  private readonly ajv: Ajv2020
  private readonly templates: Array<{ pattern: RegExp, path: string }>
  /** The operation ids a checked answer belonged to. */
  readonly called = new Set<string>()

  readonly doc: OpenApiDocument

  constructor (doc: OpenApiDocument) {
    this.doc = doc
    this.ajv = new Ajv2020({ strict: false, allErrors: true })
    addFormats.default(this.ajv)
    this.ajv.addSchema(doc as unknown as Record<string, unknown>, DOC_ID)
    // A literal segment wins over a parameter: more literal characters first.
    this.templates = Object.keys(doc.paths)
      .map(path => ({ path, pattern: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{path\}$/, '.+').replace(/\{[^}]+\}/g, '[^/]+')}$`) }))
      .sort((a, b) => b.path.replace(/\{[^}]+\}/g, '').length - a.path.replace(/\{[^}]+\}/g, '').length)
  }

  /** The documented operation of a method and a concrete path. */
  operation (method: string, path: string): OperationObject {
    const pathname = new URL(path, 'http://node').pathname
    for (const t of this.templates) {
      const op = this.doc.paths[t.path]?.[method.toLowerCase()]
      if (op !== undefined && t.pattern.test(pathname)) return op
    }
    assert.fail(`${method} ${pathname} is not documented`)
  }

  /** Asserts that the answer to `method path` is what the document says it may be. */
  check (method: string, path: string, reply: Reply<unknown>): void {
    const op = this.operation(method, path)
    this.called.add(op.operationId)
    const response = op.responses[String(reply.status)]
    assert.ok(response !== undefined, `${op.operationId} answered ${reply.status}, which is not documented: ${reply.text.slice(0, 300)}`)
    if (response.content === undefined) {
      assert.equal(reply.text, '', `${op.operationId} ${reply.status} is documented with no body`)
      return
    }
    const type = (reply.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? ''
    const media = response.content?.[type] ?? response.content?.['*/*']
    assert.ok(media !== undefined, `${op.operationId} ${reply.status} answered ${type}, documented: ${Object.keys(response.content ?? {}).join(', ')}`)
    if (type !== 'application/json' || media.schema?.$ref === undefined) return
    const ref = String(media.schema.$ref)
    const validate = this.ajv.getSchema(`${DOC_ID}${ref}`)
    assert.ok(validate !== undefined, `no schema ${ref}`)
    const ok = validate(reply.body)
    assert.ok(ok, `${op.operationId} ${reply.status} does not match ${ref}: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}\n${reply.text.slice(0, 500)}`)
  }
}
