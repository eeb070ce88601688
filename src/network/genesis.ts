import { createHash } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import { peerIdFromString } from '@libp2p/peer-id'
import { z } from 'zod'
import { canonicalJson } from '../codec/canonical-json.ts'
import { MeshError } from '../errors.ts'
import { LATER_PARAMS, NetworkParamsSchema, PRODUCTION_PARAMS, type NetworkParams } from './params.ts'
import { parseJson } from '../codec/json-depth.ts'

/**
 * The genesis defines a network: its id, its initial operators and parameters. Its hash pins
 * it: two nodes belong to one network only when their genesis hashes are equal.
 */
const PeerIdString = z.string().refine(s => {
  try {
    peerIdFromString(s)
    return true
  } catch {
    return false
  }
}, { message: 'not a valid peer id' })

export const OperatorSchema = z.object({
  peer_id: PeerIdString,
  weight: z.number().int().positive().max(1_000_000_000),
  name: z.string().min(1).max(64)
}).strict()

export const NETWORK_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/

export const GenesisSchema = z.object({
  network_id: z.string().regex(NETWORK_ID_PATTERN, 'lowercase letters, digits and dashes, at most 48'),
  created_at: z.iso.datetime(),
  operators: z.array(OperatorSchema).min(1).max(10_000).refine(
    ops => new Set(ops.map(o => o.peer_id)).size === ops.length,
    { message: 'an operator is listed twice' }
  ),
  params: NetworkParamsSchema
}).strict()

export type Operator = z.infer<typeof OperatorSchema>
export type Genesis = z.infer<typeof GenesisSchema>

/** Canonical bytes, so that every node hashes the same genesis the same way. */
export function genesisBytes (genesis: Genesis): Uint8Array {
  return new TextEncoder().encode(canonicalJson(genesis))
}

/** The hash covers a later parameter only where it is set to something other than its default (see LATER_PARAMS). */
export function genesisHash (genesis: Genesis): string {
  const params: Record<string, unknown> = { ...genesis.params }
  for (const key of LATER_PARAMS) {
    if (isDeepStrictEqual(params[key], PRODUCTION_PARAMS[key])) delete params[key]
  }
  return createHash('sha256').update(canonicalJson({ ...genesis, params })).digest('hex')
}

/** Parses and validates a genesis; the error names the first bad field. */
export function parseGenesis (input: unknown, source: string): Genesis {
  const result = GenesisSchema.safeParse(input)
  if (!result.success) {
    const issue = result.error.issues[0]
    const where = issue?.path.join('.') ?? ''
    throw new MeshError('GENESIS_ERROR', `malformed genesis ${source}: ${where === '' ? '' : `${where}: `}${issue?.message ?? 'invalid'}`,
      { field: where })
  }
  return result.data
}

export function parseGenesisJson (text: string, source: string): Genesis {
  let value: unknown
  try {
    value = parseJson(text)
  } catch (err) {
    throw new MeshError('GENESIS_ERROR', `malformed genesis ${source}: not JSON within the limits (${(err as Error).message})`)
  }
  return parseGenesis(value, source)
}

export interface NewGenesisOptions {
  networkId: string
  operators: Operator[]
  params: NetworkParams
  createdAt: Date
}

export function createGenesis (opts: NewGenesisOptions): Genesis {
  return parseGenesis({
    network_id: opts.networkId,
    created_at: opts.createdAt.toISOString(),
    operators: opts.operators,
    params: opts.params
  }, '(new)')
}
