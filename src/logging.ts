import { pino, type Logger } from 'pino'

export type { Logger }

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]

/** `json`: one JSON record a line, for tools; `pretty`: one readable line a record, for people at a terminal. */
export const LOG_FORMATS = ['json', 'pretty'] as const
export type LogFormat = typeof LOG_FORMATS[number]

/** One log record as the logger wrote it. */
export interface LogRecord {
  level: string
  time: number
  msg: string
  /** The record's other fields (its bindings and what was logged with the message). */
  fields: Record<string, unknown>
}

/** The records a logger writes, as it writes them, for whoever listens (the WebSocket `logs` channel); nothing is parsed while nobody does. */
export class LogFeed {
  private readonly listeners = new Set<(r: LogRecord) => void>()

  subscribe (listener: (r: LogRecord) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** One pino JSON line. */
  write (line: string): void {
    if (this.listeners.size === 0) return
    const parsed = parseLine(line)
    if (parsed !== undefined) this.publish(parsed)
  }

  /** One pino record, already parsed. */
  publish (parsed: Record<string, unknown>): void {
    if (this.listeners.size === 0) return
    const { level, time, msg } = parsed
    const record: LogRecord = {
      level: LEVEL_NAMES[typeof level === 'number' ? level : 30]?.toLowerCase() ?? String(level),
      time: typeof time === 'number' ? time : Date.now(),
      msg: typeof msg === 'string' ? msg : '',
      fields: Object.fromEntries(Object.entries(parsed).filter(([k]) => !OMITTED.has(k)))
    }
    for (const l of this.listeners) l(record)
  }
}

const feeds = new WeakMap<Logger, LogFeed>()

/** The feed of the records a logger made by createLogger writes (its children's included). */
export function logFeedOf (log: Logger): LogFeed | undefined {
  return feeds.get(log)
}

/** Logs on stderr, so that stdout stays for what the operator reads; every record also goes to the logger's feed (logFeedOf). */
export function createLogger (level: LogLevel, bindings: Record<string, unknown> = {}, format: LogFormat = 'json'): Logger {
  const feed = new LogFeed()
  let log: Logger
  if (format === 'json') {
    const out = pino.destination(2)
    log = pino({ level, base: bindings }, { write: (line: string) => { out.write(line); feed.write(line) } })
  } else {
    const colour = process.stderr.isTTY && process.env.NO_COLOR === undefined
    // Synchronous, in this thread: pino's transports would start a worker thread for this.
    // Each line parsed once, for both the terminal and the feed.
    log = pino({ level, base: bindings }, {
      write: (line: string) => {
        const record = parseLine(line)
        process.stderr.write(record === undefined ? line : prettyRecord(record, colour))
        if (record !== undefined) feed.publish(record)
      }
    })
  }
  feeds.set(log, feed)
  return log
}

export function silentLogger (): Logger {
  return pino({ level: 'silent' })
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }
const LEVEL_COLOURS: Record<number, number> = { 10: 90, 20: 36, 30: 32, 40: 33, 50: 31, 60: 35 }
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname'])

/**
 * Pure: one pino JSON record as `HH:MM:SS.mmm LEVEL message key=value ...` (local time), with
 * the level coloured when `colour`. A line that is not a record passes through unchanged.
 */
export function prettyLine (line: string, colour: boolean): string {
  const record = parseLine(line)
  return record === undefined ? line : prettyRecord(record, colour)
}

/** A pino JSON line's record; undefined for a line that is not JSON. */
function parseLine (line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>
  } catch {
    return undefined
  }
}

function prettyRecord (record: Record<string, unknown>, colour: boolean): string {
  const level = typeof record.level === 'number' ? record.level : 30
  const time = typeof record.time === 'number' ? new Date(record.time) : new Date()
  const clock = `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${String(time.getMilliseconds()).padStart(3, '0')}`
  const name = (LEVEL_NAMES[level] ?? String(level)).padEnd(5)
  const shown = colour ? `\x1b[${LEVEL_COLOURS[level] ?? 0}m${name}\x1b[0m` : name
  const fields = Object.entries(record)
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' && !/\s|"/.test(value) ? value : JSON.stringify(value)}`)
  return `${clock} ${shown} ${typeof record.msg === 'string' ? record.msg : ''}${fields.length > 0 ? ' ' + fields.join(' ') : ''}\n`
}

const pad = (n: number): string => String(n).padStart(2, '0')
