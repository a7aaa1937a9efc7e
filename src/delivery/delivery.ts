// What the server and the admin API need of delivery: ingest into the event log, configuration
// reloads (each a new configuration revision), destination states, replays, start and stop.
// DeliveryService does it; where the engine that sends runs (this thread or a worker) is its choice.
import type { IngestEvent, IngestResult, ReplaySelector, StoredEvent } from '../store/types.js'
import type { ForgottenSet } from '../util/forgotten-set.js'
import type { DeliveryOptions } from './options.js'
import type { RouteResult } from './item.js'
import type { RoutingProblem } from './routing-port.js'

export interface DestinationStatus {
  id: string
  name: string
  /** `delivering`, `paused` (401), `disabled` (switched off) or `no-api-key` (accepted, kept, not sent). */
  state: 'delivering' | 'paused' | 'disabled' | 'no-api-key'
  baseUrl: string | null
}

export interface Delivery {
  /** The delivery tuning in effect (defaults filled in). */
  readonly options: DeliveryOptions
  /** This process's name in delivery leases and the nodes table. */
  readonly nodeId: string
  /** The base URL every destination is sent to instead of its region's (`--iterable-url`, sandbox). */
  readonly baseUrlOverride: string | undefined
  /** The configuration revision accepted events are stamped with now. */
  readonly revision: number
  /** Forgotten users (salted hashes) as of the last `reload()`: ingest drops or refuses their events. */
  readonly forgotten: ForgottenSet
  /** Each destination's state, as of the last `reload()` (pauses are updated live). */
  destinations(): DestinationStatus[]
  /** Whether `destinationId` (or any destination) receives events under the current configuration. */
  receives(destinationId?: string): boolean
  /**
   * A new configuration revision from the store's destinations and mappings, and the forgotten set
   * read again; after every change. The engine drops forgotten users' items before it resolves.
   */
  reload(): Promise<RoutingProblem[]>
  /** Clears a destination's pause (e.g. after its API key changed) and reloads. */
  resume(destinationId: string): Promise<void>
  /** Appends the events (serialised by the caller) to the log in one transaction; resolves after the commit. */
  accept(sourceId: string, events: IngestEvent[], receivedAt: Date): Promise<IngestResult>
  /** Stored events appended again as new receipts (routed with today's configuration). */
  replayEvents(events: readonly StoredEvent[], destinationId?: string): Promise<number>
  /** Dead letters parked again as new receipts. */
  replayDeadLetters(selector: ReplaySelector): Promise<number>
  /** What a stored event causes at each destination, routed as delivery routes it (its own revision). */
  routeStored(event: StoredEvent): Promise<StoredRouting>
  /**
   * The latest stretch of time before now in which `destinationId` received nothing (no API key, or
   * disabled) and after which it received again: the events of that stretch wait for a replay.
   * Null when it receives nothing now, or never missed anything (as far as revisions are kept).
   */
  missedWindow(destinationId: string): Promise<{ from: number; to: number } | null>
  /** Wake-up hint: deliveries read the log now. */
  wakeAll(): void
  start(): Promise<void>
  /** Graceful: stop reading, finish in-flight requests within the timeout, write progress. */
  stop(timeoutMs?: number): Promise<void>
}

/** A stored event routed again for a lookup. */
export interface StoredRouting {
  /** False when its revision is gone (received before revisions, or pruned): routed with today's. */
  exact: boolean
  /** Each destination that receives under that configuration, with what the event causes there. */
  destinations: { destinationId: string; result: RouteResult }[]
  /**
   * Destinations that receive now but received nothing under the event's revision (no API key, or
   * disabled, then): the event reaches them only by a replay. Empty for replayed copies and when
   * the revision is gone.
   */
  missedBy: string[]
}
