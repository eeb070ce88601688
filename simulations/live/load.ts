import type { RequestSample } from './measure.ts'

export interface LoadPlan {
  service: string
  /** Requests per second, spread evenly in time (open loop: a slow mesh does not slow the sender). */
  rate: number
  durationMs: number
  users: number
  method: 'GET' | 'POST'
  /** The API URLs to send through, looked up for each request (crashed nodes drop out). */
  targets: () => string[]
  /** The node index of a peer id from X-Mesh-Peer. */
  indexOf: (peerId: string) => number | undefined
  random: () => number
  now: () => number
  signal: AbortSignal
  timeoutMs: number
}

const TICK_MS = 5
/** More requests than this in flight means the mesh cannot keep up: the rest are counted failed, not queued. */
const MAX_IN_FLIGHT = 512

/** Sends requests through the mesh as clients would, and records each one's latency, status and serving node. */
export async function generateLoad (plan: LoadPlan): Promise<RequestSample[]> {
  const samples: RequestSample[] = []
  const inFlight = new Set<Promise<void>>()
  const start = plan.now()
  let sent = 0
  const total = Math.round(plan.rate * plan.durationMs / 1000)
  while (sent < total && !plan.signal.aborted) {
    const due = Math.min(total, Math.floor((plan.now() - start) * plan.rate / 1000) + 1)
    for (; sent < due; sent++) {
      const targets = plan.targets()
      const at = plan.now()
      const target = targets[Math.floor(plan.random() * targets.length)]
      if (target === undefined || inFlight.size >= MAX_IN_FLIGHT) {
        samples.push({ at, latencyMs: 0, ok: false, servedBy: undefined })
        continue
      }
      const user = Math.floor(plan.random() * plan.users)
      const p = send(plan, target, user, sent).then(s => { if (s !== undefined) samples.push(s) }).finally(() => inFlight.delete(p))
      inFlight.add(p)
    }
    await new Promise(resolve => setTimeout(resolve, TICK_MS))
  }
  await Promise.all(inFlight)
  return samples.sort((a, b) => a.at - b.at)
}

/** One request's sample; none for a request that the run's signal cut short (not the mesh's failure). */
async function send (plan: LoadPlan, apiUrl: string, user: number, n: number): Promise<RequestSample | undefined> {
  const at = plan.now()
  try {
    const res = await fetch(`${apiUrl}/v1/route/${plan.service}/echo?n=${n}`, {
      method: plan.method,
      headers: { authorization: `Bearer sim-user-${user}` },
      body: plan.method === 'POST' ? JSON.stringify({ n }) : undefined,
      signal: AbortSignal.any([plan.signal, AbortSignal.timeout(plan.timeoutMs)])
    })
    await res.arrayBuffer()
    const peer = res.headers.get('x-mesh-peer')
    return { at, latencyMs: plan.now() - at, ok: res.status < 500, servedBy: peer === null ? undefined : plan.indexOf(peer) }
  } catch {
    if (plan.signal.aborted) return undefined
    // A refused connection (the node crashed) or a timeout: the client saw a failed request.
    return { at, latencyMs: plan.now() - at, ok: false, servedBy: undefined }
  }
}
