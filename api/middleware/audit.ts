import type { MiddlewareHandler } from 'hono'
import type { AuditAction, AuditLog } from '../../src/security/audit-log.ts'
import type { ApiEnv } from '../context.ts'
import { sourceAddress } from './operator-auth.ts'

const ACTIONS: Record<string, AuditAction> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' }

/**
 * Records every mutating call of the operator plane and every failed authentication anywhere
 * (401) into the audit log, after the answer is known. Routed client traffic (/v1/route) is
 * metered by billing, not audited, unless its authentication fails. The actor is what the
 * authentication set (`operator`, `key:<id>`), else `anonymous`.
 */
export function auditTrail (audit: AuditLog, now: () => number): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    await next()
    const status = c.res.status
    const mutating = ACTIONS[c.req.method]
    const action: AuditAction | undefined = status === 401 ? 'auth_failed' : c.req.path.startsWith('/v1/route/') ? undefined : mutating
    if (action === undefined) return
    audit.record({
      time: now(),
      actor: c.var.actor ?? 'anonymous',
      action,
      method: c.req.method,
      path: c.req.path,
      status,
      source: sourceAddress(c),
      requestId: c.var.requestId
    })
  }
}
