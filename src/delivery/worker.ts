// One delivery worker per queue (destination, endpoint): claim → (batch) → rate limit → send →
// per-job outcome (complete, reschedule, dead letter) or pause the destination on a 401.
// The worker coordinates; its parts: bulk-round.ts and bulk-chunks.ts (batched queues),
// queue-requests.ts (one request: metrics, attempts log), queue-rest.ts (rest after an outage),
// settle.ts (outcomes), worker-context.ts (what they share).
import type { QueueKey } from '../store/types.js'
import { isBulkEndpoint } from './bulk-chunks.js'
import { BulkRound, type BulkRoundParts } from './bulk-round.js'
import type { DestinationRuntime } from './destination-runtime.js'
import { decodePayload } from './job-payload.js'
import { QueueRequests } from './queue-requests.js'
import { QueueRest } from './queue-rest.js'
import { asRetry, isUserNotFound, Settler } from './settle.js'
import type { Claimed, WorkerContext } from './worker-context.js'

export { isBulkEndpoint } from './bulk-chunks.js'
export type { WorkerContext } from './worker-context.js'

export class QueueWorker {
  readonly #ctx: WorkerContext
  readonly #bulk: BulkRound | null
  readonly #rest: QueueRest
  readonly #requests: QueueRequests
  readonly #settle: Settler
  #stopping = false
  #wakeUp: (() => void) | null = null
  #woken = false
  /** Jobs claimed and not yet settled: released on a timed-out shutdown. */
  readonly inFlight = new Set<number>()
  readonly abort = new AbortController()

  constructor(
    readonly queue: QueueKey,
    context: WorkerContext,
  ) {
    this.#ctx = context
    this.#rest = new QueueRest(context.options, () => this.#expedite())
    this.#requests = new QueueRequests(queue, context, this.#rest, this.abort.signal)
    this.#settle = new Settler(queue, context, this.inFlight, this.#requests)
    const parts: BulkRoundParts = {
      queue,
      options: context.options,
      claim: (limit) => this.#claim(limit),
      stopping: () => this.#stopping,
      rest: this.#rest,
      requests: this.#requests,
      settle: this.#settle,
    }
    this.#bulk = isBulkEndpoint(queue.endpoint) ? new BulkRound(parts) : null
  }

  /** A hint that jobs may be waiting (after ingest); polling is the guarantee. */
  wake(): void {
    this.#woken = true
    const resolve = this.#wakeUp
    this.#wakeUp = null
    resolve?.()
  }

  stop(): void {
    this.#stopping = true
    this.wake()
  }

  async run(): Promise<void> {
    while (!this.#stopping) {
      try {
        const worked = await this.#once()
        if (!worked) await this.#idle()
      } catch (error) {
        this.#ctx.logger.error({ err: error, queue: this.queue }, 'delivery worker error')
        await this.#idle()
      }
    }
  }

  async #idle(): Promise<void> {
    if (this.#stopping) return
    if (this.#woken) {
      this.#woken = false
      return
    }
    const { store, options } = this.#ctx
    let waitMs = options.pollMs
    const destination = this.#ctx.destination(this.queue.destinationId)
    const resting = this.#rest.remainingMs()
    if (resting > 0) {
      waitMs = resting
    } else if (destination !== undefined && destination.paused === null) {
      const next = await store.nextRunAt(this.queue)
      if (next !== null) waitMs = Math.max(5, Math.min(waitMs, next - Date.now()))
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#wakeUp = null
        resolve()
      }, waitMs)
      this.#wakeUp = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.#woken = false
  }

  async #claim(limit: number): Promise<Claimed[]> {
    const jobs = await this.#ctx.store.claim({
      ...this.queue,
      limit,
      workerId: this.#ctx.workerId,
      leaseMs: this.#ctx.options.leaseMs,
    })
    const claimed: Claimed[] = []
    for (const job of jobs) {
      this.inFlight.add(job.id)
      claimed.push({ job, payload: decodePayload(job.payload) })
    }
    return claimed
  }

  /** One round; false when there was nothing to do. */
  async #once(): Promise<boolean> {
    const destination = this.#ctx.destination(this.queue.destinationId)
    if (destination === undefined || destination.paused !== null) return false
    if (this.#rest.resting) return false
    if (this.#bulk) return this.#bulk.run(destination)
    const claimed = await this.#claim(this.#ctx.options.singleClaimLimit)
    if (claimed.length === 0) return false
    await this.#pool(claimed, (entry) => this.#sendSingle(destination, entry))
    return true
  }

  async #pool<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
    let next = 0
    const lanes = Math.max(1, Math.min(this.#ctx.options.concurrency, items.length))
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < items.length) {
          const item = items[next++]
          await run(item)
        }
      }),
    )
  }

  async #sendSingle(destination: DestinationRuntime, entry: Claimed): Promise<void> {
    // Paused, or resting after failures while this lane waited: give the job back unattempted.
    if (destination.paused !== null || this.#rest.resting) {
      await this.#settle.release([entry])
      return
    }
    const path = entry.payload.p
    await destination.limiter.take(path)
    const body = JSON.stringify(entry.payload.i)
    const response = await this.#requests.send(destination, 'POST', path, body, 1)
    const outcome = response.outcome
    if (outcome.policy === 'deliver') {
      await this.#settle.delivered(destination, [entry], response.status)
    } else if (outcome.policy === 'pause') {
      await this.#settle.pause(destination, [entry], outcome)
    } else {
      // A custom event for a user that does not exist yet (email-based project): its identify may
      // still be on its way, so a short retry instead of a dead letter.
      const notFound = isUserNotFound(outcome)
      await this.#settle.failure(
        [entry],
        notFound ? { outcome: asRetry(outcome), notFound } : { outcome, notFound },
      )
    }
  }

  /** Iterable answers again: jobs that met the outage need not sit out their backoff. */
  #expedite(): void {
    void this.#ctx.store.expedite(this.queue).catch((error: unknown) => {
      this.#ctx.logger.warn({ err: error }, 'could not expedite retries after an outage')
    })
  }
}
