import { writeFile } from 'node:fs/promises'
import { Command } from 'commander'
import { z } from 'zod'
import { ensureDataDir, loadOrCreateApiToken } from '../src/data-dir.ts'
import { MeshError } from '../src/errors.ts'
import { LOG_LEVELS } from '../src/logging.ts'
import { createGenesis, type Operator } from '../src/network/genesis.ts'
import { NetworkParamsSchema, PRODUCTION_PARAMS, type NetworkParams } from '../src/network/params.ts'
import { DEFAULTS } from '../src/node-config.ts'
import { loadOrCreateIdentity } from '../src/p2p/identity.ts'
import { VERSION } from '../src/version.ts'
import { addClientCommands } from './client-commands.ts'
import { CONFIG_FILE_KEYS, loadConfig } from './config.ts'
import { splitParam } from './param-spec.ts'
import { runNode } from './run-node.ts'

const SimOptions = z.object({
  list: z.boolean().default(false),
  mode: z.enum(['live', 'model']).optional(),
  seed: z.coerce.number().int().min(0).optional(),
  procs: z.coerce.number().int().min(1).max(64),
  out: z.string().min(1),
  compare: z.boolean().default(false),
  logLevel: z.enum(LOG_LEVELS)
})

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

export function buildCli (): Command {
  const program = new Command('meshnode')
    .description('A peer-to-peer mesh node: gossips load and health, serves a local HTTP API.')
    .version(VERSION)
    .showHelpAfterError('(run meshnode --help for usage)')

  program.command('start')
    .description('Start a node. Settings come from flags, then MESHNODE_* variables, then a config file, then defaults.')
    .option('--data <dir>', `data directory: key, API token, genesis, database (env MESHNODE_DATA, default ${DEFAULTS.dataDir})`)
    .option('--listen <multiaddr>', `p2p listen address, repeatable (env MESHNODE_LISTEN, comma-separated; default ${DEFAULTS.listen.join(',')})`, collect)
    .option('--announce <multiaddr>', 'address peers should dial, announced instead of the listen addresses (behind NAT or Docker), and used in the printed join line; repeatable (env MESHNODE_ANNOUNCE, comma-separated)', collect)
    .option('--api <host:port>', `local HTTP API address (env MESHNODE_API, default ${DEFAULTS.api.host}:${DEFAULTS.api.port})`)
    .option('--api-url <url>', 'API URL announced to peers, when the listen address is not reachable as is (env MESHNODE_API_URL)')
    .option('--bootstrap <multiaddr>', 'peer to join through, /ip4/.../tcp/.../p2p/<id>, repeatable (env MESHNODE_BOOTSTRAP, comma-separated)', collect)
    .option('--genesis <file>', 'genesis file of the network to join or found (env MESHNODE_GENESIS); without it the genesis is fetched from a bootstrap peer, or a development network is created')
    .option('--config <file>', `config file, JSON (or YAML when named .yaml/.yml) with keys ${CONFIG_FILE_KEYS.join(', ')} (env MESHNODE_CONFIG)`)
    .option('--telemetry-interval <ms>', `the shortest interval at which this node gossips its load, stretched in a larger mesh to keep within the network's telemetry_receive_budget (env MESHNODE_TELEMETRY_INTERVAL, default ${DEFAULTS.telemetryIntervalMs})`)
    .option('--max-peers <n>', `connections the node seeks and keeps (env MESHNODE_MAX_PEERS, default ${DEFAULTS.maxPeers})`)
    .option('--service <name=url>', 'offer a service: NAME=URL of a local upstream HTTP server, repeatable (env MESHNODE_SERVICES, comma-separated)', collect)
    .option('--health-check <spec>', `upstream health checks, e.g. path=/health,interval_ms=2000,timeout_ms=1000,rise=1,fall=2 (env MESHNODE_HEALTH_CHECK; default path ${DEFAULTS.healthCheck.path}, any status below 500 passes)`)
    .option('--strategy <name>', `routing strategy: round_robin, weighted_round_robin, least_connections, adaptive (env MESHNODE_STRATEGY, default ${DEFAULTS.strategy})`)
    .option('--request-timeout <ms>', `timeout of one routed request (env MESHNODE_REQUEST_TIMEOUT, default ${DEFAULTS.requestTimeoutMs})`)
    .option('--max-request-bytes <n>', `largest body of a routed request; bodies stream, so this is not held in memory (env MESHNODE_MAX_REQUEST_BYTES, default ${DEFAULTS.maxRequestBytes})`)
    .option('--candidate', 'stand for election as a bootstrap operator, renewed every epoch (operators only; env MESHNODE_CANDIDATE=true, also 1 or yes)')
    .option('--webhook-allow-private', 'deliver webhooks to loopback and private addresses too (env MESHNODE_WEBHOOK_ALLOW_PRIVATE=true; default off: public targets only)')
    .option('--cors-origin <origin>', 'let browser pages of this origin call the API (CORS), e.g. https://app.example.com, or * for any; repeatable (env MESHNODE_CORS_ORIGINS, comma-separated; default none)', collect)
    .option('--audit-retention <duration>', `how long the audit log keeps its entries, e.g. 30d (env MESHNODE_AUDIT_RETENTION, default ${DEFAULTS.auditRetentionMs / 86_400_000}d)`)
    .option('--json', 'print the start-up record (peer id, network, addresses, API URL, join command) as one JSON line on stdout instead of the banner')
    .option('--region <name>', `region this node reports (env MESHNODE_REGION, default ${DEFAULTS.region})`)
    .option('--log-level <level>', `log level of the logs on stderr: ${LOG_LEVELS.join(', ')} (env MESHNODE_LOG_LEVEL, default ${DEFAULTS.logLevel})`)
    .option('--log-format <format>', `json (one JSON record a line) or pretty (readable lines, for a terminal) (env MESHNODE_LOG_FORMAT, default ${DEFAULTS.logFormat})`)
    .action(async (opts: Record<string, string | string[] | boolean | undefined>) => {
      const flag = (v: string | string[] | boolean | undefined): string | string[] | undefined => typeof v === 'boolean' ? String(v) : v
      const flags = {
        dataDir: flag(opts.data),
        listen: flag(opts.listen),
        announce: flag(opts.announce),
        api: flag(opts.api),
        apiUrl: flag(opts.apiUrl),
        bootstrap: flag(opts.bootstrap),
        genesis: flag(opts.genesis),
        telemetryIntervalMs: flag(opts.telemetryInterval),
        maxPeers: flag(opts.maxPeers),
        region: flag(opts.region),
        services: flag(opts.service),
        healthCheck: flag(opts.healthCheck),
        strategy: flag(opts.strategy),
        requestTimeoutMs: flag(opts.requestTimeout),
        maxRequestBytes: flag(opts.maxRequestBytes),
        candidate: flag(opts.candidate),
        webhookAllowPrivate: flag(opts.webhookAllowPrivate),
        logLevel: flag(opts.logLevel),
        logFormat: flag(opts.logFormat),
        corsOrigins: flag(opts.corsOrigin),
        auditRetentionMs: flag(opts.auditRetention),
        config: opts.config as string | undefined
      }
      const config = await loadConfig(flags, process.env)
      // A reload (SIGHUP, POST /v1/system/reload) reads the same sources again: the file may have changed.
      await runNode(config, { json: opts.json === true, readConfig: async () => await loadConfig(flags, process.env) })
    })

  program.command('init')
    .description('Create the data directory with the node key and API token, and print the peer id.')
    .option('--data <dir>', 'data directory (env MESHNODE_DATA)', process.env.MESHNODE_DATA ?? DEFAULTS.dataDir)
    .action(async (opts: { data: string }) => {
      await ensureDataDir(opts.data)
      const identity = await loadOrCreateIdentity(opts.data)
      const token = await loadOrCreateApiToken(opts.data)
      console.log(identity.peerId.toString())
      if (token.created) console.error(`API token (printed once, kept in ${opts.data}/api-token): ${token.token}`)
    })

  program.command('genesis')
    .description('Write the genesis file of a new network.')
    .requiredOption('--network-id <id>', 'network id: lowercase letters, digits and dashes')
    .requiredOption('--operator <peerId:weight:name>', 'an initial operator, repeatable', collect)
    .option('--param <key=value>', `a network parameter, repeatable; VALUE is JSON or text, e.g. currency=EUR, quorum=0.5, price_list='{"storage":{"unit":"GB","unit_price":0.01}}' (keys: ${Object.keys(PRODUCTION_PARAMS).join(', ')})`, collect)
    .option('--open-membership', 'every node that joins is a member (a development network); by default only operators and the peers they admit are')
    .option('--anonymous-routing', 'route requests without an API key (a development network); by default /v1/route requires a tenant\'s key')
    .option('--out <file>', 'where to write it (default: standard output)')
    .action(async (opts: { networkId: string, operator: string[], param?: string[], openMembership?: boolean, anonymousRouting?: boolean, out?: string }) => {
      const params = parseParams(opts.param ?? [])
      const genesis = createGenesis({
        networkId: opts.networkId,
        operators: opts.operator.map(parseOperator),
        params: {
          ...params,
          ...(opts.openMembership === true ? { open_membership: true } : {}),
          ...(opts.anonymousRouting === true ? { anonymous_routing: true } : {})
        },
        createdAt: new Date()
      })
      const text = JSON.stringify(genesis, null, 2) + '\n'
      if (opts.out === undefined) process.stdout.write(text)
      else await writeFile(opts.out, text)
    })

  addClientCommands(program)

  program.command('sim')
    .description('Run a network simulation: real nodes on 127.0.0.1 (live) or virtual nodes in virtual time (model). Writes a JSON result and an HTML report; exits 1 when a step fails.')
    .argument('[scenario]', 'a built-in scenario (see --list) or a scenario file (.yaml, .yml, .json)')
    .option('--list', 'list the built-in scenarios with a line on each')
    .option('--mode <mode>', 'live or model (default: the scenario\'s own)')
    .option('--seed <n>', 'random seed (default: the scenario\'s own)')
    .option('--procs <n>', 'live: spread the nodes over this many processes', '1')
    .option('--out <dir>', 'where the reports go', './sim-results')
    .option('--compare', 'run the scenario live and in the model, and say how far apart they are')
    .option('--log-level <level>', 'log level of the simulation runner', 'warn')
    .action(async (scenario: string | undefined, opts: Record<string, string | boolean | undefined>) => {
      const parsed = SimOptions.safeParse(opts)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new MeshError('CONFIG_ERROR', `invalid --${String(issue?.path[0] ?? '').replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}: ${issue?.message ?? 'invalid'}`)
      }
      // Loaded on demand: a node started with `meshnode start` never loads the simulator.
      const { runSim } = await import('./run-sim.ts')
      process.exitCode = await runSim({ scenario, ...parsed.data })
    })

  return program
}

function parseOperator (spec: string): Operator {
  const [peerId, weight, ...name] = spec.split(':')
  if (peerId === undefined || weight === undefined || name.length === 0) {
    throw new MeshError('GENESIS_ERROR', `invalid --operator ${JSON.stringify(spec)}: expected peerId:weight:name`)
  }
  return { peer_id: peerId, weight: Number(weight), name: name.join(':') }
}

/**
 * `--param KEY=VALUE`: the value is read as JSON when it is JSON (numbers, objects such as a
 * price_list), else as text (`currency=EUR`); each key is checked on its own, so an error names it.
 */
export function parseParams (specs: string[]): NetworkParams {
  const values: Record<string, unknown> = {}
  const shape = NetworkParamsSchema.shape
  const known = Object.keys(shape)
  for (const spec of specs) {
    const param = splitParam(spec)
    if (param === undefined) throw new MeshError('GENESIS_ERROR', `invalid --param ${JSON.stringify(spec)}: expected KEY=VALUE, with KEY one of ${known.join(', ')}`)
    const [key, value] = param
    if (!Object.hasOwn(shape, key)) throw new MeshError('GENESIS_ERROR', `invalid --param ${JSON.stringify(spec)}: unknown parameter "${key}" (known: ${known.join(', ')})`)
    const result = shape[key as keyof typeof shape].safeParse(value)
    if (!result.success) {
      const issue = result.error.issues[0]
      const at = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `
      throw new MeshError('GENESIS_ERROR', `invalid --param ${JSON.stringify(spec)}: ${at}${issue?.message ?? 'invalid value'}`)
    }
    values[key] = result.data
  }
  return NetworkParamsSchema.parse(values)
}
