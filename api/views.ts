import { z } from 'zod'
import type { Member, Revocation } from '../src/governance/membership.ts'
import type { PeerState } from '../src/telemetry/failure-detector.ts'
import type { PeerSnapshot } from '../src/telemetry/peer-table.ts'
import { ServiceOfferSchema, type TelemetrySnapshot } from '../src/telemetry/snapshot.ts'
import { round } from '../src/round.ts'

/** Response schemas of the shared renderings below (documented in the OpenAPI document). */
/** A point in time as the API writes it: ISO 8601 with an offset (Z). */
export const Time = z.iso.datetime({ offset: true })
export const PeerStateSchema = z.enum(['healthy', 'suspect', 'down', 'left'] as const satisfies readonly PeerState[])
/** The trailing windows a query may name (a summary's period, the figures' window), in ms. */
export const TRAILING_WINDOWS = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000 } as const
export const TrailingWindow = z.enum(Object.keys(TRAILING_WINDOWS) as [keyof typeof TRAILING_WINDOWS])
export const PeerCounts = z.object({ healthy: z.number().int(), suspect: z.number().int(), down: z.number().int(), left: z.number().int() })

export const LoadView = z.object({
  cpu_usage: z.number(),
  memory_usage: z.number(),
  memory_limit_bytes: z.number(),
  memory_limit_source: z.enum(['cgroup', 'host']),
  rss_bytes: z.number(),
  heap_used_bytes: z.number(),
  event_loop_delay_ms: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
  active_requests: z.number().int(),
  served_requests: z.number().int(),
  error_rate: z.number(),
  error_rate_window_seconds: z.number()
})

export const PeerView = z.object({
  peer_id: z.string(),
  member: z.boolean(),
  status: PeerStateSchema,
  status_since: Time,
  connected: z.boolean(),
  last_snapshot_age_ms: z.number(),
  rtt_ms: z.number().nullable(),
  api_url: z.string().nullable(),
  region: z.string(),
  version: z.string(),
  uptime_seconds: z.number().int(),
  snapshot: z.object({ seq: z.number().int(), incarnation: z.number().int(), time: Time, interval_ms: z.number().int() }),
  metrics: LoadView,
  services: z.array(ServiceOfferSchema)
})

export const MemberView = z.object({
  peer_id: z.string(),
  via: z.enum(['operator', 'former_operator', 'open', 'admission']),
  admitted_by: z.string().optional(),
  admitted_at: Time.optional(),
  record_id: z.string().optional()
})

export const RevocationView = z.object({ peer_id: z.string(), revoked_by: z.string(), revoked_at: Time, through_seq: z.number().int(), record_id: z.string() })

/** Shared JSON renderings of domain types, in the API's snake_case. */
export function loadView (s: TelemetrySnapshot): Record<string, unknown> {
  return {
    cpu_usage: round(s.cpu),
    memory_usage: round(s.memory.share),
    memory_limit_bytes: s.memory.limitBytes,
    memory_limit_source: s.memory.limitSource,
    rss_bytes: s.memory.rssBytes,
    heap_used_bytes: s.memory.heapUsedBytes,
    event_loop_delay_ms: { p50: round(s.eventLoopDelayMs.p50), p99: round(s.eventLoopDelayMs.p99), max: round(s.eventLoopDelayMs.max) },
    active_requests: s.requests.active,
    served_requests: s.requests.served,
    error_rate: s.requests.recent.served === 0 ? 0 : round(s.requests.recent.errors / s.requests.recent.served),
    error_rate_window_seconds: s.requests.recent.windowMs / 1000
  }
}

/** `member`: whether the peer may author billing, offer services to this node's clients and weigh in routing. */
export function peerView (p: PeerSnapshot, member: boolean): Record<string, unknown> {
  const s = p.snapshot
  return {
    peer_id: p.peerId,
    member,
    status: p.state,
    status_since: new Date(p.stateSince).toISOString(),
    connected: p.connected,
    last_snapshot_age_ms: p.ageMs,
    rtt_ms: p.rttMs === undefined ? null : round(p.rttMs),
    api_url: s.apiUrl === '' ? null : s.apiUrl,
    region: s.region,
    version: s.version,
    uptime_seconds: Math.round(s.uptimeMs / 1000),
    snapshot: { seq: s.seq, incarnation: s.incarnation, time: new Date(s.time).toISOString(), interval_ms: s.intervalMs },
    metrics: loadView(s),
    services: s.services
  }
}

/** A time as the API writes it: ISO 8601 in UTC. */
export function isoTime (t: number): string {
  return new Date(t).toISOString()
}

/** The same, or null for a time that is not (yet) there. */
export function isoTimeOrNull (t: number | null | undefined): string | null {
  return t === null || t === undefined ? null : isoTime(t)
}

export { round }

/** One member, with how it became one. */
export function memberView (m: Member): Record<string, unknown> {
  const s = m.standing
  return {
    peer_id: m.peerId,
    via: s.via,
    ...(s.via === 'admission' ? { admitted_by: s.admission.author, admitted_at: new Date(s.admission.time).toISOString(), record_id: s.admission.id } : {})
  }
}

export function revocationView (peerId: string, r: Revocation): Record<string, unknown> {
  return { peer_id: peerId, revoked_by: r.author, revoked_at: new Date(r.time).toISOString(), through_seq: r.throughSeq, record_id: r.id }
}

