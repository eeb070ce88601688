// The cards of the operator UI: each renders one part of the node's API answers.
import { h } from 'preact'
import { useState } from 'preact/hooks'
import htm from 'htm'
import { Sparkline, TimePlot } from './plots.js'

const html = htm.bind(h)

const COLORS = { rtt: '#5ec8f2', cpu: '#f2a65e', memory: '#b48cf2' }

export const shortId = id => id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id
const pct = x => `${Math.round(x * 100)}%`
const ms = x => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`
const num = x => Number(x).toLocaleString('en-US', { maximumFractionDigits: 4 })
const when = iso => new Date(iso).toLocaleString('en-GB', { hour12: false })
function span (ms) {
  const s = Math.max(0, Math.round(ms / 1000))
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : s < 86400 ? `${Math.floor(s / 3600)}h` : `${Math.floor(s / 86400)}d`
}
const ago = iso => span(Date.now() - Date.parse(iso))
const until = iso => span(Date.parse(iso) - Date.now())
function duration (seconds) {
  const d = Math.floor(seconds / 86400)
  const hh = Math.floor((seconds % 86400) / 3600)
  const mm = Math.floor((seconds % 3600) / 60)
  return d > 0 ? `${d}d ${hh}h` : hh > 0 ? `${hh}h ${mm}m` : `${mm}m ${seconds % 60}s`
}

const Pill = ({ kind, children }) => html`<span class=${`pill pill-${kind}`}>${children}</span>`
const Id = ({ id, self }) => html`<code class="id" title=${id}>${shortId(id)}${self === id ? html` <span class="you">this node</span>` : ''}</code>`
const Card = ({ title, wide, children, extra, testid }) => html`
  <section class=${`card${wide ? ' wide' : ''}`} data-testid=${testid}>
    <header><h2>${title}</h2>${extra}</header>
    ${children}
  </section>`
const Empty = ({ children }) => html`<p class="empty">${children}</p>`

export function TopBar ({ status, live, error, updatedAt, token, setToken }) {
  const [draft, setDraft] = useState(token)
  const state = status.status === 'healthy' ? 'healthy' : status.status === 'degraded' ? 'suspect' : 'neutral'
  return html`
    <header class="topbar">
      <div class="brand"><span class="logo">◆</span> meshnode</div>
      <div class="node">
        <${Pill} kind=${state}>${status.status}</${Pill}>
        <${Id} id=${status.peer_id} />
        <span class="muted">network <b>${status.network_id}</b> · v${status.version} · up ${duration(status.uptime_seconds)}</span>
      </div>
      <div class="live" data-live=${live} title=${error ?? (updatedAt === null ? '' : `updated ${updatedAt.toLocaleTimeString()}`)}>
        <span class="dot"></span>${error !== null ? 'node not answering' : live === 'live' ? 'live' : 'reconnecting…'}
      </div>
      <form class="token" onSubmit=${e => { e.preventDefault(); setToken(draft) }}>
        <input id="token" type="password" placeholder="operator token" autocomplete="off" value=${draft} onInput=${e => setDraft(e.currentTarget.value)} />
        <button type="submit">${token === '' ? 'Use token' : 'Token set ✓'}</button>
      </form>
    </header>`
}

export function Summary ({ state }) {
  const counts = state.peers.reduce((a, p) => ({ ...a, [p.status]: (a[p.status] ?? 0) + 1 }), {})
  const tile = (label, value, kind = '', testid = undefined) => html`<div class=${`tile ${kind}${typeof value === 'string' && !/^[\d,.]+$/.test(value) ? ' text' : ''}`} data-testid=${testid} title=${`${label}: ${value}`}><div class="tile-value">${value}</div><div class="tile-label">${label}</div></div>`
  const active = state.proposals.filter(p => p.status === 'voting').length
  return html`<div class="tiles">
    ${tile('healthy peers', counts.healthy ?? 0, 'ok', 'tile-healthy')}
    ${tile('suspect', counts.suspect ?? 0, (counts.suspect ?? 0) > 0 ? 'warn' : '', 'tile-suspect')}
    ${tile('down', counts.down ?? 0, (counts.down ?? 0) > 0 ? 'bad' : '', 'tile-down')}
    ${tile('left', counts.left ?? 0, '', 'tile-left')}
    ${tile('services', state.services.length)}
    ${tile('routing', state.lb?.strategy ?? '–')}
    ${tile('usage records', num(state.billing?.records ?? 0))}
    ${tile(`revenue ${state.billing?.revenue.currency ?? ''}`, num(state.billing?.revenue.total ?? 0))}
    ${tile('open proposals', active, active > 0 ? 'info' : '')}
    ${tile('epoch', state.election?.epoch ?? '–')}
  </div>`
}

export function PeersCard ({ peers, history, self, operators }) {
  const names = new Map(operators.map(o => [o.peer_id, o.name]))
  return html`<${Card} title="Peers" wide testid="peers" extra=${html`<span class="muted">${peers.length} known · as this node sees them</span>`}>
    ${peers.length === 0
      ? html`<${Empty}>No peer yet: start another node with --bootstrap pointing at this one.</${Empty}>`
      : html`<div class="scroll"><table class="table">
        <thead><tr><th>peer</th><th>state</th><th>RTT</th><th>CPU</th><th>memory</th><th>requests</th><th>region</th><th>version</th><th>services</th></tr></thead>
        <tbody>${peers.map(p => {
          const hist = history[p.peer_id] ?? { rtt: [], cpu: [] }
          return html`<tr data-peer=${p.peer_id} data-state=${p.status} class=${`row-${p.status}`}>
            <td>${names.has(p.peer_id) ? html`<b>${names.get(p.peer_id)}</b> ` : ''}<${Id} id=${p.peer_id} self=${self} />${p.member ? '' : html` <span class="muted">not a member</span>`}</td>
            <td><${Pill} kind=${p.status}>${p.status}</${Pill}> <span class="muted" title=${when(p.status_since)}>${ago(p.status_since)}</span></td>
            <td><${Sparkline} points=${hist.rtt} color=${COLORS.rtt} label="round-trip time" format=${ms} /></td>
            <td><${Sparkline} points=${hist.cpu} color=${COLORS.cpu} label="CPU" format=${v => `${Math.round(v)}%`} /></td>
            <td>${pct(p.metrics.memory_usage)}</td>
            <td>${p.metrics.active_requests} <span class="muted">active</span></td>
            <td>${p.region}</td>
            <td>${p.version}</td>
            <td>${p.services.length === 0 ? html`<span class="muted">–</span>` : p.services.map(s => html`<span class="tag">${s.name}</span>`)}</td>
          </tr>`
        })}</tbody>
      </table></div>`}
  </${Card}>`
}

const SEVERITY_KIND = { critical: 'down', warning: 'suspect', info: 'info' }

export function AlertsCard ({ rules, firings }) {
  const firing = rules.filter(r => r.state === 'firing')
  const pending = rules.filter(r => r.state === 'pending')
  return html`<${Card} title="Alerts" wide testid="alerts" extra=${html`<span class="muted">${firing.length} firing · ${pending.length} pending · ${rules.length} rules</span>`}>
    ${firing.length + pending.length === 0
      ? html`<p class="ok-text" data-testid="alerts-quiet">All quiet: no rule holds now.</p>`
      : html`<div class="alerts">${[...firing, ...pending].map(r => html`<div class=${`alert alert-${r.state}`} data-alert=${r.name} data-state=${r.state}>
          <${Pill} kind=${r.state === 'firing' ? SEVERITY_KIND[r.severity] ?? 'info' : 'neutral'}>${r.state === 'firing' ? r.severity : 'pending'}</${Pill}>
          <b>${r.name}</b> <code>${r.condition}</code>
          <span class="muted">since ${r.active_since === null ? '–' : ago(r.active_since)}</span>
        </div>`)}</div>`}
    ${firings.length === 0
      ? ''
      : html`<div class="scroll"><table class="table">
        <thead><tr><th>rule</th><th>severity</th><th>state</th><th>value</th><th>triggered</th><th>resolved</th></tr></thead>
        <tbody>${firings.map(f => html`<tr>
          <td><b>${f.rule_name}</b></td>
          <td><${Pill} kind=${SEVERITY_KIND[f.severity] ?? 'info'}>${f.severity}</${Pill}></td>
          <td>${f.state}</td>
          <td>${f.value === null ? '–' : num(f.value)}</td>
          <td title=${when(f.triggered_at)}>${ago(f.triggered_at)} ago</td>
          <td>${f.resolved_at === null ? html`<span class="muted">–</span>` : html`<span title=${when(f.resolved_at)}>${ago(f.resolved_at)} ago</span>`}</td>
        </tr>`)}</tbody>
      </table></div>`}
  </${Card}>`
}

export function LoadCard ({ load, status }) {
  const l = status.load
  return html`<${Card} title="This node's load" testid="load">
    ${l === null
      ? html`<${Empty}>No sample taken yet.</${Empty}>`
      : html`<div class="kv">
          <div><span>CPU</span><b>${pct(l.cpu_usage)}</b></div>
          <div><span>memory</span><b>${pct(l.memory_usage)}</b></div>
          <div><span>event loop p99</span><b>${ms(l.event_loop_delay_ms.p99)}</b></div>
          <div><span>error rate</span><b>${pct(l.error_rate)}</b></div>
        </div>`}
    <${TimePlot} times=${load.times} unit="%" series=${[
      { label: 'CPU', color: COLORS.cpu, values: load.cpu },
      { label: 'memory', color: COLORS.memory, values: load.memory }
    ]} />
  </${Card}>`
}

export function RoutingCard ({ services, lb, failover }) {
  const figures = new Map((lb?.peers ?? []).map(p => [p.peer_id, p]))
  return html`<${Card} title="Services and routing" wide testid="routing" extra=${html`<span class="muted">strategy <b>${lb?.strategy ?? '–'}</b> · retry budget ${lb === null ? '–' : pct(lb.retry_budget.ratio)}</span>`}>
    ${services.length === 0
      ? html`<${Empty}>No service in the mesh: start a node with --service NAME=URL.</${Empty}>`
      : html`<div class="services">${services.map(s => html`<div class="service">
          <div class="service-head"><b>${s.name}</b>
            ${s.local === null ? html`<span class="muted">not offered here</span>` : html`<span>local upstream <${Pill} kind=${s.local.healthy ? 'healthy' : 'down'}>${s.local.healthy ? 'healthy' : 'unhealthy'}</${Pill}></span>`}
            <span class="muted">${s.peers.length} peer${s.peers.length === 1 ? '' : 's'}</span>
          </div>
        </div>`)}</div>`}
    <div class="scroll"><table class="table">
      <thead><tr><th>peer</th><th>state</th><th>in flight</th><th>latency EWMA</th><th>selections</th><th>errors</th><th>breakers</th></tr></thead>
      <tbody>${failover.map(n => {
        const f = figures.get(n.peer_id)
        return html`<tr>
          <td><${Id} id=${n.peer_id} /></td>
          <td><${Pill} kind=${n.status}>${n.status}</${Pill}></td>
          <td>${f?.in_flight ?? 0}</td>
          <td>${f?.latency_ewma_ms === null || f === undefined ? '–' : ms(f.latency_ewma_ms)}</td>
          <td>${f?.selections ?? 0}</td>
          <td class=${(f?.errors ?? 0) > 0 ? 'bad-text' : ''}>${f?.errors ?? 0}</td>
          <td>${n.circuit_breakers.length === 0 ? html`<span class="muted">none yet</span>` : n.circuit_breakers.map(b => html`<span class=${`breaker breaker-${b.state}`} title=${`failure rate ${pct(b.failure_rate)}, ${b.trips} trips`}>${b.service}: ${b.state.replace('_', '-')}</span>`)}</td>
        </tr>`
      })}</tbody>
    </table></div>
  </${Card}>`
}

export function BillingCard ({ billing }) {
  if (billing === null) return null
  const max = Math.max(1, ...billing.totals_by_resource.map(t => t.records))
  const r = billing.replication
  return html`<${Card} title="Billing" testid="billing">
    <div class="kv">
      <div><span>records</span><b>${num(billing.records)}</b></div>
      <div><span>users</span><b>${num(billing.users)}</b></div>
      <div><span>revenue</span><b>${num(billing.revenue.total)} ${billing.revenue.currency}</b></div>
      <div><span>log authors</span><b>${r.authors}</b></div>
    </div>
    <div class=${`replication ${r.forks > 0 ? 'bad' : r.lagging_authors > 0 ? 'warn' : 'ok'}`}>
      ${r.forks > 0 ? `${r.forks} fork(s) detected` : r.lagging_authors > 0 ? `${r.lagging_authors} author(s) lagging, up to ${r.max_lag_entries} entries` : 'replication in sync'}
    </div>
    ${billing.totals_by_resource.length === 0
      ? html`<${Empty}>No usage recorded yet.</${Empty}>`
      : html`<div class="bars">${billing.totals_by_resource.map(t => html`<div class="bar-row">
          <span class="bar-label">${t.resource_type}</span>
          <span class="bar"><span style=${`width:${(100 * t.records) / max}%`}></span></span>
          <span class="bar-value">${num(t.amount)} ${t.unit}</span>
        </div>`)}</div>`}
  </${Card}>`
}

export function InvoiceCard ({ fetchInvoice }) {
  const [user, setUser] = useState('')
  const [period, setPeriod] = useState(new Date().toISOString().slice(0, 7))
  const [result, setResult] = useState(null)
  const submit = async e => {
    e.preventDefault()
    try {
      setResult({ invoice: await fetchInvoice(user.trim(), period) })
    } catch (err) {
      setResult({ error: err.message })
    }
  }
  const inv = result?.invoice
  return html`<${Card} title="Invoices" testid="invoices">
    <form class="row" onSubmit=${submit}>
      <input placeholder="tenant id" required value=${user} onInput=${e => setUser(e.currentTarget.value)} />
      <input type="month" value=${period} onInput=${e => setPeriod(e.currentTarget.value)} />
      <button type="submit">Show</button>
    </form>
    ${result?.error !== undefined ? html`<p class="bad-text">${result.error}</p>` : ''}
    ${inv === null ? html`<${Empty}>No invoice for this tenant and month.</${Empty}>` : ''}
    ${inv === undefined
      ? html`<${Empty}>Every node answers for every tenant: pick one and a month.</${Empty}>`
      : inv === null ? ''
      : html`<div class="scroll"><table class="table">
        <thead><tr><th>resource</th><th>quantity</th><th>unit price</th><th>total</th></tr></thead>
        <tbody>${inv.subscription_items.map(s => html`<tr><td>subscription ${s.tier}</td><td>${Math.round((100 * s.seconds) / s.period_seconds)}% of the month</td><td>${s.monthly_price === null ? html`<span class="warn-text">not priced</span>` : num(s.monthly_price)}</td><td>${num(s.total)}</td></tr>`)}
          ${inv.line_items.map(l => html`<tr><td>${l.resource_type}</td><td>${num(l.quantity)} ${l.unit}</td><td>${l.unit_price === null ? html`<span class="warn-text">not priced</span>` : num(l.unit_price)}</td><td>${num(l.total)}</td></tr>`)}</tbody>
        <tfoot>
          ${inv.tax > 0 ? html`<tr><td colspan="3" class="muted">subtotal ${num(inv.subtotal)} · tax ${pct(inv.tax_rate)}</td><td>${num(inv.tax)}</td></tr>` : ''}
          <tr><td colspan="3">${inv.tenant_id} · ${inv.period} · ${inv.records} record${inv.records === 1 ? '' : 's'} · <${Pill} kind=${inv.status === 'paid' ? 'healthy' : inv.status === 'overdue' ? 'down' : 'info'}>${inv.status}</${Pill}></td><td><b>${num(inv.total)} ${inv.currency}</b></td></tr>
        </tfoot>
      </table></div>`}
  </${Card}>`
}

const OPTIONS = ['yes', 'no', 'abstain', 'veto']

function Tally ({ p }) {
  const t = p.tally
  const total = Math.max(t.total_weight, 1e-9)
  return html`<div class="tally" data-testid="tally" data-yes=${t.yes} data-no=${t.no} data-voters=${t.voters}>
    <div class="tally-bar">
      ${OPTIONS.map(o => html`<span class=${`seg seg-${o}`} style=${`width:${(100 * t[o]) / total}%`} title=${`${o} ${t[o]}`}></span>`)}
      <span class="quorum" style=${`left:${100 * p.rules.quorum}%`} title=${`quorum ${pct(p.rules.quorum)}`}></span>
    </div>
    <div class="tally-text">
      ${OPTIONS.map(o => html`<span class=${`legend legend-${o}`}>${o} <b>${num(t[o])}</b></span>`)}
      <span class="muted">turnout ${pct(t.turnout)} · quorum ${pct(p.rules.quorum)} · threshold ${pct(p.rules.threshold)}</span>
    </div>
  </div>`
}

function Proposal ({ p, onVote, hasToken }) {
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState(null)
  const cast = async option => {
    setBusy(true)
    setMessage(null)
    try {
      await onVote(p.id, option)
      setMessage({ ok: true, text: `voted ${option}` })
    } catch (err) {
      setMessage({ ok: false, text: err.message })
    } finally {
      setBusy(false)
    }
  }
  // The node says `tallying` once voting ended; the page knows it as soon, without asking.
  const status = p.status === 'voting' && Date.now() > Date.parse(p.voting_ends_at) ? 'tallying' : p.status
  const kind = status === 'passed' ? 'healthy' : status === 'voting' || status === 'tallying' ? 'info' : 'down'
  return html`<article class="proposal" data-proposal=${p.id}>
    <div class="proposal-head">
      <b>${p.title}</b>
      <${Pill} kind=${kind}>${status.replace('_', ' ')}</${Pill}>
      <span class="tag">${p.type.replace('_', ' ')}</span>
    </div>
    <div class="muted small">by <${Id} id=${p.proposer} /> · ${status === 'voting' ? `voting ends in ${until(p.voting_ends_at)}` : `ended ${when(p.voting_ends_at)}`} · outcome so far <b>${p.tally.outcome.replace('_', ' ')}</b></div>
    <${Tally} p=${p} />
    ${status === 'voting'
      ? html`<div class="vote">
          ${OPTIONS.map(o => html`<button class=${`vote-${o}`} data-vote=${o} disabled=${busy || !hasToken} title=${hasToken ? `vote ${o}` : 'paste the operator token first'} onClick=${() => cast(o)}>${o}</button>`)}
          ${message === null ? (hasToken ? '' : html`<span class="muted small">paste the operator token to vote</span>`) : html`<span class=${message.ok ? 'ok-text' : 'bad-text'} data-testid="vote-result">${message.text}</span>`}
        </div>`
      : ''}
  </article>`
}

/** The kinds of proposal the API accepts (`change.type`), with the fields each one's change has. */
const CHANGES = {
  text: { label: 'text (a resolution)', fields: [] },
  param_change: { label: 'parameters', fields: ['params'] },
  operator_add: { label: 'add operator', fields: ['peer_id', 'name', 'weight'] },
  operator_remove: { label: 'remove operator', fields: ['peer_id'] },
  operator_weight: { label: 'operator weight', fields: ['peer_id', 'weight'] }
}
const EMPTY_PROPOSAL = { title: '', description: '', type: 'text', params: '{\n  \n}', peer_id: '', name: '', weight: '1', voting_period: '1d', quorum: '', threshold: '' }

/** The request body of a proposal from the form's fields; an Error (with the field) for what is not even JSON. */
function proposalBody (f) {
  const change = { type: f.type }
  for (const field of CHANGES[f.type].fields) {
    if (field === 'weight') change.weight = Number(f.weight)
    else if (field === 'params') {
      try {
        change.params = JSON.parse(f.params)
      } catch {
        throw Object.assign(new Error('the parameters are not JSON: write an object such as {"quorum": 0.5}'), { details: { field: 'change.params' } })
      }
    } else change[field] = f[field].trim()
  }
  const share = x => x.trim() === '' ? undefined : Number(x)
  return { title: f.title.trim(), description: f.description, change, voting_period: f.voting_period.trim(), quorum: share(f.quorum), threshold: share(f.threshold) }
}

/** A proposal signed by this node, through the API: its errors next to the form, the field at fault marked. */
function ProposeForm ({ onPropose, hasToken }) {
  const [f, setF] = useState(EMPTY_PROPOSAL)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState(null)
  const set = field => e => setF({ ...f, [field]: e.currentTarget.value })
  const bad = field => result?.field === field || result?.field === `change.${field}`
  const input = (field, attrs) => html`<label class=${`field${bad(field) ? ' invalid' : ''}`}><span>${attrs.label}</span>
    <input name=${field} value=${f[field]} onInput=${set(field)} placeholder=${attrs.placeholder ?? ''} aria-invalid=${bad(field)} inputmode=${attrs.inputmode} /></label>`
  const submit = async e => {
    e.preventDefault()
    setBusy(true)
    setResult(null)
    try {
      const made = await onPropose(proposalBody(f))
      setResult({ ok: true, text: `proposed: ${made.title}`, id: made.id })
      setF(EMPTY_PROPOSAL)
    } catch (err) {
      setResult({ ok: false, text: err.message, field: err.details?.field })
    } finally {
      setBusy(false)
    }
  }
  const fields = CHANGES[f.type].fields
  return html`<details class="propose" data-testid="propose">
    <summary>New proposal</summary>
    <form onSubmit=${submit}>
      <div class="form-grid">
        ${input('title', { label: 'title' })}
        <label class=${`field${bad('type') ? ' invalid' : ''}`}><span>kind</span>
          <select name="type" value=${f.type} onChange=${set('type')}>${Object.entries(CHANGES).map(([type, c]) => html`<option value=${type}>${c.label}</option>`)}</select></label>
        ${fields.includes('peer_id') ? input('peer_id', { label: 'operator peer id', placeholder: '12D3KooW…' }) : ''}
        ${fields.includes('name') ? input('name', { label: 'name' }) : ''}
        ${fields.includes('weight') ? input('weight', { label: 'weight', inputmode: 'numeric' }) : ''}
        ${input('voting_period', { label: 'voting period', placeholder: '1d, 12h, 30m' })}
        ${input('quorum', { label: 'quorum', placeholder: 'network\'s', inputmode: 'decimal' })}
        ${input('threshold', { label: 'threshold', placeholder: 'network\'s', inputmode: 'decimal' })}
      </div>
      ${fields.includes('params') ? html`<label class=${`field${bad('params') || result?.field?.startsWith('change.params') ? ' invalid' : ''}`}><span>parameters (JSON)</span><textarea name="params" rows="3" value=${f.params} onInput=${set('params')}></textarea></label>` : ''}
      <label class=${`field${bad('description') ? ' invalid' : ''}`}><span>description</span><textarea name="description" rows="2" value=${f.description} onInput=${set('description')}></textarea></label>
      <div class="vote">
        <button type="submit" disabled=${busy || !hasToken} title=${hasToken ? 'sign and gossip the proposal' : 'paste the operator token first'}>Propose</button>
        ${result === null
          ? (hasToken ? '' : html`<span class="muted small">paste the operator token to propose</span>`)
          : html`<span class=${result.ok ? 'ok-text' : 'bad-text'} data-testid="propose-result" data-field=${result.field ?? ''}>${result.text}</span>`}
      </div>
    </form>
  </details>`
}

export function GovernanceCard ({ proposals, governance, onVote, onPropose, hasToken }) {
  return html`<${Card} title="Governance" wide testid="governance" extra=${html`<span class="muted">${governance?.operators ?? 0} operators · total weight ${governance?.total_weight ?? 0}</span>`}>
    <${ProposeForm} onPropose=${onPropose} hasToken=${hasToken} />
    ${proposals.length === 0
      ? html`<${Empty}>No proposal yet: <code>meshnode propose</code> submits one.</${Empty}>`
      : html`<div class="proposals">${proposals.map(p => html`<${Proposal} key=${p.id} p=${p} onVote=${onVote} hasToken=${hasToken} />`)}</div>`}
  </${Card}>`
}

export function ElectionCard ({ election, operators, self }) {
  if (election === null) return null
  const span = Date.parse(election.next_boundary) - Date.parse(election.epoch_started_at)
  const done = Math.min(1, Math.max(0, (Date.now() - Date.parse(election.epoch_started_at)) / span))
  return html`<${Card} title="Election and operators" testid="election" extra=${html`<span class="muted">epoch ${election.epoch} · ${election.seats} seat${election.seats === 1 ? '' : 's'}</span>`}>
    <div class="epoch"><span style=${`width:${100 * done}%`}></span></div>
    <p class="muted small">next epoch at ${when(election.next_boundary)}</p>
    <div class="scroll"><table class="table">
      <thead><tr><th>operator</th><th>weight</th><th>online</th><th>bootstrap</th><th>score</th></tr></thead>
      <tbody>${operators.map(o => {
        const c = election.candidates.find(x => x.peer_id === o.peer_id)
        return html`<tr data-operator=${o.peer_id}>
          <td><b>${o.name}</b> <${Id} id=${o.peer_id} self=${self} /></td>
          <td>${o.weight}</td>
          <td><${Pill} kind=${o.online ? 'healthy' : 'down'}>${o.online ? 'online' : 'offline'}</${Pill}></td>
          <td>${o.bootstrap_role === 'elected' ? html`<${Pill} kind="info">elected</${Pill}>` : html`<span class="muted">–</span>`}</td>
          <td>${c === undefined ? html`<span class="muted">not standing</span>` : num(c.score)}</td>
        </tr>`
      })}</tbody>
    </table></div>
  </${Card}>`
}
