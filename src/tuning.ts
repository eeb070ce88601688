import type { PeerConnectorTuning } from './p2p/peer-connector.ts'
import type { PeerMemoryTuning } from './p2p/peer-memory.ts'
import type { BreakerConfig } from './routing/circuit-breaker.ts'
import type { HealthCheckConfig } from './routing/service-health.ts'
import type { StrategyName } from './routing/strategies.ts'
import type { AuthThrottlePolicy } from './security/auth-throttle.ts'
import type { DetectorConfig } from './telemetry/failure-detector.ts'
import type { MaterialChange } from './telemetry/publication.ts'

/**
 * Every timing and size a node runs with. `DEFAULT_TUNING` holds the values and why each is
 * what it is; the node's config (node/config.ts) overrides the few an operator may set, and
 * the network model (simulations/model/) reads the same object, so that tuning the node
 * tunes the model. Limits both ends of a protocol must agree on are not tuning and stay with
 * their protocol: route frame sizes and header counts (routing/route-protocol.ts), the sync
 * protocols' frame and range bounds (billing/sync-protocol.ts, governance-service.ts,
 * p2p/genesis-exchange.ts), the snapshot size, and the network parameters of the genesis.
 */
export interface Tuning {
  telemetry: {
    /**
     * The shortest interval at which a node gossips its load and health (operator:
     * --telemetry-interval); a larger mesh stretches it to keep within the network's receive
     * budget (network parameter telemetry_receive_budget, see telemetry/publication.ts).
     */
    intervalMs: number
    /** Each publication is this share earlier or later at random, so that nodes do not publish in step. */
    publishJitter: number
    /** A change of load this large is published before the interval ends (rate-limited). */
    materialChange: MaterialChange
    /** How often the failure detector advances and the probe round may start. */
    tickMs: number
    /** How long a probe ping may take before it counts as failed (scaled by local health). */
    probeTimeoutMs: number
    /** SWIM: peers asked to probe a peer that failed a direct probe, before it is accused. */
    indirectProbes: number
    /** How long an indirect probe (the ask and the helper's ping) may take. */
    indirectTimeoutMs: number
    /** Lifeguard: the highest local health score; a node at score s probes (s + 1) times slower, with (s + 1) times the timeouts. */
    maxLocalHealth: number
    /**
     * A leave waits at most this long for each connected peer to acknowledge the goodbye
     * handed to it directly (memberlist's Leave timeout): one that never answers does not hold
     * a graceful stop longer.
     */
    leaveTimeoutMs: number
    /** A (re)joining node receives its peers' snapshots directly at about this many a second (each peer waits a random share of members / rate). */
    helloRate: number
    /** A peer down for this long is forgotten. */
    forgetAfterMs: number
    /** The window of the recent served and failed requests that error_rate is over. */
    errorWindowMs: number
    /** Own load samples kept for /v1/system/metrics. */
    historySamples: number
    /** Gossiped load samples kept per peer for /v1/network/peers/<id>/metrics. */
    peerHistorySamples: number
    /** Peers whose gossiped load is kept; one beyond it is not recorded until another is forgotten. */
    peerHistoryPeers: number
    detector: DetectorConfig
  }
  peers: PeerConnectorTuning & PeerMemoryTuning & {
    /** Connections the node seeks and keeps (operator: --max-peers). */
    maxPeers: number
    /** The libp2p connection cap is twice maxPeers, and never below this. */
    minConnectionCap: number
    /** How long a peer of another network, or a misbehaving one, stays refused. */
    refuseForMs: number
  }
  billing: {
    /** How often a random peer is asked what billing log it holds. */
    antiEntropyMs: number
    /** A node announces its head at most once per this period. */
    announceEveryMs: number
    /** How long a starting node waits for its peers' copies of its own log before it appends alone. */
    confirmOwnHeadMs: number
    /** Routed usage is appended in batches: after this long, or at this many records. */
    usageFlushMs: number
    usageMaxRecords: number
    /** How often invoicing looks for a month that closed (invoice.issued). */
    invoiceTickMs: number
  }
  governance: {
    /** How often the service checks epochs, due certificates and anti-entropy. */
    tickMs: number
    /** How often a random peer is asked what governance objects it holds. */
    antiEntropyMs: number
    /** Bound of one DHT provide or provider query for the bootstrap operators. */
    dhtTimeoutMs: number
    /** Bound of one dial of an elected bootstrap operator. */
    dialTimeoutMs: number
  }
  routing: {
    /** Operator: --strategy. */
    strategy: StrategyName
    /** One routed request, end to end (operator: --request-timeout). */
    requestTimeoutMs: number
    /** Largest routed request body, in and from peers (operator: --max-request-bytes). */
    maxRequestBytes: number
    maxResponseBytes: number
    /** Peers tried for one request, the first included. */
    maxAttempts: number
    /** Retries allowed as a share of requests in the window, with a floor of minConcurrent. */
    retryBudget: { ratio: number, minConcurrent: number, windowMs: number }
    /** Decay time of the per-peer latency EWMA that the adaptive strategy weighs. */
    latencyDecayMs: number
    breaker: BreakerConfig
    /** Routing failures kept for /v1/failover/status. */
    recentFailures: number
    /** Idle route streams kept open per peer for reuse. */
    idleStreamsPerPeer: number
    /** Route streams open at once with one peer, each way; past it the caller tries another peer and the server refuses the stream as busy. */
    maxStreamsPerPeer: number
    /** The caller closes a route stream idle for this long. */
    callerIdleMs: number
    /** The server ends a route stream idle for this long. */
    serverIdleMs: number
    /** A graceful close of an idle route stream waits this long for the peer, then resets it. */
    closeTimeoutMs: number
  }
  rateLimit: {
    /** How often a node gossips its rate-limit counts and saves them. */
    exchangeMs: number
    /** A peer silent this long about a tenant no longer holds a share of its requests. */
    staleAfterMs: number
    /** Tenants per gossip message. */
    maxReportSubjects: number
  }
  webhooks: {
    /** Delivery attempts in flight at once, and to one webhook. */
    concurrency: number
    perWebhook: number
    /** One attempt, from the connection to the answer's status. */
    timeoutMs: number
    /** How often due retries are looked for. */
    pollMs: number
    baseDelayMs: number
    maxDelayMs: number
    maxAgeMs: number
    /** A delivered or failed delivery is listed this long after its event, then deleted. */
    keepMs: number
  }
  streams: {
    /** The largest yamux receive window of one stream. */
    windowBytes: number
  }
  /** Upstream health checks (operator: --health-check). */
  healthCheck: HealthCheckConfig
  operations: {
    /** How often the alert rules are evaluated. */
    alertIntervalMs: number
    /** Firings kept in the alert history. */
    alertHistory: number
    maxAlertRules: number
    /** How long audit entries are kept (operator: --audit-retention). */
    auditRetentionMs: number
    /** Audit entries are written in batches: after this long, or at this many entries. */
    auditFlushMs: number
    auditMaxBatch: number
    /** Failed operator authentications from one address (see security/auth-throttle.ts). */
    authThrottle: AuthThrottlePolicy
    /** A WebSocket client with more than this many bytes unsent is dropped. */
    wsMaxBufferedBytes: number
    /** The server pings each WebSocket client this often; one that missed the last pong is dropped. */
    wsHeartbeatMs: number
  }
}

type DeepReadonly<T> = { readonly [K in keyof T]: T[K] extends object ? DeepReadonly<T[K]> : T[K] }

const CALLER_IDLE_MS = 10_000

export const DEFAULT_TUNING: DeepReadonly<Tuning> = deepFreeze({
  telemetry: {
    // Once a second: a crashed peer is suspect after three silent intervals, so within seconds,
    // at a cost of one small message per node per second.
    intervalMs: 1_000,
    // ±20 %: enough to spread the publications of nodes started together over the interval.
    publishJitter: 0.2,
    // A fifth of a core, or twice (and at least four more) the requests in flight, or a tenth of
    // the requests failing: changes a router should know of before the next interval.
    materialChange: { cpu: 0.2, activeRequestsFactor: 2, activeRequestsMin: 4, errorRate: 0.1 },
    // Twice per default interval, so that a silence is noticed within half an interval.
    tickMs: 500,
    // Well above a loaded LAN's RTT (a slow peer must not fail its probe) and short enough
    // that a direct and an indirect probe fit in little more than one probe interval.
    probeTimeoutMs: 1_000,
    // memberlist's default: three helpers, so one slow or partitioned helper does not accuse.
    indirectProbes: 3,
    indirectTimeoutMs: 1_500,
    // memberlist's AwarenessMaxMultiplier (8): a very slow node probes every 8 s, not never.
    maxLocalHealth: 7,
    // An acknowledgement is one round trip (milliseconds on a LAN); twice the probe timeout
    // covers a loaded peer, and a stop held by a dead one is still short.
    leaveTimeoutMs: 2_000,
    // A thousand small frames a second for a few seconds is a burst a joining node absorbs (a
    // full table of 10,000 peers in about 10 s), and a mesh of 25 hands it over in 25 ms.
    helloRate: 1_000,
    // Ten minutes: long enough for a restarting peer to come back under the same record, short
    // enough that a mesh with churn does not keep every peer it ever saw.
    forgetAfterMs: 10 * 60_000,
    // A minute: recent enough to follow the node, long enough to mean something.
    errorWindowMs: 60_000,
    // One hour of own samples at the default interval.
    historySamples: 3_600,
    // Half an hour at one snapshot a second (longer where load is gossiped less often), in
    // 64 bytes a sample: about 115 KB a peer.
    peerHistorySamples: 1_800,
    // Eight times the peers a node connects to: the whole of a mid-sized mesh, a bounded cost in a larger one.
    peerHistoryPeers: 256,
    detector: {
      // Three missed snapshots: one lost message or a short pause is not a suspicion.
      suspectAfterIntervals: 3,
      // Two failed probes in a row: one can be lost to a busy event loop.
      probeFailuresForDown: 2,
      // A suspicion lasts this long before it can become a verdict, so a peer (or an observer)
      // stalled for a moment is not condemned; and a crash is still `down` within a few seconds.
      suspicionMs: 3_000,
      // Thirty seconds with no sign of life at all is down, even if a connection seems open.
      downAfterMs: 30_000,
      suspicion: {
        // Two probe intervals (times log10 of the mesh's size) at the least: a crash seen by a
        // few nodes is down in about 3 s at N = 25 and 8 s at N = 10,000, where memberlist's 4
        // would take 16 s; an accusation by one node alone lasts three times that, ample for a
        // stalled peer to hear of it and refute.
        mult: 2,
        maxMult: 3,
        // Lifeguard's k: three other accusers bring a suspicion to its least.
        confirmations: 3,
        // memberlist's LAN default: each node probes one peer a second (scaled by its local
        // health), whatever the mesh's size; each peer is probed by someone about once a second.
        probeIntervalMs: 1_000
      }
    }
  },
  peers: {
    // Enough for GossipSub's mesh (D = 6, Dhi = 12) with room for churn, few enough that a
    // node's connection upkeep does not grow with the mesh.
    maxPeers: 32,
    // A small node still accepts the peers that dial it while it dials its own.
    minConnectionCap: 16,
    // Two seconds: a lost peer is replaced quickly, and a round costs a few dials at most.
    maintainIntervalMs: 2_000,
    // A few dials per round: a joining node fills up in seconds without a dial storm.
    dialsPerRound: 4,
    // A TCP dial with Noise and Yamux on a LAN or WAN completes well within this.
    dialTimeoutMs: 5_000,
    // A bootstrap peer that is down is tried again at least twice a minute.
    maxBackoffMs: 30_000,
    // A random walk costs a DHT query to most peers: not more than twice a minute, and up to
    // five minutes apart in a mesh smaller than the target, which would otherwise be walked forever.
    walkEveryMs: 30_000,
    walkEveryMaxMs: 300_000,
    // A minute: a misbehaving or foreign peer does not redial in a loop, and one that was
    // misconfigured gets back in soon after it is fixed.
    refuseForMs: 60_000,
    // Twice a minute: a crash loses at most half a minute of learnt peers.
    rememberEveryMs: 30_000,
    // As many as the node seeks: enough to rejoin when its bootstrap peers are gone.
    rememberedPeers: 32
  },
  billing: {
    // Gossip carries heads at once; anti-entropy only closes the gaps a lost message left.
    antiEntropyMs: 5_000,
    // Under a stream of appends one announcement per 50 ms carries the newest head; peers pull
    // the range anyway.
    announceEveryMs: 50,
    // Three seconds: the peers it joins through answer a head query in well under it.
    confirmOwnHeadMs: 3_000,
    // A crash loses at most this much routed usage, which no client waits on; one write, one
    // signed entry and one replication round per batch, not per request.
    usageFlushMs: 250,
    usageMaxRecords: 1_000,
    // A month closes once a month: announcing its invoices within seconds is soon enough.
    invoiceTickMs: 5_000
  },
  governance: {
    // Epochs, voting periods and grace times are seconds or more; a second resolves them all.
    tickMs: 1_000,
    // As billing: gossip carries objects at once, anti-entropy closes gaps.
    antiEntropyMs: 5_000,
    // A DHT query over a few hops completes in well under ten seconds, or it will not.
    dhtTimeoutMs: 10_000,
    dialTimeoutMs: 5_000
  },
  routing: {
    // Power of two choices over latency, in-flight requests and load: the best under uneven load.
    strategy: 'adaptive',
    // Thirty seconds, as most HTTP proxies allow an upstream.
    requestTimeoutMs: 30_000,
    // Bodies stream, so this bounds what a client may send, not memory.
    maxRequestBytes: 10 * 1024 * 1024,
    maxResponseBytes: 100 * 1024 * 1024,
    // The first peer and two more: a third failure in a row is the service, not a peer.
    maxAttempts: 3,
    // Retries add at most a fifth to the traffic (as Envoy's and Linkerd's budgets), so a failing
    // mesh is not hit with three times its load; three in flight always, so a quiet node may retry.
    retryBudget: { ratio: 0.2, minConcurrent: 3, windowMs: 10_000 },
    // Ten seconds: recent enough to follow a peer that slows down, long enough not to chase noise.
    latencyDecayMs: 10_000,
    breaker: {
      // Ten seconds of outcomes, at least ten requests, half of them failed: a failure rate,
      // not a few unlucky requests.
      windowMs: 10_000,
      minRequests: 10,
      failureRateThreshold: 0.5,
      // Five failures in a row open it at once, even below minRequests.
      consecutiveFailures: 5,
      // Open for five seconds, doubling up to a minute while the peer keeps failing its probes.
      openBaseMs: 5_000,
      openMaxMs: 60_000,
      // Three successes in a row while half-open: one lucky request does not close it.
      halfOpenProbes: 3
    },
    // The last fifty failures: enough to see a pattern, small enough to list.
    recentFailures: 50,
    // Enough idle streams for the concurrency one node usually sends a peer; a burst opens more.
    idleStreamsPerPeer: 64,
    // Each stream carries one request at a time and holds at most one frame and its muxer window:
    // eight times the concurrency of a busy client pool (32), with room for bursts, and well
    // below yamux's 1000 streams per connection that the other protocols share.
    maxStreamsPerPeer: 256,
    // Ten seconds: a stream idle longer is unlikely to be reused soon.
    callerIdleMs: CALLER_IDLE_MS,
    // A guard against callers that never close, well past the caller's own idle time, so that
    // the server never closes a stream the caller is about to reuse.
    serverIdleMs: 6 * CALLER_IDLE_MS,
    // A peer that answers at all acknowledges a close within a few round trips.
    closeTimeoutMs: 5_000
  },
  operations: {
    // A second: a rule's `for` is counted in seconds, and 100 rules cost well under a millisecond.
    alertIntervalMs: 1_000,
    alertHistory: 1_000,
    maxAlertRules: 500,
    // Ninety days, a common minimum for access logs.
    auditRetentionMs: 90 * 86_400_000,
    // One write per 200 ms or 500 entries: the API path only queues an entry.
    auditFlushMs: 200,
    auditMaxBatch: 500,
    authThrottle: {
      // Five free tries a minute covers a mistyped token; the next four wait 0.25, 0.5, 1 and 2 s,
      // and the tenth refuses the address for five minutes (as fail2ban's defaults do).
      windowMs: 60_000,
      freeFailures: 5,
      delayBaseMs: 250,
      delayMaxMs: 2_000,
      refuseAfterFailures: 10,
      refuseForMs: 5 * 60_000,
      maxAddresses: 10_000
    },
    // 1 MiB: a few seconds of the busiest channel; past it the client is not keeping up.
    wsMaxBufferedBytes: 1024 * 1024,
    // Thirty seconds, as most proxies' idle timeouts are longer.
    wsHeartbeatMs: 30_000
  },
  rateLimit: {
    // Four times a second: a node's share of a tenant's remaining requests is renewed about as
    // often, and a crash loses at most this long of its own counts; one small message per node
    // per interval, only while it serves limited tenants.
    exchangeMs: 250,
    // Four intervals: one lost message does not end a share, a crashed node's ends within a second.
    staleAfterMs: 1_000,
    // A few tens of kilobytes per message.
    maxReportSubjects: 500
  },
  webhooks: {
    // Sixteen at once, four to one receiver: a hung receiver holds four sockets, never the node
    // or the other receivers.
    concurrency: 16,
    perWebhook: 4,
    // Ten seconds, as Stripe and GitHub allow a receiver.
    timeoutMs: 10_000,
    pollMs: 500,
    // From a second, doubling to ten minutes, for a day: a receiver down for a deploy or a night
    // gets everything once it is back.
    baseDelayMs: 1_000,
    maxDelayMs: 600_000,
    maxAgeMs: 24 * 3_600_000,
    // A week of delivery history, for an operator who looks after a weekend.
    keepMs: 7 * 24 * 3_600_000
  },
  streams: {
    // yamux grows a window to 16 MiB on a fast link, so a streamed body kept 16 MiB per stream
    // in memory; 1 MiB still fills a link of 1 ms RTT at 1 GB/s.
    windowBytes: 1024 * 1024
  },
  healthCheck: {
    // Any status below 500 passes, so `/` works for most upstreams.
    path: '/',
    // Every two seconds, one second to answer: an upstream that stops is out of rotation
    // within about five seconds (fall = 2), and back at its first pass (rise = 1).
    intervalMs: 2_000,
    timeoutMs: 1_000,
    rise: 1,
    fall: 2
  }
})

/** Frozen all the way down: the defaults are shared by every node of a process and the model. */
function deepFreeze<T extends object> (value: T): DeepReadonly<T> {
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) deepFreeze(v)
  return Object.freeze(value) as DeepReadonly<T>
}
