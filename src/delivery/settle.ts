// Settling claimed jobs by outcome: complete (after follow-ups), retry with backoff or dead letter,
// pause the destination on a refused key, or give the jobs back unattempted.
import type { IterableOutcome } from '../iterable/client/index.js'
import type { QueueKey } from '../store/types.js'
import type { DestinationRuntime } from './destination-runtime.js'
import type { QueueRequests } from './queue-requests.js'
import { decideRetry } from './retry.js'
import type { Claimed, Failure, WorkerContext } from './worker-context.js'

/** Single-request answers meaning "this user does not exist (yet)": retried for the short window. */
const USER_NOT_FOUND_CODES: ReadonlySet<string> = new Set(['UnknownEmailError', 'UnknownUserIdError'])

export function isUserNotFound(outcome: IterableOutcome): boolean {
  return USER_NOT_FOUND_CODES.has(outcome.iterableCode ?? outcome.code)
}

/**
 * updateEmail's answer when the current user is unknown is 400 BadParams ("Cannot change user … User
 * does not exist", iterable-api.md). Policy goes by status and code, never by message text: on a
 * follow-up that waits for its user, any BadParams is retried within the user-not-found window — the
 * new email was validated before sending, so a missing user is what is left to cause it. Only
 * updateEmail follow-ups ask for this.
 */
export function isUpdateEmailUserMissing(outcome: IterableOutcome): boolean {
  return outcome.status === 400 && outcome.iterableCode === 'BadParams'
}

export function asRetry(outcome: IterableOutcome): IterableOutcome {
  return { ...outcome, kind: 'retryable', policy: 'retry' }
}

export class Settler {
  constructor(
    readonly queue: QueueKey,
    readonly ctx: WorkerContext,
    /** The worker's claimed, unsettled jobs: settled ones leave it. */
    readonly inFlight: Set<number>,
    readonly requests: QueueRequests,
  ) {}

  /** Sends follow-ups (e.g. updateEmail after users/update), then completes the jobs. */
  async delivered(destination: DestinationRuntime, entries: Claimed[], status: number): Promise<void> {
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
        const response = await this.requests.send(destination, followUp.method, followUp.path, body, 1)
        const outcome = response.outcome
        if (outcome.policy === 'deliver') continue
        if (outcome.policy === 'pause') {
          await this.pause(destination, [entry], outcome)
          failure = null
          break
        }
        // After a bulk update Iterable may not have created the user yet: retry for the short window.
        const waitForUser =
          followUp.retryWhileUserMissing === true &&
          (isUserNotFound(outcome) || isUpdateEmailUserMissing(outcome))
        failure = waitForUser ? { outcome: asRetry(outcome), notFound: true } : { outcome, notFound: false }
        break
      }
      if (failure !== null) await this.failure([entry], failure)
      else if (destination.paused === null) done.push(entry.job.id)
    }
    if (done.length === 0) return
    await this.ctx.store.complete(done, { statusCode: status })
    this.#forget(done)
    this.#wakeIfBarriers(entries)
    this.ctx.observer.delivered?.(this.queue.destinationId, this.queue.endpoint, done.length)
  }

  /** Retry (backoff, windows) or dead letter, by the outcome's policy. */
  async failure(entries: Claimed[], failure: Failure): Promise<void> {
    const { outcome } = failure
    if (outcome.policy !== 'retry') {
      await this.drop(entries, failure)
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
        this.ctx.options,
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
      await this.ctx.store.reschedule(ids, {
        runAt,
        errorMessage: outcome.message,
        errorCode: outcome.code,
        statusCode: outcome.status || null,
      })
      this.#forget(ids)
      this.ctx.observer.retried?.(this.queue.destinationId, this.queue.endpoint, ids.length)
    }
    for (const [reason, ids] of dead) {
      await this.ctx.store.deadLetter(ids, {
        reason: `${reason}; last error: ${outcome.message}`,
        code: outcome.code,
        statusCode: outcome.status || null,
      })
      this.#forget(ids)
      this.#wakeIfBarriers(entries)
      this.ctx.observer.deadLettered?.(this.queue.destinationId, this.queue.endpoint, ids.length)
    }
  }

  async drop(entries: Claimed[], failure: Failure): Promise<void> {
    const ids = entries.map((e) => e.job.id)
    const { outcome } = failure
    await this.ctx.store.deadLetter(ids, {
      reason: outcome.message,
      code: outcome.code,
      statusCode: outcome.status || null,
    })
    this.#forget(ids)
    this.#wakeIfBarriers(entries)
    this.ctx.observer.deadLettered?.(this.queue.destinationId, this.queue.endpoint, ids.length)
  }

  /** 401: pause the destination (visible in the store), give the jobs back without counting an attempt. */
  async pause(destination: DestinationRuntime, entries: Claimed[], outcome: IterableOutcome): Promise<void> {
    if (destination.paused === null) {
      const paused = {
        reason: `Iterable answered ${outcome.status} ${outcome.code}: ${outcome.message}`,
        since: Date.now(),
      }
      destination.paused = paused
      await this.ctx.store.setDestinationPaused(destination.id, paused)
      this.ctx.observer.paused?.(destination.id, paused)
      this.ctx.logger.warn(
        { destination: destination.name, code: outcome.code },
        'destination paused: Iterable refused the API key; update the key to resume',
      )
    }
    await this.release(entries)
  }

  async release(entries: Claimed[]): Promise<void> {
    const ids = entries.map((e) => e.job.id)
    await this.ctx.store.release(ids)
    this.#forget(ids)
  }

  #wakeIfBarriers(entries: readonly Claimed[]): void {
    if (entries.some((e) => e.job.isBarrier)) this.ctx.wakeDestination?.(this.queue.destinationId)
  }

  #forget(ids: readonly number[]): void {
    for (const id of ids) this.inFlight.delete(id)
  }
}
