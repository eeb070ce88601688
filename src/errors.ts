/**
 * The one error type of meshnode. Every failure kind has a code; the API maps the code to an
 * HTTP status and the documented JSON shape, the CLI prints the message on one line.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  AUTHENTICATION_ERROR: 401,
  AUTHORIZATION_ERROR: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UPGRADE_REQUIRED: 426,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_ERROR: 422,
  RATE_LIMIT_ERROR: 429,
  SYSTEM_ERROR: 500,
  UPSTREAM_ERROR: 502,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
  CONFIG_ERROR: 500,
  GENESIS_ERROR: 500,
  NETWORK_MISMATCH: 409,
  STORAGE_ERROR: 500,
  SCENARIO_ERROR: 400
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

export class MeshError extends Error {
  readonly code: ErrorCode
  readonly details: Record<string, unknown> | undefined

  constructor (code: ErrorCode, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options)
    this.name = 'MeshError'
    this.code = code
    this.details = details
  }

  get status (): number {
    return ERROR_STATUS[this.code]
  }
}

export function isMeshError (err: unknown): err is MeshError {
  return err instanceof MeshError
}

/** The message of anything thrown, for logs and one-line CLI errors. */
export function errorMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
