// The operator UI of a meshnode node: one page, live from the node's API and its event stream.
import { h, render } from 'preact'
import { useCallback, useEffect, useReducer, useRef } from 'preact/hooks'
import htm from 'htm'
import createClient from 'openapi-fetch'
import { AlertsCard, BillingCard, ElectionCard, GovernanceCard, InvoiceCard, LoadCard, PeersCard, RoutingCard, Summary, TopBar } from './views.js'

const html = htm.bind(h)
const api = createClient({ baseUrl: location.origin })

const POLL_MS = 2000
/** Samples kept per figure: two minutes at the poll interval. */
const HISTORY = 60
const TOKEN_KEY = 'meshnode.token'
/** Proposals listed: the newest. */
const PROPOSALS = 20

const initial = {
  status: null,
  peers: [],
  services: [],
  lb: null,
  failover: [],
  billing: null,
  proposals: [],
  operators: [],
  election: null,
  governance: null,
  alerts: [],
  firings: [],
  selfLoad: { times: [], cpu: [], memory: [] },
  peerHistory: {},
  live: 'connecting',
  error: null,
  updatedAt: null
}

const push = (list, value) => [...list, value].slice(-HISTORY)

function reducer (state, action) {
  switch (action.type) {
    case 'snapshot': {
      const d = action.data
      const peerHistory = {}
      for (const p of d.peers) {
        const held = state.peerHistory[p.peer_id] ?? { rtt: [], cpu: [] }
        peerHistory[p.peer_id] = { rtt: push(held.rtt, p.status === 'healthy' ? p.rtt_ms : null), cpu: push(held.cpu, p.status === 'down' || p.status === 'left' ? null : p.metrics.cpu_usage * 100) }
      }
      const load = d.status?.load
      const selfLoad = load === null || load === undefined
        ? state.selfLoad
        : {
            times: push(state.selfLoad.times, Date.now() / 1000),
            cpu: push(state.selfLoad.cpu, load.cpu_usage * 100),
            memory: push(state.selfLoad.memory, load.memory_usage * 100)
          }
      return { ...state, ...d, peerHistory, selfLoad, error: null, updatedAt: new Date() }
    }
    case 'governance':
      return { ...state, proposals: action.proposals, governance: action.governance }
    case 'proposal': {
      // A proposal made (or fetched again): in the list once, newest first, as the API lists them.
      const others = state.proposals.filter(p => p.id !== action.proposal.id)
      return { ...state, proposals: [action.proposal, ...others].sort((x, y) => Date.parse(y.created_at) - Date.parse(x.created_at)).slice(0, PROPOSALS) }
    }
    case 'proposal-voted':
      // The feed carries the tally after the vote, as the node counted it: nothing to fetch.
      return { ...state, proposals: state.proposals.map(p => p.id === action.proposalId ? { ...p, tally: action.tally } : p) }
    case 'peer-state':
      // The event stream says it first: show it now, the next poll brings the figures.
      return { ...state, peers: state.peers.map(p => p.peer_id === action.peerId ? { ...p, status: action.to, status_since: action.time } : p) }
    case 'live':
      return { ...state, live: action.live }
    case 'error':
      return { ...state, error: action.message }
    default:
      return state
  }
}

/** The data of an answer, or an Error with the API's one-line message (and its details: the field at fault). */
function unwrap ({ data, error, response }) {
  if (error !== undefined) {
    throw Object.assign(new Error(error?.error?.message ?? `HTTP ${response.status}`), { code: error?.error?.code, details: error?.error?.details })
  }
  return data
}

/** The figures that change all the time (load, RTT, counters): polled. Governance is not: the feed tells of every change to it. */
async function snapshot () {
  const [status, peers, services, lb, failover, billing, operators, election, alerts, firings] = await Promise.all([
    api.GET('/v1/system/status'),
    api.GET('/v1/network/peers'),
    api.GET('/v1/services'),
    api.GET('/v1/load-balancer/status'),
    api.GET('/v1/failover/nodes'),
    api.GET('/v1/billing/overview'),
    api.GET('/v1/governance/operators'),
    api.GET('/v1/election/status'),
    api.GET('/v1/alerts/rules'),
    api.GET('/v1/alerts/history', { params: { query: { limit: 8 } } })
  ].map(p => p.then(unwrap)))
  return {
    status,
    peers: peers.peers,
    services: services.services,
    lb,
    failover: failover.nodes,
    billing,
    operators: operators.operators,
    election,
    alerts: alerts.rules,
    firings: firings.firings
  }
}

/** The proposals and the governance overview: read at start, on a reconnect of the feed, and when a proposal settles. */
async function governanceSnapshot () {
  const [proposals, governance] = await Promise.all([
    api.GET('/v1/governance/proposals', { params: { query: { limit: PROPOSALS } } }),
    api.GET('/v1/governance/overview')
  ].map(p => p.then(unwrap)))
  return { proposals: proposals.proposals, governance }
}

function App () {
  const [state, dispatch] = useReducer(reducer, initial)
  const token = useRef(sessionStorage.getItem(TOKEN_KEY) ?? '')
  const [, rerender] = useReducer(x => x + 1, 0)

  const refresh = useCallback(async () => {
    try {
      dispatch({ type: 'snapshot', data: await snapshot() })
    } catch (err) {
      dispatch({ type: 'error', message: err instanceof Error ? err.message : String(err) })
    }
  }, [])

  const fetchGovernance = useCallback(async () => {
    try {
      dispatch({ type: 'governance', ...await governanceSnapshot() })
    } catch (err) {
      dispatch({ type: 'error', message: err instanceof Error ? err.message : String(err) })
    }
  }, [])

  useEffect(() => {
    void refresh()
    void fetchGovernance()
    const timer = setInterval(() => { void refresh() }, POLL_MS)
    const events = new EventSource('/v1/events')
    let soon
    const later = () => {
      clearTimeout(soon)
      soon = setTimeout(() => { void refresh() }, 150)
    }
    // Read governance again when the feed reopens: what changed while it was down is not replayed.
    let opened = false
    events.onopen = () => {
      dispatch({ type: 'live', live: 'live' })
      if (opened) void fetchGovernance()
      opened = true
    }
    events.onerror = () => dispatch({ type: 'live', live: 'reconnecting' })
    events.addEventListener('peer:state', e => {
      const d = JSON.parse(e.data)
      dispatch({ type: 'peer-state', peerId: d.peer_id, to: d.to, time: d.time })
      later()
    })
    events.addEventListener('proposal.voted', e => {
      const d = JSON.parse(e.data)
      dispatch({ type: 'proposal-voted', proposalId: d.proposal_id, tally: d.tally })
    })
    events.addEventListener('proposal.created', e => {
      const d = JSON.parse(e.data)
      api.GET('/v1/governance/proposals/{id}', { params: { path: { id: d.proposal_id } } }).then(unwrap)
        .then(proposal => dispatch({ type: 'proposal', proposal }), err => dispatch({ type: 'error', message: err.message }))
    })
    for (const type of ['proposal.passed', 'proposal.rejected']) events.addEventListener(type, () => { void fetchGovernance() })
    // Any other change the feed tells of: the figures it touches are fetched at once.
    for (const type of ['peer:joined', 'peer:forgotten', 'alert.triggered', 'alert.resolved', 'breaker.opened', 'election.changed', 'invoice.issued', 'payment.success']) {
      events.addEventListener(type, later)
    }
    return () => {
      clearInterval(timer)
      clearTimeout(soon)
      events.close()
    }
  }, [refresh, fetchGovernance])

  const setToken = value => {
    token.current = value.trim()
    if (token.current === '') sessionStorage.removeItem(TOKEN_KEY)
    else sessionStorage.setItem(TOKEN_KEY, token.current)
    rerender()
  }

  const vote = async (proposalId, option) => {
    if (token.current === '') throw new Error('paste the operator token first (top right)')
    unwrap(await api.POST('/v1/governance/proposals/{id}/vote', {
      params: { path: { id: proposalId } },
      body: { vote: option, reason: '' },
      headers: { Authorization: `Bearer ${token.current}` }
    }))
  }

  // The new proposal joins the list from the feed (proposal.created), on this page and every other.
  const propose = async body => {
    if (token.current === '') throw new Error('paste the operator token first (top right)')
    return unwrap(await api.POST('/v1/governance/proposals', { body, headers: { Authorization: `Bearer ${token.current}` } }))
  }

  // The tenant's invoice of the month, if it has one (usage or a subscription in it).
  const invoice = async (tenant, period) => unwrap(await api.GET('/v1/billing/invoices', { params: { query: period === '' ? { tenant } : { tenant, period } } })).invoices[0] ?? null

  if (state.status === null) {
    return html`<div class="boot">${state.error === null ? 'Connecting to the node…' : `The node does not answer: ${state.error}`}</div>`
  }
  return html`
    <${TopBar} status=${state.status} live=${state.live} error=${state.error} updatedAt=${state.updatedAt} token=${token.current} setToken=${setToken} />
    <main>
      <${Summary} state=${state} />
      <div class="grid">
        <${PeersCard} peers=${state.peers} history=${state.peerHistory} self=${state.status.peer_id} operators=${state.operators} />
        <${AlertsCard} rules=${state.alerts} firings=${state.firings} />
        <${LoadCard} load=${state.selfLoad} status=${state.status} />
        <${ElectionCard} election=${state.election} operators=${state.operators} self=${state.status.peer_id} />
        <${GovernanceCard} proposals=${state.proposals} governance=${state.governance} onVote=${vote} onPropose=${propose} hasToken=${token.current !== ''} />
        <${RoutingCard} services=${state.services} lb=${state.lb} failover=${state.failover} />
        <${BillingCard} billing=${state.billing} />
        <${InvoiceCard} fetchInvoice=${invoice} />
      </div>
    </main>`
}

const root = document.getElementById('app')
// The boot message is static HTML, not Preact's: clear it so that the app replaces it.
root.replaceChildren()
render(html`<${App} />`, root)
