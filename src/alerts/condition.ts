import { MeshError } from '../errors.ts'

/**
 * The alert condition language: comparisons of the node's measured figures with numbers,
 * joined by `and`, `or`, `not` and parentheses. Parsed into a checked tree, never evaluated as
 * code.
 *
 *   expr       := term ('or' term)*
 *   term       := factor ('and' factor)*
 *   factor     := 'not' factor | '(' expr ')' | comparison
 *   comparison := METRIC ('>=' | '>' | '<=' | '<' | '==' | '!=') NUMBER
 *
 * `and` binds tighter than `or`; keywords are lower case; numbers are decimal (`0.5`, `200`).
 */

/** Every figure a condition may name, with what it measures (the node fills them each interval). */
export const ALERT_METRICS = {
  peers_healthy: 'peers in the peer table that are healthy',
  peers_suspect: 'peers suspected by the failure detector',
  peers_down: 'peers the failure detector declared down',
  peers_left: 'peers that announced a graceful leave (neither down nor healthy)',
  peers_total: 'peers in the peer table that have not left',
  breakers_open: 'circuit breakers open (a peer and service routing avoids)',
  breakers_half_open: 'circuit breakers letting one trial request through',
  cpu_usage: 'this node\'s CPU use, a share of one core (0 to 1)',
  memory_usage: 'this node\'s resident memory as a share of its limit (0 to 1)',
  event_loop_delay_ms: 'this node\'s event-loop delay, p99 over the last interval, in ms',
  active_requests: 'requests in flight on this node',
  error_rate: 'share of this node\'s recent requests answered with a 5xx (0 to 1)',
  replication_lag_entries: 'billing log entries announced by the most lagging author and not held here',
  lagging_authors: 'billing log authors whose announced entries are not all held here',
  forks: 'billing log forks held (an author signed two entries at one sequence)',
  rate_limited_requests: 'routed requests refused with 429 by the rate limiter, per second over the last minute'
} as const

export type AlertMetric = keyof typeof ALERT_METRICS
/** What the node measured at one evaluation; a figure it could not measure (not running yet) is absent. */
export type MetricSample = Partial<Record<AlertMetric, number>>

const COMPARATORS = ['>=', '>', '<=', '<', '==', '!='] as const
export type Comparator = typeof COMPARATORS[number]

export type Condition =
  | { kind: 'compare', metric: AlertMetric, op: Comparator, value: number }
  | { kind: 'and' | 'or', left: Condition, right: Condition }
  | { kind: 'not', operand: Condition }

/** Longest condition accepted: a rule is a line, not a program. */
export const MAX_CONDITION_LENGTH = 512

type Token =
  | { kind: 'ident', text: string, at: number }
  | { kind: 'number', value: number, text: string, at: number }
  | { kind: 'op', text: Comparator, at: number }
  | { kind: 'paren', text: '(' | ')', at: number }
  | { kind: 'end', at: number }

/** A condition refused: `position` is the 1-based column where it goes wrong. */
function syntaxError (source: string, position: number, message: string, extra: Record<string, unknown> = {}): MeshError {
  return new MeshError('VALIDATION_ERROR', `invalid condition at position ${position + 1}: ${message}`, {
    field: 'condition',
    position: position + 1,
    reason: message,
    condition: source,
    ...extra
  })
}

function tokenize (source: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < source.length) {
    const ch = source[i] ?? ''
    if (/\s/.test(ch)) { i++; continue }
    if (ch === '(' || ch === ')') { tokens.push({ kind: 'paren', text: ch, at: i }); i++; continue }
    const op = COMPARATORS.find(o => source.startsWith(o, i))
    if (op !== undefined) { tokens.push({ kind: 'op', text: op, at: i }); i += op.length; continue }
    const number = /^\d+(\.\d+)?/.exec(source.slice(i))
    if (number !== null) {
      tokens.push({ kind: 'number', value: Number(number[0]), text: number[0], at: i })
      i += number[0].length
      continue
    }
    const ident = /^[a-z_][a-z0-9_]*/.exec(source.slice(i))
    if (ident !== null) {
      tokens.push({ kind: 'ident', text: ident[0], at: i })
      i += ident[0].length
      continue
    }
    throw syntaxError(source, i, `unexpected character "${ch}"`)
  }
  tokens.push({ kind: 'end', at: source.length })
  return tokens
}

function describe (t: Token): string {
  if (t.kind === 'end') return 'the end of the condition'
  return `"${t.text}"`
}

const KEYWORDS = new Set(['and', 'or', 'not'])

/** Parses a condition into its checked form; a VALIDATION_ERROR names the position of the first fault and, for an unknown figure, the known ones. */
export function parseCondition (source: string): Condition {
  if (source.length > MAX_CONDITION_LENGTH) throw syntaxError(source, MAX_CONDITION_LENGTH, `longer than ${MAX_CONDITION_LENGTH} characters`)
  const tokens = tokenize(source)
  let pos = 0
  const peek = (): Token => tokens[pos] ?? { kind: 'end', at: source.length }
  const next = (): Token => { const t = peek(); pos++; return t }
  const isKeyword = (word: string): boolean => { const t = peek(); return t.kind === 'ident' && t.text === word }

  const expr = (): Condition => {
    let left = term()
    while (isKeyword('or')) { next(); left = { kind: 'or', left, right: term() } }
    return left
  }
  const term = (): Condition => {
    let left = factor()
    while (isKeyword('and')) { next(); left = { kind: 'and', left, right: factor() } }
    return left
  }
  const factor = (): Condition => {
    const t = next()
    if (t.kind === 'ident' && t.text === 'not') return { kind: 'not', operand: factor() }
    if (t.kind === 'paren' && t.text === '(') {
      const inner = expr()
      const close = next()
      if (close.kind !== 'paren' || close.text !== ')') throw syntaxError(source, close.at, `expected ")" but found ${describe(close)}`)
      return inner
    }
    if (t.kind !== 'ident' || KEYWORDS.has(t.text)) throw syntaxError(source, t.at, `expected a metric name, "not" or "(" but found ${describe(t)}`)
    if (!(t.text in ALERT_METRICS)) throw syntaxError(source, t.at, `unknown metric "${t.text}"`, { known_metrics: Object.keys(ALERT_METRICS) })
    const op = next()
    if (op.kind !== 'op') throw syntaxError(source, op.at, `expected a comparison (${COMPARATORS.join(' ')}) after "${t.text}" but found ${describe(op)}`)
    const value = next()
    if (value.kind !== 'number') throw syntaxError(source, value.at, `expected a number after "${op.text}" but found ${describe(value)}`)
    return { kind: 'compare', metric: t.text as AlertMetric, op: op.text, value: value.value }
  }

  const condition = expr()
  const rest = peek()
  if (rest.kind !== 'end') throw syntaxError(source, rest.at, `expected "and", "or" or the end but found ${describe(rest)}`)
  return condition
}

function compare (a: number, op: Comparator, b: number): boolean {
  switch (op) {
    case '>=': return a >= b
    case '>': return a > b
    case '<=': return a <= b
    case '<': return a < b
    case '==': return a === b
    case '!=': return a !== b
  }
}

/** Whether the condition holds for the sample; a comparison of a figure not measured is false. */
export function holds (c: Condition, sample: MetricSample): boolean {
  switch (c.kind) {
    case 'compare': {
      const v = sample[c.metric]
      return v !== undefined && compare(v, c.op, c.value)
    }
    case 'and': return holds(c.left, sample) && holds(c.right, sample)
    case 'or': return holds(c.left, sample) || holds(c.right, sample)
    case 'not': return !holds(c.operand, sample)
  }
}

/** The figures a condition names, in order of first appearance. */
export function metricsOf (c: Condition): AlertMetric[] {
  const out: AlertMetric[] = []
  const walk = (n: Condition): void => {
    if (n.kind === 'compare') { if (!out.includes(n.metric)) out.push(n.metric) } else if (n.kind === 'not') walk(n.operand)
    else { walk(n.left); walk(n.right) }
  }
  walk(c)
  return out
}
