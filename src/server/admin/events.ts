// Event lookup by messageId or by user (userId / email): the stored copies of the event and, per
// item it causes (event-items.ts), what is sent and what happened to it; and the newest events.
import { Type, type Static } from '@sinclair/typebox'
import type { EventLookup, Store, StoredEvent } from '../../store/types.js'
import type { AdminContext, Resource } from './context.js'
import { AdminApiError } from './errors.js'
import { itemsOf, type ItemContext } from './event-items.js'
import { baseUrls, outcomeView } from './sent.js'
import { compileTrigger, TriggerSyntaxError, type CompiledTrigger } from '../../engine/trigger/index.js'
import { triggerErrorDetails } from './mapping-validation.js'
import { answers } from './schemas.js'
import { Shapes } from './shapes/index.js'

/** How many of the newest events GET /recent-events?trigger= looks through. */
const TRIGGER_SCAN = 500

const ByUserQuery = Type.Object({
  userId: Type.Optional(Type.String({ minLength: 1 })),
  email: Type.Optional(Type.String({ minLength: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
})

const MessageParams = Type.Object({ messageId: Type.String({ minLength: 1 }) })

async function itemContext(context: AdminContext): Promise<ItemContext> {
  const names = new Map((await context.store.listMappings()).map((m) => [m.id, m.name]))
  return { names, base: await baseUrls(context) }
}

/** One stored event: its body, and each item it causes with what happened to it. */
async function eventView(context: AdminContext, event: StoredEvent, lookup: EventLookup, shown: ItemContext) {
  const routed = await context.delivery.routeStored(event)
  const { items, replanned } = itemsOf(event, routed, lookup, shown)
  return {
    id: event.id,
    messageId: event.messageId,
    sourceId: event.sourceId,
    receivedAt: event.receivedAt,
    userKey: event.userKey,
    size: event.size,
    revision: event.revision,
    replayFor: event.destinationId,
    event: JSON.parse(event.body) as unknown,
    mappingsWithOutcomes: [
      ...new Set(items.map((i) => i.mappingId).filter((id): id is string => id !== null)),
    ],
    deliveries: items,
    outcomes: lookup.outcomes.filter((o) => o.eventId === event.id).map((o) => outcomeView(o, shown.base)),
    replanned,
    waitingForReplay: waitingForReplay(event, routed.missedBy, lookup).map((id) => ({
      destinationId: id,
      name: context.delivery.destinations().find((d) => d.id === id)?.name ?? id,
    })),
  }
}

/**
 * The destinations this event reached no one at when it arrived (no API key, or disabled, then) and
 * that have no replayed copy of it yet: it waits for a replay there.
 */
function waitingForReplay(event: StoredEvent, missedBy: readonly string[], lookup: EventLookup): string[] {
  const copies = lookup.events.filter((e) => e.replayOf === event.id)
  return missedBy.filter((id) => !copies.some((c) => c.destinationId === null || c.destinationId === id))
}

/** Everything the store records about several events (one lookup per messageId). */
async function lookupMany(store: Store, events: readonly StoredEvent[]): Promise<EventLookup> {
  const all: EventLookup = {
    events: [],
    outcomes: [],
    parked: [],
    deadLetters: [],
    attempts: [],
    cursors: [],
  }
  for (const messageId of new Set(events.map((e) => e.messageId))) {
    const one = await store.lookupEvent(messageId)
    all.outcomes.push(...one.outcomes)
    all.parked.push(...one.parked)
    all.deadLetters.push(...one.deadLetters)
    all.attempts.push(...one.attempts)
    all.cursors = one.cursors
  }
  return all
}

const RecentQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  trigger: Type.Optional(
    Type.String({
      description: `Only events this trigger matches, among the newest ${TRIGGER_SCAN} (the mapping editor's sample)`,
    }),
  ),
})

/** The trigger of GET /recent-events, or a 400 at its position. */
function recentTrigger(text: string): CompiledTrigger {
  try {
    return compileTrigger(text)
  } catch (error) {
    if (!(error instanceof TriggerSyntaxError)) throw error
    throw new AdminApiError(
      400,
      'trigger_syntax',
      error.message,
      'querystring.trigger',
      triggerErrorDetails(error),
    )
  }
}

/** The newest events (bounded scan) the trigger matches; an event it fails on does not match. */
async function recentMatching(store: Store, trigger: CompiledTrigger, limit: number): Promise<StoredEvent[]> {
  const matching: StoredEvent[] = []
  for (const event of await store.recentEvents(TRIGGER_SCAN)) {
    let matched = false
    try {
      matched = trigger(JSON.parse(event.body))
    } catch {
      matched = false
    }
    if (matched) matching.push(event)
    if (matching.length >= limit) break
  }
  return matching
}

export const eventsResource: Resource = (app, context) => {
  const { store } = context

  app.get<{ Querystring: Static<typeof RecentQuery> }>(
    '/recent-events',
    {
      schema: {
        summary:
          'The newest stored events (optionally those a trigger matches), for test mapping and the editor',
        tags: ['events'],
        querystring: RecentQuery,
        response: answers(200, Shapes.RecentEvents),
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 20
      const { trigger } = request.query
      const events =
        trigger === undefined
          ? await store.recentEvents(limit)
          : await recentMatching(store, recentTrigger(trigger), limit)
      return {
        items: events.map((event) => ({
          id: event.id,
          messageId: event.messageId,
          receivedAt: event.receivedAt,
          userKey: event.userKey,
          event: JSON.parse(event.body) as unknown,
        })),
      }
    },
  )

  app.get<{ Params: Static<typeof MessageParams> }>(
    '/events/:messageId',
    {
      schema: {
        summary: 'Look up an event by messageId: stored copies; per mapping, what was sent and the outcome',
        tags: ['events'],
        params: MessageParams,
        response: answers(200, Shapes.EventLookup),
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
      const shown = await itemContext(context)
      return {
        messageId: request.params.messageId,
        items: await Promise.all(lookup.events.map((e) => eventView(context, e, lookup, shown))),
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
        response: answers(200, Shapes.UserEvents),
      },
    },
    async (request) => {
      const userKey = request.query.userId ?? request.query.email
      if (userKey === undefined) {
        throw new AdminApiError(400, 'validation_failed', 'Give "userId" or "email".', 'querystring.userId')
      }
      const events = await store.findEventsByUser(userKey, request.query.limit ?? 20)
      const lookup = await lookupMany(store, events)
      const shown = await itemContext(context)
      return { userKey, items: await Promise.all(events.map((e) => eventView(context, e, lookup, shown))) }
    },
  )
}
