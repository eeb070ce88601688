// Generated from the OpenAPI document by `npm run client:generate` (api/client/generate.ts): do not edit.
export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: libp2p, database, subscriptions and the billing log are up
         * @description Answers 503 with the same shape and a `reason` until the node is ready.
         */
        get: operations["ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (text exposition format) */
        get: operations["prometheusMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/system/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The node: status, identity, components and its own load */
        get: operations["systemStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/system/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The node's load over a period (average, peak, current), or with start, end or interval its time series */
        get: operations["systemMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/system/reload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-read the config and apply what a reload can, as SIGHUP */
        post: operations["reload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/system/shutdown": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop gracefully, as SIGTERM (no body: the defaults) */
        post: operations["shutdown"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/config/system": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The node's settings and the network parameters in force */
        get: operations["systemConfig"];
        /** Change the settings that need no restart */
        put: operations["updateSystemConfig"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server-sent events: the node's event feed
         * @description Each event's name is its type and its data the JSON payload webhooks deliver. The peer table's own: `peer:joined` and `peer:forgotten` carry `{peer_id, time}`; `peer:state` also `from` and `to`. Then `tenant.created`, `tenant.updated`, `tenant.suspended`, `tenant.resumed`, `tenant.deleted`, `key.created`, `key.revoked`, `subscription.created`, `subscription.tier_changed`, `subscription.cancelled`, `subscription.suspended`, `subscription.resumed`, `invoice.issued`, `payment.success`, `payment.failed`, `alert.triggered`, `alert.resolved`, `peer.down`, `peer.up`, `breaker.opened`, `proposal.created`, `proposal.voted`, `proposal.passed`, `proposal.rejected`, `election.changed`. A comment line keeps the stream alive every 15 s.
         */
        get: operations["events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/network/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The mesh as this node sees it: peers by state, latency, regions, gossip topics */
        get: operations["networkStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/network/peers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every peer with its state, RTT, load and services */
        get: operations["networkPeers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/network/peers/{peerId}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A peer's load over time, as gossiped (or this node's own) */
        get: operations["peerMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/network/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The members of the network, how each became one, and the revoked peers */
        get: operations["networkMembers"];
        put?: never;
        /** Admit a peer as a member (this node must be an operator) */
        post: operations["admitMember"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/network/members/{peerId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a member; its entries held so far stay counted */
        delete: operations["revokeMember"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/network/leave": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Leave the mesh gracefully: peers record this node as left (not down) and stop routing to it; it stays up */
        post: operations["networkLeave"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/network/diagnostics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ping a peer over libp2p */
        post: operations["networkDiagnostics"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/services": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every service of the mesh, with the peers that offer it, their state and load */
        get: operations["services"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/load-balancer/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Strategy, retry budget, services and per-peer routing figures */
        get: operations["loadBalancerStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/load-balancer/select-node": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Which peer the strategy would pick for a service now, and why */
        post: operations["selectNode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/load-balancer/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The routing strategy and weights */
        get: operations["loadBalancerConfig"];
        /** Change the routing strategy or weights */
        put: operations["updateLoadBalancerConfig"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/failover/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Peers by state, circuit breakers, drained peers and recent failures */
        get: operations["failoverStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/failover/nodes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every peer with its response time and circuit breakers */
        get: operations["failoverNodes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/failover/trigger": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Drain a peer: route nothing more to it */
        post: operations["drainPeer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/failover/trigger/{peer_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Undrain a peer */
        delete: operations["undrainPeer"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/route/{service}/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * GET a path of a service, served by the best peer that offers it
         * @description The answer is the upstream's, with `X-Mesh-Peer` (the serving peer), `X-Mesh-Attempts` and `X-Request-Id`. The client is a tenant by its API key (`Authorization: Bearer` or `X-API-Key`); where the network allows anonymous routing, a bearer token names the client for usage metering (by its hash).
         */
        get: operations["routeGet"];
        /**
         * PUT a path of a service, served by the best peer that offers it
         * @description The answer is the upstream's, with `X-Mesh-Peer` (the serving peer), `X-Mesh-Attempts` and `X-Request-Id`. The client is a tenant by its API key (`Authorization: Bearer` or `X-API-Key`); where the network allows anonymous routing, a bearer token names the client for usage metering (by its hash).
         */
        put: operations["routePut"];
        /**
         * POST a path of a service, served by the best peer that offers it
         * @description The answer is the upstream's, with `X-Mesh-Peer` (the serving peer), `X-Mesh-Attempts` and `X-Request-Id`. The client is a tenant by its API key (`Authorization: Bearer` or `X-API-Key`); where the network allows anonymous routing, a bearer token names the client for usage metering (by its hash).
         */
        post: operations["routePost"];
        /**
         * DELETE a path of a service, served by the best peer that offers it
         * @description The answer is the upstream's, with `X-Mesh-Peer` (the serving peer), `X-Mesh-Attempts` and `X-Request-Id`. The client is a tenant by its API key (`Authorization: Bearer` or `X-API-Key`); where the network allows anonymous routing, a bearer token names the client for usage metering (by its hash).
         */
        delete: operations["routeDelete"];
        options?: never;
        head?: never;
        /**
         * PATCH a path of a service, served by the best peer that offers it
         * @description The answer is the upstream's, with `X-Mesh-Peer` (the serving peer), `X-Mesh-Attempts` and `X-Request-Id`. The client is a tenant by its API key (`Authorization: Bearer` or `X-API-Key`); where the network allows anonymous routing, a bearer token names the client for usage metering (by its hash).
         */
        patch: operations["routePatch"];
        trace?: never;
    };
    "/v1/billing/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Usage records of the whole mesh, filtered, paged by cursor */
        get: operations["usage"];
        put?: never;
        /** Record usage: one record or a batch, durable before 201; a retried id counts once */
        post: operations["appendUsage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Records, users, totals by resource, revenue and replication */
        get: operations["billingOverview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/invoices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Invoices whose period overlaps the dates, by period then tenant */
        get: operations["invoices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/invoices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One invoice */
        get: operations["invoice"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/payments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Payments recorded, and conflicting payment ids */
        get: operations["payments"];
        put?: never;
        /** Record a payment received elsewhere (no card data); a known payment_id answers 200 */
        post: operations["recordPayment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The replicated log: per author held and announced heads, forks, conflicts, losses */
        get: operations["billingLog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The subscriptions */
        get: operations["subscriptions"];
        put?: never;
        /** Subscribe a tenant to a tier */
        post: operations["createSubscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/subscriptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One subscription with its periods */
        get: operations["subscription"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change the tier, from now on every node */
        patch: operations["changeTier"];
        trace?: never;
    };
    "/v1/billing/subscriptions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a subscription */
        post: operations["cancelSubscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/subscriptions/{id}/suspend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Suspend a subscription */
        post: operations["suspendSubscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/subscriptions/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a suspended subscription */
        post: operations["resumeSubscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Usage of one resource over time, per bucket, for one tenant or everyone */
        get: operations["analyticsUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/business": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Revenue, tenants and tiers over the months covered */
        get: operations["analyticsBusiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenants */
        get: operations["tenants"];
        put?: never;
        /** Create a tenant with its first subscription (signed by this operator node, replicated) */
        post: operations["createTenant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One tenant with its subscription, keys and usage this period */
        get: operations["tenant"];
        put?: never;
        post?: never;
        /** Delete a tenant (its records stay, its keys are refused) */
        delete: operations["deleteTenant"];
        options?: never;
        head?: never;
        /** Rename a tenant or change its contact */
        patch: operations["updateTenant"];
        trace?: never;
    };
    "/v1/tenants/{id}/suspend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Suspend a tenant: its keys are refused on every node */
        post: operations["suspendTenant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a suspended tenant */
        post: operations["resumeTenant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants/{id}/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A tenant's API keys (never the secrets) */
        get: operations["tenantKeys"];
        put?: never;
        /** Create an API key; the secret is in this answer only */
        post: operations["createKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants/{id}/keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key, on every node */
        delete: operations["revokeKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/governance/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Proposals, operators, voting power and the bootstrap operators */
        get: operations["governanceOverview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/governance/proposals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Proposals with their tally, newest first */
        get: operations["proposals"];
        put?: never;
        /** Submit a proposal, signed by this node (an operator) */
        post: operations["propose"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/governance/proposals/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One proposal with its tally, weights and certificates */
        get: operations["proposal"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/governance/proposals/{id}/vote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cast this operator's vote; the latest vote before the end counts */
        post: operations["vote"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/governance/operators": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The operators with their weight, whether online and their bootstrap role */
        get: operations["operators"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/governance/params": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The network parameters in force and the changes pending */
        get: operations["params"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/election/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The epoch, its elected bootstrap operators and the candidates' scores */
        get: operations["electionStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/election/endorsements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Endorse a candidate (or withdraw an endorsement) */
        post: operations["endorse"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/performance/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Each load figure over a window, peers and breakers by state */
        get: operations["performanceStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/performance/predictions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Forecasts of cpu, memory and request rate, with back-tested confidence */
        get: operations["predictions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/performance/recommendations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Findings of rules over the last 5 minutes, each with its measurement */
        get: operations["recommendations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/testing/load": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send an open-loop load through this node's router to a service of the mesh */
        post: operations["startLoadTest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/testing/results/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A load test's progress or result */
        get: operations["loadTestResult"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The alert rules with their state, the metrics a condition may name, the evaluation interval */
        get: operations["alertRules"];
        put?: never;
        /** Add an alert rule (its condition in the rule grammar) */
        post: operations["createAlertRule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts/rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove an alert rule */
        delete: operations["deleteAlertRule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alert firings and resolutions, newest first */
        get: operations["alertHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/security/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit log of operator actions and refusals, paged by cursor */
        get: operations["securityAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/security/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Authentication failures and throttling, refusals by kind, routed requests rate-limited or refused by the key check */
        get: operations["securityStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ws": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * WebSocket channels: metrics, events, alerts, logs and audit (the last two for the operator)
         * @description Upgrade with `Upgrade: websocket`; then the client sends JSON messages (`WsClientMessage` in api/routes/ws.ts: subscribe, unsubscribe, auth) and the node answers and pushes its own (`WsServerMessage`).
         */
        get: operations["webSocket"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The webhooks */
        get: operations["webhooks"];
        put?: never;
        /** Register a webhook: events of the node's feed, signed, delivered from a durable outbox */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook */
        get: operations["webhook"];
        put?: never;
        post?: never;
        /** Remove a webhook */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A webhook's deliveries and their attempts, newest first */
        get: operations["webhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries/{delivery}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deliver an event again */
        post: operations["redeliver"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document: OpenAPI 3.1, generated from the schemas the routes validate with */
        get: operations["openApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Interactive API reference (Swagger UI, served by the node) */
        get: operations["apiReference"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs/assets/{file}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A script or style sheet of the API reference */
        get: operations["apiReferenceAsset"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ui": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The operator web UI: peers, routing, billing, governance and election, live */
        get: operations["operatorUi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ui/assets/{file}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A script or style sheet of the operator UI */
        get: operations["operatorUiAsset"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        SystemShutdownRequest: {
            /** @default 30000 */
            timeout_ms?: number;
            /** @default false */
            force?: boolean;
        };
        SystemConfigChange: {
            telemetry?: {
                interval_ms: number;
            };
            network?: {
                max_peers: number;
            };
        };
        MemberRequest: {
            peer_id: string;
        };
        DiagnosticsRequest: {
            peer_id: string;
            /** @default 3 */
            count?: number;
            /** @default 2000 */
            timeout_ms?: number;
        };
        SelectRequest: {
            service: string;
        };
        LoadBalancerConfigChange: {
            /** @enum {string} */
            strategy?: "round_robin" | "weighted_round_robin" | "least_connections" | "adaptive";
            weights?: {
                [key: string]: number;
            };
        };
        DrainRequest: {
            peer_id?: string;
            node_id?: string;
            reason: string;
            /** @default false */
            force?: boolean;
        };
        UsageAppendRequest: {
            id?: string;
            user_id: string;
            resource_type: string;
            amount: number;
            unit: string;
            timestamp?: number | string;
            metadata?: {
                [key: string]: string | number | boolean | null;
            };
        } | {
            records: {
                id?: string;
                user_id: string;
                resource_type: string;
                amount: number;
                unit: string;
                timestamp?: number | string;
                metadata?: {
                    [key: string]: string | number | boolean | null;
                };
            }[];
        };
        PaymentCreateRequest: {
            payment_id?: string;
            invoice_id: string;
            amount: number;
            payment_method: {
                type: string;
                reference: string;
            };
        };
        SubscriptionCreateRequest: {
            tenant_id: string;
            tier: string;
            /**
             * @default monthly
             * @enum {string}
             */
            billing_cycle?: "monthly" | "yearly";
        };
        SubscriptionUpdateRequest: {
            tier: string;
        };
        TenantCreateRequest: {
            name: string;
            tier: string;
            /**
             * @default monthly
             * @enum {string}
             */
            billing_cycle?: "monthly" | "yearly";
            /** @default {} */
            metadata?: {
                [key: string]: string;
            };
        };
        TenantUpdateRequest: {
            name?: string;
            metadata?: {
                [key: string]: string;
            };
        };
        KeyCreateRequest: {
            /** @default null */
            label?: string | null;
            /** @default null */
            expires_at?: string | null;
        };
        ProposalRequest: {
            title: string;
            /** @default  */
            description?: string;
            change: {
                /** @constant */
                type: "param_change";
                params: {
                    [key: string]: unknown;
                };
            } | {
                /** @constant */
                type: "operator_add";
                peer_id: string;
                weight: number;
                name: string;
            } | {
                /** @constant */
                type: "operator_remove";
                peer_id: string;
            } | {
                /** @constant */
                type: "operator_weight";
                peer_id: string;
                weight: number;
            } | {
                /** @constant */
                type: "text";
            };
            voting_period: number | string;
            quorum?: number;
            threshold?: number;
        };
        VoteRequest: {
            /** @enum {string} */
            vote: "yes" | "no" | "abstain" | "veto";
            /** @default  */
            reason?: string;
        };
        EndorseRequest: {
            candidate: string;
            /** @default false */
            withdraw?: boolean;
        };
        LoadTestRequest: {
            service: string;
            rate: number;
            duration_ms?: number;
            duration?: number | string;
            /** @default 8 */
            concurrency?: number;
            /**
             * @default GET
             * @enum {string}
             */
            method?: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";
            /**
             * Format: starts_with
             * @default /
             */
            path?: string;
        };
        AlertRuleCreateRequest: {
            name: string;
            condition: string;
            for?: 0 | (number | string);
            /**
             * @default warning
             * @enum {string}
             */
            severity?: "info" | "warning" | "critical";
            /**
             * @default [
             *       "events",
             *       "log"
             *     ]
             */
            channels?: ("events" | "log")[];
        };
        WebhookCreateRequest: {
            /** Format: uri */
            url: string;
            events: ("tenant.created" | "tenant.updated" | "tenant.suspended" | "tenant.resumed" | "tenant.deleted" | "key.created" | "key.revoked" | "subscription.created" | "subscription.tier_changed" | "subscription.cancelled" | "subscription.suspended" | "subscription.resumed" | "invoice.issued" | "payment.success" | "payment.failed" | "alert.triggered" | "alert.resolved" | "peer.down" | "peer.up" | "breaker.opened" | "proposal.created" | "proposal.voted" | "proposal.passed" | "proposal.rejected" | "election.changed" | "*")[];
            secret: string;
        };
        ErrorResponse: {
            error: {
                /** @enum {string} */
                code: "BAD_REQUEST" | "AUTHENTICATION_ERROR" | "AUTHORIZATION_ERROR" | "NOT_FOUND" | "CONFLICT" | "PAYLOAD_TOO_LARGE" | "UPGRADE_REQUIRED" | "UNSUPPORTED_MEDIA_TYPE" | "VALIDATION_ERROR" | "RATE_LIMIT_ERROR" | "SYSTEM_ERROR" | "UPSTREAM_ERROR" | "UNAVAILABLE" | "TIMEOUT" | "CONFIG_ERROR" | "GENESIS_ERROR" | "NETWORK_MISMATCH" | "STORAGE_ERROR" | "SCENARIO_ERROR";
                message: string;
                details: {
                    [key: string]: unknown;
                };
            };
            request_id: string;
        };
        /** Format: date-time */
        Time: string;
        LoadView: {
            cpu_usage: number;
            memory_usage: number;
            memory_limit_bytes: number;
            /** @enum {string} */
            memory_limit_source: "cgroup" | "host";
            rss_bytes: number;
            heap_used_bytes: number;
            event_loop_delay_ms: {
                p50: number;
                p99: number;
                max: number;
            };
            active_requests: number;
            served_requests: number;
            error_rate: number;
            error_rate_window_seconds: number;
        };
        PeerView: {
            peer_id: string;
            member: boolean;
            /** @enum {string} */
            status: "healthy" | "suspect" | "down" | "left";
            status_since: components["schemas"]["Time"];
            connected: boolean;
            last_snapshot_age_ms: number;
            rtt_ms: number | null;
            api_url: string | null;
            region: string;
            version: string;
            uptime_seconds: number;
            snapshot: {
                seq: number;
                incarnation: number;
                time: components["schemas"]["Time"];
                interval_ms: number;
            };
            metrics: components["schemas"]["LoadView"];
            services: {
                name: string;
                capacity: number;
            }[];
        };
        MemberView: {
            peer_id: string;
            /** @enum {string} */
            via: "operator" | "former_operator" | "open" | "admission";
            admitted_by?: string;
            admitted_at?: components["schemas"]["Time"];
            record_id?: string;
        };
        RevocationView: {
            peer_id: string;
            revoked_by: string;
            revoked_at: components["schemas"]["Time"];
            through_seq: number;
            record_id: string;
        };
        ProposalSummary: {
            id: string;
            title: string;
            description: string;
            /** @enum {string} */
            type: "param_change" | "operator_add" | "operator_remove" | "operator_weight" | "text";
            change: {
                /** @constant */
                type: "param_change";
                params: {
                    [key: string]: unknown;
                };
            } | {
                /** @constant */
                type: "operator_add";
                peer_id: string;
                weight: number;
                name: string;
            } | {
                /** @constant */
                type: "operator_remove";
                peer_id: string;
            } | {
                /** @constant */
                type: "operator_weight";
                peer_id: string;
                weight: number;
            } | {
                /** @constant */
                type: "text";
            };
            proposer: string;
            /** @enum {string} */
            status: "voting" | "tallying" | "passed" | "rejected" | "rejected_veto" | "failed_quorum";
            created_at: components["schemas"]["Time"];
            voting_ends_at: components["schemas"]["Time"];
            activates_at: components["schemas"]["Time"];
            rules: {
                quorum: number;
                threshold: number;
                veto: number;
            };
            tally: {
                yes: number;
                no: number;
                abstain: number;
                veto: number;
                total_weight: number;
                voted_weight: number;
                turnout: number;
                voters: number;
                /** @enum {string} */
                outcome: "passed" | "rejected" | "rejected_veto" | "failed_quorum";
                counted_hash: string;
            };
        };
        HealthResponse: {
            /** @constant */
            status: "ok";
        };
        ReadinessResponse: {
            /** @enum {string} */
            status: "ready" | "not_ready";
            checks: {
                libp2p: boolean;
                database: boolean;
                subscriptions: boolean;
                billing: boolean;
            };
            reason?: string;
        };
        SystemStatusResponse: {
            /** @enum {string} */
            status: "starting" | "degraded" | "healthy";
            peer_id: string;
            network_id: string;
            version: string;
            uptime_seconds: number;
            started_at: components["schemas"]["Time"];
            components: {
                p2p: {
                    /** @enum {string} */
                    status: "active" | "stopped";
                    connections: number;
                    listen_addresses: string[];
                };
                telemetry: {
                    /** @enum {string} */
                    status: "active" | "stopped";
                    interval_ms: number;
                    last_seq: number;
                };
                storage: {
                    /** @enum {string} */
                    status: "open" | "closed";
                };
                peers: {
                    healthy: number;
                    suspect: number;
                    down: number;
                    left: number;
                    total: number;
                };
            };
            load: components["schemas"]["LoadView"] | null;
        };
        SystemMetricsResponse: {
            /** @enum {string} */
            period: "1m" | "5m" | "15m" | "1h";
            samples: number;
            metrics: {
                cpu: {
                    average: number;
                    peak: number;
                    current: number;
                };
                memory: {
                    average: number;
                    peak: number;
                    current: number;
                };
                rss_bytes: {
                    average: number;
                    peak: number;
                    current: number;
                };
                event_loop_delay_p99_ms: {
                    average: number;
                    peak: number;
                    current: number;
                };
            };
        } | components["schemas"]["MetricSeriesResponse"];
        SystemReloadResponse: {
            changed: {
                setting: string;
                from: unknown;
                to: unknown;
                applied: boolean;
            }[];
            applied: string[];
            restart_required: string[];
            reloadable: string[];
        };
        SystemShutdownResponse: {
            /** @constant */
            status: "stopping";
            timeout_ms: number;
            force: boolean;
        };
        SystemConfigResponse: {
            node: {
                peer_id: string;
                data_dir: string;
                region: string;
                log_level: string;
            };
            network: {
                network_id: string;
                genesis_hash: string;
                listen: string[];
                announce: string[];
                bootstrap_peers: string[];
                max_peers: number;
            };
            telemetry: {
                interval_ms: number;
            };
            api: {
                url: string;
                cors_origins: string[];
            };
            params: {
                /** @default 10 */
                gossip_ip_colocation_threshold: number;
                /** @default 30000 */
                max_clock_skew_ms: number;
                /**
                 * @default {
                 *       "request": {
                 *         "unit": "request",
                 *         "unit_price": 0.0001
                 *       },
                 *       "storage": {
                 *         "unit": "GB",
                 *         "unit_price": 0.02
                 *       },
                 *       "bandwidth": {
                 *         "unit": "GB",
                 *         "unit_price": 0.01
                 *       }
                 *     }
                 */
                price_list: {
                    [key: string]: {
                        unit: string;
                        unit_price: number;
                    };
                };
                /** @default USD */
                currency: string;
                /** @default 0.334 */
                quorum: number;
                /** @default 0.5 */
                threshold: number;
                /** @default 0.334 */
                veto: number;
                /** @default 10000 */
                min_voting_period_ms: number;
                /** @default 1209600000 */
                max_voting_period_ms: number;
                /** @default 5000 */
                activation_delay_ms: number;
                /** @default 5000 */
                certification_grace_ms: number;
                /** @default 60000 */
                epoch_ms: number;
                /** @default 3 */
                bootstrap_operator_count: number;
                open_membership?: boolean;
                /**
                 * @default {
                 *       "free": {
                 *         "monthly_price": 0,
                 *         "included_units": 1000,
                 *         "requests_per_hour": 100,
                 *         "burst": 20
                 *       },
                 *       "basic": {
                 *         "monthly_price": 10,
                 *         "included_units": 50000,
                 *         "requests_per_hour": 1000,
                 *         "burst": 100
                 *       },
                 *       "pro": {
                 *         "monthly_price": 50,
                 *         "included_units": 1000000,
                 *         "requests_per_hour": 10000,
                 *         "burst": 500
                 *       },
                 *       "enterprise": {
                 *         "monthly_price": 500,
                 *         "included_units": 20000000,
                 *         "requests_per_hour": 100000,
                 *         "burst": 2000
                 *       }
                 *     }
                 */
                tiers: {
                    [key: string]: {
                        monthly_price: number;
                        included_units: number;
                        requests_per_hour: number;
                        burst: number;
                    };
                };
                /** @default false */
                anonymous_routing: boolean;
                /**
                 * @default {
                 *       "max_rate": 200,
                 *       "max_duration_ms": 60000,
                 *       "max_concurrency": 32
                 *     }
                 */
                load_test: {
                    max_rate: number;
                    max_duration_ms: number;
                    max_concurrency: number;
                };
                /** @default 0 */
                tax_rate: number;
                /** @default 30 */
                invoice_due_days: number;
                /** @default 3600000 */
                rate_limit_window_ms: number;
                /** @default false */
                rate_limit_anonymous: boolean;
                /** @default 4 */
                telemetry_receive_budget: number;
            };
            mutable: string[];
        };
        NetworkStatusResponse: {
            network_id: string;
            genesis_hash: string;
            peer_id: string;
            total_peers: number;
            connected_peers: number;
            peers_by_state: {
                healthy: number;
                suspect: number;
                down: number;
                left: number;
            };
            network_health: number | null;
            average_latency_ms: number | null;
            regions: {
                [key: string]: number;
            };
            listen_addresses: string[];
            gossip: {
                topic: string;
                mesh_peers: number;
                subscribers: number;
            }[];
            refused_peers: number;
            membership: {
                incarnation: number;
                local_health: number;
                publication_interval_ms: number;
                left: boolean;
            } | null;
        };
        PeersResponse: {
            peers: components["schemas"]["PeerView"][];
            total: number;
        };
        MetricSeriesResponse: {
            peer_id: string;
            /** @enum {string} */
            source: "self" | "gossip";
            start: string;
            end: string;
            interval_ms: number;
            samples: number;
            held: {
                samples: number;
                capacity: number;
                from: string | null;
                to: string | null;
            };
            metrics: ("cpu" | "memory" | "rss_bytes" | "event_loop_delay_p99_ms" | "active_requests" | "request_rate" | "error_rate")[];
            buckets: {
                start: string;
                end: string;
                samples: number;
                values: {
                    cpu: {
                        mean: number;
                        max: number;
                    } | null;
                    memory: {
                        mean: number;
                        max: number;
                    } | null;
                    rss_bytes: {
                        mean: number;
                        max: number;
                    } | null;
                    event_loop_delay_p99_ms: {
                        mean: number;
                        max: number;
                    } | null;
                    active_requests: {
                        mean: number;
                        max: number;
                    } | null;
                    request_rate: {
                        mean: number;
                        max: number;
                    } | null;
                    error_rate: {
                        mean: number;
                        max: number;
                    } | null;
                };
            }[];
        };
        MembersResponse: {
            open_membership: boolean;
            members: components["schemas"]["MemberView"][];
            total: number;
            revoked: components["schemas"]["RevocationView"][];
        };
        MemberAdmittedResponse: {
            admitted: string;
            record_id: string;
            by: string;
            at: components["schemas"]["Time"];
        };
        MemberRevokedResponse: {
            revoked: string;
            record_id: string;
            by: string;
            at: components["schemas"]["Time"];
            through_seq: number;
        };
        NetworkLeaveResponse: {
            /** @constant */
            status: "left";
            peer_id: string;
            incarnation: number;
            left_at: string;
        };
        DiagnosticsResponse: {
            /** @constant */
            test_type: "ping";
            peer_id: string;
            sent: number;
            received: number;
            loss: number;
            rtt_ms: (number | null)[];
            min_ms: number | null;
            avg_ms: number | null;
            max_ms: number | null;
            errors: string[];
        };
        ServicesResponse: {
            services: {
                name: string;
                local: {
                    url: string;
                    capacity: number;
                    healthy: boolean;
                    last_error: string | null;
                } | null;
                peers: {
                    peer_id: string;
                    /** @enum {string} */
                    status: "healthy" | "suspect" | "down" | "left";
                    capacity: number;
                    load: {
                        cpu_usage: number;
                        active_requests: number;
                    };
                    api_url: string | null;
                }[];
            }[];
        };
        LoadBalancerStatusResponse: {
            /** @enum {string} */
            strategy: "round_robin" | "weighted_round_robin" | "least_connections" | "adaptive";
            weights: {
                [key: string]: number;
            };
            total_in_flight: number;
            retry_budget: {
                requests: number;
                retries: number;
                in_flight: number;
                ratio: number;
            };
            services: {
                name: string;
                available_peers: number;
            }[];
            peers: {
                peer_id: string;
                in_flight: number;
                latency_ewma_ms: number | null;
                selections: number;
                errors: number;
                drained: boolean;
            }[];
        };
        SelectResponse: {
            service: string;
            /** @enum {string} */
            strategy: "round_robin" | "weighted_round_robin" | "least_connections" | "adaptive";
            peer_id: string;
            selected_node: string;
            node_info: {
                cpu_usage: number;
                active_requests: number;
                in_flight: number;
                capacity: number;
                latency_ewma_ms: number | null;
                cost: number | null;
            };
            selection_reason: string;
        };
        LoadBalancerConfigResponse: {
            /** @enum {string} */
            strategy: "round_robin" | "weighted_round_robin" | "least_connections" | "adaptive";
            weights: {
                [key: string]: number;
            };
            strategies: ("round_robin" | "weighted_round_robin" | "least_connections" | "adaptive")[];
        };
        FailoverStatusResponse: {
            /** @constant */
            strategy: "circuit_breaker";
            total_nodes: number;
            healthy_nodes: number;
            suspect_nodes: number;
            down_nodes: number;
            left_nodes: number;
            failed_nodes: number;
            circuit_breakers: {
                closed: number;
                open: number;
                half_open: number;
            };
            drained_nodes: {
                peer_id: string;
                node_id: string;
                reason: string;
                force: boolean;
                since: components["schemas"]["Time"];
            }[];
            recent_failures: {
                peer_id: string;
                node_id: string;
                service: string;
                failure_time: components["schemas"]["Time"];
                error: string;
            }[];
        };
        FailoverNodesResponse: {
            nodes: {
                peer_id: string;
                node_id: string;
                status: ("healthy" | "suspect" | "down" | "left") | "drained";
                response_time_ms: number | null;
                rtt_ms: number | null;
                uptime_seconds: number;
                circuit_breakers: {
                    service: string;
                    /** @enum {string} */
                    state: "closed" | "open" | "half_open";
                    failure_rate: number;
                    trips: number;
                }[];
            }[];
        };
        DrainResponse: {
            peer_id: string;
            node_id: string;
            /** @constant */
            drained: true;
            reason: string;
            force: boolean;
            since: components["schemas"]["Time"];
        };
        UndrainResponse: {
            peer_id: string;
            node_id: string;
            /** @constant */
            drained: false;
        };
        UsageAppendResponse: {
            records: {
                id: string;
                author: string;
                seq: number;
                duplicate: boolean;
            }[];
        };
        UsageResponse: {
            records: {
                id: string;
                user_id: string;
                resource_type: string;
                amount: number;
                unit: string;
                timestamp: components["schemas"]["Time"];
                metadata: {
                    [key: string]: string | number | boolean | null;
                };
            }[];
            next_cursor: string | null;
        };
        BillingOverviewResponse: {
            records: number;
            users: number;
            totals_by_resource: {
                resource_type: string;
                amount: number;
                unit: string;
                records: number;
            }[];
            revenue: {
                currency: string;
                total: number;
            };
            replication: {
                authors: number;
                lagging_authors: number;
                max_lag_entries: number;
                forks: number;
            };
        };
        InvoiceListResponse: {
            invoices: {
                id: string;
                tenant_id: string;
                period: string;
                period_start: string;
                period_end: string;
                /** @enum {string} */
                status: "draft" | "issued" | "paid" | "overdue";
                currency: string;
                subscription_items: {
                    tier: string;
                    from: string;
                    to: string;
                    seconds: number;
                    period_seconds: number;
                    monthly_price: number | null;
                    total: number;
                    included_units: number;
                    priced: boolean;
                }[];
                line_items: {
                    resource_type: string;
                    quantity: number;
                    included: number;
                    unit: string;
                    unit_price: number | null;
                    total: number;
                    records: number;
                    priced: boolean;
                }[];
                subtotal: number;
                tax_rate: number;
                tax: number;
                total: number;
                amount_paid: number;
                balance: number;
                payments: {
                    payment_id: string;
                    amount: number;
                    method: string;
                    reference: string;
                    recorded_at: string;
                    recorded_by: string;
                }[];
                records: number;
                unpriced_records: number;
                issued_at: string | null;
                due_at: string;
                paid_at: string | null;
            }[];
            total: number;
            limit: number;
            offset: number;
        };
        InvoiceResponse: {
            invoice: {
                id: string;
                tenant_id: string;
                period: string;
                period_start: string;
                period_end: string;
                /** @enum {string} */
                status: "draft" | "issued" | "paid" | "overdue";
                currency: string;
                subscription_items: {
                    tier: string;
                    from: string;
                    to: string;
                    seconds: number;
                    period_seconds: number;
                    monthly_price: number | null;
                    total: number;
                    included_units: number;
                    priced: boolean;
                }[];
                line_items: {
                    resource_type: string;
                    quantity: number;
                    included: number;
                    unit: string;
                    unit_price: number | null;
                    total: number;
                    records: number;
                    priced: boolean;
                }[];
                subtotal: number;
                tax_rate: number;
                tax: number;
                total: number;
                amount_paid: number;
                balance: number;
                payments: {
                    payment_id: string;
                    amount: number;
                    method: string;
                    reference: string;
                    recorded_at: string;
                    recorded_by: string;
                }[];
                records: number;
                unpriced_records: number;
                issued_at: string | null;
                due_at: string;
                paid_at: string | null;
            };
        };
        PaymentResponse: {
            payment: {
                payment_id: string;
                invoice_id: string;
                amount: number;
                payment_method: {
                    type: string;
                    reference: string;
                };
                recorded_at: string;
                recorded_by: string;
                record_id: string;
            };
            duplicate: boolean;
            invoice: {
                id: string;
                tenant_id: string;
                period: string;
                period_start: string;
                period_end: string;
                /** @enum {string} */
                status: "draft" | "issued" | "paid" | "overdue";
                currency: string;
                subscription_items: {
                    tier: string;
                    from: string;
                    to: string;
                    seconds: number;
                    period_seconds: number;
                    monthly_price: number | null;
                    total: number;
                    included_units: number;
                    priced: boolean;
                }[];
                line_items: {
                    resource_type: string;
                    quantity: number;
                    included: number;
                    unit: string;
                    unit_price: number | null;
                    total: number;
                    records: number;
                    priced: boolean;
                }[];
                subtotal: number;
                tax_rate: number;
                tax: number;
                total: number;
                amount_paid: number;
                balance: number;
                payments: {
                    payment_id: string;
                    amount: number;
                    method: string;
                    reference: string;
                    recorded_at: string;
                    recorded_by: string;
                }[];
                records: number;
                unpriced_records: number;
                issued_at: string | null;
                due_at: string;
                paid_at: string | null;
            };
        };
        PaymentListResponse: {
            payments: {
                payment_id: string;
                invoice_id: string;
                amount: number;
                payment_method: {
                    type: string;
                    reference: string;
                };
                recorded_at: string;
                recorded_by: string;
                record_id: string;
            }[];
            conflicts: {
                payment_id: string;
                counted: string;
                ignored: string[];
            }[];
        };
        BillingLogResponse: {
            authors: {
                author: string;
                held_seq: number;
                held_hash: string | null;
                gap: {
                    from_seq: number;
                    to_seq: number;
                    anchor_hash: string;
                    records: number;
                } | null;
                announced_seq: number;
                lag: number;
                forks: {
                    seq: number;
                    hashes: string[];
                    detected_at: components["schemas"]["Time"];
                }[];
            }[];
            forks: number;
            corrupt: {
                author: string;
                seq: number;
                fault: string;
            }[];
            conflicts: number;
            conflicting_keys: {
                id: string;
                copies: {
                    digest: string;
                    user_id: string;
                    resource_type: string;
                    amount: number;
                    unit: string;
                    timestamp: components["schemas"]["Time"];
                    positions: {
                        author: string;
                        seq: number;
                    }[];
                }[];
            }[];
            uncounted_records: {
                id: string;
                author: string;
                seq: number;
                reason: string;
            }[];
            own_head: {
                /** @enum {string} */
                state: "confirming" | "confirmed" | "alone";
                answered_by: string[];
                held_seq_at_start: number;
                head_file: {
                    seq: number;
                    hash: string;
                    records: number;
                } | null;
                head_file_fault: string | null;
                finished_at: components["schemas"]["Time"] | null;
            };
            database: {
                dropped_at_open: {
                    file: string;
                    bytes: number;
                    reason: string;
                }[];
                repaired: {
                    reason: string;
                    notes: string[];
                } | null;
            };
            losses: {
                author: string;
                kind: string;
                from_seq: number;
                to_seq: number;
                entries: number;
                records: number | null;
                detected_at: components["schemas"]["Time"];
                recovered: {
                    to_seq: number;
                    entries: number;
                    records: number;
                    from: string[];
                };
                still_lost_entries: number;
            }[];
        };
        SubscriptionResponse: {
            id: string;
            tenant_id: string;
            tier: string;
            /** @enum {string} */
            status: "active" | "suspended" | "cancelled";
            /** @enum {string} */
            billing_cycle: "monthly" | "yearly";
            price: number | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            cancelled_at: string | null;
            periods: {
                tier: string;
                /** Format: date-time */
                from: string;
                to: string | null;
                /** @enum {string} */
                status: "active" | "suspended" | "cancelled";
            }[];
        };
        SubscriptionListResponse: {
            subscriptions: components["schemas"]["SubscriptionResponse"][];
            total: number;
            offset: number;
            limit: number;
        };
        AnalyticsUsageResponse: {
            metric: string;
            unit: string;
            tenant: string | null;
            period: string;
            /** @enum {string} */
            granularity: "hour" | "day" | "week";
            from: string;
            to: string;
            data: {
                timestamp: string;
                value: number;
                records: number;
            }[];
            total: {
                value: number;
                records: number;
            };
        };
        AnalyticsBusinessResponse: {
            period: {
                period: string;
                from: string;
                to: string;
            };
            previous_period: {
                period: string;
                from: string;
                to: string;
            };
            currency: string;
            revenue: {
                invoiced: number;
                collected: number;
                previous_invoiced: number;
                growth: number | null;
            };
            tenants: {
                active: number;
                previous_active: number;
                growth: number | null;
            };
            churn: {
                cancelled: number;
                active_at_start: number;
                rate: number | null;
            };
            history: {
                period: string;
                from: string;
                to: string;
                invoiced: number;
                collected: number;
                active_tenants: number;
            }[];
        };
        TenantCreateResponse: {
            id: string;
            name: string;
            /** @enum {string} */
            status: "active" | "suspended" | "deleted";
            metadata: {
                [key: string]: string;
            };
            tier: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            created_by: string;
            subscription: components["schemas"]["SubscriptionResponse"];
        };
        TenantListResponse: {
            tenants: components["schemas"]["TenantResponse"][];
            total: number;
            offset: number;
            limit: number;
        };
        TenantDetailResponse: {
            id: string;
            name: string;
            /** @enum {string} */
            status: "active" | "suspended" | "deleted";
            metadata: {
                [key: string]: string;
            };
            tier: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            created_by: string;
            subscription: components["schemas"]["SubscriptionResponse"] | null;
            usage: {
                period: string;
                by_resource: {
                    resource_type: string;
                    amount: number;
                    unit: string;
                    records: number;
                }[];
            };
            keys: components["schemas"]["ApiKeyResponse"][];
        };
        TenantResponse: {
            id: string;
            name: string;
            /** @enum {string} */
            status: "active" | "suspended" | "deleted";
            metadata: {
                [key: string]: string;
            };
            tier: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            created_by: string;
        };
        KeyListResponse: {
            keys: components["schemas"]["ApiKeyResponse"][];
        };
        KeyCreateResponse: {
            id: string;
            tenant_id: string;
            label: string | null;
            /** @enum {string} */
            status: "active" | "revoked" | "expired";
            /** Format: date-time */
            created_at: string;
            expires_at: string | null;
            created_by: string;
            revoked_at: string | null;
            revoked_by: string | null;
            /** Format: starts_with */
            key: string;
        };
        ApiKeyResponse: {
            id: string;
            tenant_id: string;
            label: string | null;
            /** @enum {string} */
            status: "active" | "revoked" | "expired";
            /** Format: date-time */
            created_at: string;
            expires_at: string | null;
            created_by: string;
            revoked_at: string | null;
            revoked_by: string | null;
        };
        GovernanceOverviewResponse: {
            active_proposals: number;
            proposals: number;
            operators: number;
            total_weight: number;
            bootstrap_operators: string[];
            voting_power_distribution: {
                [key: string]: number;
            };
        };
        ProposalsResponse: {
            proposals: components["schemas"]["ProposalSummary"][];
            total: number;
            offset: number;
            limit: number;
        };
        ProposalResponse: {
            id: string;
            title: string;
            description: string;
            /** @enum {string} */
            type: "param_change" | "operator_add" | "operator_remove" | "operator_weight" | "text";
            change: {
                /** @constant */
                type: "param_change";
                params: {
                    [key: string]: unknown;
                };
            } | {
                /** @constant */
                type: "operator_add";
                peer_id: string;
                weight: number;
                name: string;
            } | {
                /** @constant */
                type: "operator_remove";
                peer_id: string;
            } | {
                /** @constant */
                type: "operator_weight";
                peer_id: string;
                weight: number;
            } | {
                /** @constant */
                type: "text";
            };
            proposer: string;
            /** @enum {string} */
            status: "voting" | "tallying" | "passed" | "rejected" | "rejected_veto" | "failed_quorum";
            created_at: components["schemas"]["Time"];
            voting_ends_at: components["schemas"]["Time"];
            activates_at: components["schemas"]["Time"];
            rules: {
                quorum: number;
                threshold: number;
                veto: number;
            };
            tally: {
                yes: number;
                no: number;
                abstain: number;
                veto: number;
                total_weight: number;
                voted_weight: number;
                turnout: number;
                voters: number;
                /** @enum {string} */
                outcome: "passed" | "rejected" | "rejected_veto" | "failed_quorum";
                counted_hash: string;
            };
            resulting_params?: {
                [key: string]: unknown;
            };
            weights: {
                [key: string]: number;
            };
            certified: {
                by: string;
                /** @enum {string} */
                outcome: "passed" | "rejected" | "rejected_veto" | "failed_quorum";
                counted_hash: string;
            } | null;
            certificates: {
                id: string;
                certifier: string;
                /** @enum {string} */
                outcome: "passed" | "rejected" | "rejected_veto" | "failed_quorum";
                counted_hash: string;
                votes: number;
                time: components["schemas"]["Time"];
            }[];
            missing_votes: number;
        };
        VoteResponse: {
            id: string;
            proposal_id: string;
            voter: string;
            /** @enum {string} */
            vote: "yes" | "no" | "abstain" | "veto";
        };
        OperatorsResponse: {
            operators: {
                peer_id: string;
                name: string;
                weight: number;
                online: boolean;
                /** @enum {string} */
                bootstrap_role: "elected" | "none";
            }[];
        };
        ParamsResponse: {
            current: {
                /** @default 10 */
                gossip_ip_colocation_threshold: number;
                /** @default 30000 */
                max_clock_skew_ms: number;
                /**
                 * @default {
                 *       "request": {
                 *         "unit": "request",
                 *         "unit_price": 0.0001
                 *       },
                 *       "storage": {
                 *         "unit": "GB",
                 *         "unit_price": 0.02
                 *       },
                 *       "bandwidth": {
                 *         "unit": "GB",
                 *         "unit_price": 0.01
                 *       }
                 *     }
                 */
                price_list: {
                    [key: string]: {
                        unit: string;
                        unit_price: number;
                    };
                };
                /** @default USD */
                currency: string;
                /** @default 0.334 */
                quorum: number;
                /** @default 0.5 */
                threshold: number;
                /** @default 0.334 */
                veto: number;
                /** @default 10000 */
                min_voting_period_ms: number;
                /** @default 1209600000 */
                max_voting_period_ms: number;
                /** @default 5000 */
                activation_delay_ms: number;
                /** @default 5000 */
                certification_grace_ms: number;
                /** @default 60000 */
                epoch_ms: number;
                /** @default 3 */
                bootstrap_operator_count: number;
                open_membership?: boolean;
                /**
                 * @default {
                 *       "free": {
                 *         "monthly_price": 0,
                 *         "included_units": 1000,
                 *         "requests_per_hour": 100,
                 *         "burst": 20
                 *       },
                 *       "basic": {
                 *         "monthly_price": 10,
                 *         "included_units": 50000,
                 *         "requests_per_hour": 1000,
                 *         "burst": 100
                 *       },
                 *       "pro": {
                 *         "monthly_price": 50,
                 *         "included_units": 1000000,
                 *         "requests_per_hour": 10000,
                 *         "burst": 500
                 *       },
                 *       "enterprise": {
                 *         "monthly_price": 500,
                 *         "included_units": 20000000,
                 *         "requests_per_hour": 100000,
                 *         "burst": 2000
                 *       }
                 *     }
                 */
                tiers: {
                    [key: string]: {
                        monthly_price: number;
                        included_units: number;
                        requests_per_hour: number;
                        burst: number;
                    };
                };
                /** @default false */
                anonymous_routing: boolean;
                /**
                 * @default {
                 *       "max_rate": 200,
                 *       "max_duration_ms": 60000,
                 *       "max_concurrency": 32
                 *     }
                 */
                load_test: {
                    max_rate: number;
                    max_duration_ms: number;
                    max_concurrency: number;
                };
                /** @default 0 */
                tax_rate: number;
                /** @default 30 */
                invoice_due_days: number;
                /** @default 3600000 */
                rate_limit_window_ms: number;
                /** @default false */
                rate_limit_anonymous: boolean;
                /** @default 4 */
                telemetry_receive_budget: number;
            };
            pending: {
                proposal_id: string;
                change: {
                    /** @constant */
                    type: "param_change";
                    params: {
                        [key: string]: unknown;
                    };
                } | {
                    /** @constant */
                    type: "operator_add";
                    peer_id: string;
                    weight: number;
                    name: string;
                } | {
                    /** @constant */
                    type: "operator_remove";
                    peer_id: string;
                } | {
                    /** @constant */
                    type: "operator_weight";
                    peer_id: string;
                    weight: number;
                } | {
                    /** @constant */
                    type: "text";
                };
                activates_at: components["schemas"]["Time"];
            }[];
        };
        ElectionStatusResponse: {
            epoch: number;
            epoch_ms: number;
            epoch_started_at: components["schemas"]["Time"];
            next_boundary: components["schemas"]["Time"];
            seats: number;
            elected: string[];
            candidates: {
                peer_id: string;
                score: number;
                elected: boolean;
            }[];
            seed: string;
        };
        EndorseResponse: {
            id: string;
            endorser: string;
            candidate: string;
            withdrawn: boolean;
        };
        PerformanceStatusResponse: {
            peer_id: string;
            /** @enum {string} */
            window: "1m" | "5m" | "15m" | "1h";
            measured_at: string;
            figures: {
                cpu: {
                    current: number;
                    mean: number;
                    max: number;
                    samples: number;
                    window_seconds: number;
                };
                memory: {
                    current: number;
                    mean: number;
                    max: number;
                    samples: number;
                    window_seconds: number;
                };
                rss_bytes: {
                    current: number;
                    mean: number;
                    max: number;
                    samples: number;
                    window_seconds: number;
                };
                event_loop_delay_p99_ms: {
                    current: number;
                    mean: number;
                    max: number;
                    samples: number;
                    window_seconds: number;
                };
                active_requests: {
                    current: number;
                    mean: number;
                    max: number;
                    samples: number;
                    window_seconds: number;
                };
                request_rate: {
                    current: number;
                    mean: number;
                    max: number;
                    samples: number;
                    window_seconds: number;
                };
                error_rate: {
                    current: number;
                    mean: number;
                    max: number;
                    samples: number;
                    window_seconds: number;
                };
            } | null;
            peers: {
                healthy: number;
                suspect: number;
                down: number;
                left: number;
            };
            breakers: {
                open: number;
                half_open: number;
                closed: number;
            };
        };
        PredictionsResponse: {
            /** @constant */
            method: "holt_linear_trend";
            horizon_ms: number;
            for: string;
            confidence_method: string;
            predictions: {
                /** @enum {string} */
                metric: "cpu" | "memory" | "rss_bytes" | "event_loop_delay_p99_ms" | "active_requests" | "request_rate" | "error_rate";
                history: {
                    step_ms: number;
                    points: number;
                    from: string | null;
                    to: string | null;
                };
                forecast: {
                    value: number;
                    low: number;
                    high: number;
                    trend_per_hour: number;
                    confidence: number;
                    backtest: {
                        steps: number;
                        origins: number;
                        mae: number;
                        rmse: number;
                        wape: number;
                    };
                    smoothing: {
                        alpha: number;
                        beta: number;
                    };
                } | null;
                reason?: string;
            }[];
        };
        RecommendationsResponse: {
            measured_at: string;
            window_seconds: number;
            recommendations: {
                id: string;
                /** @enum {string} */
                severity: "info" | "warning" | "critical";
                message: string;
                measurement: {
                    name: string;
                    value: number;
                    threshold: number;
                    window_seconds?: number;
                    samples?: number;
                };
            }[];
        };
        LoadTestAccepted: {
            test_id: string;
            /** @constant */
            status: "running";
            scheduled: number;
            results_url: string;
        };
        LoadTestResult: {
            test_id: string;
            /** @enum {string} */
            status: "running" | "done" | "cancelled";
            config: {
                service: string;
                rate: number;
                duration_ms: number;
                concurrency: number;
                method: string;
                path: string;
            };
            started_at: string;
            ended_at: string | null;
            scheduled: number;
            sent: number;
            skipped: number;
            requests: number;
            errors: number;
            errors_by_status: {
                [key: string]: number;
            };
            latency_ms: {
                p50: number;
                p95: number;
                p99: number;
                max: number;
                mean: number;
            } | null;
            achieved_rate: number;
            peers: {
                [key: string]: {
                    requests: number;
                    share: number;
                };
            };
            unrouted: number;
        };
        AlertRuleListResponse: {
            rules: components["schemas"]["AlertRuleResponse"][];
            metrics: {
                [key: string]: string;
            };
            evaluation_interval_seconds: number;
        };
        AlertRuleResponse: {
            id: string;
            name: string;
            condition: string;
            for_seconds: number;
            /** @enum {string} */
            severity: "info" | "warning" | "critical";
            channels: ("events" | "log")[];
            built_in: boolean;
            /** Format: date-time */
            created_at: string;
            /** @enum {string} */
            state: "inactive" | "pending" | "firing";
            active_since: string | null;
        };
        AlertRuleDeleteResponse: {
            deleted: components["schemas"]["AlertRuleResponse"];
        };
        AlertHistoryResponse: {
            firings: {
                id: string;
                rule_id: string;
                rule_name: string;
                /** @enum {string} */
                severity: "info" | "warning" | "critical";
                condition: string;
                /** @enum {string} */
                state: "firing" | "resolved";
                /** Format: date-time */
                triggered_at: string;
                resolved_at: string | null;
                value: number | null;
                values: {
                    [key: string]: number;
                };
            }[];
        };
        SecurityAuditResponse: {
            entries: {
                id: string;
                /** Format: date-time */
                time: string;
                actor: string;
                /** @enum {string} */
                action: "create" | "update" | "delete" | "auth_failed";
                method: string;
                path: string;
                status: number;
                source_address: string;
                request_id: string;
            }[];
            next_cursor: string | null;
            retention_days: number;
        };
        SecurityStatusResponse: {
            authentication: {
                failed: {
                    last_1m: number;
                    last_15m: number;
                    last_1h: number;
                    total: number;
                };
                refused_requests: number;
                throttled_addresses: {
                    address: string;
                    failures: number;
                    /** @enum {string} */
                    state: "slowed" | "refused";
                    refused_until: string | null;
                }[];
                policy: {
                    window_seconds: number;
                    free_failures: number;
                    delay_base_ms: number;
                    delay_max_ms: number;
                    refuse_after_failures: number;
                    refuse_seconds: number;
                };
            };
            peers: {
                refused_total: number;
                refused_by_reason: {
                    [key: string]: number;
                };
                refused_now: {
                    peer_id: string;
                    reason: string;
                    /** Format: date-time */
                    until: string;
                }[];
            };
            rejected: {
                gossip_messages: {
                    topic: string;
                    reason: string;
                    count: number;
                }[];
                billing_batches_forged_or_malformed: number;
                billing_batches_from_non_members: number;
                stream_requests: {
                    protocol: string;
                    reason: string;
                    count: number;
                }[];
            };
            requests: {
                rate_limited: {
                    total: number;
                    by_reason: {
                        limit: number;
                        share: number;
                    };
                };
                key_refusals: {
                    total: number;
                    by_reason: {
                        missing_key: number;
                        invalid_key: number;
                        revoked_key: number;
                        expired_key: number;
                        unknown_tenant: number;
                        tenant_suspended: number;
                        subscription_suspended: number;
                    };
                };
            };
            audit: {
                entries_recorded_since_start: number;
            };
        };
        WebhookResponse: {
            id: string;
            url: string;
            events: ("tenant.created" | "tenant.updated" | "tenant.suspended" | "tenant.resumed" | "tenant.deleted" | "key.created" | "key.revoked" | "subscription.created" | "subscription.tier_changed" | "subscription.cancelled" | "subscription.suspended" | "subscription.resumed" | "invoice.issued" | "payment.success" | "payment.failed" | "alert.triggered" | "alert.resolved" | "peer.down" | "peer.up" | "breaker.opened" | "proposal.created" | "proposal.voted" | "proposal.passed" | "proposal.rejected" | "election.changed" | "*")[];
            /** Format: date-time */
            created_at: string;
        };
        WebhookListResponse: {
            webhooks: components["schemas"]["WebhookResponse"][];
        };
        WebhookDeliveryListResponse: {
            deliveries: components["schemas"]["WebhookDeliveryResponse"][];
        };
        WebhookDeliveryResponse: {
            id: string;
            webhook_id: string;
            event_id: string;
            /** @enum {string} */
            event_type: "tenant.created" | "tenant.updated" | "tenant.suspended" | "tenant.resumed" | "tenant.deleted" | "key.created" | "key.revoked" | "subscription.created" | "subscription.tier_changed" | "subscription.cancelled" | "subscription.suspended" | "subscription.resumed" | "invoice.issued" | "payment.success" | "payment.failed" | "alert.triggered" | "alert.resolved" | "peer.down" | "peer.up" | "breaker.opened" | "proposal.created" | "proposal.voted" | "proposal.passed" | "proposal.rejected" | "election.changed" | "*";
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
            attempts: number;
            last_error: string | null;
            response_code: number | null;
            /** Format: date-time */
            created_at: string;
            next_attempt_at: string | null;
            delivered_at: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description HealthResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ReadinessResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadinessResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description ReadinessResponse */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadinessResponse"];
                };
            };
        };
    };
    prometheusMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    systemStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SystemStatusResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SystemStatusResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    systemMetrics: {
        parameters: {
            query?: {
                period?: "1m" | "5m" | "15m" | "1h";
                start?: string;
                end?: string;
                interval?: number | string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SystemMetricsResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SystemMetricsResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    reload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SystemReloadResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SystemReloadResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    shutdown: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["SystemShutdownRequest"];
            };
        };
        responses: {
            /** @description SystemShutdownResponse */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SystemShutdownResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    systemConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SystemConfigResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SystemConfigResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    updateSystemConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SystemConfigChange"];
            };
        };
        responses: {
            /** @description SystemConfigResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SystemConfigResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    events: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    networkStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description NetworkStatusResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NetworkStatusResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    networkPeers: {
        parameters: {
            query?: {
                state?: "healthy" | "suspect" | "down" | "left";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description PeersResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PeersResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    peerMetrics: {
        parameters: {
            query?: {
                start?: string;
                end?: string;
                interval?: number | string;
            };
            header?: never;
            path: {
                peerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description MetricSeriesResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MetricSeriesResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    networkMembers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description MembersResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MembersResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    admitMember: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MemberRequest"];
            };
        };
        responses: {
            /** @description MemberAdmittedResponse */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberAdmittedResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    revokeMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                peerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description MemberRevokedResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberRevokedResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    networkLeave: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description NetworkLeaveResponse */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NetworkLeaveResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    networkDiagnostics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DiagnosticsRequest"];
            };
        };
        responses: {
            /** @description DiagnosticsResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DiagnosticsResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    services: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ServicesResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServicesResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    loadBalancerStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description LoadBalancerStatusResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoadBalancerStatusResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    selectNode: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SelectRequest"];
            };
        };
        responses: {
            /** @description SelectResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SelectResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    loadBalancerConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description LoadBalancerConfigResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoadBalancerConfigResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    updateLoadBalancerConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoadBalancerConfigChange"];
            };
        };
        responses: {
            /** @description LoadBalancerConfigResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoadBalancerConfigResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    failoverStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description FailoverStatusResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailoverStatusResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    failoverNodes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description FailoverNodesResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailoverNodesResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    drainPeer: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DrainRequest"];
            };
        };
        responses: {
            /** @description DrainResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DrainResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    undrainPeer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description UndrainResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UndrainResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    routeGet: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                service: string;
                /** @description The path below, slashes included */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The upstream's answer, whatever its status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "*/*": string;
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The upstream failed */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Timed out */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    routePut: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                service: string;
                /** @description The path below, slashes included */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The upstream's answer, whatever its status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "*/*": string;
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The upstream failed */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Timed out */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    routePost: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                service: string;
                /** @description The path below, slashes included */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The upstream's answer, whatever its status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "*/*": string;
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The upstream failed */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Timed out */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    routeDelete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                service: string;
                /** @description The path below, slashes included */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The upstream's answer, whatever its status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "*/*": string;
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The upstream failed */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Timed out */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    routePatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                service: string;
                /** @description The path below, slashes included */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The upstream's answer, whatever its status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "*/*": string;
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The upstream failed */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Timed out */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    usage: {
        parameters: {
            query?: {
                user_id?: string;
                resource_type?: string;
                from?: string;
                to?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description UsageResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsageResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    appendUsage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UsageAppendRequest"];
            };
        };
        responses: {
            /** @description UsageAppendResponse */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsageAppendResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    billingOverview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description BillingOverviewResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingOverviewResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    invoices: {
        parameters: {
            query?: {
                tenant?: string;
                status?: "draft" | "issued" | "paid" | "overdue";
                period?: string;
                date_from?: string;
                date_to?: string;
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description InvoiceListResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvoiceListResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    invoice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description InvoiceResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvoiceResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    payments: {
        parameters: {
            query?: {
                invoice_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description PaymentListResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentListResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    recordPayment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PaymentCreateRequest"];
            };
        };
        responses: {
            /** @description PaymentResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentResponse"];
                };
            };
            /** @description PaymentResponse */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    billingLog: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description BillingLogResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingLogResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    subscriptions: {
        parameters: {
            query?: {
                status?: "active" | "suspended" | "cancelled";
                tier?: string;
                tenant_id?: string;
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SubscriptionListResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionListResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createSubscription: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SubscriptionCreateRequest"];
            };
        };
        responses: {
            /** @description SubscriptionResponse */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    subscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SubscriptionResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    changeTier: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SubscriptionUpdateRequest"];
            };
        };
        responses: {
            /** @description SubscriptionResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    cancelSubscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SubscriptionResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    suspendSubscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SubscriptionResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    resumeSubscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SubscriptionResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    analyticsUsage: {
        parameters: {
            query?: {
                metric?: string;
                unit?: string;
                period?: string;
                granularity?: "hour" | "day" | "week";
                tenant?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description AnalyticsUsageResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsUsageResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    analyticsBusiness: {
        parameters: {
            query?: {
                period?: string;
                months?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description AnalyticsBusinessResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AnalyticsBusinessResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    tenants: {
        parameters: {
            query?: {
                status?: "active" | "suspended";
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description TenantListResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantListResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createTenant: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TenantCreateRequest"];
            };
        };
        responses: {
            /** @description TenantCreateResponse */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantCreateResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    tenant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description TenantDetailResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantDetailResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteTenant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description TenantResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    updateTenant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TenantUpdateRequest"];
            };
        };
        responses: {
            /** @description TenantResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    suspendTenant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description TenantResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    resumeTenant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description TenantResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    tenantKeys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description KeyListResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyListResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["KeyCreateRequest"];
            };
        };
        responses: {
            /** @description KeyCreateResponse */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyCreateResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    revokeKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ApiKeyResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    governanceOverview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description GovernanceOverviewResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GovernanceOverviewResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    proposals: {
        parameters: {
            query?: {
                status?: "voting" | "tallying" | "passed" | "rejected" | "rejected_veto" | "failed_quorum";
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ProposalsResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProposalsResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    propose: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProposalRequest"];
            };
        };
        responses: {
            /** @description ProposalResponse */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProposalResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    proposal: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ProposalResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProposalResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    vote: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VoteRequest"];
            };
        };
        responses: {
            /** @description VoteResponse */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VoteResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    operators: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OperatorsResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperatorsResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    params: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ParamsResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ParamsResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    electionStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ElectionStatusResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ElectionStatusResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    endorse: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EndorseRequest"];
            };
        };
        responses: {
            /** @description EndorseResponse */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EndorseResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    performanceStatus: {
        parameters: {
            query?: {
                window?: "1m" | "5m" | "15m" | "1h";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description PerformanceStatusResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PerformanceStatusResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    predictions: {
        parameters: {
            query?: {
                horizon?: number | string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description PredictionsResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PredictionsResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    recommendations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description RecommendationsResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecommendationsResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    startLoadTest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoadTestRequest"];
            };
        };
        responses: {
            /** @description LoadTestAccepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoadTestAccepted"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    loadTestResult: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description LoadTestResult */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoadTestResult"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    alertRules: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description AlertRuleListResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertRuleListResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createAlertRule: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AlertRuleCreateRequest"];
            };
        };
        responses: {
            /** @description AlertRuleResponse */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertRuleResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Conflicts with the state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteAlertRule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description AlertRuleDeleteResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertRuleDeleteResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    alertHistory: {
        parameters: {
            query?: {
                rule_id?: string;
                state?: "firing" | "resolved";
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description AlertHistoryResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertHistoryResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    securityAudit: {
        parameters: {
            query?: {
                actor?: string;
                action?: "create" | "update" | "delete" | "auth_failed";
                date_from?: string;
                date_to?: string;
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SecurityAuditResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SecurityAuditResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    securityStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description SecurityStatusResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SecurityStatusResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    webSocket: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Switched to the WebSocket protocol */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A WebSocket endpoint: send `Upgrade: websocket` */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    webhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description WebhookListResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookListResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookCreateRequest"];
            };
        };
        responses: {
            /** @description WebhookResponse */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookResponse"];
                };
            };
            /** @description The request is malformed (bad JSON, a cut body) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not JSON */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    webhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description WebhookResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    webhookDeliveries: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description WebhookDeliveryListResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryListResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid: `details.field` names it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    redeliver: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                delivery: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description WebhookDeliveryResponse */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryResponse"];
                };
            };
            /** @description The API token is missing or wrong (`Authorization: Bearer <token>`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    openApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": string;
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The node is starting or stopping, or nothing can serve the request */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    apiReference: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An HTML page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    apiReferenceAsset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                file: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file, a script or a style sheet */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "*/*": string;
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    operatorUi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An HTML page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    operatorUiAsset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                file: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file, a script or a style sheet */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "*/*": string;
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Internal error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
}
