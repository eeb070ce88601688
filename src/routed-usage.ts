import { randomUUID } from 'node:crypto'
import { UsageBuffer } from './billing/usage-buffer.ts'
import type { UsageRecord } from './billing/usage-record.ts'
import type { Startable } from './lifecycle.ts'
import type { Logger } from './logging.ts'
import { ROUTED_USAGE } from './network/params.ts'
import type { UsageEvent } from './routing/usage.ts'
import type { Tuning } from './tuning.ts'

export interface RoutedUsageComponents {
  append: (records: UsageRecord[]) => Promise<unknown>
  log: Logger
}

export type RoutedUsageInit = Pick<Tuning['billing'], 'usageFlushMs' | 'usageMaxRecords'>

/**
 * Joins the router to billing: a routed request is one usage record of the calling user (a
 * tenant, with the key id in its metadata, or an anonymous caller's token hash),
 * appended by the node that received it, in batches (see UsageBuffer). The stop writes what
 * is buffered.
 */
export class RoutedUsage implements Startable {
  private readonly buffer: UsageBuffer

  constructor (components: RoutedUsageComponents, init: RoutedUsageInit) {
    this.buffer = new UsageBuffer(components.append, components.log, { flushMs: init.usageFlushMs, maxRecords: init.usageMaxRecords })
  }

  async start (): Promise<void> {}

  async stop (): Promise<void> {
    await this.buffer.drain()
  }

  record (e: UsageEvent): void {
    this.buffer.add({
      id: randomUUID(),
      user_id: e.user,
      ...ROUTED_USAGE,
      amount: 1,
      timestamp: e.at,
      metadata: { ...(e.keyId === undefined ? {} : { key_id: e.keyId }), service: e.service, peer: e.peerId, status: e.status, request_bytes: e.requestBytes, response_bytes: e.responseBytes, duration_ms: e.durationMs }
    })
  }
}
