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

/** The data of an answer, or an Error with the API's one-line message. */
function unwrap ({ data, error, response }) {
  if (error !== undefined) throw new Error(error?.error?.message ?? `HTTP ${response.status}`)
  return data
}

async function snapshot () {
  const [status, peers, services, lb, failover, billing, proposals, operators, election, governance, alerts, firings] = await Promise.all([
    api.GET('/v1/system/status'),
    api.GET('/v1/network/peers'),
    api.GET('/v1/services'),
    api.GET('/v1/load-balancer/status'),
    api.GET('/v1/failover/nodes'),
    api.GET('/v1/billing/overview'),
    api.GET('/v1/governance/proposals', { params: { query: { limit: 20 } } }),
    api.GET('/v1/governance/operators'),
    api.GET('/v1/election/status'),
    api.GET('/v1/governance/overview'),
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
    proposals: proposals.proposals,
    operators: operators.operators,
    election,
    governance,
    alerts: alerts.rules,
    firings: firings.firings
  }
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

  useEffect(() => {
    void refresh()
    const timer = setInterval(() => { void refresh() }, POLL_MS)
    const events = new EventSource('/v1/events')
    let soon
    const later = () => {
      clearTimeout(soon)
      soon = setTimeout(() => { void refresh() }, 150)
    }
    events.onopen = () => dispatch({ type: 'live', live: 'live' })
    events.onerror = () => dispatch({ type: 'live', live: 'reconnecting' })
    events.addEventListener('peer:state', e => {
      const d = JSON.parse(e.data)
      dispatch({ type: 'peer-state', peerId: d.peer_id, to: d.to, time: d.time })
      later()
    })
    // Any other change the feed tells of: the figures it touches are fetched at once.
    for (const type of ['peer:joined', 'peer:forgotten', 'alert.triggered', 'alert.resolved', 'breaker.opened', 'proposal.passed', 'proposal.rejected', 'election.changed', 'invoice.issued', 'payment.success']) {
      events.addEventListener(type, later)
    }
    return () => {
      clearInterval(timer)
      clearTimeout(soon)
      events.close()
    }
  }, [refresh])

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
    await refresh()
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
        <${GovernanceCard} proposals=${state.proposals} governance=${state.governance} onVote=${vote} hasToken=${token.current !== ''} />
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
