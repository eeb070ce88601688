import { holds, metricsOf, type AlertMetric, type Condition, type MetricSample } from './condition.ts'

export const SEVERITIES = ['info', 'warning', 'critical'] as const
export type Severity = typeof SEVERITIES[number]

/** Where a firing goes besides the history: the node's event feed (SSE, WebSocket, webhooks) and its log. */
export const ALERT_CHANNELS = ['events', 'log'] as const
export type AlertChannel = typeof ALERT_CHANNELS[number]

export interface AlertRule {
  id: string
  name: string
  /** The condition as written; `parsed` is its checked form. */
  condition: string
  parsed: Condition
  /** How long the condition must hold before the rule fires (0: at the first evaluation that sees it). */
  forMs: number
  severity: Severity
  channels: AlertChannel[]
  /** Shipped with the node (an operator may delete it; it is not put back). */
  builtIn: boolean
  createdAt: number
}

/** One firing of a rule, from the evaluation that triggered it to the one that saw it no longer hold. */
export interface Firing {
  id: string
  ruleId: string
  ruleName: string
  severity: Severity
  condition: string
  triggeredAt: number
  resolvedAt: number | null
  /** The first figure the condition names, as measured when it fired. */
  value: number | null
  /** Every figure the condition names, as measured when it fired. */
  values: Partial<Record<AlertMetric, number>>
}

export type RuleState =
  | { phase: 'inactive' }
  | { phase: 'pending', since: number }
  | { phase: 'firing', firing: Firing }

export type AlertTransition =
  | { type: 'alert.triggered', firing: Firing }
  | { type: 'alert.resolved', firing: Firing }

/**
 * One evaluation of every rule against one sample, as Prometheus does it: a condition that
 * starts to hold makes its rule pending; held for the rule's `for`, it fires; a firing rule
 * whose condition no longer holds resolves. Pure: the time, the sample and the ids of new
 * firings are passed in; the states returned replace the ones given.
 */
export function evaluate (
  rules: readonly AlertRule[],
  states: ReadonlyMap<string, RuleState>,
  sample: MetricSample,
  now: number,
  newId: () => string
): { states: Map<string, RuleState>, transitions: AlertTransition[] } {
  const next = new Map<string, RuleState>()
  const transitions: AlertTransition[] = []
  for (const rule of rules) {
    const state = states.get(rule.id) ?? { phase: 'inactive' }
    const active = holds(rule.parsed, sample)
    if (!active) {
      if (state.phase === 'firing') transitions.push({ type: 'alert.resolved', firing: { ...state.firing, resolvedAt: now } })
      next.set(rule.id, { phase: 'inactive' })
      continue
    }
    if (state.phase === 'firing') {
      next.set(rule.id, state)
      continue
    }
    const since = state.phase === 'pending' ? state.since : now
    if (now - since < rule.forMs) {
      next.set(rule.id, { phase: 'pending', since })
      continue
    }
    const metrics = metricsOf(rule.parsed)
    const values: Partial<Record<AlertMetric, number>> = {}
    for (const m of metrics) if (sample[m] !== undefined) values[m] = sample[m]
    const first = metrics[0]
    const firing: Firing = {
      id: newId(),
      ruleId: rule.id,
      ruleName: rule.name,
      severity: rule.severity,
      condition: rule.condition,
      triggeredAt: now,
      resolvedAt: null,
      value: first === undefined ? null : sample[first] ?? null,
      values
    }
    next.set(rule.id, { phase: 'firing', firing })
    transitions.push({ type: 'alert.triggered', firing })
  }
  return { states: next, transitions }
}
