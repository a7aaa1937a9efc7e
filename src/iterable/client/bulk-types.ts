import type { ResponseHeaders } from './classify.js'
import type { IterableOutcome } from './outcome.js'

/** Which bulk endpoint answered: `users` = `/api/users/bulkUpdate`, `events` = `/api/events/trackBulk`. */
export type BulkKind = 'users' | 'events'

/**
 * One element of a bulk body, as sent (`users[i]` or `events[i]`); only the identifiers, the event
 * name and `dataFields` are read.
 */
export interface BulkItem {
  readonly email?: unknown
  readonly userId?: unknown
  readonly eventName?: unknown
  readonly dataFields?: unknown
}

/** The parts of a bulk answer that are read; an `IterableResponse` fits. */
export interface BulkResponse {
  readonly status: number
  readonly body: unknown
  readonly headers?: ResponseHeaders
  /** The client's classification; computed from status/body/headers when absent. */
  readonly outcome?: IterableOutcome
}
