import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { generateKeyPairFromSeed, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createGenesis } from '../../src/network/genesis.ts'
import { DEVELOPMENT_PARAMS } from '../../src/network/params.ts'
import { KEY_FILE } from '../../src/p2p/identity.ts'
import type { NetworkSpec } from '../scenario/schema.ts'

export interface PreparedNetwork {
  genesisFile: string
  /** One data directory per node, by index; the operators' hold their keys already. */
  dataDirs: string[]
}

/**
 * Writes a fresh network under `root`: keys for the first `operators` nodes (weights 10 + index,
 * as the model has them), a genesis naming them with the scenario's timings, and an empty data
 * directory for every node. A loopback network: no IP-colocation penalty. The operators' keys
 * come from the seed, so that a rerun with one seed has the same operators, whose ids decide
 * election ties and so which operator certifies first.
 */
export async function prepareNetwork (root: string, networkId: string, spec: NetworkSpec, nodes: number, now: Date, seed: number): Promise<PreparedNetwork> {
  const dataDirs = Array.from({ length: nodes }, (_, i) => join(root, `node-${i}`))
  const operators = []
  for (let i = 0; i < Math.min(spec.operators, nodes); i++) {
    const key = await generateKeyPairFromSeed('Ed25519', createHash('sha256').update(`${networkId}:${seed}:${i}`).digest())
    const dir = dataDirs[i] as string
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await writeFile(join(dir, KEY_FILE), privateKeyToProtobuf(key), { mode: 0o600 })
    operators.push({ peer_id: peerIdFromPrivateKey(key).toString(), weight: 10 + i, name: `op-${i}` })
  }
  const genesis = createGenesis({
    networkId,
    operators,
    params: {
      ...DEVELOPMENT_PARAMS,
      epoch_ms: spec.epoch,
      min_voting_period_ms: spec.min_voting_period,
      activation_delay_ms: spec.activation_delay,
      certification_grace_ms: spec.certification_grace,
      bootstrap_operator_count: spec.bootstrap_operator_count
    },
    createdAt: now
  })
  const genesisFile = join(root, 'genesis.json')
  await writeFile(genesisFile, JSON.stringify(genesis, null, 2))
  return { genesisFile, dataDirs }
}
