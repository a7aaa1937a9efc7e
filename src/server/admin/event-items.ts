// What happened to each item of a stored event: routed again exactly as delivery routes it (the
// event's configuration revision), then matched with what the store keeps about items — the
// cursor (passed: delivered), parked items (retrying, or held behind an earlier item of the user),
// dead letters, refusals and retries in the outcome log, and the requests that carried the event.
import type { RoutedItem, StoredRouting } from '../../delivery/index.js'
import type { Attempt, DeadLetter, EventLookup, Outcome, ParkedItem, StoredEvent } from '../../store/types.js'
import { sentRequests, type SentRequest } from './sent.js'

export type ItemOutcome = 'delivered' | 'failed' | 'retrying' | 'held' | 'dead' | 'queued'

export interface RequestView {
  id: number
  at: number
  endpoint: string
  status: number | null
  durationMs: number
  items: number
  error: string | null
}

export interface ItemView {
  destinationId: string
  mappingId: string | null
  /** The mapping's name today (null once deleted). */
  mapping: string | null
  action: string
  /** The item's place among what the event causes at this destination. */
  ordinal: number
  /**
   * `delivered` (Iterable took it), `failed` (refused before sending), `retrying` (failed, waiting for
   * its next attempt), `held` (waiting behind an earlier item of its user), `dead` (a dead letter),
   * `queued` (not sent yet).
   */
  outcome: ItemOutcome
  /** When it reached that state (queued: when the event was received). */
  at: number
  /** Retrying: when the next attempt is due. */
  nextAttemptAt: number | null
  attempts: number
  statusCode: number | null
  errorCode: string | null
  errorMessage: string | null
  /** Lines of its history in the outcome log (refusals, retries, dead letters). */
  outcomeCount: number
  /** What it sends (or sent). */
  sent: SentRequest[] | null
  /** The requests that carried the event to this item's endpoints, oldest first. */
  requests: RequestView[]
  /**
   * Final without a request going out for it since it was (re)queued: e.g. kept back because
   * Iterable refused that field type earlier. `requests` then lists only earlier requests.
   */
  notSent: boolean
}

export interface ItemContext {
  names: ReadonlyMap<string, string>
  base: (destinationId: string) => string
}

const REPLANNED_NOTE =
  'This event was received before the service kept configuration revisions (or its revision was ' +
  'pruned): what it causes is shown as the current mappings would route it, which may differ from then.'

/** Every item of `event` (and each refusal), with what happened to it. */
export function itemsOf(
  event: StoredEvent,
  routed: StoredRouting,
  lookup: EventLookup,
  context: ItemContext,
): { items: ItemView[]; replanned: { note: string } | null } {
  const of = <T extends { destinationId: string; eventId: number | null; ordinal: number | null }>(
    rows: readonly T[],
    destinationId: string,
    ordinal: number,
  ): T[] =>
    rows.filter((r) => r.destinationId === destinationId && r.eventId === event.id && r.ordinal === ordinal)
  const cursor = new Map(lookup.cursors.map((c) => [c.destinationId, c.cursor]))
  const items: ItemView[] = []
  const seen = new Set<string>()

  for (const { destinationId, result } of routed.destinations) {
    const base = context.base(destinationId)
    for (const refusal of result.refusals) {
      seen.add(`${destinationId}:${refusal.ordinal}`)
      const history = of(lookup.outcomes, destinationId, refusal.ordinal)
      items.push({
        ...head(destinationId, refusal.mappingId, refusal.action, refusal.ordinal, context),
        outcome: 'failed',
        at: history[0]?.at ?? event.receivedAt,
        nextAttemptAt: null,
        attempts: 0,
        statusCode: null,
        errorCode: refusal.code,
        errorMessage: refusal.message,
        outcomeCount: history.length,
        sent: null,
        requests: [],
        notSent: true,
      })
    }
    for (const item of result.items) {
      seen.add(`${destinationId}:${item.ordinal}`)
      const passed = event.id <= (cursor.get(destinationId) ?? 0)
      items.push(
        itemView(event, destinationId, item.ordinal, item.mappingId, item.action, lookup, context, {
          sent: sentRequests(item, base),
          endpoints: endpointsOf(item),
          passed,
        }),
      )
    }
  }
  // Items the store knows that routing no longer gives (jobs from before the log, changed mappings).
  for (const row of [...lookup.parked, ...lookup.deadLetters, ...lookup.outcomes]) {
    if (row.eventId !== event.id || row.ordinal === null) continue
    const key = `${row.destinationId}:${row.ordinal}`
    if (seen.has(key)) continue
    seen.add(key)
    items.push(
      itemView(event, row.destinationId, row.ordinal, row.mappingId, row.action, lookup, context, {
        sent: null,
        endpoints: null,
        passed: false,
      }),
    )
  }
  items.sort((a, b) =>
    a.destinationId === b.destinationId ? a.ordinal - b.ordinal : a.destinationId < b.destinationId ? -1 : 1,
  )
  return { items, replanned: routed.exact ? null : { note: REPLANNED_NOTE } }
}

function head(
  destinationId: string,
  mappingId: string | null,
  action: string,
  ordinal: number,
  context: ItemContext,
) {
  return {
    destinationId,
    mappingId,
    mapping: mappingId === null ? null : (context.names.get(mappingId) ?? null),
    action,
    ordinal,
  }
}

function itemView(
  event: StoredEvent,
  destinationId: string,
  ordinal: number,
  mappingId: string | null,
  action: string,
  lookup: EventLookup,
  context: ItemContext,
  known: { sent: SentRequest[] | null; endpoints: string[] | null; passed: boolean },
): ItemView {
  const matches = (r: { destinationId: string; eventId: number | null; ordinal: number | null }) =>
    r.destinationId === destinationId && r.eventId === event.id && r.ordinal === ordinal
  const history: Outcome[] = lookup.outcomes.filter(matches)
  const parked: ParkedItem | undefined = lookup.parked.find(matches)
  // A replayed dead letter may have a newer one: the newest tells what happened last.
  const dead: DeadLetter | undefined = lookup.deadLetters
    .filter(matches)
    .reduce<DeadLetter | undefined>(
      (newest, d) => (newest === undefined || d.id > newest.id ? d : newest),
      undefined,
    )
  const requests = lookup.attempts
    .filter(
      (a: Attempt) =>
        a.destinationId === destinationId &&
        a.eventIds.includes(event.id) &&
        (known.endpoints === null || known.endpoints.includes(a.endpoint)),
    )
    .map(requestView)
  const last = history[history.length - 1]
  const lastRequest = requests[requests.length - 1]
  const base = context.base(destinationId)
  const view = {
    ...head(destinationId, mappingId, action, ordinal, context),
    outcomeCount: history.length,
    sent: known.sent ?? sentRequests(parked?.payload ?? dead?.payload ?? null, base),
    requests,
    notSent: false,
  }
  if (dead !== undefined) {
    return {
      ...view,
      notSent: !requests.some((r) => r.at >= dead.firstEnqueuedAt),
      outcome: 'dead',
      at: dead.deadAt,
      nextAttemptAt: null,
      attempts: dead.attempts,
      statusCode: dead.statusCode,
      errorCode: dead.code,
      errorMessage: dead.reason,
    }
  }
  if (parked !== undefined) {
    const held = parked.held
    return {
      ...view,
      outcome: held ? 'held' : 'retrying',
      at: last?.at ?? event.receivedAt,
      nextAttemptAt: held ? null : parked.runAt,
      attempts: parked.attempts,
      statusCode: parked.statusCode,
      errorCode: parked.errorCode,
      errorMessage: held ? 'waiting behind an earlier item of the same user' : parked.lastError,
    }
  }
  if (last?.outcome === 'failed') {
    return {
      ...view,
      outcome: 'failed',
      at: last.at,
      nextAttemptAt: null,
      attempts: 0,
      statusCode: null,
      errorCode: last.errorCode,
      errorMessage: last.errorMessage,
    }
  }
  if (known.passed || last?.outcome === 'delivered') {
    return {
      ...view,
      outcome: 'delivered',
      at: last?.outcome === 'delivered' ? last.at : (lastRequest?.at ?? event.receivedAt),
      nextAttemptAt: null,
      attempts: Math.max(1, history.filter((h) => h.outcome === 'retrying').length + 1),
      statusCode: last?.outcome === 'delivered' ? last.statusCode : (lastRequest?.status ?? null),
      errorCode: null,
      errorMessage: null,
    }
  }
  return {
    ...view,
    outcome: 'queued',
    at: event.receivedAt,
    nextAttemptAt: null,
    attempts: 0,
    statusCode: null,
    errorCode: null,
    errorMessage: null,
  }
}

/** The endpoints an item's requests go to (its lane, then its follow-ups). */
function endpointsOf(item: RoutedItem): string[] {
  return [item.bulk?.path ?? item.path, ...(item.followUps ?? []).map((f) => f.path)]
}

function requestView(a: Attempt): RequestView {
  return {
    id: a.id,
    at: a.at,
    endpoint: a.endpoint,
    status: a.responseStatus,
    durationMs: a.durationMs,
    items: a.jobCount,
    error: a.error,
  }
}
