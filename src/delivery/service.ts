// The delivery service: loads destinations and mappings from the store (compiled once per
// configuration change), routes ingested events into jobs inside the ingest transaction, runs one
// worker per queue, polls (the guarantee) and takes wake-ups after ingest (the hint).
import { randomUUID } from 'node:crypto'
import { pino, type Logger } from 'pino'
import { FieldTypeMemory, IterableClient, IterableConnections } from '../iterable/client/index.js'
import { baseUrl as regionBaseUrl, isDataCenterLocation } from '../iterable/regions.js'
import { eventJson, type NormalizedEvent } from '../engine/event/index.js'
import { routingFailureOutcome } from '../store/index.js'
import type {
  IngestResult,
  IngestRouting,
  PausedState,
  QueueKey,
  Store,
  StoredEvent,
} from '../store/types.js'
import type { DestinationRuntime } from './destination-runtime.js'
import type { DeliveryObserver } from './observer.js'
import { resolveDeliveryOptions, type DeliveryOptions } from './options.js'
import { ProjectRegistry, RateLimiterRegistry } from './rate-limiter.js'
import { Router, userKeyOf, type RouterCompileProblem, type RouterDestination } from './router.js'
import type { Delivery, DestinationStatus, RerouteResult } from './delivery.js'
import { routeStored } from './replay.js'
import { QueueWorker, isBulkEndpoint } from './worker.js'

export type { DestinationStatus } from './delivery.js'

export interface DeliveryServiceOptions {
  store: Store
  /** Send every destination to this base URL instead of its region's (a sandbox, a proxy). */
  baseUrlOverride?: string
  logger?: Logger
  observer?: DeliveryObserver
  delivery?: Partial<DeliveryOptions>
  /** Per-request timeout of the Iterable client (default 30 s). */
  requestTimeoutMs?: number
  /**
   * Given the jobs of each ingest (their queues), instead of this service waking its own workers:
   * another thread delivers (see thread/host.ts). This service then only stores and routes.
   */
  onQueued?: (jobs: readonly QueueKey[]) => void
  /** Compile mappings for `accept` (default true; false on a thread that only delivers). */
  routing?: boolean
}

const keyOf = (queue: QueueKey): string => `${queue.destinationId}\u0000${queue.endpoint}`

export class DeliveryService implements Delivery {
  readonly store: Store
  readonly options: DeliveryOptions
  readonly logger: Logger
  readonly observer: DeliveryObserver
  readonly workerId = `worker-${randomUUID()}`
  #router = new Router([])
  #runtimes = new Map<string, DestinationRuntime>()
  #statuses: DestinationStatus[] = []
  readonly #workers = new Map<string, { worker: QueueWorker; done: Promise<void> }>()
  readonly #limiters: RateLimiterRegistry
  /** Field types learned from Iterable's answers, per project (shared like the rate limits). */
  readonly #fieldTypes = new ProjectRegistry(() => new FieldTypeMemory())
  readonly #connections = new IterableConnections()
  readonly #clients: IterableClient[] = []
  readonly #baseUrlOverride: string | undefined
  readonly #requestTimeoutMs: number | undefined
  readonly #onQueued: ((jobs: readonly QueueKey[]) => void) | undefined
  readonly #routing: boolean
  #running = false
  #stopping = false
  #pollTimer: NodeJS.Timeout | null = null
  #lastReclaim = 0

  constructor(options: DeliveryServiceOptions) {
    this.store = options.store
    this.options = resolveDeliveryOptions(options.delivery)
    this.logger = options.logger ?? pino({ level: 'silent' })
    this.observer = options.observer ?? {}
    this.#baseUrlOverride = options.baseUrlOverride
    this.#requestTimeoutMs = options.requestTimeoutMs
    this.#onQueued = options.onQueued
    this.#routing = options.routing !== false
    this.#limiters = new RateLimiterRegistry(this.options.rateLimits, this.options.rateLimitOverrides)
  }

  /** The base URL every destination is sent to instead of its region's (`--iterable-url`, sandbox). */
  get baseUrlOverride(): string | undefined {
    return this.#baseUrlOverride
  }

  get router(): Router {
    return this.#router
  }

  /** Each destination's state, as of the last `reload()` (pauses are updated live). */
  destinations(): DestinationStatus[] {
    return this.#statuses.map((s) => {
      const runtime = this.#runtimes.get(s.id)
      return runtime?.paused ? { ...s, state: 'paused' } : s
    })
  }

  /**
   * Reads destinations, mappings and keys from the store and compiles them. Call after every
   * configuration change. A destination without an API key is not routed: its events are stored only.
   */
  async reload(): Promise<RouterCompileProblem[]> {
    const destinations = await this.store.listDestinations()
    const routed: RouterDestination[] = []
    const runtimes = new Map<string, DestinationRuntime>()
    const statuses: DestinationStatus[] = []
    const oldClients = this.#clients.splice(0)
    for (const destination of destinations) {
      const apiKey = destination.enabled ? await this.store.getDestinationApiKey(destination.id) : null
      const region = destination.settings.dataCenterLocation
      const base =
        this.#baseUrlOverride ?? regionBaseUrl(isDataCenterLocation(region) ? region : 'united_states')
      if (!destination.enabled || apiKey === null) {
        statuses.push({
          id: destination.id,
          name: destination.name,
          state: destination.enabled ? 'no-api-key' : 'disabled',
          baseUrl: null,
        })
        continue
      }
      const mappings = await this.store.listMappings(destination.id)
      routed.push({ id: destination.id, name: destination.name, settings: destination.settings, mappings })
      const client = new IterableClient({
        apiKey,
        baseUrl: base,
        connections: this.#connections,
        ...(this.#requestTimeoutMs ? { timeoutMs: this.#requestTimeoutMs } : {}),
      })
      this.#clients.push(client)
      runtimes.set(destination.id, {
        id: destination.id,
        name: destination.name,
        client,
        limiter: this.#limiters.forProject(apiKey, base),
        fieldTypes: this.#fieldTypes.forProject(apiKey, base),
        paused: destination.paused,
      })
      statuses.push({
        id: destination.id,
        name: destination.name,
        state: destination.paused ? 'paused' : 'delivering',
        baseUrl: base,
      })
    }
    const router = new Router(this.#routing ? routed : [])
    for (const problem of router.problems) {
      this.logger.error(problem, 'mapping not compiled: its events are not routed')
    }
    this.#router = router
    this.#runtimes = runtimes
    this.#statuses = statuses
    // Old clients share the pools; closing them only marks them closed (in-flight sends finish first).
    setTimeout(() => void Promise.all(oldClients.map((c) => c.close())), 60_000).unref()
    for (const { worker } of this.#workers.values()) worker.wake()
    return router.problems
  }

  /**
   * The ingest sink: stores the events and their jobs in one transaction, then wakes the workers.
   * Resolves after the commit.
   */
  async accept(
    sourceId: string,
    events: readonly NormalizedEvent[],
    receivedAt: Date,
    sizes: readonly number[],
  ): Promise<IngestResult> {
    const router = this.#router
    const received = receivedAt.getTime()
    let routing: IngestRouting | undefined
    const result = await this.store.ingest({
      sourceId,
      receivedAt: received,
      events: events.map((event, i) => ({
        messageId: event.messageId,
        body: eventJson(event),
        size: sizes[i] ?? 0,
        userKey: userKeyOf(event),
      })),
      route: (accepted) => (routing = router.route(events, accepted, received)),
    })
    this.observer.received?.(sourceId, result.accepted.length)
    if (routing !== undefined) this.#routed(routing)
    return result
  }

  /**
   * Replay: routes stored events again through today's destinations and mappings (only
   * `destinationId`'s when given); the new jobs are stored, routing failures logged as `failed`.
   */
  async reroute(events: readonly StoredEvent[], destinationId?: string): Promise<RerouteResult> {
    const routing = routeStored(this.#router, events, destinationId)
    const failures = routing.failures ?? []
    if (routing.jobs.length > 0) await this.store.enqueue(routing.jobs)
    if (failures.length > 0) {
      const at = Date.now()
      await this.store.recordOutcomes(failures.map((failure) => routingFailureOutcome(failure, at)))
    }
    this.#routed(routing)
    return { jobs: routing.jobs.length, failed: failures.length }
  }

  /** After routed jobs are stored: metrics, then whoever delivers them (this service or the thread) is told. */
  #routed(routing: IngestRouting): void {
    this.#countRouting(routing)
    if (routing.jobs.length === 0) return
    if (this.#onQueued !== undefined) this.#onQueued(routing.jobs)
    else this.wakeQueues(routing.jobs)
  }

  /** Jobs were queued: new queues get their workers now (no query); known ones are woken. */
  wakeQueues(queues: readonly QueueKey[]): void {
    if (!this.#running) return
    for (const queue of queues) this.#ensureWorker(queue)
    for (const { worker } of this.#workers.values()) worker.wake()
  }

  /** Another thread paused a destination (401): its state here follows. */
  notePaused(destinationId: string, state: PausedState | null): void {
    const runtime = this.#runtimes.get(destinationId)
    if (runtime !== undefined) runtime.paused = state
  }

  /** Counts routed jobs and failures per destination for the observer. */
  #countRouting(routing: IngestRouting): void {
    if (this.observer.routed !== undefined && routing.jobs.length > 0) {
      const counts = new Map<string, number>()
      for (const job of routing.jobs) counts.set(job.destinationId, (counts.get(job.destinationId) ?? 0) + 1)
      for (const [destination, n] of counts) this.observer.routed(destination, n)
    }
    if (this.observer.failed !== undefined && routing.failures !== undefined) {
      for (const failure of routing.failures) this.observer.failed(failure.destinationId, 1)
    }
  }

  /** Wake-up hint after ingest: every worker looks for work now. */
  wakeAll(): void {
    if (!this.#running) return
    for (const { worker } of this.#workers.values()) worker.wake()
    // New queues are picked up right away rather than at the next poll.
    void this.#discover()
  }

  async start(): Promise<void> {
    if (this.#running) return
    this.#running = true
    this.#stopping = false
    const reclaimed = await this.store.reclaimExpired(
      this.options.reclaimAllOnStart ? Number.MAX_SAFE_INTEGER : undefined,
    )
    if (reclaimed > 0) this.logger.info({ reclaimed }, 'took back jobs leased by a previous run')
    this.#lastReclaim = Date.now()
    await this.#discover()
    this.#schedulePoll()
  }

  #schedulePoll(): void {
    if (this.#stopping) return
    this.#pollTimer = setTimeout(() => {
      void this.#poll().finally(() => this.#schedulePoll())
    }, this.options.pollMs)
    this.#pollTimer.unref()
  }

  async #poll(): Promise<void> {
    try {
      if (Date.now() - this.#lastReclaim >= this.options.reclaimEveryMs) {
        this.#lastReclaim = Date.now()
        const reclaimed = await this.store.reclaimExpired()
        if (reclaimed > 0) this.logger.info({ reclaimed }, 'reclaimed jobs whose lease expired')
      }
      await this.#discover()
    } catch (error) {
      this.logger.error({ err: error }, 'delivery poll failed')
    }
  }

  #discovering: Promise<void> | null = null

  async #discover(): Promise<void> {
    if (this.#discovering !== null) return this.#discovering
    this.#discovering = (async () => {
      try {
        if (this.#stopping) return
        const queues = await this.store.listQueues()
        for (const queue of queues) this.#ensureWorker(queue)
      } finally {
        this.#discovering = null
      }
    })()
    return this.#discovering
  }

  /** Jobs held behind a delivered or dead identify are ready now: their workers look at once. */
  #wakeDestination(destinationId: string): void {
    for (const { worker } of this.#workers.values()) {
      if (worker.queue.destinationId === destinationId) worker.wake()
    }
  }

  #ensureWorker(queue: QueueKey): void {
    if (this.#stopping) return
    // Bulk queues get several workers: with Iterable's latency one request at a time would stay far
    // below the endpoint's rate limit. Barriers live in the store, so identify-first still holds.
    const base = keyOf(queue)
    if (this.#workers.has(base + '\u00000')) return
    const lanes = isBulkEndpoint(queue.endpoint) ? Math.max(1, this.options.bulkConcurrency) : 1
    for (let lane = 0; lane < lanes; lane++) {
      const key = `${base}\u0000${lane}`
      if (this.#workers.has(key)) continue
      const worker = new QueueWorker(
        { destinationId: queue.destinationId, endpoint: queue.endpoint },
        {
          store: this.store,
          options: this.options,
          workerId: this.workerId,
          logger: this.logger,
          observer: this.observer,
          destination: (id) => this.#runtimes.get(id),
          wakeDestination: (id) => this.#wakeDestination(id),
        },
      )
      const done = worker.run()
      this.#workers.set(key, { worker, done })
    }
  }

  /** Clears a destination's pause (e.g. after its API key changed) and reloads. */
  async resume(destinationId: string): Promise<void> {
    await this.store.setDestinationPaused(destinationId, null)
    await this.reload()
  }

  /**
   * Graceful shutdown: stop claiming, let in-flight requests finish within the timeout, then abort
   * them and release their jobs (they are claimed again after a restart).
   */
  async stop(timeoutMs = this.options.shutdownTimeoutMs): Promise<void> {
    if (this.#stopping) return
    this.#stopping = true
    if (this.#pollTimer !== null) clearTimeout(this.#pollTimer)
    const workers = [...this.#workers.values()]
    for (const { worker } of workers) worker.stop()
    let timer: NodeJS.Timeout | undefined
    const timedOut = await Promise.race([
      Promise.all(workers.map((w) => w.done)).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs)
      }),
    ])
    clearTimeout(timer)
    if (timedOut) {
      for (const { worker } of workers) worker.abort.abort()
      await Promise.race([Promise.all(workers.map((w) => w.done)), new Promise((r) => setTimeout(r, 1000))])
    }
    const leftover = workers.flatMap(({ worker }) => [...worker.inFlight])
    if (leftover.length > 0) {
      try {
        await this.store.release(leftover)
      } catch (error) {
        this.logger.warn({ err: error }, 'could not release in-flight jobs; their leases will expire')
      }
    }
    this.#workers.clear()
    this.#running = false
    await Promise.all(this.#clients.map((c) => c.close()))
    await this.#connections.close()
  }
}
