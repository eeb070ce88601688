import { TopicValidatorResult, type Message, type PeerId } from '@libp2p/interface'
import { errorMessage } from '../errors.ts'
import type { Logger } from '../logging.ts'

/**
 * What a topic's validator says of one message: accept it (with the value parsed from its
 * bytes), or drop it with a reason from the topic's fixed list. An ignore drops it without
 * penalty (the relay may not hold the same state yet, or the message is no news); a reject
 * costs its sender GossipSub's invalid-message penalty (see gossip-scoring.ts).
 */
export type GossipVerdict<T, R extends string> =
  | { action: 'accept', value: T }
  | { action: 'ignore', reason: R }
  | { action: 'reject', reason: R }

/** Reasons the helper gives on every topic: GossipSub let an unsigned message through, or a validator threw. */
export type CommonGossipReason = 'unsigned' | 'invalid'

export const accept = <T>(value: T): { action: 'accept', value: T } => ({ action: 'accept', value })
export const ignore = <R extends string>(reason: R): { action: 'ignore', reason: R } => ({ action: 'ignore', reason })
export const reject = <R extends string>(reason: R): { action: 'reject', reason: R } => ({ action: 'reject', reason })

export interface GossipTopic<T, R extends string, C> {
  topic: string
  /** Pure: judges one message's bytes in its context, reads no state of its own and changes none. */
  validate: (bytes: Uint8Array, context: C) => GossipVerdict<T, R>
  /** The context one message is judged in, read when it arrives: its signer, the time, replicated state. */
  context: (signer: PeerId) => C
  /**
   * Applies an accepted value. It runs at once, before the next message is judged, so that a
   * message that refers to an earlier one of the same burst (a vote to its proposal) is judged
   * against a state that holds it.
   */
  handle: (value: T, signer: PeerId) => void
}

/** What the helper counts with: the node's metrics (MeshMetrics), or anything shaped like them. */
export interface GossipCounter {
  gossip: (topic: string, outcome: 'published' | 'received' | 'rejected', reason?: string) => void
}

export interface GossipValidationComponents {
  metrics: GossipCounter
  log: Logger
}

export type TopicValidator = (from: PeerId, msg: Message) => TopicValidatorResult

const RESULT = { ignore: TopicValidatorResult.Ignore, reject: TopicValidatorResult.Reject } as const

/**
 * The one way a topic's pure validator becomes GossipSub's topic validator (after Lodestar's
 * `gossipValidatorFn.ts`): every message is parsed once, judged, counted by topic and reason
 * (`meshnode_gossip_messages_total{outcome="received"}` or `{outcome="rejected",reason}`), and
 * an accepted value goes to the handler as parsed. A validator that throws (an over-deep object,
 * a bug) is a counted reject, never an exception inside GossipSub (which would only ignore the
 * message, with no penalty). A handler that throws does not make a valid message invalid.
 */
export function gossipValidator<T, R extends string, C> (spec: GossipTopic<T, R, C>, c: GossipValidationComponents): TopicValidator {
  const dropped = (action: 'ignore' | 'reject', reason: R | CommonGossipReason): TopicValidatorResult => {
    c.metrics.gossip(spec.topic, 'rejected', reason)
    return RESULT[action]
  }
  return (_from, msg) => {
    if (msg.type !== 'signed') return dropped('reject', 'unsigned')
    let verdict: GossipVerdict<T, R>
    try {
      verdict = spec.validate(msg.data, spec.context(msg.from))
    } catch (err) {
      c.log.debug({ topic: spec.topic, err: errorMessage(err) }, 'gossip validator threw')
      return dropped('reject', 'invalid')
    }
    if (verdict.action !== 'accept') return dropped(verdict.action, verdict.reason)
    c.metrics.gossip(spec.topic, 'received')
    try {
      spec.handle(verdict.value, msg.from)
    } catch (err) {
      c.log.warn({ topic: spec.topic, err: errorMessage(err) }, 'gossip message handler failed')
    }
    return TopicValidatorResult.Accept
  }
}
