// The delivery engine: one DestinationDelivery per destination that delivers (enabled, with an API
// key), each under its lease; clients, rate limits and learned field types per Iterable project;
// compiled routing per configuration revision. It runs on the delivery thread (or in-process). While
// the store cannot take work, its parts wait together on one StoreOutage (store-outage.ts).
import type { Logger } from 'pino'
import { FieldTypeMemory, IterableClient, IterableConnections, ListIds } from '../iterable/client/index.js'
import { baseUrl as regionBaseUrl, isDataCenterLocation } from '../iterable/regions.js'
import { isStoreUnavailable } from '../store/errors.js'
import type { PausedState, Store } from '../store/types.js'
import { ForgottenSet } from '../util/forgotten-set.js'
import { DestinationDelivery } from './destination-delivery.js'
import type { DestinationRuntime } from './destination-runtime.js'
import type { DeliveryObserver } from './observer.js'
import type { DeliveryOptions } from './options.js'
import { ProjectRegistry, projectKey, RateLimiterRegistry } from './rate-limiter.js'
import type { CompiledRouting, RoutingPort } from './routing-port.js'
import { StoreOutage } from './store-outage.js'

export interface EngineOptions {
  store: Store
  routing: RoutingPort
  options: DeliveryOptions
  logger: Logger
  observer: DeliveryObserver
  /** This process's name in delivery leases. */
  owner: string
  /** Send every destination to this base URL instead of its region's (a sandbox, a proxy). */
  baseUrlOverride?: string
  /** Per-request timeout of the Iterable client (default 30 s). */
  requestTimeoutMs?: number
}

/** Compiled revisions kept (events of a backlog usually share one or two). */
const REVISIONS_KEPT = 8

export class DeliveryEngine {
  readonly #o: EngineOptions
  #runtimes = new Map<string, DestinationRuntime>()
  readonly #deliveries = new Map<string, DestinationDelivery>()
  readonly #limiters: RateLimiterRegistry
  /** Field types learned from Iterable's answers, per project (shared like the rate limits). */
  readonly #fieldTypes = new ProjectRegistry(() => new FieldTypeMemory())
  /** List ids by name, per project (shared like the rate limits). */
  readonly #lists = new ProjectRegistry(() => new ListIds())
  /** Keep-alive pools shared by every client; new ones at each start (stop closes them). */
  #connections = new IterableConnections()
  #clients: IterableClient[] = []
  readonly #revisions = new Map<number, Promise<CompiledRouting>>()
  #running = false
  #forceFirst: boolean
  #pollTimer: NodeJS.Timeout | null = null
  /** The pass of #startDeliveries under way (they run one after another). */
  #starting: Promise<void> = Promise.resolve()
  #reloading: Promise<void> = Promise.resolve()
  /** One per run (stop ends its waits for good). */
  #outage: StoreOutage
  /** Forgotten users (salted hashes), as of the last reload: their items are dropped, never sent. */
  #forgotten = ForgottenSet.EMPTY

  constructor(options: EngineOptions) {
    this.#o = options
    this.#limiters = new RateLimiterRegistry(options.options.rateLimits, options.options.rateLimitOverrides)
    this.#forceFirst = options.options.reclaimAllOnStart
    this.#outage = new StoreOutage(options.store, options.logger)
  }

  async start(): Promise<void> {
    if (this.#running) return
    this.#running = true
    if (this.#connections.closed) this.#connections = new IterableConnections()
    this.#outage = new StoreOutage(this.#o.store, this.#o.logger)
    this.#forceFirst = this.#o.options.reclaimAllOnStart
    await this.reload()
    this.#schedulePoll()
  }

  /** Reads destinations and keys again; starts, updates or stops each destination's delivery. */
  reload(): Promise<void> {
    this.#reloading = this.#reloading.then(() => this.#reload())
    return this.#reloading
  }

  async #reload(): Promise<void> {
    const { store, requestTimeoutMs } = this.#o
    const destinations = await store.listDestinations()
    const runtimes = new Map<string, DestinationRuntime>()
    const before = this.#runtimes
    const oldClients = this.#clients
    this.#clients = []
    for (const destination of destinations) {
      const apiKey = destination.enabled ? await store.getDestinationApiKey(destination.id) : null
      if (apiKey === null) continue
      const base = this.#baseUrl(destination.settings.dataCenterLocation)
      const client = new IterableClient({
        apiKey,
        baseUrl: base,
        connections: this.#connections,
        ...(requestTimeoutMs ? { timeoutMs: requestTimeoutMs } : {}),
      })
      this.#clients.push(client)
      runtimes.set(destination.id, {
        id: destination.id,
        name: destination.name,
        project: projectKey(apiKey, base),
        client,
        limiter: this.#limiters.forProject(apiKey, base),
        fieldTypes: this.#fieldTypes.forProject(apiKey, base),
        lists: this.#lists.forProject(apiKey, base),
        paused: destination.paused,
      })
    }
    this.#runtimes = runtimes
    const forgotten = await store.listForgotten()
    this.#forgotten =
      forgotten.length === 0 ? ForgottenSet.EMPTY : new ForgottenSet(await store.forgetSalt(), forgotten)
    // The configuration in force is compiled now, not when its first event is read.
    const latest = await store.latestConfigRevision()
    if (latest !== null) await this.#routing(latest.revision)
    // Old clients share the pools; closing them only marks them closed (in-flight sends finish first).
    setTimeout(() => void Promise.all(oldClients.map((c) => c.close())), 60_000).unref()
    if (!this.#running) return
    for (const [id, delivery] of this.#deliveries) {
      // A destination moved to another project (new key or region) is opened again under it.
      if (!runtimes.has(id) || runtimes.get(id)?.project !== before.get(id)?.project) {
        this.#deliveries.delete(id)
        await delivery.stop(0)
      } else {
        // Before anything is sent again: a user forgotten since is not re-created by their items.
        delivery.dropForgotten()
        delivery.resume()
      }
    }
    await this.#startDeliveries()
  }

  /**
   * Starts the delivery of every destination that has a runtime and none yet (or lost its lease).
   * One pass at a time: the poll's and a reload's passes would otherwise both find a destination
   * without a running delivery, both open it (the same owner may) and keep two — every event sent
   * twice, and one of them never stopped.
   */
  #startDeliveries(): Promise<void> {
    const pass = this.#starting.then(() => this.#startPass())
    this.#starting = pass.catch(() => undefined)
    return pass
  }

  /** A store that cannot take work is waited out (the outage logs it), then the same one is tried. */
  async #startPass(): Promise<void> {
    const force = this.#forceFirst
    this.#forceFirst = false
    for (const id of this.#runtimes.keys()) {
      for (;;) {
        if (!this.#running || this.#deliveries.get(id)?.running) break
        const delivery = this.#delivery(id)
        try {
          if (await delivery.start(force)) this.#deliveries.set(id, delivery)
        } catch (error) {
          if (isStoreUnavailable(error)) {
            await this.#outage.wait(error)
            continue
          }
          this.#o.logger.error({ err: error, destination: id }, 'could not start delivering')
        }
        break
      }
    }
  }

  #delivery(destinationId: string): DestinationDelivery {
    const { store, owner, options, observer, logger } = this.#o
    return new DestinationDelivery({
      destinationId,
      store,
      owner,
      options,
      observer,
      logger,
      outage: this.#outage,
      runtime: () => this.#runtimes.get(destinationId),
      routing: (revision) => this.#routing(revision),
      forgotten: () => this.#forgotten,
      paused: (state, project) => void this.#paused(destinationId, state, project),
      stopped: () => {
        if (this.#deliveries.get(destinationId)?.running === false) this.#deliveries.delete(destinationId)
      },
    })
  }

  /** The compiled routing of a revision (the latest one when it is gone: retention removed it). */
  #routing(revision: number): Promise<CompiledRouting> {
    let compiled = this.#revisions.get(revision)
    if (compiled === undefined) {
      compiled = (async () => {
        const { store, routing, logger } = this.#o
        const found = (await store.getConfigRevision(revision)) ?? (await store.latestConfigRevision())
        if (found === null) return routing.compile('{"destinations":[]}')
        if (found.revision !== revision) {
          logger.warn(
            { revision, using: found.revision },
            'configuration revision not found; routing with the latest',
          )
        }
        return routing.compile(found.config)
      })()
      this.#revisions.set(revision, compiled)
      compiled.catch(() => this.#revisions.delete(revision))
      if (this.#revisions.size > REVISIONS_KEPT) {
        this.#revisions.delete(this.#revisions.keys().next().value as number)
      }
    }
    return compiled
  }

  #baseUrl(region: unknown): string {
    return this.#o.baseUrlOverride ?? regionBaseUrl(isDataCenterLocation(region) ? region : 'united_states')
  }

  /**
   * Records a 401 pause unless the destination's key (or region) changed since the refused request
   * left: its 401 arriving after the fix would pause the destination again under the new key.
   */
  async #paused(destinationId: string, state: PausedState, project: string): Promise<void> {
    const { store, logger } = this.#o
    try {
      const destination = await store.getDestination(destinationId)
      const apiKey = await store.getDestinationApiKey(destinationId)
      if (destination === null || apiKey === null) return
      if (projectKey(apiKey, this.#baseUrl(destination.settings.dataCenterLocation)) !== project) {
        logger.info({ destination: destination.name }, 'a 401 to a replaced API key pauses nothing')
        return
      }
    } catch (error) {
      logger.error({ err: error }, 'could not check the API key before pausing')
    }
    const runtime = this.#runtimes.get(destinationId)
    this.#o.observer.paused?.(destinationId, state)
    this.#o.logger.warn(
      { destination: runtime?.name ?? destinationId, reason: state.reason },
      'destination paused: Iterable refused the API key; update the key to resume',
    )
    await store.setDestinationPaused(destinationId, state).catch((error: unknown) => {
      logger.error({ err: error }, 'could not record the pause')
    })
  }

  /** New events were accepted: every delivery reads the log now. */
  wake(): void {
    for (const delivery of this.#deliveries.values()) delivery.wake()
  }

  /** Dead letters were replayed: deliveries take the new parked items in. */
  async refreshParked(): Promise<void> {
    await Promise.all([...this.#deliveries.values()].map((delivery) => delivery.refreshParked()))
  }

  #schedulePoll(): void {
    if (!this.#running) return
    this.#pollTimer = setTimeout(() => {
      // Destinations another node delivers, or that lost their lease, are tried again.
      void this.#startDeliveries().finally(() => this.#schedulePoll())
    }, this.#o.options.pollMs)
    this.#pollTimer.unref()
  }

  async stop(timeoutMs = this.#o.options.shutdownTimeoutMs): Promise<void> {
    if (!this.#running) return
    this.#running = false
    if (this.#pollTimer !== null) clearTimeout(this.#pollTimer)
    // A poll or reload waiting for the store ends now; deliveries write what they can and stop.
    this.#outage.stop()
    await this.#reloading
    // A delivery a pass is opening now is in the map once the pass ends, and stopped below.
    await this.#starting
    await Promise.all([...this.#deliveries.values()].map((delivery) => delivery.stop(timeoutMs)))
    this.#deliveries.clear()
    await Promise.all(this.#clients.map((c) => c.close()))
    await this.#connections.close()
  }
}
