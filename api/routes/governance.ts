import { Hono } from 'hono'
import { z } from 'zod'
import { DurationSchema } from '../../src/duration.ts'
import { MeshError } from '../../src/errors.ts'
import { OperatorChangeSchema } from '../../src/governance/objects.ts'
import { newProposal, proposalPage, votingPower } from '../../src/governance/proposals.ts'
import { PROPOSAL_STATUSES, type ProposalView } from '../../src/governance/state.ts'
import type { ApiEnv } from '../context.ts'
import { NetworkParamsSchema } from '../../src/network/params.ts'
import { operations } from '../openapi/operation.ts'
import { jsonBody, query } from '../validation.ts'
import { tallyPayload } from '../../src/events/governance-events.ts'
import { Time, round } from '../views.ts'

export const ProposalRequest = z.object({
  title: z.string().min(1).max(200),
  description: z.string().max(10_000).default(''),
  change: OperatorChangeSchema,
  voting_period: DurationSchema,
  quorum: z.number().min(0).max(1).optional(),
  threshold: z.number().min(0).max(1).optional()
}).strict()

export const VoteRequest = z.object({
  vote: z.enum(['yes', 'no', 'abstain', 'veto']),
  reason: z.string().max(1000).default('')
}).strict()

const ProposalStatusSchema = z.enum(PROPOSAL_STATUSES)
const Outcome = z.enum(['passed', 'rejected', 'rejected_veto', 'failed_quorum'])

export const ProposalQuery = z.object({
  status: ProposalStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0)
}).strict()

export const ProposalSummary = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  type: z.enum(['param_change', 'operator_add', 'operator_remove', 'operator_weight', 'text']),
  change: OperatorChangeSchema,
  proposer: z.string(),
  status: ProposalStatusSchema,
  created_at: Time,
  voting_ends_at: Time,
  activates_at: Time,
  rules: z.object({ quorum: z.number(), threshold: z.number(), veto: z.number() }),
  tally: z.object({
    yes: z.number(),
    no: z.number(),
    abstain: z.number(),
    veto: z.number(),
    total_weight: z.number(),
    voted_weight: z.number(),
    turnout: z.number(),
    voters: z.number().int(),
    outcome: Outcome,
    counted_hash: z.string()
  })
})
export const ProposalResponse = ProposalSummary.extend({
  resulting_params: z.record(z.string(), z.unknown()).optional(),
  weights: z.record(z.string(), z.number()),
  certified: z.object({ by: z.string(), outcome: Outcome, counted_hash: z.string() }).nullable(),
  certificates: z.array(z.object({ id: z.string(), certifier: z.string(), outcome: Outcome, counted_hash: z.string(), votes: z.number().int(), time: Time })),
  missing_votes: z.number().int()
})
export const ProposalsResponse = z.object({ proposals: z.array(ProposalSummary), total: z.number().int(), offset: z.number().int(), limit: z.number().int() })
export const VoteResponse = z.object({ id: z.string(), proposal_id: z.string(), voter: z.string(), vote: VoteRequest.shape.vote })
export const GovernanceOverviewResponse = z.object({
  active_proposals: z.number().int(),
  proposals: z.number().int(),
  operators: z.number().int(),
  total_weight: z.number(),
  bootstrap_operators: z.array(z.string()),
  voting_power_distribution: z.record(z.string(), z.number())
})
export const OperatorsResponse = z.object({
  operators: z.array(z.object({ peer_id: z.string(), name: z.string(), weight: z.number(), online: z.boolean(), bootstrap_role: z.enum(['elected', 'none']) }))
})
export const ParamsResponse = z.object({
  current: NetworkParamsSchema,
  pending: z.array(z.object({ proposal_id: z.string(), change: OperatorChangeSchema, activates_at: Time }))
})

export const governanceOperations = operations(
  { id: 'governanceOverview', method: 'get', path: '/v1/governance/overview', tag: 'governance', summary: 'Proposals, operators, voting power and the bootstrap operators', responses: { 200: { GovernanceOverviewResponse } } },
  { id: 'proposals', method: 'get', path: '/v1/governance/proposals', tag: 'governance', summary: 'Proposals with their tally, newest first', query: ProposalQuery, responses: { 200: { ProposalsResponse } } },
  { id: 'propose', method: 'post', path: '/v1/governance/proposals', tag: 'governance', summary: 'Submit a proposal, signed by this node (an operator)', body: { ProposalRequest }, responses: { 201: { ProposalResponse } }, errors: [403] },
  { id: 'proposal', method: 'get', path: '/v1/governance/proposals/:id', tag: 'governance', summary: 'One proposal with its tally, weights and certificates', responses: { 200: { ProposalResponse } } },
  { id: 'vote', method: 'post', path: '/v1/governance/proposals/:id/vote', tag: 'governance', summary: 'Cast this operator\'s vote; the latest vote before the end counts', body: { VoteRequest }, responses: { 201: { VoteResponse } }, errors: [403, 409] },
  { id: 'operators', method: 'get', path: '/v1/governance/operators', tag: 'governance', summary: 'The operators with their weight, whether online and their bootstrap role', responses: { 200: { OperatorsResponse } } },
  { id: 'params', method: 'get', path: '/v1/governance/params', tag: 'governance', summary: 'The network parameters in force and the changes pending', responses: { 200: { ParamsResponse } } }
)

function proposalView (v: ProposalView, detailed: boolean, resulting?: Record<string, unknown>): Record<string, unknown> {
  const p = v.proposal.body
  return {
    id: v.proposal.id,
    title: p.title,
    description: p.description,
    type: p.change.type,
    change: p.change,
    proposer: p.author,
    status: v.status,
    created_at: new Date(p.created_at).toISOString(),
    voting_ends_at: new Date(p.voting_ends_at).toISOString(),
    activates_at: new Date(v.activatesAt).toISOString(),
    rules: { quorum: p.quorum, threshold: p.threshold, veto: p.veto },
    tally: tallyPayload(v.tally),
    ...(detailed
      ? {
          // What the parameters it names would be once in force: a partial price list merged into the whole.
          ...(resulting === undefined ? {} : { resulting_params: resulting }),
          weights: v.weights,
          certified: v.certificate === undefined ? null : { by: v.certificate.body.author, outcome: v.certificate.body.outcome, counted_hash: v.certificate.body.counted_hash },
          certificates: v.certificates.map(c => ({ id: c.id, certifier: c.body.author, outcome: c.body.outcome, counted_hash: c.body.counted_hash, votes: c.body.vote_ids.length, time: new Date(c.body.time).toISOString() })),
          missing_votes: v.missingVotes.length
        }
      : {})
  }
}

export function governanceRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.get('/overview', c => {
    const mesh = c.var.mesh
    const state = mesh.running().governance.state
    const now = mesh.clock.now()
    const operators = mesh.operators()
    const power = votingPower(operators)
    const views = state.proposalIds().map(id => state.view(id, now)).filter(v => v !== undefined)
    return c.json({
      active_proposals: views.filter(v => v.status === 'voting').length,
      proposals: views.length,
      operators: operators.length,
      total_weight: power.totalWeight,
      bootstrap_operators: state.election(state.epochOf(now)).elected,
      voting_power_distribution: Object.fromEntries([...power.shares].map(([peerId, share]) => [peerId, round(share)]))
    })
  })

  app.get('/proposals', c => {
    const q = query(c, ProposalQuery)
    const mesh = c.var.mesh
    const state = mesh.running().governance.state
    const views = state.proposalIds().map(id => state.view(id, mesh.clock.now())).filter(v => v !== undefined)
    const page = proposalPage(views, q.status, q.offset, q.limit)
    return c.json({ proposals: page.proposals.map(v => proposalView(v, false)), total: page.total, offset: q.offset, limit: q.limit })
  })

  app.post('/proposals', async c => {
    const body = jsonBody(c, ProposalRequest)
    const mesh = c.var.mesh
    const now = mesh.clock.now()
    const request = { title: body.title, description: body.description, change: body.change, votingPeriodMs: body.voting_period, quorum: body.quorum, threshold: body.threshold }
    const proposal = newProposal(request, mesh.peerId.toString(), now, mesh.params())
    const signed = await mesh.running().governance.publish(proposal)
    const view = mesh.running().governance.state.view(signed.id, now)
    if (view === undefined) throw new MeshError('SYSTEM_ERROR', 'the proposal was not kept')
    return c.json(proposalView(view, true, mesh.running().governance.state.resultingParams(signed.id)), 201)
  })

  app.get('/proposals/:id', c => {
    const mesh = c.var.mesh
    const view = mesh.running().governance.state.view(c.req.param('id'), mesh.clock.now())
    if (view === undefined) throw new MeshError('NOT_FOUND', `no proposal ${c.req.param('id')}`)
    return c.json(proposalView(view, true, mesh.running().governance.state.resultingParams(view.proposal.id)))
  })

  app.post('/proposals/:id/vote', async c => {
    const body = jsonBody(c, VoteRequest)
    const mesh = c.var.mesh
    const id = c.req.param('id')
    if (!/^[0-9a-f]{64}$/.test(id) || mesh.running().governance.state.view(id, mesh.clock.now()) === undefined) throw new MeshError('NOT_FOUND', `no proposal ${id}`)
    const vote = await mesh.running().governance.publish({ kind: 'vote', author: mesh.peerId.toString(), proposal_id: id, option: body.vote, reason: body.reason, time: mesh.clock.now() })
    return c.json({ id: vote.id, proposal_id: id, voter: vote.body.author, vote: body.vote }, 201)
  })

  app.get('/operators', c => {
    const mesh = c.var.mesh
    const state = mesh.running().governance.state
    const now = mesh.clock.now()
    const elected = new Set(state.election(state.epochOf(now)).elected)
    const self = mesh.peerId.toString()
    return c.json({
      operators: mesh.operators().map(o => ({
        peer_id: o.peer_id,
        name: o.name,
        weight: o.weight,
        online: o.peer_id === self || mesh.peerTable.get(o.peer_id, mesh.clock.now())?.state === 'healthy',
        bootstrap_role: elected.has(o.peer_id) ? 'elected' : 'none'
      }))
    })
  })

  app.get('/params', c => {
    const mesh = c.var.mesh
    return c.json({
      current: mesh.params(),
      pending: mesh.running().governance.state.pending(mesh.clock.now()).map(p => ({
        proposal_id: p.id,
        change: p.proposal.change,
        activates_at: new Date(p.activatesAt).toISOString()
      }))
    })
  })
  return app
}

export const EndorseRequest = z.object({ candidate: z.string().min(1).max(128), withdraw: z.boolean().default(false) }).strict()

export const ElectionStatusResponse = z.object({
  epoch: z.number().int(),
  epoch_ms: z.number().int(),
  epoch_started_at: Time,
  next_boundary: Time,
  seats: z.number().int(),
  elected: z.array(z.string()),
  candidates: z.array(z.object({ peer_id: z.string(), score: z.number(), elected: z.boolean() })),
  seed: z.string()
})
export const EndorseResponse = z.object({ id: z.string(), endorser: z.string(), candidate: z.string(), withdrawn: z.boolean() })

export const electionOperations = operations(
  { id: 'electionStatus', method: 'get', path: '/v1/election/status', tag: 'governance', summary: 'The epoch, its elected bootstrap operators and the candidates\' scores', responses: { 200: { ElectionStatusResponse } } },
  { id: 'endorse', method: 'post', path: '/v1/election/endorsements', tag: 'governance', summary: 'Endorse a candidate (or withdraw an endorsement)', body: { EndorseRequest }, responses: { 201: { EndorseResponse } }, errors: [403] }
)

export function electionRoutes (): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/status', c => {
    const mesh = c.var.mesh
    const state = mesh.running().governance.state
    const now = mesh.clock.now()
    const epoch = state.epochOf(now)
    const result = state.election(epoch)
    return c.json({
      epoch,
      epoch_ms: mesh.genesis.params.epoch_ms,
      epoch_started_at: new Date(state.epochStart(epoch)).toISOString(),
      next_boundary: new Date(state.epochStart(epoch + 1)).toISOString(),
      seats: mesh.params().bootstrap_operator_count,
      elected: result.elected,
      candidates: result.standings.map(s => ({ peer_id: s.candidate, score: s.score, elected: result.elected.includes(s.candidate) })),
      seed: result.nextSeed
    })
  })
  app.post('/endorsements', async c => {
    const body = jsonBody(c, EndorseRequest)
    const mesh = c.var.mesh
    const o = await mesh.running().governance.endorse(body.candidate, body.withdraw)
    return c.json({ id: o.id, endorser: o.body.author, candidate: body.candidate, withdrawn: body.withdraw }, 201)
  })
  return app
}
