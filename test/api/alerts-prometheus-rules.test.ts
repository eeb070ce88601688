import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { describe, test } from 'node:test'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { DEFAULT_RULES } from '../../src/alerts/alert-service.ts'
import { metricsOf } from '../helpers/api.ts'
import { nodeForSuite } from '../helpers/nodes.ts'

const RULES_FILE = new URL('../../docker/alerts.yml', import.meta.url).pathname

interface PromRule { alert: string, expr: string, for?: string, labels: { severity: string }, annotations: { description: string } }

async function promRules (): Promise<PromRule[]> {
  const doc = parse(await readFile(RULES_FILE, 'utf8')) as { groups: Array<{ rules: PromRule[] }> }
  return doc.groups.flatMap(g => g.rules)
}

/** The metric names an expression reads: its identifiers, once label selectors, groupings and function calls are taken out. */
function metricNames (expr: string): string[] {
  const bare = expr.replace(/\{[^}]*\}/g, '').replace(/\b(by|without)\s*\([^)]*\)/g, '')
  return [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)].filter(m => m[2] === undefined).map(m => m[1] ?? '')
}

describe('docker/alerts.yml', () => {
  const suite = nodeForSuite()

  test('says what the node\'s default rules say, with each rule\'s severity and duration', async () => {
    const rules = await promRules()
    assert.equal(rules.length, DEFAULT_RULES.length)
    for (const d of DEFAULT_RULES) {
      const r = rules.find(x => x.annotations.description.includes(`meshnode rule: ${d.name} (${d.condition}`))
      assert.ok(r !== undefined, `no Prometheus rule for ${d.name}`)
      assert.equal(r.labels.severity, d.severity)
      assert.equal(r.for ?? '0s', `${d.forMs / 1000}s`)
    }
  })

  test('every metric its expressions read is on a real node\'s /metrics', async () => {
    const text = await metricsOf(suite.node.api.url)
    const exposed = new Set(text.split('\n').filter(l => l.startsWith('# TYPE ')).map(l => l.split(' ')[2]))
    const used = (await promRules()).flatMap(r => metricNames(r.expr))
    assert.ok(used.length >= 4)
    for (const name of used) assert.ok(exposed.has(name), `${name} is not on /metrics`)
  })

  test('promtool check rules passes, where promtool is installed', async t => {
    try {
      const { stdout } = await promisify(execFile)('promtool', ['check', 'rules', RULES_FILE])
      assert.match(stdout, /SUCCESS/)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') t.skip('promtool is not installed')
      else throw err
    }
  })
})
