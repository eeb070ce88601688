import { Hono } from 'hono'
import { z } from 'zod'
import { summarize } from '../../src/stats.ts'
import { MeshError } from '../../src/errors.ts'
import type { TelemetryService } from '../../src/telemetry/telemetry-service.ts'
import type { ApiEnv } from '../context.ts'
import { operations } from '../openapi/operation.ts'
import { jsonBody, query } from '../validation.ts'
import { MemberView, PeerCounts, PeerStateSchema, PeerView, RevocationView, Time, memberView, peerView, revocationView, round } from '../views.ts'
import { MetricSeriesQuery, MetricSeriesResponse, seriesSpan, seriesView } from './metric-series.ts'

export const DiagnosticsRequest = z.object({
  peer_id: z.string().min(1),
  count: z.number().int().min(1).max(20).default(3),
  timeout_ms: z.number().int().min(100).max(10_000).default(2_000)
}).strict()

export const MemberRequest = z.object({ peer_id: z.string().min(1).max(128) }).strict()
export const PeersQuery = z.object({ state: PeerStateSchema.optional() })

/** `POST /v1/network/leave` takes no body; it answers what it announced. */
export const NetworkLeaveResponse = z.object({
  status: z.literal('left'),
  peer_id: z.string(),
  /** The incarnation the goodbye was signed with: a restart comes back with a higher one. */
  incarnation: z.number().int(),
  left_at: z.string()
}).strict()

/** This node's own standing in the membership protocol, while it runs. */
export const MembershipStatus = z.object({
  incarnation: z.number().int(),
  /** Lifeguard's local health score: 0 when well; at s it probes s + 1 times slower. */
  local_health: z.number().int(),
  /** The interval its snapshot is published at now, under the network's receive budget. */
  publication_interval_ms: z.number().int(),
  left: z.boolean()
}).strict().nullable()

export const NetworkStatusResponse = z.object({
  network_id: z.string(),
  genesis_hash: z.string(),
  peer_id: z.string(),
  total_peers: z.number().int(),
  connected_peers: z.number().int(),
  peers_by_state: PeerCounts,
  network_health: z.number().nullable(),
  average_latency_ms: z.number().nullable(),
  regions: z.record(z.string(), z.number().int()),
  listen_addresses: z.array(z.string()),
  gossip: z.array(z.object({ topic: z.string(), mesh_peers: z.number().int(), subscribers: z.number().int() })),
  refused_peers: z.number().int(),
  membership: MembershipStatus
})
export const PeersResponse = z.object({ peers: z.array(PeerView), total: z.number().int() })
export const MembersResponse = z.object({ open_membership: z.boolean(), members: z.array(MemberView), total: z.number().int(), revoked: z.array(RevocationView) })
export const MemberAdmittedResponse = z.object({ admitted: z.string(), record_id: z.string(), by: z.string(), at: Time })
export const MemberRevokedResponse = z.object({ revoked: z.string(), record_id: z.string(), by: z.string(), at: Time, through_seq: z.number().int() })
export const DiagnosticsResponse = z.object({
  test_type: z.literal('ping'),
  peer_id: z.string(),
  sent: z.number().int(),
  received: z.number().int(),
  loss: z.number(),
  rtt_ms: z.array(z.number().nullable()),
  min_ms: z.number().nullable(),
  avg_ms: z.number().nullable(),
  max_ms: z.number().nullable(),
  errors: z.array(z.string())
})

export const networkOperations = operations(
  { id: 'networkStatus', method: 'get', path: '/v1/network/status', tag: 'network', summary: 'The mesh as this node sees it: peers by state, latency, regions, gossip topics', responses: { 200: { NetworkStatusResponse } } },
  { id: 'networkPeers', method: 'get', path: '/v1/network/peers', tag: 'network', summary: 'Every peer with its state, RTT, load and services', query: PeersQuery, responses: { 200: { PeersResponse } } },
  { id: 'peerMetrics', method: 'get', path: '/v1/network/peers/:peerId/metrics', tag: 'network', summary: 'A peer\'s load over time, as gossiped (or this node\'s own)', query: MetricSeriesQuery, responses: { 200: { MetricSeriesResponse } } },
  { id: 'networkMembers', method: 'get', path: '/v1/network/members', tag: 'network', summary: 'The members of the network, how each became one, and the revoked peers', responses: { 200: { MembersResponse } } },
  { id: 'admitMember', method: 'post', path: '/v1/network/members', tag: 'network', summary: 'Admit a peer as a member (this node must be an operator)', body: { MemberRequest }, responses: { 201: { MemberAdmittedResponse } }, errors: [403, 409] },
  { id: 'revokeMember', method: 'delete', path: '/v1/network/members/:peerId', tag: 'network', summary: 'Revoke a member; its entries held so far stay counted', responses: { 200: { MemberRevokedResponse } }, errors: [403, 409, 422] },
  { id: 'networkLeave', method: 'post', path: '/v1/network/leave', tag: 'network', summary: 'Leave the mesh gracefully: peers record this node as left (not down) and stop routing to it; it stays up', responses: { 202: { NetworkLeaveResponse } } },
  { id: 'networkDiagnostics', method: 'post', path: '/v1/network/diagnostics', tag: 'network', summary: 'Ping a peer over libp2p', body: { DiagnosticsRequest }, responses: { 200: { DiagnosticsResponse } } }
)


function membershipView (t: TelemetryService | undefined): z.infer<typeof MembershipStatus> {
  return t === undefined ? null : { incarnation: t.incarnation, local_health: t.localHealth, publication_interval_ms: t.publicationInterval(), left: t.left }
}

export function networkRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.get('/status', c => {
    const mesh = c.var.mesh
    const peers = mesh.peerTable.list(mesh.clock.now())
    const counts = mesh.peerTable.countByState()
    const rtts = summarize(peers.map(p => p.rttMs).filter((r): r is number => r !== undefined))
    const regions: Record<string, number> = {}
    for (const p of peers) regions[p.snapshot.region] = (regions[p.snapshot.region] ?? 0) + 1
    return c.json({
      network_id: mesh.networkId,
      genesis_hash: mesh.genesisHash,
      peer_id: mesh.peerId.toString(),
      total_peers: peers.length,
      connected_peers: mesh.network.connectedPeers().length,
      peers_by_state: counts,
      // A peer that left is not a failure: health is over the peers still in the mesh.
      network_health: peers.length - counts.left === 0 ? null : round(counts.healthy / (peers.length - counts.left)),
      average_latency_ms: rtts.count === 0 ? null : round(rtts.mean),
      regions,
      listen_addresses: mesh.network.listenAddresses(),
      gossip: mesh.network.gossipTopics().map(t => ({ topic: t.topic, mesh_peers: t.meshPeers, subscribers: t.subscribers })),
      refused_peers: mesh.guard.refusedTotal,
      membership: membershipView(mesh.built?.telemetry)
    })
  })

  app.get('/peers', c => {
    const { state } = query(c, PeersQuery)
    const peers = c.var.mesh.peerTable.list(c.var.mesh.clock.now())
      .filter(p => state === undefined || p.state === state)
      .sort((a, b) => a.peerId.localeCompare(b.peerId))
    // Membership is read while the node starts too, once governance holds its records.
    const members = c.var.mesh.built?.members
    if (members === undefined) throw new MeshError('UNAVAILABLE', 'the node is not running')
    const membership = members.standings()
    return c.json({ peers: peers.map(p => peerView(p, membership(p.peerId).member)), total: peers.length })
  })

  app.get('/peers/:peerId/metrics', c => {
    const mesh = c.var.mesh
    const peerId = c.req.param('peerId')
    const span = seriesSpan(query(c, MetricSeriesQuery), mesh.clock.now())
    if (peerId === mesh.peerId.toString()) return c.json(seriesView(peerId, 'self', mesh.history.ring, span))
    const ring = mesh.peerHistory.of(peerId)
    if (ring === undefined) throw new MeshError('NOT_FOUND', `no load of peer ${peerId} was received`, { peer_id: peerId })
    return c.json(seriesView(peerId, 'gossip', ring, span))
  })

  app.get('/members', c => {
    const { open, members, revoked } = c.var.mesh.running().members.list()
    return c.json({
      open_membership: open,
      members: members.map(memberView),
      total: members.length,
      revoked: revoked.map(r => revocationView(r.peerId, r.revocation))
    })
  })

  app.post('/members', async c => {
    const body = jsonBody(c, MemberRequest)
    const record = await c.var.mesh.running().members.admit(body.peer_id)
    return c.json({ admitted: body.peer_id, record_id: record.id, by: record.body.author, at: new Date(record.body.time).toISOString() }, 201)
  })

  app.delete('/members/:peerId', async c => {
    const record = await c.var.mesh.running().members.revoke(c.req.param('peerId'))
    return c.json({ revoked: c.req.param('peerId'), record_id: record.id, by: record.body.author, at: new Date(record.body.time).toISOString(), through_seq: record.body.through_seq })
  })

  app.post('/leave', async c => {
    const mesh = c.var.mesh
    const { incarnation, at } = await mesh.leave()
    const body: z.infer<typeof NetworkLeaveResponse> = { status: 'left', peer_id: mesh.peerId.toString(), incarnation, left_at: new Date(at).toISOString() }
    return c.json(body, 202)
  })

  app.post('/diagnostics', async c => {
    const body = jsonBody(c, DiagnosticsRequest)
    const result = await c.var.mesh.running().telemetry.diagnose(body.peer_id, body.count, body.timeout_ms)
    const ok = summarize(result.rttsMs.filter((r): r is number => r !== null))
    return c.json({
      test_type: 'ping',
      peer_id: result.peerId,
      sent: result.sent,
      received: result.received,
      loss: round((result.sent - result.received) / result.sent),
      rtt_ms: result.rttsMs,
      min_ms: ok.count === 0 ? null : ok.min,
      avg_ms: ok.count === 0 ? null : round(ok.mean),
      max_ms: ok.count === 0 ? null : ok.max,
      errors: result.errors
    })
  })
  return app
}
