// What every section of the store conformance suite shares: the context (the store under test,
// reopened or doubled as a test needs) and builders of the records delivery writes.
import type {
  IngestEvent,
  IngestRequest,
  NewAttempt,
  NewDeadLetter,
  NewOutcome,
  ParkedItem,
  Store,
  StoreLimits,
} from '../../../src/store/index.js'

export interface StoreHarness {
  /** Opens (or reopens) a connection to this harness's database. Every call is a new connection. */
  open(limits?: Partial<StoreLimits>): Promise<Store>
  /** Everything the database holds at rest, as text (files or table dumps), for secret checks. */
  rawContents(): Promise<string>
  /** Runs SQL statements directly on the database (no store open), e.g. to fill an old schema. */
  execute(sql: string): Promise<void>
  /** Empties the database and applies this backend's migrations up to `version` by hand (no store open). */
  migrateTo(version: number): Promise<void>
  /** Removes the database. */
  destroy(): Promise<void>
}

/** The store under test for the running test (a fresh database each), and ways to get more. */
export interface StoreContext {
  readonly store: Store
  readonly harness: StoreHarness
  /** Closes the store and opens the same database again (with other limits). */
  reopen(limits?: Partial<StoreLimits>): Promise<Store>
  /** Another connection to the same database (another node), closed after the test. */
  second(): Promise<Store>
}

export const T0 = Date.UTC(2026, 0, 1)
export const MINUTE = 60_000
export const HOUR = 3_600_000

export function events(ids: string[], userKey?: string): IngestEvent[] {
  return ids.map((messageId) => {
    const body = JSON.stringify({ type: 'track', event: 'Clicked', messageId, userId: userKey ?? null })
    return { messageId, body, size: body.length, userKey: userKey ?? null }
  })
}

/** Ingests these messageIds from source `src` at `receivedAt` (T0) with revision 1; the new event ids. */
export async function ingest(
  store: Store,
  ids: string[],
  options: Partial<Omit<IngestRequest, 'events'>> & { userKey?: string } = {},
): Promise<number[]> {
  const { userKey, ...request } = options
  const result = await store.ingest({
    sourceId: 'src',
    receivedAt: T0,
    revision: 1,
    events: events(ids, userKey),
    ...request,
  })
  return result.accepted.map((a) => a.eventId)
}

export function payload(id: string): string {
  return JSON.stringify({ path: '/api/events/track', body: { eventName: 'Clicked', id } })
}

export function parked(eventId: number, ordinal: number, partial: Partial<ParkedItem> = {}): ParkedItem {
  return {
    eventId,
    ordinal,
    position: eventId,
    messageId: `m${eventId}`,
    mappingId: 'map',
    action: 'trackEvent',
    lane: '/api/events/track',
    keys: [`u:user-${eventId}`],
    payload: payload(`${eventId}/${ordinal}`),
    attempts: 1,
    firstEnqueuedAt: T0,
    runAt: T0 + 1000,
    held: false,
    waitingForUser: false,
    lastError: '503 Service Unavailable',
    statusCode: 503,
    errorCode: null,
    ...partial,
  }
}

export function deadLetter(
  eventId: number,
  ordinal: number,
  partial: Partial<NewDeadLetter> = {},
): NewDeadLetter {
  return {
    eventId,
    ordinal,
    messageId: `m${eventId}`,
    mappingId: 'map',
    action: 'trackEvent',
    lane: '/api/events/track',
    keys: [`u:user-${eventId}`],
    payload: payload(`${eventId}/${ordinal}`),
    attempts: 3,
    firstEnqueuedAt: T0,
    lastError: '400 Bad Request',
    reason: 'Invalid email',
    code: 'http_400',
    statusCode: 400,
    deadAt: T0 + 1000,
    field: null,
    ...partial,
  }
}

export function outcome(partial: Partial<NewOutcome> & Pick<NewOutcome, 'outcome'>): NewOutcome {
  return {
    at: T0,
    mappingId: 'map',
    action: 'trackEvent',
    eventId: null,
    ordinal: null,
    messageId: 'm',
    userKey: null,
    statusCode: null,
    errorCode: null,
    errorMessage: null,
    payload: null,
    ...partial,
  }
}

export function attempt(partial: Partial<NewAttempt> = {}): NewAttempt {
  return {
    endpoint: '/api/events/trackBulk',
    requestBody: null,
    responseStatus: 200,
    responseBody: '{"msg":"","code":"Success"}',
    durationMs: 12.4,
    jobCount: 1,
    eventIds: [],
    at: T0,
    ...partial,
  }
}

/** Opens delivery of `destinationId` for owner `o1` (lease 60 s from T0). */
export async function open(store: Store, destinationId = 'dest', owner = 'o1') {
  const state = await store.openDelivery(destinationId, owner, { leaseMs: 60_000, now: T0 })
  if (state === null) throw new Error(`delivery of ${destinationId} is held by another owner`)
  return state
}

/** Sorted copies of item refs, for comparisons that do not depend on order. */
export function refs(list: { eventId: number; ordinal: number }[]): { eventId: number; ordinal: number }[] {
  return list
    .map(({ eventId, ordinal }) => ({ eventId, ordinal }))
    .sort((a, b) => a.eventId - b.eventId || a.ordinal - b.ordinal)
}
