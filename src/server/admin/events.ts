// Event lookup by messageId or by user (userId / email): the stored event, the mappings that
// recorded outcomes for it, the outcomes, and which current mappings match it with the requests
// they would send today (the payload of delivered jobs is not kept; dead letters keep theirs).
import { Type, type Static } from '@sinclair/typebox'
import type { IterableSettings } from '../../iterable/settings.js'
import { planEvent } from '../../iterable/plan.js'
import type { CompiledMapping } from '../../iterable/mappings.js'
import type { Outcome, Store, StoredEvent } from '../../store/types.js'
import type { AdminContext, Resource } from './context.js'
import { checkSettings, deliveryBaseUrl } from './destination-access.js'
import { AdminApiError } from './errors.js'
import { validateMappingDraft } from './mapping-validation.js'

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

function eventView(event: StoredEvent, outcomes: readonly Outcome[], routing: readonly RoutedNow[]) {
  const body = JSON.parse(event.body) as unknown
  const own = outcomes.filter((o) => o.eventId === event.id)
  const mappingIds = [...new Set(own.map((o) => o.mappingId).filter((id): id is string => id !== null))]
  return {
    id: event.id,
    messageId: event.messageId,
    sourceId: event.sourceId,
    receivedAt: event.receivedAt,
    userKey: event.userKey,
    size: event.size,
    event: body,
    mappingsWithOutcomes: mappingIds,
    outcomes: own,
    matchesNow: matchesNow(routing, body, event.receivedAt),
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
        summary: 'Look up an event by messageId: stored copies, outcomes, mappings matching it now',
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
      const routing = await currentRouting(context)
      return {
        messageId: request.params.messageId,
        items: lookup.events.map((e) => eventView(e, lookup.outcomes, routing)),
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
      const routing = await currentRouting(context)
      return { userKey, items: events.map((e) => eventView(e, outcomes, routing)) }
    },
  )
}
