/**
 * SWIM's probe target selection (memberlist's probe loop): the members in a shuffled order,
 * one per probe interval, round after round, so that every member is probed once per round
 * and a crashed one is found within one round by someone, at a cost of one probe per node
 * per interval whatever the mesh's size. Pure: the randomness is passed in.
 */
export class ProbeScheduler {
  private order: string[] = []
  private cursor = 0
  private readonly random: () => number

  constructor (random: () => number) {
    this.random = random
  }

  /**
   * The next member to probe among `members` (the peers that may be probed now: not down, not
   * left), or undefined when there is none. A member that left the list is skipped; one that
   * joined it is probed in the next round, which is shuffled anew.
   */
  next (members: readonly string[]): string | undefined {
    if (members.length === 0) return undefined
    const present = new Set(members)
    for (let tries = 0; tries < 2; tries++) {
      while (this.cursor < this.order.length) {
        const id = this.order[this.cursor++] as string
        if (present.has(id)) return id
      }
      this.order = shuffle([...members], this.random)
      this.cursor = 0
    }
    return undefined
  }
}

/** Fisher-Yates, in place. */
export function shuffle<T> (items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const t = items[i] as T
    items[i] = items[j] as T
    items[j] = t
  }
  return items
}

/** Up to `k` of `candidates` at random, without `exclude`: the helpers of an indirect probe. */
export function pickHelpers (candidates: readonly string[], k: number, exclude: string, random: () => number): string[] {
  return shuffle(candidates.filter(c => c !== exclude), random).slice(0, k)
}
