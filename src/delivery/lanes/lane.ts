// A lane: the items of one destination ready for one endpoint, in order, and the requests in flight.
// Single-request and bulk lanes differ only in how they send (single-lane.ts, bulk-lane.ts).
import type { Logger } from 'pino'
import { LISTS_PATH, type IterableResponse } from '../../iterable/client/index.js'
import type { PausedState } from '../../store/types.js'
import type { DestinationRuntime } from '../destination-runtime.js'
import type { DeliveryObserver } from '../observer.js'
import type { DeliveryOptions } from '../options.js'
import type { ProgressBuffer } from '../progress.js'
import { bodyText, pausedState, type Settler } from '../settle.js'
import type { UserOrder } from '../user-order.js'
import type { WorkItem } from '../work-item.js'
import { LaneRest } from './lane-rest.js'

/** What a lane uses of its destination's delivery. */
export interface LaneHost {
  readonly destinationId: string
  readonly options: DeliveryOptions
  readonly observer: DeliveryObserver
  readonly logger: Logger
  readonly settle: Settler
  readonly order: UserOrder
  readonly progress: ProgressBuffer
  runtime(): DestinationRuntime
  /** False while paused (401) or stopping: send nothing. */
  active(): boolean
  /** Iterable refused the key (401) of the request sent with `sentWith`: the destination pauses. */
  pause(state: PausedState, sentWith: DestinationRuntime): void
  /** Whether the log has more events to read right now (a bulk body may wait for them). */
  moreComing(): boolean
}

export abstract class Lane {
  #ready: WorkItem[] = []
  #head = 0
  inFlight = 0
  readonly rest: LaneRest
  #wakeTimer: NodeJS.Timeout | null = null
  /** When the ready list last went from empty to not empty. */
  protected readySince = 0

  constructor(
    readonly endpoint: string,
    readonly host: LaneHost,
  ) {
    this.rest = new LaneRest(host.options)
  }

  get waiting(): number {
    return this.#ready.length - this.#head
  }

  /** An item is sendable (first for its users): it joins the end of the lane. */
  push(item: WorkItem): void {
    item.state = 'ready'
    if (this.waiting === 0) this.readySince = Date.now()
    this.#ready.push(item)
    this.pump()
  }

  /**
   * Items given back unsent (429, pause, a rest that began meanwhile): they go first again. An item
   * that went in a body behind an earlier item of its user waits for that one again.
   */
  giveBack(items: readonly WorkItem[]): void {
    if (items.length === 0) return
    const first: WorkItem[] = []
    for (const item of items) {
      if (this.host.order.isFirst(item)) {
        item.state = 'ready'
        first.push(item)
      } else item.state = 'waiting'
    }
    this.#ready = [...first, ...this.#ready.slice(this.#head)]
    this.#head = 0
    this.pump()
  }

  protected peek(offset = 0): WorkItem | undefined {
    return this.#ready[this.#head + offset]
  }

  protected take(): WorkItem | undefined {
    const item = this.#ready[this.#head]
    if (item === undefined) return undefined
    this.#ready[this.#head++] = undefined as unknown as WorkItem
    if (this.#head > 1024 && this.#head * 2 > this.#ready.length) {
      this.#ready = this.#ready.slice(this.#head)
      this.#head = 0
    }
    return item
  }

  /** Removes these items wherever they stand in the ready list (taken into a bulk body). */
  protected takeMany(items: ReadonlySet<WorkItem>): void {
    const kept: WorkItem[] = []
    for (let i = this.#head; i < this.#ready.length; i++) {
      const item = this.#ready[i]
      if (!items.has(item)) kept.push(item)
    }
    this.#ready = kept
    this.#head = 0
  }

  /** Takes the ready items `which` picks out of the lane (forgotten users' items); returns them. */
  removeWhere(which: (item: WorkItem) => boolean): WorkItem[] {
    const removed: WorkItem[] = []
    const kept: WorkItem[] = []
    for (let i = this.#head; i < this.#ready.length; i++) {
      const item = this.#ready[i]
      ;(which(item) ? removed : kept).push(item)
    }
    if (removed.length === 0) return removed
    this.#ready = kept
    this.#head = 0
    return removed
  }

  protected readyItems(): readonly WorkItem[] {
    return this.#head === 0 ? this.#ready : this.#ready.slice(this.#head)
  }

  /** Whether a request may start now; arranges a later pump when a rest is what stops it. */
  protected canSend(): boolean {
    if (!this.host.active()) return false
    const rest = this.rest.remainingMs()
    if (rest > 0) {
      this.pumpIn(rest)
      return false
    }
    return true
  }

  /** Pumps again in `ms` (one timer at a time). */
  protected pumpIn(ms: number): void {
    if (this.#wakeTimer !== null) return
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = null
      this.pump()
    }, ms)
  }

  /** Starts as many requests as the lane allows. */
  abstract pump(): void

  /** After any answer: metrics, the rest, and a 429 slows the project's budget for the endpoint. */
  protected noteResponse(path: string, response: IterableResponse): void {
    this.host.observer.request?.(path, response.status, response.durationMs)
    if (response.status === 429) this.host.runtime().limiter.throttled(path, response.outcome.retryAfterMs)
    this.rest.note(response)
  }

  /**
   * The id of the Iterable list named `name` (syncAudience without a list id), looked up (or created)
   * once per project. The items are being sent: when the lookup fails they are settled as by a failed
   * request of their own (given back after a 429 or a pause, else failed) and undefined is returned.
   */
  protected async listIdFor(items: readonly WorkItem[], name: string): Promise<number | undefined> {
    const { host } = this
    const runtime = host.runtime()
    const result = await runtime.lists.resolve(name, async (method, body) => {
      await runtime.limiter.take(LISTS_PATH)
      const response = await runtime.client.send({ method, path: LISTS_PATH, body })
      this.noteResponse(LISTS_PATH, response)
      return response
    })
    if ('listId' in result) return result.listId
    const { failed: outcome, response } = result
    host.progress.attempt({
      endpoint: LISTS_PATH,
      requestBody: JSON.stringify({ name }),
      responseStatus: response.status === 0 ? null : response.status,
      responseBody: bodyText(response.body),
      durationMs: response.durationMs,
      jobCount: items.length,
      eventIds: items.map((item) => item.eventId),
      error: `${outcome.code}: ${outcome.message}`,
    })
    if (outcome.policy === 'pause' || response.status === 429) {
      if (outcome.policy === 'pause') host.pause(pausedState(outcome), runtime)
      host.settle.unsent(items)
      this.giveBack(items)
    } else {
      for (const item of items) host.settle.failed(item, { outcome, notFound: false })
    }
    return undefined
  }

  stop(): void {
    if (this.#wakeTimer !== null) clearTimeout(this.#wakeTimer)
    this.#wakeTimer = null
  }
}
