import { randomBytes, createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { access, chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { MeshError, errorMessage } from './errors.ts'
import { createGenesis, genesisBytes, genesisHash, parseGenesisJson, type Genesis } from './network/genesis.ts'
import { DEVELOPMENT_PARAMS } from './network/params.ts'
import type { Logger } from './logging.ts'
import { fetchGenesis } from './p2p/genesis-exchange.ts'

/**
 * The data directory: the node's key (node.key), its API token (api-token), the genesis of
 * its network (genesis.json, which pins the network) and its database (db/).
 */
export const TOKEN_FILE = 'api-token'
export const GENESIS_FILE = 'genesis.json'

export async function ensureDataDir (dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EACCES' || code === 'EPERM') throw new MeshError('CONFIG_ERROR', `cannot create data directory ${dir}: ${await ownershipHint(dirname(resolve(dir)))}`)
    throw new MeshError('CONFIG_ERROR', `cannot create data directory ${dir}: ${errorMessage(err)}`)
  }
  // mkdir succeeds on an existing directory this process cannot write, such as a bind mount
  // owned by another user: say so now rather than fail later on the key file.
  try {
    await access(dir, constants.W_OK | constants.X_OK)
  } catch {
    throw new MeshError('CONFIG_ERROR', `cannot write to data directory ${dir}: ${await ownershipHint(dir)}`)
  }
}

function userName (): string {
  try {
    return ` (${userInfo().username})`
  } catch {
    // A uid without a passwd entry (docker run --user 1234): the number says it all.
    return ''
  }
}

/** Who owns `dir` and who this process is, and how to make them match. */
async function ownershipHint (dir: string): Promise<string> {
  const me = { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 }
  const self = `uid ${me.uid}${userName()}`
  try {
    const st = await stat(dir)
    return `${dir} is owned by uid ${st.uid}, gid ${st.gid}, mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}, and this node runs as ${self}; ` +
      `give it to the node's user (chown -R ${me.uid}:${me.gid} ${dir}) or run the node as its owner (docker run --user ${st.uid}:${st.gid} ...)`
  } catch (err) {
    return `${errorMessage(err)} (this node runs as ${self})`
  }
}

/** The API token, created with the key on first start; the caller prints it once. */
export async function loadOrCreateApiToken (dir: string): Promise<{ token: string, created: boolean }> {
  const path = join(dir, TOKEN_FILE)
  try {
    const token = (await readFile(path, 'utf8')).trim()
    if (token.length < 32) throw new MeshError('CONFIG_ERROR', `API token file ${path} is too short to be a token`)
    return { token, created: false }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const token = randomBytes(32).toString('base64url')
  await writeFile(path, token + '\n', { mode: 0o600, flag: 'wx' })
  await chmod(path, 0o600)
  return { token, created: true }
}

/** Where a node's genesis came from at start. */
export const GENESIS_ORIGINS = ['file', 'pinned', 'fetched', 'created'] as const
export type GenesisOrigin = typeof GENESIS_ORIGINS[number]

export interface GenesisChoice {
  genesisPath: string | undefined
  bootstrap: Multiaddr[]
  privateKey: PrivateKey
  peerId: PeerId
  log: Logger
  signal: AbortSignal
}

/**
 * Which network this node belongs to. A genesis pinned in the data directory wins; a
 * --genesis file must match it; otherwise the genesis is fetched from a bootstrap peer, or,
 * with no bootstrap peer either, a new development network is created.
 */
export async function resolveGenesis (dataDir: string, choice: GenesisChoice): Promise<{ genesis: Genesis, origin: GenesisOrigin }> {
  const pinnedPath = join(dataDir, GENESIS_FILE)
  const pinned = await readOptional(pinnedPath)
  const pinnedGenesis = pinned === undefined ? undefined : parseGenesisJson(pinned, `${pinnedPath} (pinned)`)
  if (choice.genesisPath !== undefined) {
    const text = await readOptional(choice.genesisPath)
    if (text === undefined) throw new MeshError('GENESIS_ERROR', `genesis file ${choice.genesisPath} does not exist`)
    const genesis = parseGenesisJson(text, `file ${choice.genesisPath}`)
    if (pinnedGenesis !== undefined && genesisHash(pinnedGenesis) !== genesisHash(genesis)) {
      throw new MeshError('NETWORK_MISMATCH', `genesis ${choice.genesisPath} (hash ${short(genesis)}) differs from the one pinned in ${pinnedPath} (hash ${short(pinnedGenesis)})`)
    }
    if (pinnedGenesis === undefined) await pin(pinnedPath, genesis)
    return { genesis, origin: 'file' }
  }
  if (pinnedGenesis !== undefined) return { genesis: pinnedGenesis, origin: 'pinned' }
  if (choice.bootstrap.length > 0) {
    const { genesis, from } = await fetchGenesis(choice.bootstrap, {
      privateKey: choice.privateKey,
      log: choice.log,
      signal: choice.signal,
      deadlineMs: 10 * 60_000
    })
    choice.log.info({ from, network: genesis.network_id, hash: genesisHash(genesis) }, 'fetched and pinned the genesis')
    await pin(pinnedPath, genesis)
    return { genesis, origin: 'fetched' }
  }
  const genesis = createGenesis({
    networkId: `dev-${createHash('sha256').update(choice.peerId.toString()).digest('hex').slice(0, 8)}`,
    operators: [{ peer_id: choice.peerId.toString(), weight: 1, name: 'operator-1' }],
    params: DEVELOPMENT_PARAMS,
    createdAt: new Date()
  })
  await pin(pinnedPath, genesis)
  return { genesis, origin: 'created' }
}

function short (genesis: Genesis): string {
  return genesisHash(genesis).slice(0, 16)
}

async function pin (path: string, genesis: Genesis): Promise<void> {
  await writeFile(path, new TextDecoder().decode(genesisBytes(genesis)) + '\n', { mode: 0o644 })
}

/** A file's text, or undefined when it does not exist; any other failure is a CONFIG_ERROR. */
export async function readOptional (path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new MeshError('CONFIG_ERROR', `cannot read ${path}: ${errorMessage(err)}`)
  }
}
