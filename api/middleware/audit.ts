import type { Context } from 'hono'
import type { AuditAction, AuditLog } from '../../src/security/audit-log.ts'
import type { ApiEnv } from '../context.ts'
import { sourceAddress } from './operator-auth.ts'

const ACTIONS: Record<string, AuditAction> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' }

/**
 * Records a finished call into the audit log when it is a mutating call of the operator plane
 * or a failed authentication anywhere (401). Routed client traffic (/v1/route) is metered by
 * billing, not audited, unless its authentication fails. The actor is what the authentication
 * set (`operator`, `key:<id>`), else `anonymous`. Called by the app's first middleware after
 * the answer is known, rather than as a middleware of its own: a layer more of the chain costs
 * every call more than the record does.
 */
export function auditRecorder (audit: AuditLog, now: () => number): (c: Context<ApiEnv>) => void {
  return c => {
    const status = c.res.status
    const action: AuditAction | undefined = status === 401 ? 'auth_failed' : ACTIONS[c.req.method]
    if (action === undefined) return
    const path = c.req.path
    if (action !== 'auth_failed' && path.startsWith('/v1/route/')) return
    audit.record({
      time: now(),
      actor: c.get('actor') ?? 'anonymous',
      action,
      method: c.req.method,
      path,
      status,
      source: sourceAddress(c),
      requestId: c.get('requestId')
    })
  }
}
