// Event lookup by messageId or by user (userId / email): the stored event and, per mapping, what
// was sent (the job payload the outcome log keeps) and what happened. Outcome rows from before the
// log kept payloads get a re-planned view instead: what the current mappings would send now.
import { Type, type Static } from '@sinclair/typebox'
import type { IterableSettings } from '../../iterable/settings.js'
import { planEvent } from '../../iterable/plan.js'
import type { CompiledMapping } from '../../iterable/mappings.js'
import type { Job, Outcome, Store, StoredEvent } from '../../store/types.js'
import type { AdminContext, Resource } from './context.js'
import { checkSettings, deliveryBaseUrl } from './destination-access.js'
import { AdminApiError } from './errors.js'
import { validateMappingDraft } from './mapping-validation.js'
import { baseUrls, outcomeView, sentRequests, type SentRequest } from './sent.js'

const ByUserQuery = Type.Object({
  userId: Type.Optional(Type.String({ minLength: 1 })),
  email: Type.Optional(Type.String({ minLength: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
})

const MessageParams = Type.Object({ messageId: Type.String({ minLength: 1 }) })

interface RoutedNow {
  destinationId: string
  settings: IterableSettings
  base: string
  mappings: Array<{ id: string; compiled: CompiledMapping }>
}

/** The current configuration, compiled once per lookup request. */
async function currentRouting({ store, delivery }: AdminContext): Promise<RoutedNow[]> {
  const routed: RoutedNow[] = []
  for (const destination of await store.listDestinations()) {
    let settings: IterableSettings
    try {
      settings = checkSettings(destination.settings, 'settings')
    } catch {
      continue
    }
    const mappings = []
    for (const mapping of await store.listMappings(destination.id)) {
      if (!mapping.enabled) continue
      try {
        mappings.push({
          id: mapping.id,
          compiled: validateMappingDraft({ ...mapping, batching: mapping.batching as never }),
        })
      } catch {
        // Not routed; GET /mappings/:id says why.
      }
    }
    routed.push({
      destinationId: destination.id,
      settings,
      base: deliveryBaseUrl(delivery, settings.dataCenterLocation),
      mappings,
    })
  }
  return routed
}

function matchesNow(routing: readonly RoutedNow[], event: unknown, receivedAt: number) {
  const matches = []
  for (const destination of routing) {
    for (const { id, compiled } of destination.mappings) {
      let matched = false
      try {
        matched = compiled.trigger(event)
      } catch {
        matched = false
      }
      if (!matched) continue
      const plan = planEvent(compiled, event, destination.settings, { receivedAt, batching: false })
      matches.push({
        destinationId: destination.destinationId,
        mappingId: id,
        mapping: compiled.name,
        action: compiled.action.key,
        ...(plan.ok
          ? {
              requests: plan.deliveries.flatMap((d) =>
                [{ path: d.endpoint, body: d.item as unknown }, ...(d.followUps ?? [])].map((r) => ({
                  method: 'POST',
                  url: destination.base + r.path,
                  body: r.body,
                })),
              ),
            }
          : { error: plan.error }),
      })
    }
  }
  return matches
}

interface DeliveryView {
  destinationId: string
  mappingId: string | null
  /** The mapping's name today (null once deleted). */
  mapping: string | null
  action: string
  jobId: number | null
  /** The latest outcome of this job (or the routing failure); `queued`: no outcome yet, not sent. */
  outcome: Outcome['outcome'] | 'queued'
  at: number
  statusCode: number | null
  errorCode: string | null
  errorMessage: string | null
  /** How many outcomes the job logged (retries included). */
  outcomeCount: number
  /**
   * What was sent (for `queued`: what will be sent); null for a routing failure (nothing sent) or a
   * row from before payloads were kept.
   */
  sent: SentRequest[] | null
}

/** A job of the event still waiting in the queue with no outcome logged yet (never attempted). */
function queuedView(
  job: Job,
  names: ReadonlyMap<string, string>,
  base: (id: string) => string,
): DeliveryView {
  return {
    destinationId: job.destinationId,
    mappingId: job.mappingId,
    mapping: job.mappingId === null ? null : (names.get(job.mappingId) ?? null),
    action: job.action,
    jobId: job.id,
    outcome: 'queued',
    at: job.firstEnqueuedAt,
    statusCode: null,
    errorCode: null,
    errorMessage: job.lastError,
    outcomeCount: 0,
    sent: sentRequests(job.payload, base(job.destinationId)),
  }
}

const REPLANNED_NOTE =
  'These outcomes were recorded before the service kept what it sent. Shown instead: the requests ' +
  'the current mappings would send for this event now, which may differ from what was sent then.'

/** One row per job (its latest outcome and what it sent), one per routing failure. */
function deliveriesOf(
  own: readonly Outcome[],
  names: ReadonlyMap<string, string>,
  base: (destinationId: string) => string,
): DeliveryView[] {
  const groups = new Map<string, Outcome[]>()
  for (const outcome of own) {
    const key = outcome.jobId !== null ? `job ${outcome.jobId}` : `outcome ${outcome.id}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [outcome])
    else group.push(outcome)
  }
  return [...groups.values()].map((group) => {
    const last = group[group.length - 1]
    const withPayload = [...group].reverse().find((o) => o.payload !== null)
    return {
      destinationId: last.destinationId,
      mappingId: last.mappingId,
      mapping: last.mappingId === null ? null : (names.get(last.mappingId) ?? null),
      action: last.action,
      jobId: last.jobId,
      outcome: last.outcome,
      at: last.at,
      statusCode: last.statusCode,
      errorCode: last.errorCode,
      errorMessage: last.errorMessage,
      outcomeCount: group.length,
      sent: withPayload === undefined ? null : sentRequests(withPayload.payload, base(last.destinationId)),
    }
  })
}

interface LookupContext {
  names: ReadonlyMap<string, string>
  base: (destinationId: string) => string
  /** The current configuration, compiled on first use (only old outcome rows need it). */
  routing: () => Promise<RoutedNow[]>
}

async function lookupContext(context: AdminContext): Promise<LookupContext> {
  const names = new Map((await context.store.listMappings()).map((m) => [m.id, m.name]))
  let routing: Promise<RoutedNow[]> | undefined
  return {
    names,
    base: await baseUrls(context),
    routing: () => (routing ??= currentRouting(context)),
  }
}

async function eventView(
  event: StoredEvent,
  outcomes: readonly Outcome[],
  jobs: readonly Job[],
  lookup: LookupContext,
) {
  const body = JSON.parse(event.body) as unknown
  const own = outcomes.filter((o) => o.eventId === event.id)
  const logged = new Set(own.map((o) => o.jobId))
  const waiting = jobs.filter((j) => j.eventId === event.id && !logged.has(j.id))
  const mappingIds = [
    ...new Set([...own, ...waiting].map((o) => o.mappingId).filter((id): id is string => id !== null)),
  ]
  const deliveries = [
    ...deliveriesOf(own, lookup.names, lookup.base),
    ...waiting.map((job) => queuedView(job, lookup.names, lookup.base)),
  ]
  const old = deliveries.some((d) => d.jobId !== null && d.sent === null)
  return {
    id: event.id,
    messageId: event.messageId,
    sourceId: event.sourceId,
    receivedAt: event.receivedAt,
    userKey: event.userKey,
    size: event.size,
    event: body,
    mappingsWithOutcomes: mappingIds,
    deliveries,
    outcomes: own.map((o) => outcomeView(o, lookup.base)),
    replanned: old
      ? { note: REPLANNED_NOTE, matches: matchesNow(await lookup.routing(), body, event.receivedAt) }
      : null,
  }
}

async function lookupMany(store: Store, events: readonly StoredEvent[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  for (const messageId of new Set(events.map((e) => e.messageId))) {
    outcomes.push(...(await store.lookupEvent(messageId)).outcomes)
  }
  return outcomes
}

const RecentQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
})

export const eventsResource: Resource = (app, context) => {
  const { store } = context

  app.get<{ Querystring: Static<typeof RecentQuery> }>(
    '/recent-events',
    {
      schema: {
        summary: 'Recent events that reached a mapping (found through the newest outcomes), for test mapping',
        tags: ['events'],
        querystring: RecentQuery,
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 20
      // The store keeps no index of events by time; the newest outcomes name the newest routed events.
      const messageIds = new Set<string>()
      for (const outcome of await store.listOutcomes({ limit: limit * 10 })) {
        if (messageIds.size >= limit) break
        messageIds.add(outcome.messageId)
      }
      const items = []
      for (const messageId of messageIds) {
        const [event] = (await store.lookupEvent(messageId)).events
        if (event === undefined) continue
        items.push({
          id: event.id,
          messageId,
          receivedAt: event.receivedAt,
          userKey: event.userKey,
          event: JSON.parse(event.body) as unknown,
        })
      }
      return { items }
    },
  )

  app.get<{ Params: Static<typeof MessageParams> }>(
    '/events/:messageId',
    {
      schema: {
        summary: 'Look up an event by messageId: stored copies; per mapping, what was sent and the outcome',
        tags: ['events'],
        params: MessageParams,
      },
    },
    async (request) => {
      const lookup = await store.lookupEvent(request.params.messageId)
      if (lookup.events.length === 0) {
        throw new AdminApiError(
          404,
          'not_found',
          `No stored event with messageId "${request.params.messageId}" (never received, or pruned by retention).`,
        )
      }
      const shown = await lookupContext(context)
      const jobs = await store.jobsOfEvents(lookup.events.map((e) => e.id))
      return {
        messageId: request.params.messageId,
        items: await Promise.all(lookup.events.map((e) => eventView(e, lookup.outcomes, jobs, shown))),
      }
    },
  )

  app.get<{ Querystring: Static<typeof ByUserQuery> }>(
    '/events',
    {
      schema: {
        summary: "Look up a user's recent events by userId or email, with outcomes",
        tags: ['events'],
        querystring: ByUserQuery,
      },
    },
    async (request) => {
      const userKey = request.query.userId ?? request.query.email
      if (userKey === undefined) {
        throw new AdminApiError(400, 'validation_failed', 'Give "userId" or "email".', 'querystring.userId')
      }
      const events = await store.findEventsByUser(userKey, request.query.limit ?? 20)
      const outcomes = await lookupMany(store, events)
      const jobs = await store.jobsOfEvents(events.map((e) => e.id))
      const shown = await lookupContext(context)
      return { userKey, items: await Promise.all(events.map((e) => eventView(e, outcomes, jobs, shown))) }
    },
  )
}
