// What the server and the admin API need of delivery: ingest into the store, configuration reloads,
// destination states, wake-ups, start and stop. DeliveryService does it all on the calling thread;
// ThreadedDelivery (thread/host.ts) stores and routes here and delivers on a worker thread.
import type { NormalizedEvent } from '../engine/event/index.js'
import type { IngestResult, StoredEvent } from '../store/types.js'
import type { DeliveryOptions } from './options.js'
import type { RouterCompileProblem } from './router.js'

export interface DestinationStatus {
  id: string
  name: string
  /** `delivering`, `paused` (401), `disabled` (switched off) or `no-api-key` (accepted, kept, not sent). */
  state: 'delivering' | 'paused' | 'disabled' | 'no-api-key'
  baseUrl: string | null
}

/** What a replay of stored events made: jobs stored, events that failed routing (per mapping). */
export interface RerouteResult {
  jobs: number
  failed: number
}

export interface Delivery {
  /** The delivery tuning in effect (defaults filled in). */
  readonly options: DeliveryOptions
  /** The base URL every destination is sent to instead of its region's (`--iterable-url`, sandbox). */
  readonly baseUrlOverride: string | undefined
  /** Each destination's state, as of the last `reload()` (pauses are updated live). */
  destinations(): DestinationStatus[]
  /** Reads destinations, mappings and keys from the store and compiles them; after every change. */
  reload(): Promise<RouterCompileProblem[]>
  /** Clears a destination's pause (e.g. after its API key changed) and reloads. */
  resume(destinationId: string): Promise<void>
  /** Stores the events and their jobs in one transaction; resolves after the commit. */
  accept(
    sourceId: string,
    events: readonly NormalizedEvent[],
    receivedAt: Date,
    sizes: readonly number[],
  ): Promise<IngestResult>
  /** Replay: stored events routed again through today's mappings (new jobs). */
  reroute(events: readonly StoredEvent[], destinationId?: string): Promise<RerouteResult>
  /** Wake-up hint (e.g. after a replay): every queue looks for work now. */
  wakeAll(): void
  start(): Promise<void>
  /** Graceful: stop claiming, finish or release in-flight work within the timeout. */
  stop(timeoutMs?: number): Promise<void>
}
