import { createLogger } from '../src/logging.ts'
import { VERSION } from '../src/version.ts'
import type { NodeConfig } from './config.ts'
import { launchNode, type RunningNode } from './launch.ts'

/**
 * The node process: starts the node, prints what its operator needs, and stops cleanly on
 * SIGINT or SIGTERM (exit code 0). A second signal stops at once.
 */
export async function runNode (config: NodeConfig): Promise<void> {
  const log = createLogger(config.logLevel)
  const aborter = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    if (aborter.signal.aborted) {
      log.warn({ signal }, 'second signal: exiting without a clean stop')
      process.exit(1)
    }
    log.info({ signal }, 'stopping')
    aborter.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  // A signal during start aborts the genesis fetch; a started node is then stopped below.
  const node = await launchNode(config, log, aborter.signal)
  if (!aborter.signal.aborted) {
    printBanner(node)
    await new Promise<void>(resolve => aborter.signal.addEventListener('abort', () => resolve(), { once: true }))
  }
  await node.stop()
  log.info('stopped')
}

function printBanner (node: RunningNode): void {
  const { mesh, api } = node
  const addrs = mesh.listenAddresses()
  const origin = {
    created: 'a new development network, with this node as its sole operator',
    fetched: 'genesis fetched from the bootstrap peer and pinned in the data directory',
    pinned: 'genesis pinned in the data directory',
    file: 'genesis from --genesis'
  }[node.genesisOrigin]
  const joinAddr = addrs.find(a => !a.startsWith('/ip4/127.')) ?? addrs[0]
  const lines = [
    `meshnode ${VERSION} started`,
    `peer id:   ${mesh.peerId.toString()}${node.keyCreated ? ' (new key)' : ''}`,
    `network:   ${mesh.networkId} (genesis ${mesh.genesisHash.slice(0, 16)}: ${origin})`,
    'listening:',
    ...addrs.map(a => `  ${a}`),
    `api:       ${api.url}`,
    'join this network with:',
    `  meshnode start --bootstrap ${joinAddr ?? '<address>'}`
  ]
  if (node.tokenCreated) lines.push(`api token: ${node.token}  (printed once; kept in the data directory as api-token)`)
  console.log(lines.join('\n'))
}
