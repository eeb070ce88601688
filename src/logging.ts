import { pino, type Logger } from 'pino'

export type { Logger }

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]

/** Structured JSON logs on stderr, so that stdout stays for what the operator reads. */
export function createLogger (level: LogLevel, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: bindings }, pino.destination(2))
}

export function silentLogger (): Logger {
  return pino({ level: 'silent' })
}
