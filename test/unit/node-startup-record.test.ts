import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseStartupLine } from '../../node/startup-record.ts'

const PEER = '12D3KooWRBhwfeP2Y9CDkFRBAZ1pmxUadH36TKuk3KtKm5XXP8mA'
const LINE = {
  version: '0.1.0',
  peer_id: PEER,
  network_id: 'dev-abc',
  genesis_hash: 'a'.repeat(64),
  genesis_origin: 'created',
  key_created: true,
  listen: ['/ip4/127.0.0.1/tcp/4001'],
  announce: [`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`],
  api_url: 'http://127.0.0.1:8080',
  join_address: `/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`,
  join: `meshnode start --data ./.meshnode-2 --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/${PEER}`
}

describe('the start-up line of start --json, as tools read it', () => {
  test('a whole record is read as printed; the token only when the line has it', () => {
    assert.deepEqual(parseStartupLine(JSON.stringify(LINE)), LINE)
    assert.equal(parseStartupLine(JSON.stringify({ ...LINE, api_token: 'secret' })).api_token, 'secret')
  })

  test('a line without a field, with a bad value, or not JSON is refused', () => {
    assert.throws(() => parseStartupLine(JSON.stringify({ ...LINE, join_address: undefined })), /join_address/)
    assert.throws(() => parseStartupLine(JSON.stringify({ ...LINE, genesis_origin: 'elsewhere' })), /genesis_origin/)
    assert.throws(() => parseStartupLine(JSON.stringify({ ...LINE, api_url: '127.0.0.1:8080' })), /api_url/)
    assert.throws(() => parseStartupLine(`peer id:   ${PEER}`), SyntaxError)
  })
})
