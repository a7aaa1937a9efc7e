// What a destination's delivery has to write, gathered in memory and flushed in one transaction per
// stretch (`flushMs`): the cursor, parked and released items, dead letters, history lines, requests
// and counters. Nothing per delivered item but a counter. A flush that fails is kept and retried
// with the next one; while flushes fail, reading stops (the caller asks `failing`). A store that
// cannot take writes (full disk, database away) is waited out with the engine's StoreOutage: the
// next flush goes as soon as a probe passes, and the outage, not each flush, is logged.
import type { Logger } from 'pino'
import type {
  DeliveryProgress,
  ItemRef,
  NewAttempt,
  NewDeadLetter,
  NewOutcome,
  OutcomeCountDelta,
  ParkedItem,
} from '../store/types.js'
import { isStoreUnavailable, StoreError } from '../store/errors.js'
import { backoffDelay } from './retry.js'
import type { StoreOutage } from './store-outage.js'

export interface ProgressSink {
  commit(progress: DeliveryProgress): Promise<void>
}

export class ProgressBuffer {
  #park = new Map<string, ParkedItem>()
  #unpark: ItemRef[] = []
  #deadLetters: NewDeadLetter[] = []
  #outcomes: NewOutcome[] = []
  #attempts: NewAttempt[] = []
  #counts = new Map<string, OutcomeCountDelta>()
  #cursor: number
  #committedCursor: number
  #timer: NodeJS.Timeout | null = null
  #flushing: Promise<void> | null = null
  #failures = 0
  /** A failure of this streak was logged here (not by the outage): its end is logged too. */
  #logged = false
  #retryAt = 0
  #lostLease = false
  #closed = false

  constructor(
    readonly sink: ProgressSink,
    readonly flushMs: number,
    readonly logger: Logger,
    /** Where the cursor stands now (read at each flush). */
    readonly position: () => number,
    /** Called once when a flush finds that another owner holds the destination. */
    readonly onLostLease: () => void,
    /** Where a flush that found the store unable to write waits for it (shared by the engine). */
    readonly outage: Pick<StoreOutage, 'wait'>,
  ) {
    this.#cursor = position()
    this.#committedCursor = this.#cursor
  }

  /** True while flushes fail (the store cannot write): stop taking in more work. */
  get failing(): boolean {
    return this.#failures > 0
  }

  get committedCursor(): number {
    return this.#committedCursor
  }

  /** The cursor may have moved (events read that cause nothing here): a flush will write it. */
  cursorMoved(): void {
    if (this.position() > this.#committedCursor) this.#schedule()
  }

  park(item: ParkedItem): void {
    const key = `${item.eventId}:${item.ordinal}`
    this.#park.set(key, item)
    this.#schedule()
  }

  unpark(ref: ItemRef): void {
    // Parked and released within one flush: the row never needs to exist (but an older one may).
    this.#park.delete(`${ref.eventId}:${ref.ordinal}`)
    this.#unpark.push({ eventId: ref.eventId, ordinal: ref.ordinal })
    this.#schedule()
  }

  deadLetter(dead: NewDeadLetter): void {
    this.#deadLetters.push(dead)
    this.#schedule()
  }

  outcome(outcome: NewOutcome): void {
    this.#outcomes.push(outcome)
    this.#schedule()
  }

  attempt(attempt: NewAttempt): void {
    this.#attempts.push(attempt)
    this.#schedule()
  }

  count(at: number, mappingId: string | null, action: string, outcome: OutcomeCountDelta['outcome']): void {
    const minute = Math.floor(at / 60_000) * 60_000
    const key = `${minute}\u0000${mappingId ?? ''}\u0000${action}\u0000${outcome}`
    const sum = this.#counts.get(key)
    if (sum === undefined) this.#counts.set(key, { at: minute, mappingId, action, outcome, count: 1 })
    else sum.count++
    this.#schedule()
  }

  /** Writes everything gathered so far (waits for a flush in progress first). */
  async flush(): Promise<void> {
    while (this.#flushing !== null) await this.#flushing
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    this.#cursor = Math.max(this.#cursor, this.position())
    if (this.#empty() || this.#lostLease || this.#closed) return
    const progress = this.#take()
    this.#flushing = this.sink
      .commit(progress)
      .then(
        () => {
          if (progress.cursor !== undefined) this.#committedCursor = progress.cursor
          if (this.#logged) this.logger.info('delivery progress is written again')
          this.#logged = false
          this.#failures = 0
        },
        (error: unknown) => this.#failed(progress, error),
      )
      .finally(() => {
        this.#flushing = null
      })
    await this.#flushing
  }

  #failed(progress: DeliveryProgress, error: unknown): void {
    if (error instanceof StoreError && error.code === 'not_owner') {
      this.#lostLease = true
      this.onLostLease()
      return
    }
    this.#putBack(progress)
    this.#failures++
    if (isStoreUnavailable(error)) {
      // The next flush goes when the store passes a probe (the outage logs it), at the earliest
      // after flushMs: a probe that passes while writes still fail costs one flush per probe.
      this.#retryAt = Infinity
      void this.outage.wait(error).then(() => {
        this.#retryAt = 0
        if (this.#timer !== null) clearTimeout(this.#timer)
        this.#timer = null
        this.#schedule()
      })
      return
    }
    // Any other failure: logged once per streak, then at growing intervals, and retried with backoff.
    if ((this.#failures & (this.#failures - 1)) === 0) {
      this.#logged = true
      this.logger.error(
        { err: error, failures: this.#failures },
        'could not write delivery progress; retrying',
      )
    }
    const delay = backoffDelay(this.#failures, { retryBaseMs: 200, retryMaxDelayMs: 10_000 })
    this.#retryAt = Date.now() + delay
    this.#schedule()
  }

  #empty(): boolean {
    return (
      this.#cursor === this.#committedCursor &&
      this.#park.size === 0 &&
      this.#unpark.length === 0 &&
      this.#deadLetters.length === 0 &&
      this.#outcomes.length === 0 &&
      this.#attempts.length === 0 &&
      this.#counts.size === 0
    )
  }

  #take(): DeliveryProgress {
    const progress: DeliveryProgress = {
      park: [...this.#park.values()],
      unpark: this.#unpark,
      deadLetters: this.#deadLetters,
      outcomes: this.#outcomes,
      attempts: this.#attempts,
      counts: [...this.#counts.values()],
    }
    if (this.#cursor !== this.#committedCursor) progress.cursor = this.#cursor
    this.#park = new Map()
    this.#unpark = []
    this.#deadLetters = []
    this.#outcomes = []
    this.#attempts = []
    this.#counts = new Map()
    return progress
  }

  /** A failed flush's writes go first in the next one (later parks of the same item win). */
  #putBack(progress: DeliveryProgress): void {
    const parks = new Map<string, ParkedItem>()
    for (const item of progress.park ?? []) parks.set(`${item.eventId}:${item.ordinal}`, item)
    for (const [key, item] of this.#park) parks.set(key, item)
    this.#park = parks
    this.#unpark = [...(progress.unpark ?? []), ...this.#unpark]
    this.#deadLetters = [...(progress.deadLetters ?? []), ...this.#deadLetters]
    this.#outcomes = [...(progress.outcomes ?? []), ...this.#outcomes]
    this.#attempts = [...(progress.attempts ?? []), ...this.#attempts]
    for (const count of progress.counts ?? []) {
      const key = `${count.at}\u0000${count.mappingId ?? ''}\u0000${count.action}\u0000${count.outcome}`
      const sum = this.#counts.get(key)
      if (sum === undefined) this.#counts.set(key, count)
      else sum.count += count.count
    }
  }

  #schedule(): void {
    if (this.#timer !== null || this.#lostLease || this.#closed) return
    // Waiting for the store: the outage's end schedules the next flush.
    if (this.#retryAt === Infinity) return
    const wait = Math.max(this.flushMs, this.#retryAt - Date.now())
    this.#timer = setTimeout(() => {
      this.#timer = null
      void this.flush()
    }, wait)
  }

  /**
   * The end: writes what is gathered (`flush`) or drops it (the lease was lost), and writes nothing
   * ever after — answers that arrive for a stopped delivery must not touch the store.
   */
  async close(flush: boolean): Promise<void> {
    if (flush) await this.flush()
    this.#closed = true
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
  }
}
