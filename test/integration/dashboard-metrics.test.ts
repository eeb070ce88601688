import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { glob, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { parse, stringify } from 'yaml'
import type { RunningNode } from '../../src/launch.ts'
import { startUpstream, type Upstream } from '../../simulations/live/upstream.ts'
import { call, callAsOperator, metricsOf, sample } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

const DOCKER = new URL('../../docker/', import.meta.url).pathname
const PROMETHEUS = join(DOCKER, 'prometheus.yml')
const DASHBOARD = join(DOCKER, 'grafana/dashboards/meshnode.json')
const DATASOURCES = join(DOCKER, 'grafana/provisioning/datasources/prometheus.yml')

/** The series names a PromQL expression reads: the node's own (meshnode_), and Node's and the process's (prom-client's defaults). */
function metricNames (expr: string): string[] {
  return [...expr.matchAll(/\b((?:meshnode|process|nodejs)_[a-z0-9_]+)\b/g)].map(m => m[1] ?? '')
}

interface Panel { title: string, datasource?: { uid: string }, targets?: Array<{ expr: string, datasource?: { uid: string } }>, panels?: Panel[] }

async function dashboardExprs (): Promise<Array<{ where: string, expr: string }>> {
  const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels: Panel[] }
  const flat = (ps: Panel[]): Panel[] => ps.flatMap(p => [p, ...flat(p.panels ?? [])])
  return flat(dashboard.panels).flatMap(p => (p.targets ?? []).map(t => ({ where: `dashboard panel "${p.title}"`, expr: t.expr })))
}

/** The alerting rules' expressions, from the rule files prometheus.yml loads (relative to it). */
async function ruleExprs (): Promise<Array<{ where: string, expr: string }>> {
  const config = parse(await readFile(PROMETHEUS, 'utf8')) as { rule_files?: string[] }
  const out: Array<{ where: string, expr: string }> = []
  for (const pattern of config.rule_files ?? []) {
    for await (const file of glob(pattern, { cwd: dirname(PROMETHEUS) })) {
      const rules = parse(await readFile(resolve(dirname(PROMETHEUS), file), 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string, record?: string, expr: string }> }> }
      for (const g of rules.groups) for (const r of g.rules) out.push({ where: `rule ${r.alert ?? r.record ?? ''} (${file})`, expr: r.expr })
    }
  }
  return out
}

describe('Prometheus and Grafana provisioning', { timeout: 60_000 }, () => {
  let dir: string
  let node: RunningNode
  let upstream: Upstream
  let declared: Set<string>

  before(async () => {
    dir = await tempDir()
    upstream = await startUpstream('metrics-upstream')
    node = await startNode(dir, { services: [{ name: 'echo', url: upstream.url, capacity: 10 }] })
    const text = await metricsOf(node.api.url)
    declared = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(m => m[2] === 'histogram' || m[2] === 'summary' ? [m[1] ?? '', `${m[1] ?? ''}_bucket`, `${m[1] ?? ''}_sum`, `${m[1] ?? ''}_count`] : [m[1] ?? '']))
  })

  after(async () => {
    await node?.stop()
    await upstream?.close()
    await removeDir(dir)
  })

  test('the routed latency, breakers, replication and governance series carry the node\'s figures', async () => {
    await waitFor('echo healthy', () => node.mesh.localServices.list().every(s => s.healthy), { timeoutMs: 15_000 })
    assert.equal((await call(`${node.api.url}/v1/route/echo/x`)).status, 200)
    assert.equal((await callAsOperator(node, 'POST', '/v1/governance/proposals', { title: 'metrics', change: { type: 'text' }, voting_period: '1m' })).status, 201)
    const text = await metricsOf(node.api.url)
    assert.equal(sample(text, 'meshnode_routed_request_duration_seconds_count', { status_class: '2xx' }), 1)
    assert.equal(sample(text, 'meshnode_governance_proposals', { status: 'voting' }), 1)
    assert.equal(sample(text, 'meshnode_governance_proposals', { status: 'passed' }), 0)
    // The node routed to itself: no peer, no breaker.
    assert.equal(sample(text, 'meshnode_circuit_breakers', { state: 'open' }), 0)
    assert.equal(sample(text, 'meshnode_billing_replication_lag_entries'), 0)
  })

  test('every metric the dashboard and the alerting rules query exists in a real node\'s /metrics', async () => {
    const dashboard = await dashboardExprs()
    const rules = await ruleExprs()
    assert.ok(dashboard.length >= 20, 'the dashboard has its panels')
    assert.ok(rules.length > 0, 'prometheus.yml loads the alerting rules')
    const missing = [...dashboard, ...rules].flatMap(({ where, expr }) => metricNames(expr).filter(n => !declared.has(n)).map(n => `${n} in ${where}`))
    assert.deepEqual(missing, [])
    // What the dashboard must show (issue 18): each of these is queried somewhere.
    const queried = new Set(dashboard.flatMap(d => metricNames(d.expr)))
    for (const name of ['meshnode_peers', 'meshnode_gossip_messages_total', 'meshnode_routed_requests_total', 'meshnode_routed_request_duration_seconds_bucket',
      'meshnode_circuit_breakers', 'meshnode_billing_records_total', 'meshnode_billing_replication_lag_entries', 'meshnode_governance_proposals']) {
      assert.ok(queried.has(name), `the dashboard shows ${name}`)
    }
  })

  test('the dashboard reads the provisioned data source; compose runs Prometheus on the five nodes and Grafana with it', async () => {
    const datasources = parse(await readFile(DATASOURCES, 'utf8')) as { datasources: Array<{ uid: string, url: string }> }
    const uid = datasources.datasources[0]?.uid
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels: Panel[] }
    for (const p of dashboard.panels.filter(p => p.targets !== undefined)) {
      assert.equal(p.datasource?.uid, uid, p.title)
      for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, uid, p.title)
    }
    const compose = parse(await readFile(join(DOCKER, 'compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[], command?: string[] }> }
    const nodes = Object.keys(compose.services).filter(s => /^node\d+$/.test(s))
    assert.equal(nodes.length, 5)
    const prometheus = parse(await readFile(PROMETHEUS, 'utf8')) as { scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }> }
    assert.deepEqual(prometheus.scrape_configs[0]?.static_configs[0]?.targets, nodes.map(n => `${n}:8080`))
    assert.equal(datasources.datasources[0]?.url, 'http://prometheus:9090')
    for (const service of ['prometheus', 'grafana']) {
      const s = compose.services[service]
      assert.ok(s !== undefined, service)
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0] ?? ''
        if (source.startsWith('.')) assert.ok(existsSync(join(DOCKER, source)), `${service} mounts ${source}, which exists`)
      }
    }
  })

  const promtool = spawnSync('promtool', ['--version']).status === 0
  test('promtool accepts the config, the rules and every query of the dashboard', { skip: promtool ? false : 'promtool is not installed' }, async () => {
    const r = spawnSync('promtool', ['check', 'config', PROMETHEUS], { encoding: 'utf8' })
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`)
    assert.match(r.stdout, /SUCCESS: \d+ rule files found/)
    // The dashboard's queries as recording rules: promtool parses each as PromQL.
    const queries = (await dashboardExprs()).map((d, i) => ({ record: `dashboard:query_${i}`, expr: d.expr }))
    const file = join(dir, 'dashboard-queries.yml')
    await writeFile(file, stringify({ groups: [{ name: 'dashboard', rules: queries }] }))
    const q = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' })
    assert.equal(q.status, 0, `${q.stdout}${q.stderr}`)
    assert.match(q.stdout, new RegExp(`SUCCESS: ${queries.length} rules found`))
  })
})
