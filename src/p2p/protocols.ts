/**
 * Protocol ids and topic names. Everything a network speaks carries its network id, so nodes
 * of different networks never exchange a message; the membership protocol also carries the
 * genesis hash, so that two networks that share an id but not a genesis refuse each other.
 */
export const GENESIS_EXCHANGE_PROTOCOL = '/meshnode/genesis/1.0.0'

export interface NetworkProtocols {
  prefix: string
  dht: string
  membership: string
  route: string
  sync: string
  governanceSync: string
  /** SWIM's indirect probe: ask a peer to ping another. */
  probe: string
  topics: { telemetry: string, governance: string, billing: string, rateLimit: string }
}

export function networkProtocols (networkId: string, genesisHash: string): NetworkProtocols {
  const prefix = `/meshnode/${networkId}`
  return {
    prefix,
    dht: `${prefix}/kad/1.0.0`,
    membership: `${prefix}/member/${genesisHash.slice(0, 16)}/1.0.0`,
    route: `${prefix}/route/1.1.0`,
    sync: `${prefix}/sync/1.0.0`,
    governanceSync: `${prefix}/gov-sync/1.0.0`,
    probe: `${prefix}/probe/1.0.0`,
    topics: {
      telemetry: `${prefix}/telemetry/1`,
      governance: `${prefix}/governance/1`,
      billing: `${prefix}/billing/1`,
      rateLimit: `${prefix}/ratelimit/1`
    }
  }
}
