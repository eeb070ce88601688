/** Time is passed in, so that the same code runs live, in tests and in the network model. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now: () => number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock that moves only when told to: for unit tests and the network model. */
export class ManualClock implements Clock {
  private t: number

  constructor (start = 1_700_000_000_000) {
    this.t = start
  }

  now (): number {
    return this.t
  }

  advance (ms: number): number {
    this.t += ms
    return this.t
  }
}
