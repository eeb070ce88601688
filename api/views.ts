import type { Member, Revocation } from '../src/governance/membership.ts'
import type { PeerSnapshot } from '../src/telemetry/peer-table.ts'
import type { TelemetrySnapshot } from '../src/telemetry/snapshot.ts'

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

export function round (x: number, digits = 4): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

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

