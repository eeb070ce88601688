import { peerIdFromString } from '@libp2p/peer-id'
import type { Clock } from '../clock.ts'
import { MeshError } from '../errors.ts'
import type { GovernanceService } from './governance-service.ts'
import { authoredThrough, listMembers, standing, type Member, type Revocation, type Standing } from './membership.ts'
import type { AdmissionBody, RevocationBody, Signed } from './objects.ts'

/**
 * Membership as this node applies it (the rule is in membership.ts): who may take part now,
 * and the operator's admissions and revocations, signed and replicated like governance.
 */
export class Members {
  private readonly c: MembersComponents

  /** Built from the replicated state it reads and the billing log it cuts (`heldThrough`). */
  constructor (components: MembersComponents) {
    this.c = components
  }

  /** Membership now, one replicated state read for many peers. */
  standings (): (peerId: string) => Standing {
    const input = this.c.governance.state.membershipInput(this.c.clock.now())
    return peerId => standing(peerId, input)
  }

  isMember (peerId: string): boolean {
    return this.standings()(peerId).member
  }

  /** The highest sequence of an author's billing log that counts (see BillingComponents). */
  authoredThrough (author: string): number {
    return authoredThrough(this.standings()(author))
  }

  /** The members the records name, and whether anyone else is one (open membership). */
  list (): { open: boolean, members: Member[], revoked: Array<{ peerId: string, revocation: Revocation }> } {
    const input = this.c.governance.state.membershipInput(this.c.clock.now())
    const revoked = [...new Set(input.revocations.map(r => r.peerId))].sort()
      .map(peerId => ({ peerId, standing: standing(peerId, input) }))
      .flatMap(x => x.standing.via === 'revoked' ? [{ peerId: x.peerId, revocation: x.standing.revocation }] : [])
    return { open: input.open, members: listMembers(input), revoked }
  }

  /** Admits a peer as a member: a record signed by this node's operator key. */
  async admit (peerId: string): Promise<Signed<AdmissionBody>> {
    this.requireOperator('admit members')
    const target = validPeerId(peerId)
    const now = this.c.clock.now()
    const current = this.c.governance.state.standing(target, now)
    if (current.via === 'revoked') throw new MeshError('CONFLICT', `${target} was revoked; a revocation is final (the node needs a new key to be admitted)`, { peer_id: target })
    return await this.c.governance.publish({ kind: 'admission', author: this.c.selfId, peer_id: target, time: now })
  }

  /**
   * Revokes a member. Its entries up to the highest sequence this node holds stay counted on
   * every node; later ones are refused everywhere.
   */
  async revoke (peerId: string): Promise<Signed<RevocationBody>> {
    this.requireOperator('revoke members')
    const target = validPeerId(peerId)
    return await this.c.governance.publish({ kind: 'revocation', author: this.c.selfId, peer_id: target, through_seq: this.c.heldThrough(target), time: this.c.clock.now() })
  }

  private requireOperator (what: string): void {
    if (!this.c.governance.state.operators(this.c.clock.now()).some(o => o.peer_id === this.c.selfId)) {
      throw new MeshError('AUTHORIZATION_ERROR', `this node is not an operator: only operators ${what}`)
    }
  }
}

export interface MembersComponents {
  governance: Pick<GovernanceService, 'state' | 'publish'>
  clock: Clock
  selfId: string
  /** The highest sequence of an author's billing log this node holds: where a revocation cuts. */
  heldThrough: (author: string) => number
}

function validPeerId (peerId: string): string {
  try {
    return peerIdFromString(peerId).toString()
  } catch {
    throw new MeshError('VALIDATION_ERROR', 'peer_id is not a valid peer id', { field: 'peer_id' })
  }
}
