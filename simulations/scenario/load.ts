import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { z } from 'zod'
import { errorMessage, MeshError } from '../../src/errors.ts'
import { STEP_SCHEMAS, ScenarioSchema, nodesOf, type Condition, type ConditionKind, type Mode, type NodeSet, type Scenario, type Step, type StepKind } from './schema.ts'

const STEP_KINDS = Object.keys(STEP_SCHEMAS) as StepKind[]
const isStepKind = (kind: string): kind is StepKind => Object.hasOwn(STEP_SCHEMAS, kind)

/** What each mode can run; a scenario asking for more is refused before any node starts. */
const LIVE_ONLY_STEPS = new Set<StepKind>(['offer_service', 'load', 'strategy'])
const LIVE_ONLY_CONDITIONS = new Set<ConditionKind>(['load', 'billing_agrees'])

function fail (source: string, message: string): never {
  throw new MeshError('SCENARIO_ERROR', `${source}: ${message}`)
}

function issueText (error: z.ZodError): string {
  const issue = error.issues[0]
  if (issue === undefined) return 'invalid'
  const path = issue.path.join('.')
  return path === '' ? issue.message : `${path}: ${issue.message}`
}

/** Parses and checks a scenario from JSON or YAML text; every error is one line naming the step. */
export function parseScenario (text: string, source: string, format: 'json' | 'yaml'): Scenario {
  let raw: unknown
  try {
    raw = format === 'json' ? JSON.parse(text) : parseYaml(text)
  } catch (err) {
    fail(source, `not valid ${format.toUpperCase()}: ${errorMessage(err)}`)
  }
  const top = ScenarioSchema.safeParse(raw)
  if (!top.success) fail(source, issueText(top.error))
  const steps: Step[] = top.data.steps.map((s, i) => {
    const keys = typeof s === 'object' && s !== null && !Array.isArray(s) ? Object.keys(s) : []
    const kind = keys[0]
    if (keys.length !== 1 || kind === undefined) fail(source, `step ${i + 1}: a step is an object with one key, its kind (${STEP_KINDS.join(', ')})`)
    if (!isStepKind(kind)) fail(source, `step ${i + 1} (${kind}): unknown step; known: ${STEP_KINDS.join(', ')}`)
    const parsed = STEP_SCHEMAS[kind].safeParse(s)
    if (parsed.success) return parsed.data
    fail(source, `step ${i + 1} (${kind}): ${issueText(parsed.error)}`)
  })
  const scenario: Scenario = { ...top.data, steps }
  checkSteps(scenario, source)
  return scenario
}

/** The scenario run in another mode, checked again: the model refuses steps only live runs can do. */
export function inMode (scenario: Scenario, mode: Mode): Scenario {
  if (scenario.mode === mode) return scenario
  const moved = { ...scenario, mode }
  checkSteps(moved, `${scenario.name} (${mode})`)
  return moved
}

export async function loadScenarioFile (path: string): Promise<Scenario> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    fail(path, `cannot read the scenario: ${errorMessage(err)}`)
  }
  return parseScenario(text, path, extname(path) === '.json' ? 'json' : 'yaml')
}

/**
 * Follows the steps through the scenario's life: nodes exist before they are named, crashed
 * before they restart, proposals exist before votes, and every step suits the mode.
 */
function checkSteps (scenario: Scenario, source: string): void {
  let started = 0
  const crashed = new Set<number>()
  const proposals = new Set<string>()
  let loadSeen = false
  for (const [i, step] of scenario.steps.entries()) {
    const kind = step.kind
    const bad = (message: string): never => fail(source, `step ${i + 1} (${kind}): ${message}`)
    const known = (set: NodeSet): number[] => {
      const list = nodesOf(set, started)
      for (const n of list) if (n >= started) bad(`node ${n} does not exist yet (${started} started so far)`)
      return list
    }
    if (scenario.mode === 'model' && LIVE_ONLY_STEPS.has(kind)) bad('runs only live: the model has no upstream services or HTTP load')
    if (kind !== 'start' && started === 0) bad('no node is started yet: begin with a start step')
    if (step.kind === 'start') started += step.start.count
    else if (step.kind === 'crash') {
      for (const n of known(step.crash)) {
        if (n === 0) bad('node 0 founds the network and is every node\'s bootstrap peer: crash another node')
        if (crashed.has(n)) bad(`node ${n} is already crashed`)
        crashed.add(n)
      }
    } else if (step.kind === 'restart') {
      for (const n of known(step.restart)) {
        if (!crashed.has(n)) bad(`node ${n} is not crashed`)
        crashed.delete(n)
      }
    } else if (step.kind === 'partition') {
      const seen = new Set<number>()
      for (const n of step.partition.flat()) {
        known(n)
        if (seen.has(n)) bad(`node ${n} is in two groups`)
        seen.add(n)
      }
    } else if (step.kind === 'churn') {
      if (started < 2) bad('needs at least two nodes (node 0 never churns)')
      if (step.churn.down_for >= step.churn.duration) bad('down_for must be shorter than duration')
    } else if (step.kind === 'offer_service') known(step.offer_service.nodes)
    else if (step.kind === 'load') {
      known(step.load.via)
      loadSeen = true
    } else if (step.kind === 'propose') {
      if (step.propose.by >= scenario.network.operators) bad(`node ${step.propose.by} is not an operator (the first ${scenario.network.operators} nodes are)`)
      known(step.propose.by)
      if (proposals.has(step.propose.id)) bad(`proposal ${step.propose.id} is already defined`)
      if (step.propose.voting_period < scenario.network.min_voting_period) bad(`voting_period is shorter than the network's min_voting_period (${scenario.network.min_voting_period} ms)`)
      proposals.add(step.propose.id)
    } else if (step.kind === 'vote') {
      if (!proposals.has(step.vote.proposal)) bad(`proposal ${step.vote.proposal} is not proposed by an earlier step`)
      for (const n of known(step.vote.by)) if (n >= scenario.network.operators) bad(`node ${n} is not an operator (the first ${scenario.network.operators} nodes are)`)
    } else if (step.kind === 'assert') checkCondition(step.assert.that, { mode: scenario.mode, known, bad, proposals, loadSeen })
  }
}

function checkCondition (
  that: Condition,
  ctx: { mode: Mode, known: (set: NodeSet) => number[], bad: (m: string) => never, proposals: Set<string>, loadSeen: boolean }
): void {
  if (ctx.mode === 'model' && LIVE_ONLY_CONDITIONS.has(that.kind)) ctx.bad(`condition ${that.kind} runs only live`)
  if (that.kind === 'peer_state') {
    ctx.known(that.peer_state.node)
    ctx.known(that.peer_state.seen_by)
  }
  if (that.kind === 'tally_agrees' && !ctx.proposals.has(that.tally_agrees.proposal)) ctx.bad(`proposal ${that.tally_agrees.proposal} is not proposed by an earlier step`)
  if (that.kind === 'load' && !ctx.loadSeen) ctx.bad('condition load needs an earlier load step')
}
