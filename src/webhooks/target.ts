import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import { MeshError } from '../errors.ts'

/** Loopback, private, link-local, carrier-grade NAT, unspecified and multicast ranges: not the operator's systems on the internet. */
const PRIVATE = new BlockList()
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.168.0.0', 16], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) PRIVATE.addSubnet(net, bits, 'ipv4')
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) PRIVATE.addSubnet(net, bits, 'ipv6')

export function isPrivateAddress (ip: string): boolean {
  const family = isIP(ip)
  if (family === 0) return false
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1]
  if (mapped !== undefined) return PRIVATE.check(mapped, 'ipv4')
  return PRIVATE.check(ip, family === 4 ? 'ipv4' : 'ipv6')
}

/**
 * Refuses a webhook URL that is not http(s), or whose host is or resolves to a private
 * address, unless the node allows private targets. It is checked when the webhook is created
 * and again before each delivery, so that a name that later resolves inside does not reach in.
 */
export async function checkTarget (url: URL, allowPrivate: boolean): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MeshError('VALIDATION_ERROR', `a webhook URL is http or https, not ${url.protocol}`, { field: 'url', reason: 'scheme' })
  if (url.username !== '' || url.password !== '') throw new MeshError('VALIDATION_ERROR', 'a webhook URL carries no credentials: the secret signs each delivery', { field: 'url', reason: 'credentials' })
  if (allowPrivate) return
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const addresses = isIP(host) !== 0 ? [host] : await resolve(host)
  const inside = addresses.find(isPrivateAddress)
  if (inside !== undefined) {
    throw new MeshError('VALIDATION_ERROR', `webhook target ${url.host} is a private address (${inside}); start the node with --webhook-allow-private to allow it`,
      { field: 'url', reason: 'private address' })
  }
}

async function resolve (host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true })).map(a => a.address)
  } catch {
    throw new MeshError('VALIDATION_ERROR', `webhook host ${host} does not resolve`, { field: 'url', reason: 'unresolved host' })
  }
}
