import { lookup as lookupCallback, type LookupAddress, type LookupOptions } from 'node:dns'
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
 * address, unless the node allows private targets: when the webhook is created. Each delivery
 * checks again (`checkLiteralTarget`, and `guardedLookup` as it connects), so that a name that
 * later resolves inside does not reach in.
 */
export async function checkTarget (url: URL, allowPrivate: boolean): Promise<void> {
  const host = checkLiteralTarget(url, allowPrivate)
  if (allowPrivate || isIP(host) !== 0) return
  let addresses: string[]
  try {
    addresses = (await lookup(host, { all: true })).map(a => a.address)
  } catch {
    throw new MeshError('VALIDATION_ERROR', `webhook host ${host} does not resolve`, { field: 'url', reason: 'unresolved host' })
  }
  const inside = addresses.find(isPrivateAddress)
  if (inside !== undefined) throw privateTarget(url, inside)
}

/** The scheme, no credentials, and a host that is not a private address literal; returns the host. */
export function checkLiteralTarget (url: URL, allowPrivate: boolean): string {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MeshError('VALIDATION_ERROR', `a webhook URL is http or https, not ${url.protocol}`, { field: 'url', reason: 'scheme' })
  if (url.username !== '' || url.password !== '') throw new MeshError('VALIDATION_ERROR', 'a webhook URL carries no credentials: the secret signs each delivery', { field: 'url', reason: 'credentials' })
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  if (!allowPrivate && isPrivateAddress(host)) throw privateTarget(url, host)
  return host
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A DNS lookup for node:http's `lookup` option that refuses to connect to a private address
 * (unless allowed): the name is checked in the same resolution that the connection uses, so a
 * name that resolves outside at the check and inside at the connection (DNS rebinding) fails.
 */
export function guardedLookup (allowPrivate: boolean): (hostname: string, options: LookupOptions, callback: LookupCallback) => void {
  return (hostname, options, callback) => {
    lookupCallback(hostname, { ...options, all: true }, (err, addresses) => {
      if (err !== null) return callback(err, [])
      const inside = allowPrivate ? undefined : addresses.find(a => isPrivateAddress(a.address))
      if (inside !== undefined) return callback(Object.assign(new Error(`${hostname} resolves to the private address ${inside.address}`), { code: 'EPRIVATE' }), [])
      if (options.all === true) return callback(null, addresses)
      const first = addresses[0]
      if (first === undefined) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), [])
      callback(null, first.address, first.family)
    })
  }
}

function privateTarget (url: URL, address: string): MeshError {
  return new MeshError('VALIDATION_ERROR', `webhook target ${url.host} is a private address (${address}); start the node with --webhook-allow-private to allow it`,
    { field: 'url', reason: 'private address' })
}
