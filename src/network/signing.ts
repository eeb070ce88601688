import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'

/**
 * Ed25519 signatures with node:crypto, from the node's libp2p key and from peer ids (an
 * Ed25519 peer id embeds its public key). Verification runs on every replicated entry, so
 * the public keys are parsed once per author.
 */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')

export type Sign = (message: Uint8Array) => Uint8Array

export function signerOf (key: PrivateKey): Sign {
  if (key.type !== 'Ed25519') throw new Error(`only Ed25519 keys sign log entries, not ${key.type}`)
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, key.raw.subarray(0, 32)]), format: 'der', type: 'pkcs8' })
  return message => sign(null, message, privateKey)
}

export class Verifier {
  private readonly keys = new Map<string, KeyObject | null>()

  /** Whether `signature` over `message` is `author`'s; false for a malformed author id. */
  verify (author: string, message: Uint8Array, signature: Uint8Array): boolean {
    const key = this.keyOf(author)
    if (key === null) return false
    try {
      return verify(null, message, key, signature)
    } catch {
      return false
    }
  }

  private keyOf (author: string): KeyObject | null {
    let key = this.keys.get(author)
    if (key === undefined) {
      key = parsePublicKey(author)
      this.keys.set(author, key)
    }
    return key
  }
}

function parsePublicKey (author: string): KeyObject | null {
  try {
    const id = peerIdFromString(author)
    if (id.type !== 'Ed25519' || id.publicKey === undefined) return null
    return createPublicKey({ key: Buffer.concat([SPKI_ED25519, id.publicKey.raw]), format: 'der', type: 'spki' })
  } catch {
    return null
  }
}
