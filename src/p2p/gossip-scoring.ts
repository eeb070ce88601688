import type { GossipsubOpts } from '@chainsafe/libp2p-gossipsub'
import type { MetricsRegister } from '@chainsafe/libp2p-gossipsub/metrics'
import type { PeerScoreParams, TopicScoreParams } from '@chainsafe/libp2p-gossipsub/score'

/**
 * GossipSub peer scoring for meshnode's three topics. Only the invalid-message penalty (P4)
 * is weighted: a message a topic validator rejects costs its sender `-10 × n²` (n decays by
 * 0.9 a second), so one bad message takes a peer out of the mesh (score below 0: pruned) and a
 * handful more graylist it. GossipSub never hangs up by itself: the node disconnects and
 * refuses peers whose invalid messages sank them below the graylist threshold
 * (`peersToDisconnect`, on every heartbeat). Delivery-rate terms (P2, P3) stay off: the
 * billing and governance topics are quiet by nature, and a quiet honest peer must not sink.
 */
export const GOSSIP_THRESHOLDS = {
  gossipThreshold: -20,
  publishThreshold: -40,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 1
} as const

/** Below this score a peer is disconnected and refused for a while (the graylist threshold). */
export const DISCONNECT_SCORE = GOSSIP_THRESHOLDS.graylistThreshold

const TOPIC_SCORE: Partial<TopicScoreParams> = {
  topicWeight: 1,
  timeInMeshWeight: 0,
  firstMessageDeliveriesWeight: 0,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: 0.9
}

/** `colocation` 0 turns the IP-colocation penalty off (every local peer is on 127.0.0.1). */
export function gossipScoreParams (topics: string[], colocation: number): Partial<PeerScoreParams> {
  return {
    ...(colocation === 0 ? { IPColocationFactorWeight: 0 } : { IPColocationFactorThreshold: colocation }),
    // Partial topic params: gossipsub completes them with its defaults (createPeerScoreParams).
    topics: Object.fromEntries(topics.map(t => [t, TOPIC_SCORE as TopicScoreParams]))
  }
}

/**
 * Messages GossipSub drops before any topic validator sees them (unsigned, bad signature,
 * bad seqno or author field) reach the application only through GossipSub's metrics. This
 * register keeps the one metric that says so and feeds it to `onInvalid`; every other metric
 * is a no-op. GossipSub reports the error, then the topic, of one message in two consecutive
 * synchronous calls, so the error is held until its topic arrives.
 */
export function invalidMessageRegister (onInvalid: (topic: string, error: string) => void): Pick<GossipsubOpts, 'metricsRegister' | 'metricsTopicStrToLabel'> {
  let error: string | undefined
  const noop = { inc: () => {}, set: () => {}, addCollect: () => {}, startTimer: () => () => {}, observe: () => {}, reset: () => {} }
  const register: MetricsRegister = {
    gauge: (config) => {
      if (config.name === 'gossipsub_msg_received_invalid_total') {
        return { ...noop, inc: (labels?: unknown) => { error = String((labels as { error?: unknown } | undefined)?.error ?? '') } } as never
      }
      if (config.name === 'gossipsub_msg_received_invalid_by_topic_total') {
        return {
          ...noop,
          inc: (labels?: unknown) => {
            const topic = String((labels as { topic?: unknown } | undefined)?.topic ?? '')
            // 'reject' and 'ignore' come from the topic validators, which count their own reasons.
            if (error !== undefined && error !== 'reject' && error !== 'ignore' && error !== 'blacklisted') onInvalid(topic, error)
            error = undefined
          }
        } as never
      }
      return noop as never
    },
    histogram: () => noop as never,
    avgMinMax: () => noop as never
  }
  return { metricsRegister: register, metricsTopicStrToLabel: new Map() }
}

/** What GossipSub's score dump holds of a peer that the disconnect rule reads. */
export interface PeerScoreStats {
  connected: boolean
  topics: Record<string, { invalidMessageDeliveries: number }>
}

/** The invalid-message part (P4) of a peer's score, summed over the scored topics. */
export function invalidMessagePenalty (stats: PeerScoreStats): number {
  const perDelivery = (TOPIC_SCORE.topicWeight ?? 1) * (TOPIC_SCORE.invalidMessageDeliveriesWeight ?? 0)
  return Object.values(stats.topics).reduce((sum, t) => sum + perDelivery * t.invalidMessageDeliveries ** 2, 0)
}

/**
 * Connected peers whose invalid messages alone sank their score below the disconnect
 * threshold: the caller hangs up and refuses them. Only P4 counts here, so that peers that
 * share an IP (the colocation penalty) are graylisted by GossipSub as before, not cut off.
 */
export function peersToDisconnect (dump: Record<string, PeerScoreStats>): string[] {
  return Object.entries(dump).filter(([, s]) => s.connected && invalidMessagePenalty(s) < DISCONNECT_SCORE).map(([id]) => id)
}
