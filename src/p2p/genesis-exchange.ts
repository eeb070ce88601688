import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { PrivateKey } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import type { Multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import pRetry from 'p-retry'
import { MeshError, errorMessage } from '../errors.ts'
import { genesisBytes, parseGenesisJson, type Genesis } from '../network/genesis.ts'
import type { Logger } from '../logging.ts'
import { requestFrame, serveFrames } from './frames.ts'
import type { MeshLibp2p } from './libp2p.ts'
import { GENESIS_EXCHANGE_PROTOCOL } from './protocols.ts'

const LIMITS = { maxRequestBytes: 64, maxResponseBytes: 4 * 1024 * 1024, timeoutMs: 10_000 }

/** Every node hands out its genesis, so that joining a network needs no file copying. */
export async function serveGenesis (libp2p: MeshLibp2p, genesis: Genesis, log: Logger, onReject?: (reason: string) => void): Promise<void> {
  const bytes = genesisBytes(genesis)
  await serveFrames(libp2p, GENESIS_EXCHANGE_PROTOCOL, () => bytes, LIMITS, log, onReject)
}

export interface FetchGenesisOptions {
  privateKey: PrivateKey
  log: Logger
  signal: AbortSignal
  /** Give up after this long; bootstrap peers that are not up yet are retried until then. */
  deadlineMs: number
}

/**
 * Fetches the genesis from the first bootstrap peer that answers, retrying with exponential
 * backoff. It runs before the node knows its network, on a transient libp2p node of its own.
 */
export async function fetchGenesis (bootstrap: Multiaddr[], opts: FetchGenesisOptions): Promise<{ genesis: Genesis, from: string }> {
  const client = await createLibp2p({
    privateKey: opts.privateKey,
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
  const signal = AbortSignal.any([opts.signal, AbortSignal.timeout(opts.deadlineMs)])
  try {
    return await pRetry(async () => {
      const failures: string[] = []
      for (const addr of bootstrap) {
        try {
          const bytes = await requestFrame(client, addr, GENESIS_EXCHANGE_PROTOCOL, new Uint8Array(0), LIMITS, signal)
          return { genesis: parseGenesisJson(new TextDecoder().decode(bytes), `from ${addr.toString()}`), from: addr.toString() }
        } catch (err) {
          if (err instanceof MeshError) throw err
          failures.push(`${addr.toString()}: ${errorMessage(err)}`)
        }
      }
      throw new Error(failures.join('; '))
    }, {
      retries: Number.POSITIVE_INFINITY,
      minTimeout: 250,
      maxTimeout: 5_000,
      factor: 2,
      signal,
      shouldRetry: ({ error }) => !(error instanceof MeshError),
      onFailedAttempt: ({ error, attemptNumber }) => {
        opts.log.info({ attempt: attemptNumber, error: error.message }, 'bootstrap peers not reachable yet, retrying')
      }
    })
  } catch (err) {
    if (err instanceof MeshError) throw err
    throw new MeshError('UNAVAILABLE', `could not fetch the genesis from any bootstrap peer: ${errorMessage(err)}`)
  } finally {
    await client.stop()
  }
}
