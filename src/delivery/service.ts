// DeliveryService: the main thread's side of delivery. Ingest appends events to the log stamped with
// the configuration revision in force; every configuration change makes a revision (compiled here
// once, to report problems and who receives); the engine that follows the log and sends runs in this
// process or on a worker thread (thread/host.ts), told through an EngineHandle.
import { randomUUID } from 'node:crypto'
import { pino, type Logger } from 'pino'
import { baseUrl as regionBaseUrl, isDataCenterLocation } from '../iterable/regions.js'
import type {
  IngestEvent,
  IngestResult,
  PausedState,
  ReplaySelector,
  Store,
  StoredEvent,
} from '../store/types.js'
import { ForgottenSet } from '../util/forgotten-set.js'
import type { Delivery, DestinationStatus, StoredRouting } from './delivery.js'
import { DeliveryEngine } from './engine.js'
import type { DeliveryObserver } from './observer.js'
import { resolveDeliveryOptions, type DeliveryOptions } from './options.js'
import type { CompiledRouting, RoutingPort, RoutingProblem } from './routing-port.js'

export type { DestinationStatus } from './delivery.js'

/** Where the engine runs: this process (DeliveryEngine) or a worker thread (ThreadedEngine). */
export interface EngineHandle {
  start(): Promise<void>
  reload(): Promise<void>
  wake(): void
  refreshParked(): Promise<void>
  stop(timeoutMs?: number): Promise<void>
}

export interface EngineContext {
  options: DeliveryOptions
  observer: DeliveryObserver
  logger: Logger
  owner: string
}

export interface DeliveryServiceOptions {
  store: Store
  routing: RoutingPort
  /** Send every destination to this base URL instead of its region's (a sandbox, a proxy). */
  baseUrlOverride?: string
  logger?: Logger
  observer?: DeliveryObserver
  delivery?: Partial<DeliveryOptions>
  /** Per-request timeout of the Iterable client (default 30 s). */
  requestTimeoutMs?: number
  /** The engine elsewhere (a worker thread); default: in this process. */
  engine?: (context: EngineContext) => EngineHandle
}

/** How far back missedWindow looks (configuration changes, not events). */
const MAX_REVISIONS_WALKED = 500

export class DeliveryService implements Delivery {
  readonly store: Store
  readonly options: DeliveryOptions
  readonly logger: Logger
  readonly observer: DeliveryObserver
  readonly baseUrlOverride: string | undefined
  readonly nodeId = `node-${randomUUID()}`
  readonly #routing: RoutingPort
  readonly #engine: EngineHandle
  #revision = 0
  #compiled: CompiledRouting | null = null
  readonly #revisions = new Map<number, CompiledRouting>()
  /** missedWindow answers of the current revision (older revisions never change). */
  readonly #missed = new Map<string, { from: number; to: number } | null>()
  #statuses: DestinationStatus[] = []
  #running = false
  #forgotten = ForgottenSet.EMPTY

  constructor(options: DeliveryServiceOptions) {
    this.store = options.store
    this.options = resolveDeliveryOptions(options.delivery)
    this.logger = options.logger ?? pino({ level: 'silent' })
    this.baseUrlOverride = options.baseUrlOverride
    this.#routing = options.routing
    const observer = options.observer ?? {}
    // Pauses are recorded by the engine; the statuses here follow them.
    this.observer = {
      ...observer,
      paused: (id, state) => {
        this.notePaused(id, state)
        observer.paused?.(id, state)
      },
    }
    const context: EngineContext = {
      options: this.options,
      observer: this.observer,
      logger: this.logger,
      owner: this.nodeId,
    }
    this.#engine =
      options.engine?.(context) ??
      new DeliveryEngine({
        ...context,
        store: this.store,
        routing: this.#routing,
        ...(options.baseUrlOverride !== undefined ? { baseUrlOverride: options.baseUrlOverride } : {}),
        ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      })
  }

  get revision(): number {
    return this.#revision
  }

  get forgotten(): ForgottenSet {
    return this.#forgotten
  }

  destinations(): DestinationStatus[] {
    return this.#statuses
  }

  receives(destinationId?: string): boolean {
    const statuses = this.#statuses.filter((s) => destinationId === undefined || s.id === destinationId)
    return statuses.some((s) => s.state === 'delivering' || s.state === 'paused')
  }

  async reload(): Promise<RoutingProblem[]> {
    const destinations = await this.store.listDestinations()
    const mappings = await this.store.listMappings()
    const forgotten = await this.store.listForgotten()
    this.#forgotten =
      forgotten.length === 0 ? ForgottenSet.EMPTY : new ForgottenSet(await this.store.forgetSalt(), forgotten)
    const keyed = new Set(destinations.filter((d) => d.hasApiKey).map((d) => d.id))
    const config = this.#routing.configOf(destinations, mappings, keyed)
    const compiled = this.#routing.compile(config)
    for (const problem of compiled.problems) {
      this.logger.error(problem, 'mapping not compiled: its events are not routed')
    }
    this.#revision = await this.store.saveConfigRevision(config)
    this.#compiled = compiled
    this.#statuses = destinations.map((destination) => {
      const region = destination.settings.dataCenterLocation
      const base =
        this.baseUrlOverride ?? regionBaseUrl(isDataCenterLocation(region) ? region : 'united_states')
      const state: DestinationStatus['state'] = !destination.enabled
        ? 'disabled'
        : !destination.hasApiKey
          ? 'no-api-key'
          : destination.paused !== null
            ? 'paused'
            : 'delivering'
      const sends = state === 'delivering' || state === 'paused'
      return { id: destination.id, name: destination.name, state, baseUrl: sends ? base : null }
    })
    await this.#engine.reload()
    return [...compiled.problems]
  }

  async resume(destinationId: string): Promise<void> {
    await this.store.setDestinationPaused(destinationId, null)
    await this.reload()
  }

  /** A pause recorded by the engine (401): the destination's status follows. */
  notePaused(destinationId: string, state: PausedState | null): void {
    this.#statuses = this.#statuses.map((s) =>
      s.id !== destinationId || s.state === 'disabled' || s.state === 'no-api-key'
        ? s
        : { ...s, state: state === null ? 'delivering' : 'paused' },
    )
  }

  async accept(sourceId: string, events: IngestEvent[], receivedAt: Date): Promise<IngestResult> {
    const result = await this.store.ingest({
      sourceId,
      receivedAt: receivedAt.getTime(),
      revision: this.#revision,
      events,
    })
    this.observer.received?.(sourceId, result.accepted.length)
    if (result.accepted.length > 0) this.#engine.wake()
    return result
  }

  async replayEvents(events: readonly StoredEvent[], destinationId?: string): Promise<number> {
    if (events.length === 0) return 0
    const result = await this.store.ingest({
      sourceId: events[0].sourceId,
      receivedAt: Date.now(),
      revision: this.#revision,
      replay: { destinationId: destinationId ?? null },
      events: events.map((event) => ({
        messageId: event.messageId,
        body: event.body,
        size: event.size,
        userKey: event.userKey,
        replayOf: event.id,
      })),
    })
    this.#engine.wake()
    return result.accepted.length
  }

  async replayDeadLetters(selector: ReplaySelector): Promise<number> {
    const replayed = await this.store.replayDeadLetters(selector)
    if (replayed > 0) await this.#engine.refreshParked()
    return replayed
  }

  async routeStored(event: StoredEvent): Promise<StoredRouting> {
    const found = event.revision > 0 ? await this.store.getConfigRevision(event.revision) : null
    const compiled =
      found !== null ? this.#compiledRevision(found.revision, found.config) : (this.#compiled ?? null)
    if (compiled === null) return { exact: false, destinations: [], missedBy: [] }
    let body: unknown = null
    try {
      body = JSON.parse(event.body)
    } catch {
      // routing refuses a non-object
    }
    const destinations = this.#statuses
      .map((s) => s.id)
      .filter((id) => compiled.receives(id) && (event.destinationId === null || event.destinationId === id))
      .map((destinationId) => ({
        destinationId,
        result: compiled.route(body, destinationId, event.receivedAt),
      }))
    const missedBy =
      found === null || event.replayOf !== undefined
        ? []
        : this.#statuses
            .map((s) => s.id)
            .filter(
              (id) =>
                this.receives(id) &&
                !compiled.receives(id) &&
                (event.destinationId === null || event.destinationId === id),
            )
    return { exact: found !== null, destinations, missedBy }
  }

  async missedWindow(destinationId: string): Promise<{ from: number; to: number } | null> {
    const key = `${this.#revision}:${destinationId}`
    if (this.#missed.has(key)) return this.#missed.get(key) ?? null
    const window = this.receives(destinationId) ? await this.#findMissedWindow(destinationId) : null
    if (this.#missed.size > 64) this.#missed.clear()
    this.#missed.set(key, window)
    return window
  }

  /** Walks the revisions back from the current one: past the receiving ones, then the missing ones. */
  async #findMissedWindow(destinationId: string): Promise<{ from: number; to: number } | null> {
    const destination = await this.store.getDestination(destinationId)
    if (destination === null) return null
    let receivingSince: number | null = null
    let window: { from: number; to: number } | null = null
    for (let r = this.#revision, walked = 0; r > 0 && walked < MAX_REVISIONS_WALKED; r--, walked++) {
      const found = await this.store.getConfigRevision(r)
      if (found === null || found.createdAt < destination.createdAt) break
      const receives = this.#compiledRevision(found.revision, found.config).receives(destinationId)
      if (receives) {
        if (window !== null) break
        receivingSince = found.createdAt
      } else if (receivingSince === null) {
        break // not receiving now (a reload is under way): nothing to say yet
      } else {
        window = { from: found.createdAt, to: receivingSince }
      }
    }
    if (window !== null) window.from = Math.max(window.from, destination.createdAt)
    return window
  }

  /** Compiled revisions for lookups, a few kept (a lookup usually needs one or two). */
  #compiledRevision(revision: number, config: string): CompiledRouting {
    let compiled = this.#revisions.get(revision)
    if (compiled === undefined) {
      compiled =
        revision === this.#revision && this.#compiled !== null
          ? this.#compiled
          : this.#routing.compile(config)
      this.#revisions.set(revision, compiled)
      if (this.#revisions.size > 8) this.#revisions.delete(this.#revisions.keys().next().value as number)
    }
    return compiled
  }

  wakeAll(): void {
    this.#engine.wake()
  }

  async start(): Promise<void> {
    if (this.#running) return
    this.#running = true
    await this.#engine.start()
  }

  async stop(timeoutMs = this.options.shutdownTimeoutMs): Promise<void> {
    if (!this.#running) return
    this.#running = false
    await this.#engine.stop(timeoutMs)
  }

  /** The compiled routing of the current revision (for callers that need the same view). */
  get routing(): CompiledRouting | null {
    return this.#compiled
  }
}
