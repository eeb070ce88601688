import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { RunningNode } from '../../src/launch.ts'
import { createGenesis, type Genesis } from '../../src/network/genesis.ts'
import { DEVELOPMENT_PARAMS, type NetworkParams } from '../../src/network/params.ts'
import { KEY_FILE } from '../../src/p2p/identity.ts'
import { assertError, assertValidation, call, type Reply } from '../helpers/api.ts'
import { removeDir, startNode, tempDir } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

/**
 * The governance and election API of one in-process node that is the sole operator (weight 1)
 * of its own network, made from a genesis with short periods: voting from 1 s, results certified
 * 1 s after the end of voting and in force 1.5 s after it, epochs of 2 s. The node stands for
 * election, so from epoch 1 on it is the elected bootstrap operator.
 */

interface TallyJson { yes: number, no: number, abstain: number, veto: number, total_weight: number, voted_weight: number, turnout: number, voters: number, outcome: string, counted_hash: string }
interface ProposalJson {
  id: string
  title: string
  description: string
  type: string
  change: Record<string, unknown>
  proposer: string
  status: string
  created_at: string
  voting_ends_at: string
  activates_at: string
  rules: { quorum: number, threshold: number, veto: number }
  tally: TallyJson
  weights?: Record<string, number>
  certified?: { by: string, outcome: string, counted_hash: string } | null
  certificates?: Array<{ id: string, certifier: string, outcome: string, counted_hash: string, votes: number, time: string }>
  missing_votes?: number
}
interface ProposalList { proposals: ProposalJson[], total: number, offset: number, limit: number }
interface VoteJson { id: string, proposal_id: string, voter: string, vote: string }
interface ParamsJson { current: NetworkParams, pending: Array<{ proposal_id: string, change: Record<string, unknown>, activates_at: string }> }
interface OperatorsJson { operators: Array<{ peer_id: string, name: string, weight: number, online: boolean, bootstrap_role: string }> }
interface OverviewJson { active_proposals: number, proposals: number, operators: number, total_weight: number, bootstrap_operators: string[], voting_power_distribution: Record<string, number> }
interface ElectionJson { epoch: number, epoch_ms: number, epoch_started_at: string, next_boundary: string, seats: number, elected: string[], candidates: Array<{ peer_id: string, score: number, elected: boolean }>, seed: string }
interface EndorsementJson { id: string, endorser: string, candidate: string, withdrawn: boolean }

const EPOCH_MS = 2_000
const GRACE_MS = 1_000
const DELAY_MS = 1_500
const HEX64 = /^[0-9a-f]{64}$/

describe('governance and election API: the sole operator of its own network', { timeout: 120_000 }, () => {
  let dir: string
  let node: RunningNode
  let self: string
  let genesis: Genesis
  let url: string

  const auth = (): Record<string, string> => ({ authorization: `Bearer ${node.token}`, 'content-type': 'application/json' })
  const post = async <T = Record<string, unknown>>(path: string, body: unknown, headers: Record<string, string> = auth()): Promise<Reply<T>> =>
    await call<T>(`${url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })
  const get = async <T = Record<string, unknown>>(path: string): Promise<Reply<T>> => await call<T>(`${url}${path}`)
  const propose = async (body: Record<string, unknown>): Promise<ProposalJson> => {
    const r = await post<ProposalJson>('/v1/governance/proposals', body)
    assert.equal(r.status, 201, r.text)
    return r.body
  }
  const proposalById = async (id: string): Promise<ProposalJson> => {
    const r = await get<ProposalJson>(`/v1/governance/proposals/${id}`)
    assert.equal(r.status, 200, r.text)
    return r.body
  }
  const castVote = async (id: string, vote: string, reason?: string): Promise<VoteJson> => {
    const r = await post<VoteJson>(`/v1/governance/proposals/${id}/vote`, reason === undefined ? { vote } : { vote, reason })
    assert.equal(r.status, 201, r.text)
    return r.body
  }
  const allProposals = async (query = ''): Promise<ProposalList> => {
    const r = await get<ProposalList>(`/v1/governance/proposals?limit=500${query}`)
    assert.equal(r.status, 200, r.text)
    return r.body
  }

  before(async () => {
    dir = await tempDir('meshnode-gov-api-')
    const key = await generateKeyPair('Ed25519')
    self = peerIdFromPrivateKey(key).toString()
    await writeFile(join(dir, KEY_FILE), privateKeyToProtobuf(key), { mode: 0o600 })
    genesis = createGenesis({
      networkId: 'gov-api-test',
      operators: [{ peer_id: self, weight: 1, name: 'solo' }],
      params: {
        ...DEVELOPMENT_PARAMS,
        min_voting_period_ms: 1_000,
        max_voting_period_ms: 7 * 24 * 3600_000,
        // The delay outlasts the grace period, so activation never equals the end of the grace period.
        activation_delay_ms: DELAY_MS,
        certification_grace_ms: GRACE_MS,
        epoch_ms: EPOCH_MS
      },
      createdAt: new Date()
    })
    const genesisFile = join(dir, 'given-genesis.json')
    await writeFile(genesisFile, JSON.stringify(genesis))
    node = await startNode(dir, { genesis: genesisFile, candidate: true })
    url = node.api.url
    assert.equal(node.mesh.peerId.toString(), self)
  })

  after(async () => {
    try {
      await node?.stop()
    } finally {
      await removeDir(dir)
    }
  })

  describe('POST /v1/governance/proposals', () => {
    test('201 with the proposal: this node proposes, with the network\'s rules and its weights snapshot', async () => {
      const before = Date.now()
      const r = await post<ProposalJson>('/v1/governance/proposals', { title: 'a note', description: 'for the record', change: { type: 'text' }, voting_period: '1h' })
      assert.equal(r.status, 201, r.text)
      const p = r.body
      assert.match(p.id, HEX64)
      assert.equal(p.title, 'a note')
      assert.equal(p.description, 'for the record')
      assert.equal(p.type, 'text')
      assert.deepEqual(p.change, { type: 'text' })
      assert.equal(p.proposer, self)
      assert.equal(p.status, 'voting')
      const created = Date.parse(p.created_at)
      assert.ok(created >= before && created <= Date.now())
      assert.equal(Date.parse(p.voting_ends_at) - created, 3_600_000)
      assert.equal(Date.parse(p.activates_at) - Date.parse(p.voting_ends_at), Math.max(DELAY_MS, GRACE_MS))
      assert.deepEqual(p.rules, { quorum: genesis.params.quorum, threshold: genesis.params.threshold, veto: genesis.params.veto })
      assert.deepEqual([p.tally.yes, p.tally.no, p.tally.abstain, p.tally.veto, p.tally.total_weight, p.tally.voted_weight, p.tally.voters], [0, 0, 0, 0, 1, 0, 0])
      assert.equal(p.tally.outcome, 'failed_quorum')
      assert.deepEqual(p.weights, { [self]: 1 })
      assert.equal(p.certified, null)
      assert.deepEqual(p.certificates, [])
      assert.equal(p.missing_votes, 0)
      // It is held: the same view by id.
      const again = await proposalById(p.id)
      assert.equal(again.id, p.id)
      assert.equal(again.status, 'voting')
    })

    test('201 with a voting period in milliseconds, in each unit, and with stricter quorum and threshold', async () => {
      const ms = await propose({ title: 'in ms', change: { type: 'text' }, voting_period: 90_000 })
      assert.equal(Date.parse(ms.voting_ends_at) - Date.parse(ms.created_at), 90_000)
      // Days are read as days too (see '8d' below); no multi-day proposal here, whose certifiers would be an election far ahead.
      for (const [period, length] of [['1500ms', 1500], ['30s', 30_000], ['10m', 600_000], ['2h', 7_200_000]] as const) {
        const p = await propose({ title: `period ${period}`, change: { type: 'text' }, voting_period: period })
        assert.equal(Date.parse(p.voting_ends_at) - Date.parse(p.created_at), length, period)
      }
      const strict = await propose({ title: 'strict', change: { type: 'text' }, voting_period: '1h', quorum: 0.9, threshold: 0.75 })
      assert.deepEqual(strict.rules, { quorum: 0.9, threshold: 0.75, veto: genesis.params.veto })
      const description = await propose({ title: 'no description', change: { type: 'text' }, voting_period: '1h' })
      assert.equal(description.description, '')
    })

    test('401 without a token or with a wrong one, and nothing is stored', async () => {
      const total = (await allProposals()).total
      const body = { title: 'unauthenticated', change: { type: 'text' }, voting_period: '1h' }
      const none = await post('/v1/governance/proposals', body, { 'content-type': 'application/json' })
      assertError(none, 401, 'AUTHENTICATION_ERROR')
      assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/)
      assertError(await post('/v1/governance/proposals', body, { authorization: 'Bearer wrong-token', 'content-type': 'application/json' }), 401, 'AUTHENTICATION_ERROR')
      // A malformed Authorization header (no scheme) is refused too, in the error shape.
      const malformed = await post('/v1/governance/proposals', body, { authorization: node.token, 'content-type': 'application/json' })
      assertError(malformed, malformed.status, malformed.status === 400 ? 'BAD_REQUEST' : 'AUTHENTICATION_ERROR')
      assert.ok(malformed.status === 400 || malformed.status === 401, malformed.text)
      assert.equal((await allProposals()).total, total)
    })

    test('400 for a body that is not JSON', async () => {
      assertError(await post('/v1/governance/proposals', '{"title": "x", '), 400, 'BAD_REQUEST')
      assertError(await post('/v1/governance/proposals', ''), 400, 'BAD_REQUEST')
    })

    test('422 for parameters nested 8,000 levels deep (a 500 from a stack overflow before), and nothing is stored', async () => {
      const total = (await allProposals()).total
      const deep = `{"title":"deep","voting_period":"1h","change":{"type":"param_change","params":{"x":${'{"a":'.repeat(8_000)}1${'}'.repeat(8_000)}}}}`
      const error = assertError(await post('/v1/governance/proposals', deep), 422, 'VALIDATION_ERROR')
      assert.ok(error.message.includes('64'), error.message)
      assert.equal((await allProposals()).total, total)
    })

    test('422 naming the field: missing or empty title, bad change type, bad voting_period, unknown field; nothing is stored', async () => {
      const total = (await allProposals()).total
      const good = { title: 'fine', change: { type: 'text' }, voting_period: '1h' }
      assertValidation(await post('/v1/governance/proposals', { change: good.change, voting_period: good.voting_period }), 'title')
      assertValidation(await post('/v1/governance/proposals', { ...good, title: '' }), 'title')
      assertValidation(await post('/v1/governance/proposals', { ...good, title: 't'.repeat(201) }), 'title')
      assertValidation(await post('/v1/governance/proposals', { ...good, change: { type: 'bogus' } }), 'change.type')
      assertValidation(await post('/v1/governance/proposals', { ...good, change: undefined }), 'change')
      assertValidation(await post('/v1/governance/proposals', { ...good, change: { type: 'operator_add', peer_id: self } }), 'change.weight')
      assertValidation(await post('/v1/governance/proposals', { ...good, voting_period: 'soon' }), 'voting_period')
      assertValidation(await post('/v1/governance/proposals', { ...good, voting_period: '5 days' }), 'voting_period')
      assertValidation(await post('/v1/governance/proposals', { ...good, voting_period: 0 }), 'voting_period')
      assertValidation(await post('/v1/governance/proposals', { ...good, voting_period: undefined }), 'voting_period')
      assertValidation(await post('/v1/governance/proposals', { ...good, quorum: 1.5 }), 'quorum')
      assertValidation(await post('/v1/governance/proposals', { ...good, colour: 'blue' }), 'colour', true)
      assertValidation(await post('/v1/governance/proposals', { ...good, change: { type: 'text', colour: 'blue' } }), 'colour', true)
      assert.equal((await allProposals()).total, total)
    })

    test('422 for what governance refuses: an invalid or fixed parameter, a period out of bounds, weaker rules, a non-operator', async () => {
      const total = (await allProposals()).total
      const base = { title: 'refused', voting_period: '1h' }
      const invalid = assertError(await post('/v1/governance/proposals', { ...base, change: { type: 'param_change', params: { quorum: 7 } } }), 422, 'VALIDATION_ERROR')
      assert.match(invalid.message, /invalid parameter quorum/)
      const unknown = assertError(await post('/v1/governance/proposals', { ...base, change: { type: 'param_change', params: { colour: 'blue' } } }), 422, 'VALIDATION_ERROR')
      assert.match(unknown.message, /invalid parameter/)
      assertError(await post('/v1/governance/proposals', { ...base, change: { type: 'param_change', params: {} } }), 422, 'VALIDATION_ERROR')
      for (const fixed of ['epoch_ms', 'activation_delay_ms', 'certification_grace_ms']) {
        const e = assertError(await post('/v1/governance/proposals', { ...base, change: { type: 'param_change', params: { [fixed]: 10_000 } } }), 422, 'VALIDATION_ERROR')
        assert.match(e.message, new RegExp(`${fixed} cannot be changed by governance`))
      }
      const short = assertError(await post('/v1/governance/proposals', { ...base, change: { type: 'text' }, voting_period: '10ms' }), 422, 'VALIDATION_ERROR')
      assert.match(short.message, /voting period must be within/)
      // '8d' is read as 8 days, one more than the maximum of 7.
      const long = assertError(await post('/v1/governance/proposals', { ...base, change: { type: 'text' }, voting_period: '8d' }), 422, 'VALIDATION_ERROR')
      assert.match(long.message, /voting period must be within 1000\.\.604800000 ms/)
      const weak = assertError(await post('/v1/governance/proposals', { ...base, change: { type: 'text' }, quorum: 0.1 }), 422, 'VALIDATION_ERROR')
      assert.match(weak.message, /stricter/)
      const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
      const remove = assertError(await post('/v1/governance/proposals', { ...base, change: { type: 'operator_remove', peer_id: other } }), 422, 'VALIDATION_ERROR')
      assert.match(remove.message, /is not an operator/)
      const add = assertError(await post('/v1/governance/proposals', { ...base, change: { type: 'operator_add', peer_id: self, weight: 2, name: 'me again' } }), 422, 'VALIDATION_ERROR')
      assert.match(add.message, /is an operator already/)
      assert.equal((await allProposals()).total, total)
    })
  })

  describe('a partial price_list change', () => {
    test('the proposal shows the whole resulting list before anyone votes; a removal is an explicit null', async () => {
      const p = await propose({ title: 'cheaper storage', change: { type: 'param_change', params: { price_list: { storage: { unit: 'GB', unit_price: 0.01 } } } }, voting_period: '1h' })
      const expected = { price_list: { ...genesis.params.price_list, storage: { unit: 'GB', unit_price: 0.01 } } }
      assert.deepEqual((p as unknown as { resulting_params: unknown }).resulting_params, expected)
      const one = await get<{ resulting_params: unknown }>(`/v1/governance/proposals/${p.id}`)
      assert.deepEqual(one.body.resulting_params, expected)
      const removal = await propose({ title: 'no more bandwidth', change: { type: 'param_change', params: { price_list: { bandwidth: null } } }, voting_period: '1h' })
      const rest = { ...genesis.params.price_list }
      delete rest.bandwidth
      assert.deepEqual((removal as unknown as { resulting_params: unknown }).resulting_params, { price_list: rest })
      const text = await proposalById((await propose({ title: 'words', change: { type: 'text' }, voting_period: '1h' })).id)
      assert.equal('resulting_params' in text, false)
    })

    test('422 for removing a price that is not listed, or the price of routed requests', async () => {
      const nothing = assertError(await post('/v1/governance/proposals', { title: 'x', change: { type: 'param_change', params: { price_list: { gpu: null } } }, voting_period: '1h' }), 422, 'VALIDATION_ERROR')
      assert.match(nothing.message, /price_list\.gpu: not in price_list/)
      const request = assertError(await post('/v1/governance/proposals', { title: 'x', change: { type: 'param_change', params: { price_list: { request: null } } }, voting_period: '1h' }), 422, 'VALIDATION_ERROR')
      assert.match(request.message, /routed requests are billed as request/)
    })
  })

  describe('GET /v1/governance/proposals and /proposals/<id>', () => {
    test('lists newest first, filters by status, pages with offset and limit', async () => {
      const open = await propose({ title: 'open for an hour', change: { type: 'text' }, voting_period: '1h' })
      const ended = await propose({ title: 'ends in a second', change: { type: 'text' }, voting_period: '1s' })
      await castVote(ended.id, 'yes')
      await waitFor('the short proposal to pass', async () => (await proposalById(ended.id)).status === 'passed', { timeoutMs: 15_000, intervalMs: 200 })

      const all = await allProposals()
      assert.equal(all.offset, 0)
      assert.equal(all.limit, 500)
      assert.equal(all.proposals.length, all.total)
      assert.ok(all.total >= 2)
      const created = all.proposals.map(p => Date.parse(p.created_at))
      assert.deepEqual(created, [...created].sort((a, b) => b - a), 'newest first')
      // A list entry is the summary: no weights or certificates.
      assert.equal(all.proposals[0]?.weights, undefined)
      assert.equal(all.proposals[0]?.certificates, undefined)

      const voting = await allProposals('&status=voting')
      assert.ok(voting.proposals.every(p => p.status === 'voting'))
      assert.ok(voting.proposals.some(p => p.id === open.id))
      assert.ok(!voting.proposals.some(p => p.id === ended.id))
      assert.equal(voting.total, voting.proposals.length)
      const passed = await allProposals('&status=passed')
      assert.ok(passed.proposals.every(p => p.status === 'passed'))
      assert.ok(passed.proposals.some(p => p.id === ended.id))
      // Every proposal has one status: the filtered totals add up (retried, as a proposal may change status between two calls).
      await waitFor('the filtered totals to add up', async () => {
        const totals = await Promise.all(['voting', 'tallying', 'passed', 'rejected', 'rejected_veto', 'failed_quorum'].map(async st => (await allProposals(`&status=${st}`)).total))
        return totals.reduce((x, y) => x + y, 0) === (await allProposals()).total
      }, { timeoutMs: 10_000, intervalMs: 200 })

      const ids = all.proposals.map(p => p.id)
      const page = await get<ProposalList>('/v1/governance/proposals?offset=1&limit=2')
      assert.equal(page.status, 200, page.text)
      assert.deepEqual([page.body.offset, page.body.limit, page.body.total], [1, 2, all.total])
      assert.deepEqual(page.body.proposals.map(p => p.id), ids.slice(1, 3))
      const past = await get<ProposalList>(`/v1/governance/proposals?offset=${all.total}`)
      assert.deepEqual([past.body.proposals, past.body.total, past.body.limit], [[], all.total, 50])
    })

    test('422 for a bad status, limit or offset, or an unknown query parameter', async () => {
      assertValidation(await get('/v1/governance/proposals?status=done'), 'status')
      assertValidation(await get('/v1/governance/proposals?limit=0'), 'limit')
      assertValidation(await get('/v1/governance/proposals?limit=501'), 'limit')
      assertValidation(await get('/v1/governance/proposals?limit=many'), 'limit')
      assertValidation(await get('/v1/governance/proposals?offset=-1'), 'offset')
      assertValidation(await get('/v1/governance/proposals?colour=blue'), 'colour', true)
    })

    test('GET one: the detailed view; 404 for an unknown id', async () => {
      const p = await propose({ title: 'to read', change: { type: 'text' }, voting_period: '1h' })
      const one = await proposalById(p.id)
      assert.deepEqual({ ...one, tally: undefined, status: undefined }, { ...p, tally: undefined, status: undefined })
      assertError(await get(`/v1/governance/proposals/${'0'.repeat(64)}`), 404, 'NOT_FOUND')
      assertError(await get('/v1/governance/proposals/not-an-id'), 404, 'NOT_FOUND')
    })
  })

  describe('POST /v1/governance/proposals/<id>/vote', () => {
    test('201; a changed vote counts once as its latest value', async () => {
      const p = await propose({ title: 'vote on me', change: { type: 'text' }, voting_period: '1h' })
      const v = await castVote(p.id, 'yes', 'looks good')
      assert.match(v.id, HEX64)
      assert.deepEqual({ ...v, id: undefined }, { id: undefined, proposal_id: p.id, voter: self, vote: 'yes' })
      let view = await proposalById(p.id)
      assert.deepEqual([view.tally.yes, view.tally.no, view.tally.voters, view.tally.voted_weight, view.tally.outcome], [1, 0, 1, 1, 'passed'])
      assert.equal(view.tally.turnout, 1)
      // Two votes in one millisecond are ordered by id: let the clock move so that the second is the latest.
      const t = Date.now()
      await waitFor('a new millisecond', () => Date.now() > t, { timeoutMs: 1000, intervalMs: 2 })
      await castVote(p.id, 'no')
      view = await proposalById(p.id)
      assert.deepEqual([view.tally.yes, view.tally.no, view.tally.voters, view.tally.outcome], [0, 1, 1, 'rejected'])
      const t2 = Date.now()
      await waitFor('a new millisecond', () => Date.now() > t2, { timeoutMs: 1000, intervalMs: 2 })
      await castVote(p.id, 'veto')
      view = await proposalById(p.id)
      assert.deepEqual([view.tally.yes, view.tally.no, view.tally.veto, view.tally.voters, view.tally.outcome], [0, 0, 1, 1, 'rejected_veto'])
    })

    test('422 for a bad option or an unknown field, 400 for a body that is not JSON', async () => {
      const p = await propose({ title: 'bad votes', change: { type: 'text' }, voting_period: '1h' })
      assertValidation(await post(`/v1/governance/proposals/${p.id}/vote`, { vote: 'maybe' }), 'vote')
      assertValidation(await post(`/v1/governance/proposals/${p.id}/vote`, {}), 'vote')
      assertValidation(await post(`/v1/governance/proposals/${p.id}/vote`, { vote: 'yes', reason: 'r'.repeat(1001) }), 'reason')
      assertValidation(await post(`/v1/governance/proposals/${p.id}/vote`, { vote: 'yes', weight: 100 }), 'weight', true)
      assertError(await post(`/v1/governance/proposals/${p.id}/vote`, 'yes'), 400, 'BAD_REQUEST')
      assert.equal((await proposalById(p.id)).tally.voters, 0)
    })

    test('404 for an unknown proposal, 401 without a token', async () => {
      assertError(await post(`/v1/governance/proposals/${'0'.repeat(64)}/vote`, { vote: 'yes' }), 404, 'NOT_FOUND')
      assertError(await post('/v1/governance/proposals/not-an-id/vote', { vote: 'yes' }), 404, 'NOT_FOUND')
      const p = await propose({ title: 'no anonymous votes', change: { type: 'text' }, voting_period: '1h' })
      assertError(await post(`/v1/governance/proposals/${p.id}/vote`, { vote: 'yes' }, { 'content-type': 'application/json' }), 401, 'AUTHENTICATION_ERROR')
      assertError(await post(`/v1/governance/proposals/${p.id}/vote`, { vote: 'yes' }, { authorization: 'Bearer nope', 'content-type': 'application/json' }), 401, 'AUTHENTICATION_ERROR')
      assert.equal((await proposalById(p.id)).tally.voters, 0)
    })

    test('422 once voting has ended', async () => {
      const p = await propose({ title: 'short', change: { type: 'text' }, voting_period: '1s' })
      await waitFor('the end of voting', async () => (await proposalById(p.id)).status !== 'voting', { timeoutMs: 5_000, intervalMs: 100 })
      const late = assertError(await post(`/v1/governance/proposals/${p.id}/vote`, { vote: 'yes' }), 422, 'VALIDATION_ERROR')
      assert.match(late.message, /voting has ended/)
    })
  })

  describe('operators, params, overview', () => {
    test('GET /v1/governance/operators: this node, its weight, online', async () => {
      const r = await get<OperatorsJson>('/v1/governance/operators')
      assert.equal(r.status, 200, r.text)
      assert.equal(r.body.operators.length, 1)
      const [op] = r.body.operators
      assert.deepEqual({ ...op, bootstrap_role: undefined }, { peer_id: self, name: 'solo', weight: 1, online: true, bootstrap_role: undefined })
      assert.ok(op?.bootstrap_role === 'elected' || op?.bootstrap_role === 'none')
    })

    test('GET /v1/governance/params: current and pending; a passed change takes effect at its activation, a rejected one never', async () => {
      const initial = await get<ParamsJson>('/v1/governance/params')
      assert.equal(initial.status, 200, initial.text)
      assert.deepEqual(initial.body.current, genesis.params)

      const change = { type: 'param_change', params: { currency: 'EUR' } }
      const passing = await propose({ title: 'bill in euros', change, voting_period: '1s' })
      const failing = await propose({ title: 'a longer skew', change: { type: 'param_change', params: { max_clock_skew_ms: 45_000 } }, voting_period: '1s' })
      const pending = (await get<ParamsJson>('/v1/governance/params')).body.pending
      const entry = pending.find(p => p.proposal_id === passing.id)
      assert.deepEqual(entry, { proposal_id: passing.id, change, activates_at: passing.activates_at })
      assert.ok(pending.some(p => p.proposal_id === failing.id))
      // Text proposals are never pending changes.
      assert.ok(pending.every(p => p.change.type !== 'text'))
      await castVote(passing.id, 'yes')
      await castVote(failing.id, 'no')

      const activation = Date.parse(passing.activates_at)
      await waitFor('the change in force', async () => {
        const sent = Date.now()
        const params = (await get<ParamsJson>('/v1/governance/params')).body
        // The node reads the same clock: what it answered was true at some time between sent and now.
        if (params.current.currency !== 'EUR') {
          assert.ok(sent < activation, `not in force at ${sent - activation} ms after its activation`)
          return false
        }
        assert.ok(Date.now() >= activation, `in force ${activation - Date.now()} ms before its activation`)
        return true
      }, { timeoutMs: 15_000, intervalMs: 50 })
      // This node, the sole operator, certifies the tally once the grace period is over (on its next tick).
      const p = await waitFor('the certified result', async () => {
        const view = await proposalById(passing.id)
        return view.certified !== null && view
      }, { timeoutMs: 10_000, intervalMs: 100 })
      assert.equal(p.status, 'passed')
      assert.equal(p.certified?.by, self)
      assert.equal(p.certified?.outcome, 'passed')
      assert.equal(p.certified?.counted_hash, p.tally.counted_hash)
      assert.equal(p.certificates?.length, 1)
      assert.equal(p.missing_votes, 0)
      await waitFor('the rejected change settled', async () => (await proposalById(failing.id)).status === 'rejected', { timeoutMs: 10_000, intervalMs: 100 })
      await waitFor('the rejected change past its activation', () => Date.now() > Date.parse(failing.activates_at), { timeoutMs: 10_000, intervalMs: 50 })
      const after = (await get<ParamsJson>('/v1/governance/params')).body
      assert.equal(after.current.currency, 'EUR')
      assert.equal(after.current.max_clock_skew_ms, genesis.params.max_clock_skew_ms)
      assert.ok(!after.pending.some(x => x.proposal_id === passing.id || x.proposal_id === failing.id))
      assert.deepEqual({ ...after.current, currency: genesis.params.currency }, genesis.params)
    })

    test('GET /v1/governance/overview: counts, weight and voting power', async () => {
      await propose({ title: 'keeps one open', change: { type: 'text' }, voting_period: '1h' })
      const all = await allProposals()
      const r = await get<OverviewJson>('/v1/governance/overview')
      assert.equal(r.status, 200, r.text)
      assert.equal(r.body.proposals, all.total)
      assert.equal(r.body.active_proposals, all.proposals.filter(p => p.status === 'voting').length)
      assert.ok(r.body.active_proposals >= 1)
      assert.equal(r.body.operators, 1)
      assert.equal(r.body.total_weight, 1)
      assert.deepEqual(r.body.voting_power_distribution, { [self]: 1 })
      assert.ok(Array.isArray(r.body.bootstrap_operators))
      assert.ok(r.body.bootstrap_operators.every(id => id === self))
    })
  })

  describe('election', () => {
    test('GET /v1/election/status: epoch, its boundaries, seats; this node elected once its candidacy is in', async () => {
      const status = await waitFor('this node elected', async () => {
        const r = await get<ElectionJson>('/v1/election/status')
        assert.equal(r.status, 200, r.text)
        return r.body.elected.includes(self) ? r.body : false
      }, { timeoutMs: 4 * EPOCH_MS, intervalMs: 100 })
      const start = Date.parse(genesis.created_at)
      assert.ok(status.epoch >= 1)
      assert.equal(status.epoch_ms, EPOCH_MS)
      assert.equal(Date.parse(status.epoch_started_at), start + status.epoch * EPOCH_MS)
      assert.equal(Date.parse(status.next_boundary), start + (status.epoch + 1) * EPOCH_MS)
      assert.equal(status.seats, genesis.params.bootstrap_operator_count)
      assert.deepEqual(status.elected, [self])
      assert.deepEqual(status.candidates.map(c => [c.peer_id, c.elected]), [[self, true]])
      assert.match(status.seed, HEX64)
      const ops = await get<OperatorsJson>('/v1/governance/operators')
      const overview = await get<OverviewJson>('/v1/governance/overview')
      // The epoch may have turned between the calls; the node stands every epoch, so it is elected in both.
      assert.equal(ops.body.operators[0]?.bootstrap_role, 'elected')
      assert.deepEqual(overview.body.bootstrap_operators, [self])
    })

    test('POST /v1/election/endorsements: 201; the latest endorsement counts from the next epoch', async () => {
      const withdrawn = await post<EndorsementJson>('/v1/election/endorsements', { candidate: self, withdraw: true })
      assert.equal(withdrawn.status, 201, withdrawn.text)
      assert.match(withdrawn.body.id, HEX64)
      assert.deepEqual({ ...withdrawn.body, id: undefined }, { id: undefined, endorser: self, candidate: self, withdrawn: true })
      const t = Date.now()
      await waitFor('a new millisecond', () => Date.now() > t, { timeoutMs: 1000, intervalMs: 2 })
      const endorsed = await post<EndorsementJson>('/v1/election/endorsements', { candidate: self })
      assert.equal(endorsed.status, 201, endorsed.text)
      assert.deepEqual({ ...endorsed.body, id: undefined }, { id: undefined, endorser: self, candidate: self, withdrawn: false })
      assert.notEqual(endorsed.body.id, withdrawn.body.id)
      const epochNow = (await get<ElectionJson>('/v1/election/status')).body.epoch
      const later = await waitFor('the next epoch to count the endorsement', async () => {
        const r = (await get<ElectionJson>('/v1/election/status')).body
        return r.epoch > epochNow && r.candidates.length > 0 ? r : false
      }, { timeoutMs: 4 * EPOCH_MS, intervalMs: 100 })
      assert.deepEqual(later.candidates, [{ peer_id: self, score: 1, elected: true }])
    })

    test('422 naming candidate for a peer that is not a candidate (of this epoch or the next); withdrawing is allowed', async () => {
      const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
      const e = assertValidation(await post('/v1/election/endorsements', { candidate: stranger }), 'candidate')
      assert.match(e.message, new RegExp(`${stranger} is not a candidate: no candidacy for epoch \\d+ or \\d+`))
      const withdrawn = await post<EndorsementJson>('/v1/election/endorsements', { candidate: stranger, withdraw: true })
      assert.equal(withdrawn.status, 201, withdrawn.text)
    })

    test('422 for a missing candidate or an unknown field, 400 for a body that is not JSON, 401 without a token', async () => {
      assertValidation(await post('/v1/election/endorsements', {}), 'candidate')
      assertValidation(await post('/v1/election/endorsements', { candidate: '' }), 'candidate')
      assertValidation(await post('/v1/election/endorsements', { candidate: self, withdraw: 'yes' }), 'withdraw')
      assertValidation(await post('/v1/election/endorsements', { candidate: self, weight: 5 }), 'weight', true)
      assertError(await post('/v1/election/endorsements', '{'), 400, 'BAD_REQUEST')
      assertError(await post('/v1/election/endorsements', { candidate: self }, { 'content-type': 'application/json' }), 401, 'AUTHENTICATION_ERROR')
      assertError(await post('/v1/election/endorsements', { candidate: self }, { authorization: 'Bearer nope', 'content-type': 'application/json' }), 401, 'AUTHENTICATION_ERROR')
    })
  })

  test('unknown governance routes: 404 in the error shape', async () => {
    assertError(await get('/v1/governance/nothing'), 404, 'NOT_FOUND')
    assertError(await get('/v1/election/nothing'), 404, 'NOT_FOUND')
  })
})
