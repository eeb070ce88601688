import type { Clock } from '../clock.ts'
import { MeshError, errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'
import type { Startable } from '../lifecycle.ts'
import type { Sublevel } from '../storage/database.ts'
import { parseCondition, type MetricSample } from './condition.ts'
import { evaluate, type AlertChannel, type AlertRule, type AlertTransition, type Firing, type RuleState, type Severity } from './evaluator.ts'

/** A rule as an operator gives it; the condition is parsed (422 with its position) when it is added. */
export interface RuleInput {
  name: string
  condition: string
  forMs: number
  severity: Severity
  channels: AlertChannel[]
}

/** What every operator wants to hear of, shipped with the node and written once at its first start (docker/alerts.yml says the same to Prometheus). */
export const DEFAULT_RULES: readonly RuleInput[] = [
  { name: 'peer_down', condition: 'peers_down >= 1', forMs: 10_000, severity: 'critical', channels: ['events', 'log'] },
  { name: 'breaker_open', condition: 'breakers_open > 0', forMs: 30_000, severity: 'warning', channels: ['events', 'log'] },
  { name: 'fork_detected', condition: 'forks > 0', forMs: 0, severity: 'critical', channels: ['events', 'log'] },
  { name: 'event_loop_stalled', condition: 'event_loop_delay_ms > 500', forMs: 30_000, severity: 'warning', channels: ['events', 'log'] }
]

/** The stored form of a rule: as given, without its parsed condition. */
type StoredRule = Omit<AlertRule, 'parsed'>

export interface AlertComponents {
  rules: Sublevel<StoredRule>
  history: Sublevel<Firing>
  meta: Sublevel<unknown>
  clock: Clock
  log: Logger
  /** What the node measures now. */
  sample: () => MetricSample
  /** A firing or its end, onto the node's event feed. */
  emit: (transition: AlertTransition) => void
  newId: () => string
}

export interface AlertOptions {
  intervalMs: number
  /** Firings kept in the history, the newest; older ones are deleted. */
  historyLimit: number
  maxRules: number
}

export interface HistoryQuery {
  ruleId?: string
  state?: 'firing' | 'resolved'
  limit: number
}

const SEEDED_KEY = 'alerts_defaults_written'

/** A firing's history key: ordered by trigger time. */
function historyKey (f: Firing): string {
  return `${String(f.triggeredAt).padStart(15, '0')}:${f.id}`
}

/**
 * Evaluates the alert rules every interval against what the node measures, keeps their
 * firings in a bounded history and announces each firing and its end on the event feed.
 * Rules and history live in level, so a restart neither forgets a rule nor fires twice for one
 * condition: a firing open at the stop is open again at the start.
 */
export class AlertService implements Startable {
  private readonly c: AlertComponents
  private readonly opts: AlertOptions
  private rules: AlertRule[] = []
  private states = new Map<string, RuleState>()
  /** Newest last, at most historyLimit. */
  private firings: Firing[] = []
  private timer: NodeJS.Timeout | undefined
  private writes: Promise<void> = Promise.resolve()
  private evaluations = 0

  constructor (components: AlertComponents, opts: AlertOptions) {
    this.c = components
    this.opts = opts
  }

  async start (): Promise<void> {
    if (this.timer !== undefined) return
    for await (const stored of this.c.rules.values()) this.rules.push({ ...stored, parsed: parseCondition(stored.condition) })
    if (await this.c.meta.get(SEEDED_KEY) === undefined) {
      for (const input of DEFAULT_RULES) if (!this.rules.some(r => r.name === input.name)) await this.add(input, true)
      await this.c.meta.put(SEEDED_KEY, true)
    }
    this.rules.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
    for await (const firing of this.c.history.values()) this.firings.push(firing)
    for (const f of this.firings) {
      if (f.resolvedAt === null && this.rules.some(r => r.id === f.ruleId)) this.states.set(f.ruleId, { phase: 'firing', firing: f })
    }
    this.timer = setInterval(() => { this.evaluateNow() }, this.opts.intervalMs)
    this.timer.unref()
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.writes
  }

  list (): AlertRule[] {
    return [...this.rules]
  }

  /** Evaluations run since start: for the status and the benchmark. */
  get evaluated (): number {
    return this.evaluations
  }

  async add (input: RuleInput, builtIn = false): Promise<AlertRule> {
    const parsed = parseCondition(input.condition)
    if (this.rules.some(r => r.name === input.name)) throw new MeshError('CONFLICT', `an alert rule named "${input.name}" exists`, { name: input.name })
    if (this.rules.length >= this.opts.maxRules) throw new MeshError('CONFLICT', `at most ${this.opts.maxRules} alert rules`, { max_rules: this.opts.maxRules })
    const stored: StoredRule = { id: this.c.newId(), ...input, builtIn, createdAt: this.c.clock.now() }
    const rule: AlertRule = { ...stored, parsed }
    await this.c.rules.put(rule.id, stored)
    this.rules.push(rule)
    return rule
  }

  /** Deletes a rule; a firing of it is resolved now. */
  async remove (id: string): Promise<AlertRule> {
    const rule = this.rules.find(r => r.id === id)
    if (rule === undefined) throw new MeshError('NOT_FOUND', `no alert rule ${id}`)
    await this.c.rules.del(id)
    this.rules = this.rules.filter(r => r !== rule)
    const state = this.states.get(id)
    this.states.delete(id)
    if (state?.phase === 'firing') this.apply([{ type: 'alert.resolved', firing: { ...state.firing, resolvedAt: this.c.clock.now() } }], [rule])
    return rule
  }

  state (id: string): RuleState {
    return this.states.get(id) ?? { phase: 'inactive' }
  }

  /** Firings, newest first. */
  history (q: HistoryQuery): Firing[] {
    const out: Firing[] = []
    for (let i = this.firings.length - 1; i >= 0 && out.length < q.limit; i--) {
      const f = this.firings[i]
      if (f === undefined) continue
      if (q.ruleId !== undefined && f.ruleId !== q.ruleId) continue
      if (q.state !== undefined && (f.resolvedAt === null) !== (q.state === 'firing')) continue
      out.push(f)
    }
    return out
  }

  /** One evaluation of every rule, now. */
  evaluateNow (): AlertTransition[] {
    let sample: MetricSample
    try {
      sample = this.c.sample()
    } catch (err) {
      this.c.log.warn({ err: errorMessage(err) }, 'alert evaluation skipped: the node could not be measured')
      return []
    }
    const { states, transitions } = evaluate(this.rules, this.states, sample, this.c.clock.now(), this.c.newId)
    this.states = states
    this.evaluations++
    this.apply(transitions, this.rules)
    return transitions
  }

  private apply (transitions: AlertTransition[], rules: readonly AlertRule[]): void {
    for (const t of transitions) {
      const i = this.firings.findIndex(f => f.id === t.firing.id)
      if (i >= 0) this.firings[i] = t.firing
      else this.firings.push(t.firing)
      const rule = rules.find(r => r.id === t.firing.ruleId)
      if (rule?.channels.includes('log') === true) {
        const line = { alert: t.firing.ruleName, severity: t.firing.severity, condition: t.firing.condition, value: t.firing.value }
        if (t.type === 'alert.triggered') this.c.log.warn(line, 'alert triggered')
        else this.c.log.info(line, 'alert resolved')
      }
      if (rule === undefined || rule.channels.includes('events')) this.c.emit(t)
    }
    if (transitions.length === 0) return
    const dropped = this.firings.length > this.opts.historyLimit ? this.firings.splice(0, this.firings.length - this.opts.historyLimit) : []
    const puts = transitions.map(t => ({ type: 'put' as const, key: historyKey(t.firing), value: t.firing }))
    const dels = dropped.map(f => ({ type: 'del' as const, key: historyKey(f) }))
    // Written in order, off the timer's path; a failed write is logged and the next one tried.
    this.writes = this.writes.then(async () => { await this.c.history.batch([...puts, ...dels]) })
      .catch((err: unknown) => { this.c.log.error({ err: errorMessage(err) }, 'alert history not written') })
  }
}
