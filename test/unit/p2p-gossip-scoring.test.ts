import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { getMetrics } from '@chainsafe/libp2p-gossipsub/metrics'
import { createPeerScoreParams, validatePeerScoreParams } from '@chainsafe/libp2p-gossipsub/score'
import { RejectReason, ValidateError } from '@chainsafe/libp2p-gossipsub/types'
import {
  DISCONNECT_SCORE, gossipScoreParams, invalidMessagePenalty, invalidMessageRegister, peersToDisconnect
} from '../../src/p2p/gossip-scoring.ts'

describe('gossip scoring', () => {
  test('score params are valid for GossipSub, weight invalid messages on every topic and keep the colocation setting', () => {
    const local = createPeerScoreParams(gossipScoreParams(['t1', 't2', 't3'], 0))
    validatePeerScoreParams(local)
    assert.deepEqual(Object.keys(local.topics), ['t1', 't2', 't3'])
    for (const t of Object.values(local.topics)) assert.ok(t.invalidMessageDeliveriesWeight < 0 && t.meshMessageDeliveriesWeight === 0)
    assert.equal(local.IPColocationFactorWeight, 0)
    const production = createPeerScoreParams(gossipScoreParams(['t1'], 10))
    assert.equal(production.IPColocationFactorThreshold, 10)
    assert.ok(production.IPColocationFactorWeight < 0)
  })

  test('a few invalid messages sink a peer below the disconnect threshold', () => {
    const t = createPeerScoreParams(gossipScoreParams(['t'], 0)).topics.t
    assert.ok(t !== undefined)
    const score = (n: number): number => t.topicWeight * t.invalidMessageDeliveriesWeight * n * n
    assert.ok(score(1) < 0, 'one bad message: pruned from the mesh')
    assert.ok(score(1) > DISCONNECT_SCORE, 'one bad message: not yet disconnected')
    assert.ok(score(3) < DISCONNECT_SCORE, 'three: disconnected')
  })

  test('peersToDisconnect names the connected peers whose invalid messages alone sank them', () => {
    const topics = (n: number): Record<string, { invalidMessageDeliveries: number }> => ({ t1: { invalidMessageDeliveries: n }, t2: { invalidMessageDeliveries: 0 } })
    assert.deepEqual(peersToDisconnect({
      honest: { connected: true, topics: topics(0) },
      slip: { connected: true, topics: topics(1) },
      offender: { connected: true, topics: topics(3) },
      gone: { connected: false, topics: topics(10) }
    }), ['offender'])
    assert.ok(invalidMessagePenalty({ connected: true, topics: topics(3) }) < DISCONNECT_SCORE)
  })

  test('messages GossipSub drops before the validators are reported with their topic and error; validator outcomes are not', () => {
    const seen: Array<[string, string]> = []
    const { metricsRegister } = invalidMessageRegister((topic, error) => seen.push([topic, error]))
    assert.ok(metricsRegister != null)
    const metrics = getMetrics(metricsRegister, new Map(), { gossipPromiseExpireSec: 3, behaviourPenaltyThreshold: 0, maxMeshMessageDeliveriesWindowSec: 10 })
    metrics.onMsgRecvInvalid('/t/1', { reason: RejectReason.Error, error: ValidateError.InvalidSignature })
    metrics.onMsgRecvInvalid('/t/2', { reason: RejectReason.Reject })
    metrics.onMsgRecvInvalid('/t/3', { reason: RejectReason.Error, error: ValidateError.InvalidPeerId })
    assert.deepEqual(seen, [['/t/1', 'invalid_signature'], ['/t/3', 'invalid_peerid']])
  })
})
