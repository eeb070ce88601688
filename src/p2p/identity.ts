import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MeshError } from '../errors.ts'

export const KEY_FILE = 'node.key'

export interface NodeIdentity {
  privateKey: PrivateKey
  peerId: PeerId
  created: boolean
}

/**
 * The node's Ed25519 key, kept in its data directory with mode 0600 and created on first
 * use. Its peer id is also the operator id.
 */
export async function loadOrCreateIdentity (dataDir: string): Promise<NodeIdentity> {
  const path = join(dataDir, KEY_FILE)
  let bytes: Buffer | undefined
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new MeshError('CONFIG_ERROR', `cannot read key file ${path}: ${(err as Error).message}`)
    }
  }
  if (bytes !== undefined) {
    let privateKey: PrivateKey
    try {
      privateKey = privateKeyFromProtobuf(bytes)
    } catch (err) {
      throw new MeshError('CONFIG_ERROR', `key file ${path} is corrupt: ${(err as Error).message}`)
    }
    if (privateKey.type !== 'Ed25519') throw new MeshError('CONFIG_ERROR', `key file ${path} holds a ${privateKey.type} key, not Ed25519`)
    return { privateKey, peerId: peerIdFromPrivateKey(privateKey), created: false }
  }
  const privateKey = await generateKeyPair('Ed25519')
  // 'wx' never overwrites a key that another process created in the meantime.
  await writeFile(path, privateKeyToProtobuf(privateKey), { mode: 0o600, flag: 'wx' })
  await chmod(path, 0o600)
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey), created: true }
}
