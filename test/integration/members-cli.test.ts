import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { removeDir, spawnNode, stopChild, tempDir, runCli } from '../helpers/nodes.ts'


describe('meshnode members, admit, revoke and genesis --open-membership', { timeout: 120_000 }, () => {
  const dirs: string[] = []
  after(async () => { await Promise.all(dirs.map(removeDir)) })

  test('genesis writes a closed network unless --open-membership', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const op = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    for (const [flags, expected] of [[[], undefined], [['--open-membership'], true]] as const) {
      const out = join(dir, `g${flags.length}.json`)
      const r = runCli(['genesis', '--network-id', 'net-x', '--operator', `${op}:1:a`, ...flags, '--out', out])
      assert.equal(r.code, 0, r.stderr)
      const g = JSON.parse(await readFile(out, 'utf8')) as { params: { open_membership?: boolean } }
      assert.equal(g.params.open_membership, expected)
    }
  })

  test('an operator lists, admits and revokes through its API; a refusal or a node that is down is one line and exit 1', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const node = await spawnNode(['--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0'])
    try {
      const api = ['--api', node.apiUrl, '--data', dir]
      const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
      const before = runCli(['members', ...api])
      assert.equal(before.code, 0, before.stderr)
      assert.match(before.stdout, /^open membership: yes/m)
      assert.match(before.stdout, new RegExp(`^${node.peerId}  operator$`, 'm'))

      const admitted = runCli(['admit', stranger, ...api])
      assert.equal(admitted.code, 0, admitted.stderr)
      assert.match(admitted.stdout, new RegExp(`^admitted ${stranger} \\(record [0-9a-f]{64}\\)`))
      assert.match(runCli(['members', ...api]).stdout, new RegExp(`^${stranger}  admission by ${node.peerId}`, 'm'))

      const revoked = runCli(['revoke', stranger, ...api])
      assert.equal(revoked.code, 0, revoked.stderr)
      assert.match(revoked.stdout, /through seq 0 stay counted/)
      assert.match(runCli(['members', ...api]).stdout, new RegExp(`^${stranger}  revoked by ${node.peerId}`, 'm'))

      // The node refuses: the API's code and message, on one line.
      const again = runCli(['admit', stranger, ...api])
      assert.equal(again.code, 1)
      assert.match(again.stderr, /^meshnode: the node refused \(409 CONFLICT: .*revocation is final.*\)\n$/)
      const operator = runCli(['revoke', node.peerId, ...api])
      assert.equal(operator.code, 1)
      assert.match(operator.stderr, /^meshnode: the node refused \(422 VALIDATION_ERROR: an operator is removed by governance, not revoked\)\n$/)

      // The API address from the data directory's config.json.
      await writeFile(join(dir, 'config.json'), JSON.stringify({ api: new URL(node.apiUrl).host }))
      assert.equal(runCli(['members', '--data', dir]).code, 0)
    } finally {
      assert.equal(await stopChild(node), 0)
    }
    const down = runCli(['members', '--data', dir])
    assert.equal(down.code, 1)
    assert.match(down.stderr, /^meshnode: cannot reach the node's API at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*\n$/)
  })
})
