// One delivery worker per queue (destination, endpoint): claim → (batch) → rate limit → send →
// per-job outcome (complete, reschedule, dead letter) or pause the destination on a 401.
import type { Logger } from 'pino'
import { actions } from '../iterable/actions/index.js'
import { MAX_BULK_BYTES } from '../iterable/bulk.js'
import {
  bulkOutcomes,
  screenedMismatchOutcome,
  type BulkItemOutcome,
  type BulkKind,
  type HttpMethod,
  type IterableOutcome,
  type IterableResponse,
} from '../iterable/client/index.js'
import type { Job, QueueKey, Store } from '../store/types.js'
import type { DestinationRuntime } from './destination-runtime.js'
import { decodePayload, type JobPayload } from './job-payload.js'
import type { DeliveryObserver } from './observer.js'
import type { DeliveryOptions } from './options.js'
import { backoffDelay, decideRetry } from './retry.js'

/** Bulk endpoints: their queues are batched. */
const BULK_PATHS: ReadonlySet<string> = new Set(
  Object.values(actions)
    .map((a) => a.bulkEndpoint)
    .filter((p): p is string => p !== undefined),
)

export function isBulkEndpoint(endpoint: string): boolean {
  return BULK_PATHS.has(endpoint)
}

/** Single-request answers meaning "this user does not exist (yet)": retried for the short window. */
const USER_NOT_FOUND_CODES: ReadonlySet<string> = new Set(['UnknownEmailError', 'UnknownUserIdError'])

const MAX_ITEMS = 1000

export interface WorkerContext {
  store: Store
  options: DeliveryOptions
  workerId: string
  logger: Logger
  observer: DeliveryObserver
  destination(id: string): DestinationRuntime | undefined
  /** Called when identify (barrier) jobs left the queue: jobs held behind them are ready. */
  wakeDestination?(id: string): void
}

interface Claimed {
  job: Job
  payload: JobPayload
  /** The item serialised once (bulk size accounting and the body share it). */
  itemJson?: string
}

interface Failure {
  outcome: IterableOutcome
  notFound: boolean
}

export class QueueWorker {
  readonly #ctx: WorkerContext
  readonly #bulk: boolean
  #stopping = false
  #wakeUp: (() => void) | null = null
  #woken = false
  /**
   * After whole requests failed with a retryable error (5xx, timeout, network), the queue rests
   * (backoff by consecutive failures) instead of trying every waiting job against an outage; the
   * first request after the rest is the probe. A success ends it.
   */
  #failuresInARow = 0
  #restUntil = 0
  /** Jobs claimed and not yet settled: released on a timed-out shutdown. */
  readonly inFlight = new Set<number>()
  readonly abort = new AbortController()

  constructor(
    readonly queue: QueueKey,
    context: WorkerContext,
  ) {
    this.#ctx = context
    this.#bulk = BULK_PATHS.has(queue.endpoint)
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
    const resting = this.#restUntil - Date.now()
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
    if (Date.now() < this.#restUntil) return false
    if (this.#bulk) return this.#bulkRound(destination)
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

  // ------------------------------------------------------------------ bulk

  /**
   * Claims a first batch, waits for the project's rate-limit token, then tops the batch up with jobs
   * that arrived meanwhile: until full, until a claim finds nothing waiting, or until the linger ends.
   */
  async #bulkRound(destination: DestinationRuntime): Promise<boolean> {
    const started = Date.now()
    const claimed = await this.#claim(MAX_ITEMS)
    if (claimed.length === 0) return false
    await destination.limiter.take(this.queue.endpoint)
    const deadline = started + this.#ctx.options.lingerMs
    while (claimed.length < MAX_ITEMS && Date.now() < deadline && !this.#stopping) {
      const more = await this.#claim(MAX_ITEMS - claimed.length)
      if (more.length === 0) break
      for (const entry of more) claimed.push(entry)
    }
    const groups = new Map<string, Claimed[]>()
    for (const entry of claimed) {
      const key = entry.job.batchKey ?? ''
      const group = groups.get(key)
      if (group === undefined) groups.set(key, [entry])
      else group.push(entry)
    }
    let haveToken = true
    for (const group of groups.values()) {
      for (const chunk of chunkBulk(group)) {
        if (chunk.oversized) {
          await this.#settleDrop(chunk.entries, {
            outcome: permanent(
              'ITEM_TOO_LARGE',
              `item is larger than the ${MAX_BULK_BYTES} bytes bulk limit`,
            ),
            notFound: false,
          })
          continue
        }
        if (Date.now() < this.#restUntil) {
          await this.#release(chunk.entries)
          continue
        }
        if (!haveToken) await destination.limiter.take(this.queue.endpoint)
        haveToken = false
        await this.#sendBulk(destination, chunk.entries)
      }
    }
    return true
  }

  async #sendBulk(destination: DestinationRuntime, batch: Claimed[]): Promise<void> {
    if (batch.length === 0) return
    const first = batch[0].payload
    const listKey = (first.k ?? 'events') as BulkKind
    const entries = await this.#screen(destination, listKey, batch)
    if (entries.length === 0) return
    const items = entries.map((e) => e.payload.i)
    const head = JSON.stringify({ ...(first.v ?? {}), [listKey]: [] })
    const json =
      head.slice(0, -2) + entries.map((e) => (e.itemJson ??= JSON.stringify(e.payload.i))).join(',') + ']}'
    const path = this.queue.endpoint
    const response = await this.#call(destination, 'POST', path, json, entries.length)
    if (response.outcome.policy === 'pause') {
      await this.#pause(destination, entries, response.outcome)
      return
    }
    destination.fieldTypes.learn(listKey, items, response)
    const outcomes = bulkOutcomes(listKey, items, response)
    const delivered: Claimed[] = []
    const resendBatch: Claimed[] = []
    const resendSplit: Claimed[] = []
    const failed = new Map<string, { failure: Failure; entries: Claimed[] }>()
    for (let i = 0; i < entries.length; i++) {
      const outcome: BulkItemOutcome = outcomes[i]
      const entry = entries[i]
      if (outcome.policy === 'deliver') delivered.push(entry)
      else if (outcome.resend === 'batch') resendBatch.push(entry)
      else if (outcome.resend === 'split') resendSplit.push(entry)
      else {
        const notFound = outcome.reason === 'notFoundEmails' || outcome.reason === 'notFoundUserIds'
        const key = `${outcome.policy}\u0000${outcome.code}\u0000${outcome.message}`
        const slot = failed.get(key)
        if (slot === undefined) failed.set(key, { failure: { outcome, notFound }, entries: [entry] })
        else slot.entries.push(entry)
      }
    }
    await this.#settleDelivered(destination, delivered, response.status)
    for (const { failure, entries: group } of failed.values()) await this.#settleFailure(group, failure)
    if (resendBatch.length > 0) {
      await destination.limiter.take(path)
      await this.#sendBulk(destination, resendBatch)
    }
    if (resendSplit.length > 0) {
      const half = Math.ceil(resendSplit.length / 2)
      await destination.limiter.take(path)
      await this.#sendBulk(destination, resendSplit.slice(0, half))
      await destination.limiter.take(path)
      await this.#sendBulk(destination, resendSplit.slice(half))
    }
  }

  /**
   * Items carrying a value of a type Iterable has already refused for that field would fail the
   * whole bulk request: they are dead-lettered with that answer's reason instead of being sent.
   */
  async #screen(destination: DestinationRuntime, kind: BulkKind, batch: Claimed[]): Promise<Claimed[]> {
    const screened = destination.fieldTypes.screen(
      kind,
      batch.map((e) => e.payload.i),
    )
    if (screened.length === 0) return batch
    const keptBack = new Set<number>()
    const byMessage = new Map<string, { failure: Failure; entries: Claimed[] }>()
    for (const { index, error } of screened) {
      keptBack.add(index)
      const outcome = screenedMismatchOutcome(error)
      const slot = byMessage.get(outcome.message)
      if (slot === undefined)
        byMessage.set(outcome.message, { failure: { outcome, notFound: false }, entries: [batch[index]] })
      else slot.entries.push(batch[index])
    }
    for (const { failure, entries } of byMessage.values()) await this.#settleDrop(entries, failure)
    return batch.filter((_, index) => !keptBack.has(index))
  }

  // ------------------------------------------------------------------ single

  async #sendSingle(destination: DestinationRuntime, entry: Claimed): Promise<void> {
    // Paused, or resting after failures while this lane waited: give the job back unattempted.
    if (destination.paused !== null || Date.now() < this.#restUntil) {
      await this.#release([entry])
      return
    }
    const path = entry.payload.p
    await destination.limiter.take(path)
    const body = JSON.stringify(entry.payload.i)
    const response = await this.#call(destination, 'POST', path, body, 1)
    const outcome = response.outcome
    if (outcome.policy === 'deliver') {
      await this.#settleDelivered(destination, [entry], response.status)
    } else if (outcome.policy === 'pause') {
      await this.#pause(destination, [entry], outcome)
    } else {
      // A custom event for a user that does not exist yet (email-based project): its identify may
      // still be on its way, so a short retry instead of a dead letter.
      const notFound = USER_NOT_FOUND_CODES.has(outcome.iterableCode ?? outcome.code)
      await this.#settleFailure(
        [entry],
        notFound ? { outcome: asRetry(outcome), notFound } : { outcome, notFound },
      )
    }
  }

  // ------------------------------------------------------------------ outcomes

  /** Sends follow-ups (e.g. updateEmail after users/update), then completes the jobs. */
  async #settleDelivered(destination: DestinationRuntime, entries: Claimed[], status: number): Promise<void> {
    if (entries.length === 0) return
    const done: number[] = []
    for (const entry of entries) {
      const followUps = entry.payload.f
      if (followUps === undefined) {
        done.push(entry.job.id)
        continue
      }
      let failure: Failure | null = null
      for (const followUp of followUps) {
        await destination.limiter.take(followUp.path)
        const body = JSON.stringify(followUp.body)
        const response = await this.#call(destination, followUp.method, followUp.path, body, 1)
        const outcome = response.outcome
        if (outcome.policy === 'deliver') continue
        if (outcome.policy === 'pause') {
          await this.#pause(destination, [entry], outcome)
          failure = null
          break
        }
        // After a bulk update Iterable may not have created the user yet: retry for the short window.
        const waitForUser =
          followUp.retryWhileUserMissing === true &&
          USER_NOT_FOUND_CODES.has(outcome.iterableCode ?? outcome.code)
        failure = waitForUser ? { outcome: asRetry(outcome), notFound: true } : { outcome, notFound: false }
        break
      }
      if (failure !== null) await this.#settleFailure([entry], failure)
      else if (destination.paused === null) done.push(entry.job.id)
    }
    if (done.length === 0) return
    await this.#ctx.store.complete(done, { statusCode: status })
    this.#forget(done)
    this.#wakeIfBarriers(entries)
    this.#ctx.observer.delivered?.(this.queue.destinationId, this.queue.endpoint, done.length)
  }

  /** Retry (backoff, windows) or dead letter, by the outcome's policy. */
  async #settleFailure(entries: Claimed[], failure: Failure): Promise<void> {
    const { outcome } = failure
    if (outcome.policy !== 'retry') {
      await this.#settleDrop(entries, failure)
      return
    }
    const now = Date.now()
    const random = Math.random()
    const byRunAt = new Map<number, number[]>()
    const dead = new Map<string, number[]>()
    for (const { job } of entries) {
      const decision = decideRetry(
        {
          attempts: job.attempts,
          firstEnqueuedAt: job.firstEnqueuedAt,
          retryAfterMs: outcome.retryAfterMs,
          notFound: failure.notFound,
          now,
        },
        this.#ctx.options,
        () => random,
      )
      if (decision.retry) {
        const list = byRunAt.get(decision.runAt)
        if (list === undefined) byRunAt.set(decision.runAt, [job.id])
        else list.push(job.id)
      } else {
        const list = dead.get(decision.reason)
        if (list === undefined) dead.set(decision.reason, [job.id])
        else list.push(job.id)
      }
    }
    for (const [runAt, ids] of byRunAt) {
      await this.#ctx.store.reschedule(ids, {
        runAt,
        errorMessage: outcome.message,
        errorCode: outcome.code,
        statusCode: outcome.status || null,
      })
      this.#forget(ids)
      this.#ctx.observer.retried?.(this.queue.destinationId, this.queue.endpoint, ids.length)
    }
    for (const [reason, ids] of dead) {
      await this.#ctx.store.deadLetter(ids, {
        reason: `${reason}; last error: ${outcome.message}`,
        code: outcome.code,
        statusCode: outcome.status || null,
      })
      this.#forget(ids)
      this.#wakeIfBarriers(entries)
      this.#ctx.observer.deadLettered?.(this.queue.destinationId, this.queue.endpoint, ids.length)
    }
  }

  async #settleDrop(entries: Claimed[], failure: Failure): Promise<void> {
    const ids = entries.map((e) => e.job.id)
    const { outcome } = failure
    await this.#ctx.store.deadLetter(ids, {
      reason: outcome.message,
      code: outcome.code,
      statusCode: outcome.status || null,
    })
    this.#forget(ids)
    this.#wakeIfBarriers(entries)
    this.#ctx.observer.deadLettered?.(this.queue.destinationId, this.queue.endpoint, ids.length)
  }

  /** 401: pause the destination (visible in the store), give the jobs back without counting an attempt. */
  async #pause(destination: DestinationRuntime, entries: Claimed[], outcome: IterableOutcome): Promise<void> {
    if (destination.paused === null) {
      const paused = {
        reason: `Iterable answered ${outcome.status} ${outcome.code}: ${outcome.message}`,
        since: Date.now(),
      }
      destination.paused = paused
      await this.#ctx.store.setDestinationPaused(destination.id, paused)
      this.#ctx.logger.warn(
        { destination: destination.name, code: outcome.code },
        'destination paused: Iterable refused the API key; update the key to resume',
      )
    }
    await this.#release(entries)
  }

  async #release(entries: Claimed[]): Promise<void> {
    const ids = entries.map((e) => e.job.id)
    await this.#ctx.store.release(ids)
    this.#forget(ids)
  }

  #wakeIfBarriers(entries: readonly Claimed[]): void {
    if (entries.some((e) => e.job.isBarrier)) this.#ctx.wakeDestination?.(this.queue.destinationId)
  }

  #forget(ids: readonly number[]): void {
    for (const id of ids) this.inFlight.delete(id)
  }

  /**
   * One request to Iterable (the caller has taken the rate-limit token): metrics, the attempts log,
   * and a 429 slows the project's budget for this endpoint.
   */
  async #call(
    destination: DestinationRuntime,
    method: HttpMethod,
    path: string,
    body: string,
    jobCount: number,
  ): Promise<IterableResponse> {
    const response = await destination.client.send({ method, path, body, signal: this.abort.signal })
    this.#ctx.observer.request?.(path, response.status, response.durationMs)
    if (response.status === 429) destination.limiter.throttled(path, response.outcome.retryAfterMs)
    this.#noteHealth(response)
    await this.#recordAttempt(
      path,
      body,
      response.status,
      response.body,
      response.durationMs,
      jobCount,
      response.outcome,
    )
    return response
  }

  /** Whole-request outcomes decide whether the queue rests (429s are the rate limiter's business). */
  #noteHealth(response: IterableResponse): void {
    const { outcome, status } = response
    if (outcome.policy === 'retry' && status !== 429) {
      // Requests that were already in flight when the rest began fail too: they are not probes.
      if (Date.now() < this.#restUntil) return
      this.#failuresInARow++
      const rest = Math.max(backoffDelay(this.#failuresInARow, this.#ctx.options), outcome.retryAfterMs ?? 0)
      this.#restUntil = Date.now() + rest
    } else if (status >= 200 && status < 500) {
      if (this.#failuresInARow > 0) {
        // Iterable answers again: jobs that met the outage need not sit out their backoff.
        void this.#ctx.store.expedite(this.queue).catch((error: unknown) => {
          this.#ctx.logger.warn({ err: error }, 'could not expedite retries after an outage')
        })
      }
      this.#failuresInARow = 0
      this.#restUntil = 0
    }
  }

  async #recordAttempt(
    endpoint: string,
    requestBody: string,
    status: number,
    responseBody: unknown,
    durationMs: number,
    jobCount: number,
    outcome: IterableOutcome,
  ): Promise<void> {
    try {
      await this.#ctx.store.recordAttempt({
        destinationId: this.queue.destinationId,
        endpoint,
        requestBody,
        responseStatus: status === 0 ? null : status,
        responseBody:
          responseBody === undefined
            ? null
            : typeof responseBody === 'string'
              ? responseBody
              : JSON.stringify(responseBody),
        durationMs: Math.round(durationMs),
        jobCount,
        error: outcome.policy === 'deliver' ? null : `${outcome.code}: ${outcome.message}`,
      })
    } catch (error) {
      // The attempts log is diagnostics; a failure to write it must not fail the delivery.
      this.#ctx.logger.warn({ err: error }, 'could not record a delivery attempt')
    }
  }
}

function permanent(code: string, message: string): IterableOutcome {
  return { kind: 'permanent', policy: 'drop', code, status: 0, message }
}

function asRetry(outcome: IterableOutcome): IterableOutcome {
  return { ...outcome, kind: 'retryable', policy: 'retry' }
}

interface BulkChunk {
  entries: Claimed[]
  oversized: boolean
}

/** Splits one batch-key group into bodies of at most the mapping's size and 4 MB. */
function chunkBulk(group: Claimed[]): BulkChunk[] {
  const chunks: BulkChunk[] = []
  let maxItems = MAX_ITEMS
  for (const entry of group) maxItems = Math.min(maxItems, entry.payload.s ?? MAX_ITEMS)
  const envelope = JSON.stringify({ ...(group[0].payload.v ?? {}), [group[0].payload.k ?? 'events']: [] })
  const frame = Buffer.byteLength(envelope)
  let current: Claimed[] = []
  let bytes = frame
  for (const entry of group) {
    entry.itemJson ??= JSON.stringify(entry.payload.i)
    const size = Buffer.byteLength(entry.itemJson)
    if (frame + size > MAX_BULK_BYTES) {
      chunks.push({ entries: [entry], oversized: true })
      continue
    }
    const extra = (current.length === 0 ? 0 : 1) + size
    if (current.length >= maxItems || bytes + extra > MAX_BULK_BYTES) {
      chunks.push({ entries: current, oversized: false })
      current = []
      bytes = frame
    }
    bytes += (current.length === 0 ? 0 : 1) + size
    current.push(entry)
  }
  if (current.length > 0) chunks.push({ entries: current, oversized: false })
  return chunks
}
