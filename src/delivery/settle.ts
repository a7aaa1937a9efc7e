// What happens to an item after an answer: delivered (after its follow-ups), retried later (parked,
// with its user's later items held behind it), dead-lettered, or given back unsent. Finishing an
// item releases the next item of each of its users.
import type { Logger } from 'pino'
import type { BulkItemOutcome, IterableOutcome } from '../iterable/client/index.js'
import type { PausedState } from '../store/types.js'
import type { CursorWindow } from './cursor-window.js'
import type { DestinationRuntime } from './destination-runtime.js'
import type { DeliveryObserver } from './observer.js'
import type { DeliveryOptions } from './options.js'
import type { ProgressBuffer } from './progress.js'
import { decideRetry } from './retry.js'
import type { UserOrder } from './user-order.js'
import type { WorkItem } from './work-item.js'

/** Single-request answers meaning "this user does not exist (yet)": retried for the short window. */
const USER_NOT_FOUND_CODES: ReadonlySet<string> = new Set(['UnknownEmailError', 'UnknownUserIdError'])

export function isUserNotFound(outcome: IterableOutcome): boolean {
  return USER_NOT_FOUND_CODES.has(outcome.iterableCode ?? outcome.code)
}

/** A bulk answer listed the item's user in `notFoundEmails`/`notFoundUserIds`. */
export function isListedNotFound(outcome: BulkItemOutcome): boolean {
  return outcome.reason === 'notFoundEmails' || outcome.reason === 'notFoundUserIds'
}

/**
 * updateEmail's answer when the current user is unknown is 400 BadParams ("Cannot change user … User
 * does not exist", iterable-api.md). Policy goes by status and code, never by message text: on a
 * follow-up that waits for its user, any BadParams is retried within the user-not-found window — the
 * new email was validated before sending, so a missing user is what is left to cause it.
 */
export function isUpdateEmailUserMissing(outcome: IterableOutcome): boolean {
  return outcome.status === 400 && outcome.iterableCode === 'BadParams'
}

export function asRetry(outcome: IterableOutcome): IterableOutcome {
  return { ...outcome, kind: 'retryable', policy: 'retry' }
}

/** Why an item failed, and whether Iterable said its user does not exist (yet). */
export interface Failure {
  outcome: IterableOutcome
  notFound: boolean
  /**
   * A follow-up failed (its item's own request went through): the item keeps its place in its
   * users' order — after an email change is sent, nothing of the user may overtake its updateEmail.
   */
  followUp?: true
}

export interface SettleHost {
  readonly destinationId: string
  readonly options: DeliveryOptions
  readonly observer: DeliveryObserver
  readonly logger: Logger
  readonly progress: ProgressBuffer
  readonly order: UserOrder
  readonly window: CursorWindow
  runtime(): DestinationRuntime
  /** The item is first for its users and due: into its lane. */
  ready(item: WorkItem): void
  /** Iterable refused the key (401) of the request sent with `sentWith`: the destination pauses. */
  pause(state: PausedState, sentWith: DestinationRuntime): void
  /** The item is parked now (retrying or held). */
  durable(item: WorkItem): void
  /** The item is final (delivered or dead). */
  finished(item: WorkItem): void
}

export class Settler {
  constructor(readonly host: SettleHost) {}

  /** The items are about to be sent: one attempt each. */
  sending(items: readonly WorkItem[]): void {
    for (const item of items) {
      item.state = 'sending'
      item.attempts++
    }
  }

  /** The items were not sent after all (429, pause, a rest): the attempt does not count. */
  unsent(items: readonly WorkItem[]): void {
    for (const item of items) item.attempts--
  }

  /** Iterable took the item: its follow-ups go next; then it is finished. */
  async delivered(item: WorkItem, status: number): Promise<void> {
    const followUps = item.payload.followUps
    if (followUps !== undefined) {
      const failure = await this.#followUps(item)
      if (failure === 'paused') return
      if (failure !== null) {
        this.failed(item, failure)
        return
      }
    }
    const { progress, observer, destinationId } = this.host
    const now = Date.now()
    if (item.durable) {
      progress.outcome(this.#history(item, 'delivered', now, { statusCode: status }))
    }
    progress.count(now, item.mappingId, item.action, 'delivered')
    observer.delivered?.(destinationId, item.lane, 1)
    this.#finish(item)
  }

  /** Retry with backoff (parked, its user's later items held), or a dead letter past the window. */
  failed(item: WorkItem, failure: Failure): void {
    const { outcome } = failure
    if (outcome.policy !== 'retry') {
      this.dead(item, outcome.message, outcome)
      return
    }
    const now = Date.now()
    const decision = decideRetry(
      {
        attempts: Math.max(1, item.attempts),
        firstEnqueuedAt: item.firstEnqueuedAt,
        retryAfterMs: outcome.retryAfterMs,
        notFound: failure.notFound,
        now,
      },
      this.host.options,
    )
    if (!decision.retry) {
      this.dead(item, `${decision.reason}; last error: ${outcome.message}`, outcome)
      return
    }
    const { progress, observer, destinationId } = this.host
    const { order } = this.host
    item.runAt = decision.runAt
    item.state = 'retrying'
    item.waitingForUser = failure.notFound && failure.followUp !== true
    this.#park(item, false, outcome)
    progress.outcome(this.#history(item, 'retrying', now, errorOf(outcome)))
    progress.count(now, item.mappingId, item.action, 'retrying')
    observer.retried?.(destinationId, item.lane, 1)
    // The user's items that create users may pass an item waiting for its user (one may be the
    // identify it waits for); the others wait durably behind it, so the cursor may pass their events.
    const passing = item.waitingForUser ? order.passing(item) : []
    for (const later of order.later(item)) {
      if (!later.durable && !passing.includes(later)) this.#park(later, true, null)
    }
    for (const next of passing) if (next.state === 'waiting') this.release(next)
    this.#retryAt(item)
  }

  /** An item first for its users: sendable now, or when its retry is due. */
  release(item: WorkItem): void {
    if (item.runAt > Date.now()) {
      item.state = 'retrying'
      this.#retryAt(item)
    } else this.host.ready(item)
  }

  #retryAt(item: WorkItem): void {
    if (item.timer !== null) clearTimeout(item.timer)
    item.timer = setTimeout(
      () => {
        item.timer = null
        if (item.state !== 'retrying') return
        // Still behind an earlier item of its user (both failed): that one's finish releases it.
        if (this.host.order.isFirst(item)) this.host.ready(item)
        else item.state = 'waiting'
      },
      Math.max(0, item.runAt - Date.now()),
    )
  }

  /** A dead letter with the reason; the item's users move on. */
  dead(item: WorkItem, reason: string, outcome: IterableOutcome): void {
    const { progress, observer, destinationId } = this.host
    const now = Date.now()
    const error = errorOf(outcome)
    progress.deadLetter({
      eventId: item.eventId,
      ordinal: item.ordinal,
      messageId: item.messageId,
      mappingId: item.mappingId,
      action: item.action,
      lane: item.lane,
      keys: [...item.keys],
      payload: JSON.stringify(item.payload),
      attempts: item.attempts,
      firstEnqueuedAt: item.firstEnqueuedAt,
      lastError: error.errorMessage,
      reason,
      code: outcome.code,
      statusCode: error.statusCode,
      deadAt: now,
      field: outcome.field ?? null,
    })
    progress.outcome(this.#history(item, 'dead', now, { ...error, errorMessage: reason }))
    progress.count(now, item.mappingId, item.action, 'dead')
    observer.deadLettered?.(destinationId, item.lane, 1)
    this.#finish(item)
  }

  /**
   * The item's user is forgotten: it is finished unsent, with no history line (that would keep
   * personal data); its users' next items go on (and meet the same check).
   */
  forgotten(item: WorkItem): void {
    this.#finish(item)
  }

  /** An item parked because an earlier item of its user is: it becomes sendable when that one is finished. */
  hold(item: WorkItem): void {
    this.#park(item, true, null)
  }

  #finish(item: WorkItem): void {
    if (item.timer !== null) clearTimeout(item.timer)
    item.timer = null
    const wasDurable = item.durable
    item.state = 'done'
    if (wasDurable) this.host.progress.unpark(item)
    else this.host.window.settle(item.eventId)
    item.durable = false
    this.host.finished(item)
    this.#releaseNext(item)
  }

  /** Takes the item out of its users' order; the items that are first now go on. */
  #releaseNext(item: WorkItem): void {
    for (const next of this.host.order.remove(item)) if (next.state === 'waiting') this.release(next)
  }

  #park(item: WorkItem, held: boolean, outcome: IterableOutcome | null): void {
    if (!item.durable) {
      this.host.window.settle(item.eventId)
      item.durable = true
      this.host.durable(item)
    }
    const error = outcome === null ? null : errorOf(outcome)
    this.host.progress.park({
      eventId: item.eventId,
      ordinal: item.ordinal,
      position: item.position,
      messageId: item.messageId,
      mappingId: item.mappingId,
      action: item.action,
      lane: item.lane,
      keys: [...item.keys],
      payload: JSON.stringify(item.payload),
      attempts: item.attempts,
      firstEnqueuedAt: item.firstEnqueuedAt,
      runAt: item.runAt,
      held,
      waitingForUser: item.waitingForUser,
      lastError: error?.errorMessage ?? null,
      statusCode: error?.statusCode ?? null,
      errorCode: error?.errorCode ?? null,
    })
  }

  /** Sends the item's follow-ups in order; the first failure (or 'paused'), or null when all went through. */
  async #followUps(item: WorkItem): Promise<Failure | 'paused' | null> {
    const runtime = this.host.runtime()
    for (const followUp of item.payload.followUps ?? []) {
      await runtime.limiter.take(followUp.path)
      const response = await runtime.client.send({
        method: followUp.method,
        path: followUp.path,
        body: JSON.stringify(followUp.body),
      })
      this.host.observer.request?.(followUp.path, response.status, response.durationMs)
      const outcome = response.outcome
      const failed = outcome.policy !== 'deliver'
      const keep = failed || this.host.options.requestBodies === 'all'
      this.host.progress.attempt({
        endpoint: followUp.path,
        requestBody: keep ? JSON.stringify(followUp.body) : null,
        responseStatus: response.status === 0 ? null : response.status,
        responseBody: keep ? bodyText(response.body) : null,
        durationMs: response.durationMs,
        jobCount: 1,
        eventIds: [item.eventId],
        error: failed ? `${outcome.code}: ${outcome.message}` : null,
      })
      if (!failed) continue
      if (outcome.policy === 'pause') {
        this.host.pause(pausedState(outcome), runtime)
        this.unsent([item])
        this.host.ready(item)
        return 'paused'
      }
      // After a bulk update Iterable may not have created the user yet: retry for the short window.
      const waitForUser =
        followUp.retryWhileUserMissing === true &&
        (isUserNotFound(outcome) || isUpdateEmailUserMissing(outcome))
      return waitForUser
        ? { outcome: asRetry(outcome), notFound: true, followUp: true }
        : { outcome, notFound: false, followUp: true }
    }
    return null
  }

  #history(
    item: WorkItem,
    outcome: 'delivered' | 'retrying' | 'dead',
    at: number,
    error: { statusCode?: number | null; errorCode?: string | null; errorMessage?: string | null },
  ) {
    return {
      at,
      outcome,
      mappingId: item.mappingId,
      action: item.action,
      eventId: item.eventId,
      ordinal: item.ordinal,
      messageId: item.messageId,
      userKey: item.userKey,
      statusCode: error.statusCode ?? null,
      errorCode: error.errorCode ?? null,
      errorMessage: error.errorMessage ?? null,
      payload: null,
    }
  }
}

export function pausedState(outcome: IterableOutcome): PausedState {
  // An answer's message already says what Iterable answered ("Iterable answered 401 UNAUTHORIZED
  // (BadApiKey): …"): said once. Without an answer (status 0), the code says what happened.
  return {
    reason:
      outcome.status > 0
        ? outcome.message
        : `Iterable could not be reached (${outcome.code}): ${outcome.message}`,
    since: Date.now(),
  }
}

function errorOf(outcome: IterableOutcome): {
  statusCode: number | null
  errorCode: string
  errorMessage: string
} {
  return { statusCode: outcome.status || null, errorCode: outcome.code, errorMessage: outcome.message }
}

export function bodyText(body: unknown): string | null {
  if (body === undefined) return null
  return typeof body === 'string' ? body : JSON.stringify(body)
}
