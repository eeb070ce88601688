import type { Clock } from '../clock.ts'
import { MeshError, errorMessage, isMeshError } from '../errors.ts'
import type { Logger } from '../logging.ts'
import type { LoadTestLimits } from '../network/params.ts'
import { RequestBody } from '../routing/request-body.ts'
import type { RouteRequest, RouteResult } from '../routing/route-request.ts'
import { checkLimits, dueArrivals, LoadTestTally, scheduledArrivals, type LoadTestSpec, type LoadTestSummary, type Outcome } from './load-test.ts'

export interface LoadTestsComponents {
  /** The router's forward: every request goes through the mesh, as a client's would. */
  forward: (req: RouteRequest) => Promise<RouteResult>
  /** Whether a peer of the mesh offers the service: the only targets. */
  isKnown: (service: string) => boolean
  /** The network's bounds, read per test: governance may change them. */
  limits: () => LoadTestLimits
  clock: Clock
  newId: () => string
  log: Logger
}

export type LoadTestStatus = 'running' | 'done' | 'cancelled'

export interface LoadTestView {
  id: string
  spec: LoadTestSpec
  status: LoadTestStatus
  startedAt: number
  endedAt: number | undefined
  summary: LoadTestSummary
  /** Requests sent a second, from the start to the end of the last request (so far, while running). */
  achievedRate: number
}

interface Run {
  id: string
  spec: LoadTestSpec
  status: LoadTestStatus
  startedAt: number
  endedAt: number | undefined
  tally: LoadTestTally
  scheduled: number
  issued: number
  inFlight: number
  timer: NodeJS.Timeout | undefined
  abort: AbortController
}

/** Results kept, the newest ones: a bounded memory whatever the tests run. */
const KEPT = 20
const NO_BODY = RequestBody.of(new Uint8Array(0))
/** What the router meters the test's requests as: the operator's own traffic. */
const LOAD_TEST_USER = 'operator'

/**
 * Load tests through the mesh from this node: open-loop arrivals on schedule, each request
 * forwarded by the router to a peer offering the service (this node included, when it offers
 * it), the answer read to its end. One test runs at a time; a stop cancels it.
 */
export class LoadTests {
  private readonly c: LoadTestsComponents
  private readonly runs = new Map<string, Run>()
  private running: Run | undefined

  constructor (components: LoadTestsComponents) {
    this.c = components
  }

  async start (): Promise<void> {}

  async stop (): Promise<void> {
    const run = this.running
    if (run === undefined) return
    this.end(run, 'cancelled')
  }

  /** Starts a test; 404 for a service nobody offers, 422 past the network's bounds, 409 while another runs. */
  begin (spec: LoadTestSpec): LoadTestView {
    checkLimits(spec, this.c.limits())
    if (!this.c.isKnown(spec.service)) throw new MeshError('NOT_FOUND', `no peer of the mesh offers service ${spec.service}`, { service: spec.service })
    if (this.running !== undefined) throw new MeshError('CONFLICT', `load test ${this.running.id} is running; one runs at a time`, { running: this.running.id })
    const run: Run = {
      id: this.c.newId(),
      spec,
      status: 'running',
      startedAt: this.c.clock.now(),
      endedAt: undefined,
      tally: new LoadTestTally(),
      scheduled: scheduledArrivals(spec),
      issued: 0,
      inFlight: 0,
      timer: undefined,
      abort: new AbortController()
    }
    this.running = run
    this.runs.set(run.id, run)
    for (const id of this.runs.keys()) if (this.runs.size > KEPT && id !== run.id) this.runs.delete(id)
    this.c.log.info({ id: run.id, ...spec }, 'load test started')
    this.tick(run)
    return this.view(run)
  }

  get (id: string): LoadTestView | undefined {
    const run = this.runs.get(id)
    return run === undefined ? undefined : this.view(run)
  }

  private tick (run: Run): void {
    if (run.status !== 'running') return
    const now = this.c.clock.now()
    const due = dueArrivals(run.spec, now - run.startedAt)
    while (run.issued < due) {
      run.issued++
      if (run.inFlight >= run.spec.concurrency) run.tally.skipped++
      else this.send(run)
    }
    if (run.issued < run.scheduled) {
      const next = run.startedAt + run.issued * 1000 / run.spec.rate
      run.timer = setTimeout(() => { this.tick(run) }, Math.max(1, next - now))
    } else this.settle(run)
  }

  private send (run: Run): void {
    run.inFlight++
    run.tally.sent++
    const started = this.c.clock.now()
    void this.call(run).then(outcome => {
      run.inFlight--
      // A cancelled test's cut requests are not outcomes of the service.
      if (run.status === 'running') run.tally.record({ ...outcome, latencyMs: this.c.clock.now() - started })
      this.settle(run)
    })
  }

  /** One request through the router, its answer read to the end as a client reads it. */
  private async call (run: Run): Promise<Omit<Outcome, 'latencyMs'>> {
    let result: RouteResult
    try {
      result = await this.c.forward({
        service: run.spec.service,
        method: run.spec.method,
        path: run.spec.path,
        headers: [['x-mesh-load-test', run.id]],
        body: NO_BODY,
        user: LOAD_TEST_USER,
        signal: run.abort.signal
      })
    } catch (err) {
      // No peer answered: the router's verdict, as a client would get it.
      if (!isMeshError(err)) this.c.log.warn({ id: run.id, err: errorMessage(err) }, 'load test request failed')
      return { status: undefined, code: isMeshError(err) ? err.code : 'SYSTEM_ERROR', peerId: undefined }
    }
    try {
      const reader = result.body.getReader()
      while (!(await reader.read()).done) { /* drained */ }
      return { status: result.status, peerId: result.servedBy }
    } catch (err) {
      // The peer answered, then its body broke off: an error of that peer.
      this.c.log.debug({ id: run.id, err: errorMessage(err) }, 'load test response cut')
      return { status: 502, peerId: result.servedBy }
    }
  }

  private settle (run: Run): void {
    if (run.status === 'running' && run.issued >= run.scheduled && run.inFlight === 0) this.end(run, 'done')
  }

  private end (run: Run, status: LoadTestStatus): void {
    clearTimeout(run.timer)
    run.status = status
    run.endedAt = this.c.clock.now()
    if (status === 'cancelled') run.abort.abort()
    if (this.running === run) this.running = undefined
    this.c.log.info({ id: run.id, status, sent: run.tally.sent, completed: run.tally.completed }, 'load test ended')
  }

  private view (run: Run): LoadTestView {
    const until = run.endedAt ?? this.c.clock.now()
    const seconds = (until - run.startedAt) / 1000
    return {
      id: run.id,
      spec: run.spec,
      status: run.status,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      summary: run.tally.summary(run.scheduled),
      achievedRate: seconds > 0 ? run.tally.sent / seconds : 0
    }
  }
}
