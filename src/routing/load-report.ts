import { z } from 'zod'
import type { LoadSample } from '../telemetry/load-sampler.ts'

/**
 * The serving peer's load as it answers a routed request (Envoy's ORCA idea): a node that
 * routes to a peer learns that peer's load from each response, at no extra message, however
 * rarely the peer's telemetry reaches it by gossip.
 */
export interface LoadReport {
  /** Share of the machine's CPU, 0..1, over the peer's last load sample. */
  cpu: number
  /** Resident memory against the process's limit, 0..1. */
  memory: number
  /** Event-loop delay p99 over the peer's last load sample, in ms. */
  eventLoopDelayMs: number
  /** Requests the peer is serving now, from all callers. */
  activeRequests: number
  /** Share of the peer's recent requests that failed (5xx), 0..1. */
  errorRate: number
}

const Share = z.number().min(0).max(1)
export const MAX_LOAD_DELAY_MS = 3_600_000
export const MAX_LOAD_ACTIVE = 1_000_000

/**
 * On the wire the report is a tuple, `[cpu, memory, eventLoopDelayMs, activeRequests,
 * errorRate]`, in the response head: about 30 bytes on every response, not a named object.
 * A delay beyond an hour or a count beyond a million is no load a peer reports truthfully.
 */
export const LoadReportWireSchema = z.tuple([
  Share,
  Share,
  z.number().min(0).max(MAX_LOAD_DELAY_MS),
  z.number().int().min(0).max(MAX_LOAD_ACTIVE),
  Share
])

export type LoadReportWire = z.infer<typeof LoadReportWireSchema>

/** Shares and delays are rounded and bounded: the report is a hint for a cost, short digits keep the head short, and it always decodes. */
export function encodeLoadReport (r: LoadReport): LoadReportWire {
  return [share(r.cpu), share(r.memory), Math.min(MAX_LOAD_DELAY_MS, Math.round(r.eventLoopDelayMs * 100) / 100),
    Math.min(MAX_LOAD_ACTIVE, Math.max(0, Math.round(r.activeRequests))), share(r.errorRate)]
}

export function decodeLoadReport (wire: LoadReportWire): LoadReport {
  const [cpu, memory, eventLoopDelayMs, activeRequests, errorRate] = wire
  return { cpu, memory, eventLoopDelayMs, activeRequests, errorRate }
}

/**
 * This node's report: its last load sample (what its telemetry publishes; none before the
 * first) with the requests active now, which change between samples faster than anything else.
 */
export function loadReportOf (sample: LoadSample | undefined, activeRequests: number): LoadReport {
  const recent = sample?.requests.recent
  return {
    cpu: sample?.cpu ?? 0,
    memory: sample?.memory.share ?? 0,
    eventLoopDelayMs: sample?.eventLoopDelayMs.p99 ?? 0,
    activeRequests,
    errorRate: recent === undefined || recent.served === 0 ? 0 : recent.errors / recent.served
  }
}

/** A report with the time this node received it. */
export interface ReceivedLoadReport {
  load: LoadReport
  receivedAt: number
}

/**
 * The load the strategies weigh for a peer: the fresher of its last piggybacked report and its
 * gossiped snapshot (by the time this node received each; a tie goes to the report, which also
 * counts the requests in flight at that instant).
 */
export function fresherLoad (report: ReceivedLoadReport | undefined, gossiped: { load: { cpu: number, activeRequests: number }, receivedAt: number }): { cpu: number, activeRequests: number } {
  if (report === undefined || report.receivedAt < gossiped.receivedAt) return gossiped.load
  return { cpu: report.load.cpu, activeRequests: report.load.activeRequests }
}

function share (value: number): number {
  return Math.min(1, Math.max(0, Math.round(value * 1000) / 1000))
}
