// One destination's delivery: follows the event log from its cursor, routes each event with the
// configuration revision it was received under, keeps each user's items in order (user-order.ts),
// sends through one lane per endpoint, and writes its progress in flushes (progress.ts). Held by one
// owner at a time under a lease; losing the lease stops it at once. A store that cannot take work
// (full disk, database away) is waited out with the engine's StoreOutage, logged there.
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Logger } from 'pino'
import { isStoreUnavailable } from '../store/errors.js'
import type { ItemRef, ParkedItem, PausedState, StoredEvent, Store } from '../store/types.js'
import { EveryInterval } from '../util/every-interval.js'
import type { ForgottenSet } from '../util/forgotten-set.js'
import { CursorWindow } from './cursor-window.js'
import type { DestinationRuntime } from './destination-runtime.js'
import {
  laneOf,
  payloadOf,
  type ItemPayload,
  type RoutedItem,
  type RoutedRefusal,
  type RouteResult,
} from './item.js'
import { BulkLane } from './lanes/bulk-lane.js'
import type { Lane, LaneHost } from './lanes/lane.js'
import { SingleLane } from './lanes/single-lane.js'
import type { DeliveryObserver } from './observer.js'
import type { DeliveryOptions } from './options.js'
import { ProgressBuffer } from './progress.js'
import type { CompiledRouting } from './routing-port.js'
import { Settler, type SettleHost } from './settle.js'
import type { StoreOutage } from './store-outage.js'
import { UserOrder } from './user-order.js'
import { WorkItem } from './work-item.js'

export interface DestinationDeliveryContext {
  readonly destinationId: string
  readonly store: Store
  /** Who holds the lease (this process). */
  readonly owner: string
  readonly options: DeliveryOptions
  readonly observer: DeliveryObserver
  readonly logger: Logger
  /** Shared by the engine's deliveries: where they wait while the store cannot take work. */
  readonly outage: StoreOutage
  /** The destination's client, limits and pause, as of the last reload. */
  runtime(): DestinationRuntime | undefined
  /** The compiled routing of a configuration revision (cached by the caller). */
  routing(revision: number): Promise<CompiledRouting>
  /** Forgotten users: their items are dropped unsent (the right to be forgotten). */
  forgotten(): ForgottenSet
  /** Iterable refused the key of `project`: record the pause (store, metrics). */
  paused(state: PausedState, project: string): void
  /** The lease was lost or could not be renewed: this delivery stopped. */
  stopped(): void
}

const refKey = (ref: ItemRef): string => `${ref.eventId}:${ref.ordinal}`

const READ_FAILURE_LOG_EVERY_MS = 30_000

export class DestinationDelivery implements LaneHost, SettleHost {
  readonly destinationId: string
  readonly options: DeliveryOptions
  readonly observer: DeliveryObserver
  readonly logger: Logger
  readonly order = new UserOrder()
  readonly settle: Settler
  window!: CursorWindow
  progress!: ProgressBuffer
  readonly #ctx: DestinationDeliveryContext
  readonly #lanes = new Map<string, Lane>()
  /** Items beyond the cursor already parked or settled at start: a re-read must not redo them. */
  #skip = new Set<string>()
  /** Parked items in memory (retrying or held), by `eventId:ordinal`. */
  readonly #parked = new Map<string, WorkItem>()
  /**
   * Parked rows whose place in their users' order lies beyond the last event read (position, then
   * row id): they join when reading passes it, so they go after the events received before them.
   */
  #deferred: ParkedItem[] = []
  /** Rows loaded at start (up to this id) or by a refresh: a refresh takes only replays it has not seen. */
  #startRowId = 0
  readonly #refreshedRows = new Set<number>()
  #running = false
  #stopping = false
  #wakeUp: (() => void) | null = null
  #woken = false
  #reader: Promise<void> = Promise.resolve()
  #leaseTimer: NodeJS.Timeout | null = null
  /** The last read filled a page: more events are waiting in the log. */
  #moreComing = false
  /** Failures of reading other than a store outage (which the outage logs): logged once per interval. */
  readonly #readFailures = new EveryInterval(READ_FAILURE_LOG_EVERY_MS)
  /** A renewal failed for want of a store: the next one goes when the outage ends. */
  #renewAfterOutage = false
  /** When the lease runs out as last written (its `now` was taken before the write went out). */
  #leaseUntil = 0
  /** Sending stopped because the lease was near its end: a renewal starts it again. */
  #leaseShort = false

  constructor(context: DestinationDeliveryContext) {
    this.#ctx = context
    this.destinationId = context.destinationId
    this.options = context.options
    this.observer = context.observer
    this.logger = context.logger
    this.settle = new Settler(this)
  }

  runtime(): DestinationRuntime {
    const runtime = this.#ctx.runtime()
    if (runtime === undefined) throw new Error(`destination ${this.destinationId} has no runtime`)
    return runtime
  }

  active(): boolean {
    return this.#running && !this.#stopping && this.#ctx.runtime()?.paused === null && this.#leaseLeft()
  }

  /**
   * Whether a request may still go out under the lease: none once less than a quarter of it (at most
   * 5 s) is left, so a request sent is answered before another node may take the destination over.
   */
  #leaseLeft(): boolean {
    const margin = Math.min(5000, this.options.leaseMs / 4)
    if (Date.now() < this.#leaseUntil - margin) return true
    this.#leaseShort = true
    return false
  }

  get running(): boolean {
    return this.#running
  }

  /** Takes the lease and starts; false while another owner holds it. */
  async start(force: boolean): Promise<boolean> {
    const { store, owner, options } = this.#ctx
    const now = Date.now()
    const project = this.#ctx.runtime()?.project
    const state = await store.openDelivery(this.destinationId, owner, {
      leaseMs: options.leaseMs,
      force,
      now,
      ...(project !== undefined ? { project } : {}),
    })
    if (state === null) return false
    this.#leaseUntil = now + options.leaseMs
    this.window = new CursorWindow(state.cursor)
    this.progress = new ProgressBuffer(
      {
        commit: async (progress) => {
          const failing = this.progress.failing
          await store.commitProgress(this.destinationId, owner, progress)
          // Reading waited for progress to be written: it goes on at once, not at the next poll.
          if (failing) this.wake()
        },
      },
      options.flushMs,
      this.logger,
      () => this.window.cursor,
      () => this.#lostLease(),
      this.#ctx.outage,
    )
    this.#skip = new Set(
      [...state.items, ...state.settled].filter((r) => r.eventId > state.cursor).map(refKey),
    )
    this.#running = true
    for (const parked of state.items) this.#startRowId = Math.max(this.#startRowId, parked.id ?? 0)
    this.#takeParked(state.items)
    this.#leaseTimer = setInterval(() => void this.#renew(), Math.max(100, Math.floor(options.leaseMs / 3)))
    this.#reader = this.#readLoop()
    this.logger.info(
      { destination: this.destinationId, cursor: state.cursor, parked: state.items.length },
      'delivering',
    )
    return true
  }

  /** New events may be in the log: read now. */
  wake(): void {
    this.#woken = true
    const resolve = this.#wakeUp
    this.#wakeUp = null
    resolve?.()
  }

  /** The pause was lifted (or the key changed): every lane sends again. */
  resume(): void {
    for (const lane of this.#lanes.values()) lane.pump()
    this.wake()
  }

  /**
   * Dead letters were replayed into parked items: take the new ones in. A replayed row is one never
   * sent nor held (attempts 0, not held) this delivery has not loaded yet: rows this delivery parked
   * itself always have one of those, even when their removal is not written yet.
   */
  async refreshParked(): Promise<void> {
    if (!this.#running || this.#stopping) return
    const { store, owner, options } = this.#ctx
    const now = Date.now()
    const project = this.#ctx.runtime()?.project
    const state = await store.openDelivery(this.destinationId, owner, {
      leaseMs: options.leaseMs,
      now,
      ...(project !== undefined ? { project } : {}),
    })
    if (state === null) return this.#lostLease()
    this.#leased(now)
    const replayed = state.items.filter((row) => {
      const id = row.id ?? 0
      return (
        row.attempts === 0 &&
        !row.held &&
        id > this.#startRowId &&
        !this.#refreshedRows.has(id) &&
        !this.#parked.has(refKey(row))
      )
    })
    for (const row of replayed) this.#refreshedRows.add(row.id ?? 0)
    this.#takeParked(replayed)
  }

  /** Stops reading, lets requests in flight finish (within the timeout), writes progress, gives the lease up. */
  async stop(timeoutMs: number): Promise<void> {
    if (!this.#running || this.#stopping) return
    this.#stopping = true
    this.wake()
    await this.#reader
    const deadline = Date.now() + timeoutMs
    while (this.#inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    this.#halt()
    await this.progress.close(true)
    await this.#ctx.store.closeDelivery(this.destinationId, this.#ctx.owner).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not give the delivery lease up; it expires by itself')
    })
  }

  // ---------------------------------------------------------------- LaneHost / SettleHost

  moreComing(): boolean {
    return this.#moreComing
  }

  ready(item: WorkItem): void {
    if (this.#ctx.forgotten().hasAny(item.keys)) this.settle.forgotten(item)
    else this.#lane(item).push(item)
  }

  /**
   * The forgotten set changed: every item of a forgotten user that is not in flight is dropped
   * (ready in a lane, parked in memory, or parked rows not read yet). Their later items meet the
   * check in `ready`. Requests in flight are answered as usual.
   */
  dropForgotten(): void {
    const forgotten = this.#ctx.forgotten()
    if (forgotten.size === 0 || !this.#running) return
    const dropped = (item: WorkItem): boolean => forgotten.hasAny(item.keys)
    for (const lane of this.#lanes.values())
      for (const item of lane.removeWhere(dropped)) this.settle.forgotten(item)
    for (const item of [...this.#parked.values()]) {
      if (item.state !== 'sending' && item.state !== 'done' && dropped(item)) this.settle.forgotten(item)
    }
    const kept: ParkedItem[] = []
    for (const row of this.#deferred) {
      if (forgotten.hasAny(row.keys)) this.progress.unpark(row)
      else kept.push(row)
    }
    this.#deferred = kept
  }

  durable(item: WorkItem): void {
    this.#parked.set(refKey(item), item)
  }

  finished(item: WorkItem): void {
    this.#parked.delete(refKey(item))
  }

  pause(state: PausedState, sentWith: DestinationRuntime): void {
    const runtime = this.#ctx.runtime()
    // A 401 to a key that has been replaced since the request left pauses nothing: the items go
    // again with the new key.
    if (runtime === undefined || runtime.project !== sentWith.project || runtime.paused !== null) return
    runtime.paused = state
    this.#ctx.paused(state, sentWith.project)
  }

  // ---------------------------------------------------------------- reading the log

  async #readLoop(): Promise<void> {
    const { store, options } = this.#ctx
    while (!this.#stopping) {
      try {
        if (
          this.window.items >= options.windowItems ||
          this.#parked.size >= options.maxParkedItems ||
          this.progress.failing
        ) {
          // Nothing more comes in until items finish: partly filled bulk bodies go now.
          this.#moreComing = false
          for (const lane of this.#lanes.values()) lane.pump()
          await this.#idle(options.pollMs)
          continue
        }
        const events = await store.readLog(this.window.readPosition, options.readPageSize)
        if (this.#stopping) break
        this.#moreComing = events.length === options.readPageSize
        if (events.length > 0) await this.#route(events)
        this.progress.cursorMoved()
        if (this.#moreComing) {
          await nextTurn()
          continue
        }
        // The log is read to its end: partly filled bulk bodies need not wait any longer.
        for (const lane of this.#lanes.values()) lane.pump()
        await this.#idle(options.idleReadMs)
      } catch (error) {
        if (isStoreUnavailable(error)) {
          await this.#waitForStore(error)
          continue
        }
        const held = this.#readFailures.pass()
        if (held !== null) {
          this.logger.error(
            { err: error, destination: this.destinationId, similarFailuresNotLogged: held },
            'reading the event log failed',
          )
        }
        await this.#idle(options.pollMs)
      }
    }
  }

  /** Until the store takes work again (the engine's shared outage), a wake-up, or the stop. */
  async #waitForStore(error: unknown): Promise<void> {
    if (this.#woken || this.#stopping) {
      this.#woken = false
      return
    }
    await new Promise<void>((resolve) => {
      this.#wakeUp = resolve
      void this.#ctx.outage.wait(error).then(resolve)
    })
    this.#wakeUp = null
    this.#woken = false
  }

  async #idle(ms: number): Promise<void> {
    if (this.#woken || this.#stopping) {
      this.#woken = false
      return
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#wakeUp = null
        resolve()
      }, ms)
      this.#wakeUp = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.#woken = false
  }

  async #route(events: readonly StoredEvent[]): Promise<void> {
    const revisions = new Map<number, CompiledRouting>()
    for (const event of events) {
      if (!revisions.has(event.revision))
        revisions.set(event.revision, await this.#ctx.routing(event.revision))
    }
    for (const event of events) {
      this.#loadDeferred(event.id - 1)
      const routing = revisions.get(event.revision) as CompiledRouting
      const mine = event.destinationId === null || event.destinationId === this.destinationId
      if (!mine || !routing.receives(this.destinationId)) {
        this.window.read(event.id, 0)
        continue
      }
      this.#routeEvent(event, routing)
    }
    // Rows placed at the end of the log (replays) join once it is read to its end.
    this.#loadDeferred(this.#moreComing ? this.window.readPosition : Number.MAX_SAFE_INTEGER)
  }

  #routeEvent(event: StoredEvent, routing: CompiledRouting): void {
    let body: unknown
    try {
      body = JSON.parse(event.body)
    } catch {
      body = null // the store only holds what it serialised; routing refuses a non-object
    }
    let routed: RouteResult
    try {
      routed = routing.route(body, this.destinationId, event.receivedAt)
    } catch (error) {
      // Routing never throws for a bad event; if it does, the event is refused, not retried forever.
      routed = { items: [], refusals: [unroutable(event, error)] }
    }
    for (const refusal of routed.refusals) this.#refused(event, refusal)
    const fresh: WorkItem[] = []
    for (const item of routed.items) {
      if (this.#skip.size > 0 && this.#skip.delete(refKey({ eventId: event.id, ordinal: item.ordinal })))
        continue
      const work = this.#item(event, item)
      try {
        void work.json // serialised once, here: an item that cannot be (nested too deep) is refused
      } catch (error) {
        this.#refused(event, {
          ...unroutable(event, error),
          ordinal: item.ordinal,
          mappingId: item.mappingId,
          action: item.action,
        })
        continue
      }
      fresh.push(work)
    }
    this.window.read(event.id, fresh.length)
    if (fresh.length > 0) this.observer.routed?.(this.destinationId, fresh.length)
    // The event's own parked items (read before a restart) take their places among its fresh ones.
    const own = this.#takeDeferred(event.id, (row) => row.eventId === event.id).sort(
      (a, b) => a.ordinal - b.ordinal,
    )
    let next = 0
    for (const item of fresh) {
      while (next < own.length && own[next].ordinal < item.ordinal) this.#loadOne(own[next++])
      if (this.order.add(item)) this.ready(item)
      else if (this.order.behindParked(item)) this.settle.hold(item)
    }
    while (next < own.length) this.#loadOne(own[next++])
    // Replayed at this point of the log: after the event's own items.
    for (const row of this.#takeDeferred(event.id, () => true)) this.#loadOne(row)
  }

  #item(event: StoredEvent, routed: RoutedItem): WorkItem {
    const payload: ItemPayload = payloadOf(routed)
    const item = new WorkItem(
      event.id,
      routed.ordinal,
      event.id,
      event.messageId,
      routed.mappingId,
      routed.action,
      laneOf(payload),
      routed.keys,
      payload,
      0,
      event.receivedAt,
      0,
      false,
    )
    item.replayed = event.replayOf !== undefined
    return item
  }

  #refused(event: StoredEvent, refusal: RoutedRefusal): void {
    if (this.#skip.size > 0 && this.#skip.delete(refKey({ eventId: event.id, ordinal: refusal.ordinal })))
      return
    const now = Date.now()
    this.progress.outcome({
      at: now,
      outcome: 'failed',
      mappingId: refusal.mappingId,
      action: refusal.action,
      eventId: event.id,
      ordinal: refusal.ordinal,
      messageId: event.messageId,
      userKey: event.userKey,
      statusCode: null,
      errorCode: refusal.code,
      errorMessage: refusal.message,
      payload: null,
    })
    this.progress.count(now, refusal.mappingId, refusal.action, 'failed')
    this.observer.failed?.(this.destinationId, 1)
  }

  /**
   * Parked rows (at start, or replayed dead letters), in their order (position, row id): those placed
   * at or before the last event read join their users' order now, the others when reading gets there.
   */
  #takeParked(rows: readonly ParkedItem[]): void {
    const read = this.window.readPosition
    const later: ParkedItem[] = []
    for (const row of rows) {
      if (row.position > read) later.push(row)
      else this.#loadOne(row)
    }
    if (later.length === 0) return
    this.#deferred = [...this.#deferred, ...later].sort(
      (a, b) => a.position - b.position || (a.id ?? 0) - (b.id ?? 0),
    )
  }

  /** Loads the deferred rows placed up to `position`. */
  #loadDeferred(position: number): void {
    let taken = 0
    while (taken < this.#deferred.length && this.#deferred[taken].position <= position) taken++
    if (taken === 0) return
    const rows = this.#deferred.slice(0, taken)
    this.#deferred = this.#deferred.slice(taken)
    for (const row of rows) this.#loadOne(row)
  }

  /** Takes the deferred rows placed at `position` that `which` picks, in their order. */
  #takeDeferred(position: number, which: (row: ParkedItem) => boolean): ParkedItem[] {
    if (this.#deferred.length === 0 || this.#deferred[0].position !== position) return []
    const taken: ParkedItem[] = []
    const kept: ParkedItem[] = []
    for (const row of this.#deferred) (row.position === position && which(row) ? taken : kept).push(row)
    this.#deferred = kept
    return taken
  }

  /** A parked row in memory, in its users' order; sent when it is first and due. */
  #loadOne(parked: ParkedItem): void {
    const payload = JSON.parse(parked.payload) as ItemPayload
    const item = new WorkItem(
      parked.eventId,
      parked.ordinal,
      parked.position,
      parked.messageId,
      parked.mappingId,
      parked.action,
      laneOf(payload),
      parked.keys,
      payload,
      parked.attempts,
      parked.firstEnqueuedAt,
      parked.runAt,
      true,
    )
    item.waitingForUser = parked.waitingForUser
    // Rows this delivery parks were sent (attempts) or held; a row with neither is a replayed dead letter.
    item.replayed = parked.attempts === 0 && !parked.held
    this.durable(item)
    if (this.order.add(item)) this.settle.release(item)
  }

  /** The item's lane: bulk when its items go into bulk bodies, else one request per item. */
  #lane(item: WorkItem): Lane {
    let lane = this.#lanes.get(item.lane)
    if (lane === undefined) {
      lane = item.payload.bulk !== undefined ? new BulkLane(item.lane, this) : new SingleLane(item.lane, this)
      this.#lanes.set(item.lane, lane)
    }
    return lane
  }

  #inFlight(): number {
    let total = 0
    for (const lane of this.#lanes.values()) total += lane.inFlight
    return total
  }

  async #renew(): Promise<void> {
    // While the store is away the renewal waits for its return (below), not for the timer.
    if (!this.#running || this.#stopping || this.#renewAfterOutage) return
    const { store, owner, options } = this.#ctx
    const now = Date.now()
    try {
      if (await store.renewDelivery(this.destinationId, owner, options.leaseMs, now)) this.#leased(now)
      else this.#lostLease()
    } catch (error) {
      if (isStoreUnavailable(error)) {
        // Renewed as soon as the store is back: the lease may have run out meanwhile, and another
        // node should not take over a delivery that goes on.
        if (!this.#renewAfterOutage) {
          this.#renewAfterOutage = true
          void this.#ctx.outage.wait(error).then(() => {
            this.#renewAfterOutage = false
            return this.#renew()
          })
        }
        return
      }
      this.logger.warn({ err: error, destination: this.destinationId }, 'could not renew the delivery lease')
    }
  }

  /** The lease was written at `now`: sending goes on (again) until it nears its end. */
  #leased(now: number): void {
    this.#leaseUntil = Math.max(this.#leaseUntil, now + this.options.leaseMs)
    if (!this.#leaseShort || !this.#running) return
    this.#leaseShort = false
    for (const lane of this.#lanes.values()) lane.pump()
  }

  /** Another owner holds the destination now: stop at once; nothing more is written. */
  #lostLease(): void {
    if (!this.#running) return
    this.logger.warn(
      { destination: this.destinationId },
      'delivery lease lost: another node delivers this destination',
    )
    this.#stopping = true
    this.wake()
    this.#halt()
    void this.progress.close(false)
    this.#ctx.stopped()
  }

  #halt(): void {
    this.#running = false
    if (this.#leaseTimer !== null) clearInterval(this.#leaseTimer)
    this.#leaseTimer = null
    for (const lane of this.#lanes.values()) lane.stop()
    for (const item of this.#parked.values()) if (item.timer !== null) clearTimeout(item.timer)
  }
}

/** A refusal for an event routing or serialising failed on (a bug, or data nested beyond reason). */
function unroutable(event: StoredEvent, error: unknown): RoutedRefusal {
  return {
    ordinal: 0,
    mappingId: '',
    action: 'unknown',
    code: 'ROUTING_FAILED',
    message: `event ${event.messageId} could not be turned into a request: ${error instanceof Error ? error.message : String(error)}`,
  }
}
