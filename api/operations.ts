import { VERSION } from '../src/version.ts'
import { openApiDocument } from './openapi/document.ts'
import type { Operation } from './openapi/operation.ts'
import { alertOperations } from './routes/alerts.ts'
import { analyticsOperations } from './routes/analytics.ts'
import { billingOperations } from './routes/billing.ts'
import { configOperations } from './routes/config.ts'
import { docsOperations } from './routes/docs.ts'
import { eventOperations } from './routes/events.ts'
import { failoverOperations } from './routes/failover.ts'
import { ProposalSummary, electionOperations, governanceOperations } from './routes/governance.ts'
import { healthOperations } from './routes/health.ts'
import { loadBalancerOperations } from './routes/load-balancer.ts'
import { networkOperations } from './routes/network.ts'
import { performanceOperations } from './routes/performance.ts'
import { routeOperations } from './routes/route.ts'
import { securityOperations } from './routes/security.ts'
import { serviceOperations } from './routes/services.ts'
import { subscriptionOperations } from './routes/subscriptions.ts'
import { systemOperations } from './routes/system.ts'
import { tenantOperations } from './routes/tenants.ts'
import { testingOperations } from './routes/testing.ts'
import { uiOperations } from './routes/ui.ts'
import { webhookOperations } from './routes/webhooks.ts'
import { wsOperations } from './routes/ws.ts'
import { LoadView, MemberView, PeerView, RevocationView, Time } from './views.ts'

/** Every documented operation of the API, in the document's order: add a route module's declarations here. */
export const API_OPERATIONS: readonly Operation[] = [
  ...healthOperations,
  ...systemOperations,
  ...configOperations,
  ...eventOperations,
  ...networkOperations,
  ...serviceOperations,
  ...loadBalancerOperations,
  ...failoverOperations,
  ...routeOperations,
  ...billingOperations,
  ...subscriptionOperations,
  ...analyticsOperations,
  ...tenantOperations,
  ...governanceOperations,
  ...electionOperations,
  ...performanceOperations,
  ...testingOperations,
  ...alertOperations,
  ...securityOperations,
  ...wsOperations,
  ...webhookOperations,
  ...docsOperations,
  ...uiOperations
]

let document: Record<string, unknown> | undefined

/** The OpenAPI document of this API, generated once. */
export function apiDocument (): Record<string, unknown> {
  document ??= openApiDocument(API_OPERATIONS, {
    title: 'meshnode API',
    version: VERSION,
    description: 'The local HTTP API of a meshnode node: its status, the mesh, routing, replicated billing, governance and election. Errors share one shape, `ErrorResponse`.',
    shared: { Time, LoadView, PeerView, MemberView, RevocationView, ProposalSummary },
    tags: {
      system: 'The node itself: probes, status, load, settings and its event stream',
      network: 'The mesh: peers, membership, diagnostics',
      routing: 'The data plane and its control: services, strategy, breakers, drains',
      billing: 'The replicated usage log, usage, invoices, payments and analytics',
      platform: 'Tenants, their API keys and subscriptions (operator-signed replicated records), and webhooks',
      operations: 'Operating a node: performance, forecasts, recommendations, load tests, alerts, audit, security and WebSocket channels',
      governance: 'Proposals, votes, operators, parameters and the election of bootstrap operators',
      docs: 'This document and its interactive reference',
      ui: 'The operator web UI'
    }
  })
  return document
}
