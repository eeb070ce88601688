import type { Command } from 'commander'
import { createMeshClient, ok, type MeshClient, type Schema } from '../api/client/index.ts'
import { TOKEN_FILE } from '../src/data-dir.ts'
import { MeshError } from '../src/errors.ts'
import { DEFAULTS } from '../src/node-config.ts'
import { resolveApiTarget } from './api-client.ts'
import { splitParam } from './param-spec.ts'
import { fields, orDash, percent, table } from './table.ts'

/**
 * The commands that ask a running node, through the typed client of its API: each prints an
 * aligned table for people, or with --json the API's answer for scripts; a node that is down
 * or refuses is one line on stderr and exit code 1 (node/run-cli.ts).
 */
interface ClientOptions { api?: string, data: string, json?: boolean }

const VOTES = ['yes', 'no', 'abstain', 'veto'] as const
type VoteOption = typeof VOTES[number]

const clientOptions = (cmd: Command): Command => cmd
  .option('--api <url>', `the node's API, host:port or URL (default: "api" of the data directory's config.json, else ${DEFAULTS.api.host}:${DEFAULTS.api.port})`)
  .option('--data <dir>', `the node's data directory, for its config.json and api-token (env MESHNODE_DATA, default ${DEFAULTS.dataDir})`, process.env.MESHNODE_DATA ?? DEFAULTS.dataDir)
  .option('--json', 'print the API\'s answer as JSON instead of a table')

/** The client of the node the options name; `operator`: the command changes something, so the token is required. */
async function connect (opts: ClientOptions, operator: boolean): Promise<MeshClient> {
  const target = await resolveApiTarget({ api: opts.api, dataDir: opts.data })
  if (operator && target.token === undefined) {
    throw new MeshError('AUTHENTICATION_ERROR', `no API token: ${TOKEN_FILE} is not in the data directory (use --data DIR of the node)`)
  }
  return createMeshClient({ baseUrl: target.baseUrl, token: target.token })
}

function print (opts: ClientOptions, value: unknown, text: () => string): void {
  console.log(opts.json === true ? JSON.stringify(value, null, 2) : text())
}

const ms = (x: number | null): string => x === null ? '–' : `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`
const short = (id: string): string => id.length > 12 ? id.slice(0, 12) : id

function statusText (s: Schema<'SystemStatusResponse'>, n: Schema<'NetworkStatusResponse'>): string {
  const p = s.components.peers
  return fields([
    ['status', s.status],
    ['peer id', s.peer_id],
    ['network', `${s.network_id} (genesis ${n.genesis_hash.slice(0, 12)})`],
    ['version', s.version],
    ['uptime', `${s.uptime_seconds} s, since ${s.started_at}`],
    ['peers', `${p.healthy} healthy, ${p.suspect} suspect, ${p.down} down (${s.components.p2p.connections} connected)`],
    ['average RTT', ms(n.average_latency_ms)],
    ['load', s.load === null ? '–' : `cpu ${percent(s.load.cpu_usage)}, memory ${percent(s.load.memory_usage)}, event loop p99 ${ms(s.load.event_loop_delay_ms.p99)}, ${s.load.active_requests} active requests`],
    ['listening', s.components.p2p.listen_addresses.join(' ')]
  ])
}

function proposalRow (p: Schema<'ProposalSummary'>): Array<string | number> {
  const t = p.tally
  return [p.id.slice(0, 12), p.title.length > 40 ? `${p.title.slice(0, 39)}…` : p.title, p.type, p.status, t.yes, t.no, t.abstain, t.veto, percent(t.turnout), p.voting_ends_at]
}
const PROPOSAL_HEADER = ['ID', 'TITLE', 'TYPE', 'STATUS', 'YES', 'NO', 'ABSTAIN', 'VETO', 'TURNOUT', 'VOTING ENDS']

/** `KEY=VALUE`, VALUE read as JSON when it is JSON, else as text (as `meshnode genesis --param`). */
function paramValue (spec: string): [string, unknown] {
  const param = splitParam(spec)
  if (param === undefined) throw new MeshError('VALIDATION_ERROR', `invalid --param ${JSON.stringify(spec)}: expected KEY=VALUE`)
  return param
}

interface ProposeOptions extends ClientOptions {
  title: string
  description?: string
  votingPeriod: string
  param?: string[]
  addOperator?: string
  removeOperator?: string
  operatorWeight?: string
  quorum?: string
  threshold?: string
}

/** The change a `propose` asks for: at most one kind; none is a text proposal. */
function changeOf (o: ProposeOptions): Schema<'ProposalRequest'>['change'] {
  const given = [o.param !== undefined, o.addOperator !== undefined, o.removeOperator !== undefined, o.operatorWeight !== undefined].filter(Boolean).length
  if (given > 1) throw new MeshError('VALIDATION_ERROR', 'one change a proposal: --param (repeatable), --add-operator, --remove-operator or --operator-weight')
  if (o.param !== undefined) return { type: 'param_change', params: Object.fromEntries(o.param.map(paramValue)) }
  if (o.addOperator !== undefined) {
    const [peerId, weight, ...name] = o.addOperator.split(':')
    if (peerId === undefined || weight === undefined || name.length === 0) throw new MeshError('VALIDATION_ERROR', `invalid --add-operator ${JSON.stringify(o.addOperator)}: expected peerId:weight:name`)
    return { type: 'operator_add', peer_id: peerId, weight: Number(weight), name: name.join(':') }
  }
  if (o.removeOperator !== undefined) return { type: 'operator_remove', peer_id: o.removeOperator }
  if (o.operatorWeight !== undefined) {
    const [peerId, weight] = o.operatorWeight.split(':')
    if (peerId === undefined || weight === undefined) throw new MeshError('VALIDATION_ERROR', `invalid --operator-weight ${JSON.stringify(o.operatorWeight)}: expected peerId:weight`)
    return { type: 'operator_weight', peer_id: peerId, weight: Number(weight) }
  }
  return { type: 'text' }
}

const share = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const x = Number(value)
  if (!Number.isFinite(x)) throw new MeshError('VALIDATION_ERROR', `invalid --${name} ${JSON.stringify(value)}: a share from 0 to 1`)
  return x
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

const TENANT_PAGE = 500

export function addClientCommands (program: Command): void {
  clientOptions(program.command('status')
    .description('The node: status, identity, peers by state, latency and its own load.'))
    .action(async (opts: ClientOptions) => {
      const mesh = await connect(opts, false)
      const [system, network] = await Promise.all([mesh.GET('/v1/system/status').then(ok), mesh.GET('/v1/network/status').then(ok)])
      print(opts, { system, network }, () => statusText(system, network))
    })

  clientOptions(program.command('peers')
    .description('The peers this node knows: state, RTT, load, region, version and services.')
    .option('--state <state>', 'only peers in this state: healthy, suspect or down'))
    .action(async (opts: ClientOptions & { state?: string }) => {
      const state = opts.state as Schema<'PeersResponse'>['peers'][number]['status'] | undefined
      const res = ok(await (await connect(opts, false)).GET('/v1/network/peers', { params: { query: state === undefined ? {} : { state } } }))
      print(opts, res, () => res.peers.length === 0
        ? 'no peer'
        : table(['PEER', 'STATE', 'SINCE', 'RTT', 'CPU', 'MEMORY', 'ACTIVE', 'REGION', 'VERSION', 'SERVICES'], res.peers.map(p => [
          p.peer_id, p.status, p.status_since, ms(p.rtt_ms), percent(p.metrics.cpu_usage), percent(p.metrics.memory_usage), p.metrics.active_requests,
          p.region, p.version, orDash(p.services.map(s => s.name).join(','))
        ])))
    })

  clientOptions(program.command('services')
    .description('Every service of the mesh: this node\'s upstream, and the peers that offer it with their state and load.'))
    .action(async (opts: ClientOptions) => {
      const res = ok(await (await connect(opts, false)).GET('/v1/services'))
      const rows = res.services.flatMap(s => [
        ...(s.local === null ? [] : [[s.name, 'this node', s.local.healthy ? 'healthy' : 'unhealthy', s.local.capacity, '–', '–', s.local.url]]),
        ...s.peers.map(p => [s.name, short(p.peer_id), p.status, p.capacity, percent(p.load.cpu_usage), p.load.active_requests, orDash(p.api_url)])
      ])
      print(opts, res, () => rows.length === 0 ? 'no service in the mesh' : table(['SERVICE', 'PEER', 'STATE', 'CAPACITY', 'CPU', 'ACTIVE', 'URL'], rows))
    })

  clientOptions(program.command('usage')
    .description('Usage records of the whole mesh, oldest first, filtered; --cursor pages on.')
    .option('--user <id>', 'only this user\'s records')
    .option('--resource <type>', 'only this resource type')
    .option('--from <time>', 'from this time: ISO 8601 or milliseconds since the epoch')
    .option('--to <time>', 'up to this time')
    .option('--limit <n>', 'records a page (1-1000)', '100')
    .option('--cursor <cursor>', 'the next page, as the previous page gave it'))
    .action(async (opts: ClientOptions & { user?: string, resource?: string, from?: string, to?: string, limit: string, cursor?: string }) => {
      const query = { user_id: opts.user, resource_type: opts.resource, from: opts.from, to: opts.to, limit: Number(opts.limit), cursor: opts.cursor }
      const res = ok(await (await connect(opts, false)).GET('/v1/billing/usage', { params: { query } }))
      print(opts, res, () => [
        res.records.length === 0 ? 'no record' : table(['ID', 'USER', 'RESOURCE', 'AMOUNT', 'UNIT', 'TIME'], res.records.map(r => [r.id, r.user_id, r.resource_type, r.amount, r.unit, r.timestamp])),
        ...(res.next_cursor === null ? [] : [`more: --cursor ${res.next_cursor}`])
      ].join('\n'))
    })

  clientOptions(program.command('invoices')
    .description('Invoices: per tenant and month, usage priced with the price list in force at each record, and the subscription.')
    .option('--tenant <id>', 'only this tenant\'s')
    .option('--period <YYYY-MM>', 'only this month\'s')
    .option('--status <status>', 'only invoices in this status: draft, issued, paid, overdue')
    .option('--limit <n>', 'at most this many', '100'))
    .action(async (opts: ClientOptions & { tenant?: string, period?: string, status?: string, limit: string }) => {
      const status = opts.status as Schema<'InvoiceListResponse'>['invoices'][number]['status'] | undefined
      const res = ok(await (await connect(opts, false)).GET('/v1/billing/invoices', { params: { query: { tenant: opts.tenant, period: opts.period, status, limit: Number(opts.limit) } } }))
      print(opts, res, () => res.invoices.length === 0
        ? 'no invoice'
        : `${table(['ID', 'TENANT', 'PERIOD', 'STATUS', 'RECORDS', 'TOTAL', 'PAID', 'BALANCE', 'CURRENCY'], res.invoices.map(i => [
          i.id, i.tenant_id, i.period, i.status, i.records, i.total, i.amount_paid, i.balance, i.currency
        ]))}\n${res.invoices.length} of ${res.total}`)
    })

  clientOptions(program.command('proposals')
    .description('Governance proposals with their tally, newest first.')
    .option('--status <status>', 'only proposals in this status: voting, tallying, passed, rejected, rejected_veto, failed_quorum')
    .option('--limit <n>', 'at most this many', '50'))
    .action(async (opts: ClientOptions & { status?: string, limit: string }) => {
      const status = opts.status as Schema<'ProposalSummary'>['status'] | undefined
      const res = ok(await (await connect(opts, false)).GET('/v1/governance/proposals', { params: { query: { status, limit: Number(opts.limit) } } }))
      print(opts, res, () => res.proposals.length === 0 ? 'no proposal' : `${table(PROPOSAL_HEADER, res.proposals.map(proposalRow))}\n${res.proposals.length} of ${res.total}`)
    })

  clientOptions(program.command('propose')
    .description('Submit a proposal, signed by this node (an operator): a text proposal, or one change.')
    .requiredOption('--title <text>', 'the title')
    .option('--description <text>', 'what and why')
    .option('--voting-period <duration>', 'how long voting lasts, e.g. 30m, 2h, 7d', '24h')
    .option('--param <key=value>', 'a network parameter to change, repeatable; VALUE is JSON or text', collect)
    .option('--add-operator <peerId:weight:name>', 'admit an operator')
    .option('--remove-operator <peerId>', 'remove an operator')
    .option('--operator-weight <peerId:weight>', 'change an operator\'s weight')
    .option('--quorum <share>', 'the quorum, 0-1 (default: the network\'s)')
    .option('--threshold <share>', 'the share of yes needed, 0-1 (default: the network\'s)'))
    .action(async (opts: ProposeOptions) => {
      const body = {
        title: opts.title,
        description: opts.description ?? '',
        change: changeOf(opts),
        voting_period: opts.votingPeriod,
        quorum: share('quorum', opts.quorum),
        threshold: share('threshold', opts.threshold)
      }
      const p = ok(await (await connect(opts, true)).POST('/v1/governance/proposals', { body }))
      print(opts, p, () => `proposed ${p.id}: ${p.title} (${p.type}; voting until ${p.voting_ends_at})`)
    })

  clientOptions(program.command('vote')
    .description('Cast this operator\'s vote on a proposal; the latest vote before the end counts.')
    .argument('<proposalId>', 'the proposal\'s id (the whole 64 hex digits)')
    .argument('<vote>', VOTES.join(', '))
    .option('--reason <text>', 'why'))
    .action(async (proposalId: string, vote: string, opts: ClientOptions & { reason?: string }) => {
      if (!(VOTES as readonly string[]).includes(vote)) throw new MeshError('VALIDATION_ERROR', `invalid vote ${JSON.stringify(vote)}: one of ${VOTES.join(', ')}`)
      const res = ok(await (await connect(opts, true)).POST('/v1/governance/proposals/{id}/vote', {
        params: { path: { id: proposalId } },
        body: { vote: vote as VoteOption, reason: opts.reason ?? '' }
      }))
      print(opts, res, () => `voted ${res.vote} on ${res.proposal_id} (vote ${res.id})`)
    })

  clientOptions(program.command('elections')
    .description('The election of bootstrap operators: this epoch, its candidates and scores, and the operators.'))
    .action(async (opts: ClientOptions) => {
      const mesh = await connect(opts, false)
      const [election, operators] = await Promise.all([mesh.GET('/v1/election/status').then(ok), mesh.GET('/v1/governance/operators').then(ok)])
      const score = new Map(election.candidates.map(c => [c.peer_id, c.score]))
      print(opts, { election, operators: operators.operators }, () => [
        fields([['epoch', `${election.epoch} (from ${election.epoch_started_at}, next at ${election.next_boundary})`], ['seats', election.seats], ['elected', orDash(election.elected.join(' '))]]),
        '',
        table(['OPERATOR', 'NAME', 'WEIGHT', 'ONLINE', 'CANDIDATE SCORE', 'BOOTSTRAP'], operators.operators.map(o => [
          o.peer_id, o.name, o.weight, o.online ? 'yes' : 'no', orDash(score.get(o.peer_id)), o.bootstrap_role
        ]))
      ].join('\n'))
    })

  clientOptions(program.command('members')
    .description('List the members of the network, with how each became one, and the revoked peers.'))
    .action(async (opts: ClientOptions) => {
      const view = ok(await (await connect(opts, false)).GET('/v1/network/members'))
      print(opts, view, () => [
        `open membership: ${view.open_membership ? 'yes (every node that joins is a member)' : 'no'}`,
        ...view.members.map(m => `${m.peer_id}  ${m.via}${m.admitted_by === undefined ? '' : ` by ${m.admitted_by} at ${m.admitted_at ?? ''}`}`),
        ...view.revoked.map(r => `${r.peer_id}  revoked by ${r.revoked_by} at ${r.revoked_at}, entries through seq ${r.through_seq} count`)
      ].join('\n'))
    })

  clientOptions(program.command('admit')
    .description('Admit a peer as a member (this node must be an operator; signed with its key and replicated).')
    .argument('<peerId>', 'the peer id to admit'))
    .action(async (peerId: string, opts: ClientOptions) => {
      const res = ok(await (await connect(opts, true)).POST('/v1/network/members', { body: { peer_id: peerId } }))
      print(opts, res, () => `admitted ${peerId} (record ${res.record_id})`)
    })

  clientOptions(program.command('revoke')
    .description('Revoke a member: its entries up to the highest sequence this node holds stay counted, later ones are refused everywhere.')
    .argument('<peerId>', 'the peer id to revoke'))
    .action(async (peerId: string, opts: ClientOptions) => {
      const res = ok(await (await connect(opts, true)).DELETE('/v1/network/members/{peerId}', { params: { path: { peerId } } }))
      print(opts, res, () => `revoked ${peerId} (record ${res.record_id}); its entries through seq ${res.through_seq} stay counted`)
    })

  clientOptions(program.command('tenants')
    .description('List the tenants, with their status and tier.'))
    .action(async (opts: ClientOptions) => {
      const mesh = await connect(opts, false)
      const tenants: Array<Schema<'TenantListResponse'>['tenants'][number]> = []
      for (let offset = 0; ; offset += TENANT_PAGE) {
        const page = ok(await mesh.GET('/v1/tenants', { params: { query: { limit: TENANT_PAGE, offset } } }))
        tenants.push(...page.tenants)
        if (offset + TENANT_PAGE >= page.total) break
      }
      print(opts, { tenants, total: tenants.length }, () => tenants.map(t => `${t.id}  ${t.status}  ${t.tier ?? '-'}  ${t.name}`).join('\n'))
    })

  const tenant = program.command('tenant').description('Manage one tenant (this node must be an operator).')
  clientOptions(tenant.command('create')
    .description('Create a tenant with its first subscription; prints its id.')
    .argument('<name>', 'the tenant\'s name')
    .requiredOption('--tier <tier>', 'its subscription tier (a tier of the network parameters: free, basic, pro, enterprise by default)')
    .option('--billing-cycle <cycle>', 'monthly or yearly', 'monthly'))
    .action(async (name: string, opts: ClientOptions & { tier: string, billingCycle: string }) => {
      const cycle = opts.billingCycle as Schema<'TenantCreateRequest'>['billing_cycle']
      const t = ok(await (await connect(opts, true)).POST('/v1/tenants', { body: { name, tier: opts.tier, billing_cycle: cycle } }))
      print(opts, t, () => `created tenant ${t.id} (${t.name}, tier ${t.tier ?? '-'})`)
    })

  const key = program.command('key').description('Manage the API keys of a tenant (this node must be an operator).')
  clientOptions(key.command('create')
    .description('Create an API key of a tenant; prints the key, once.')
    .argument('<tenant>', 'the tenant id')
    .option('--label <label>', 'what the key is for'))
    .action(async (tenantId: string, opts: ClientOptions & { label?: string }) => {
      const k = ok(await (await connect(opts, true)).POST('/v1/tenants/{id}/keys', { params: { path: { id: tenantId } }, body: { label: opts.label ?? null } }))
      if (opts.json !== true) console.error(`key ${k.id} of tenant ${tenantId} (printed once; only its hash is kept):`)
      print(opts, k, () => k.key)
    })
  clientOptions(key.command('revoke')
    .description('Revoke an API key: refused on every node once the revocation reaches it.')
    .argument('<tenant>', 'the tenant id')
    .argument('<keyId>', 'the key id'))
    .action(async (tenantId: string, keyId: string, opts: ClientOptions) => {
      const k = ok(await (await connect(opts, true)).DELETE('/v1/tenants/{id}/keys/{keyId}', { params: { path: { id: tenantId, keyId } } }))
      print(opts, k, () => `revoked key ${k.id} of tenant ${tenantId} at ${k.revoked_at ?? ''}`)
    })
}
