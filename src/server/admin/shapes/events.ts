// Answers of the event routes: lookups (each stored copy and what each item it causes did), the newest
// events, replays, events waiting for a replay, event volume and the live stream's frames.
import { Type } from '@sinclair/typebox'
import { FreeObject, Nullable, OutcomeKind, OutcomeView, SentRequest, Time } from './common.js'

/** A stored event as kept in the log, its body parsed. */
export const StoredEvent = Type.Object({
  id: Type.Integer(),
  sourceId: Type.String(),
  messageId: Type.String(),
  receivedAt: Time(),
  size: Type.Integer(),
  userKey: Nullable(Type.String()),
  body: Type.Unknown({ description: 'The event' }),
  revision: Type.Integer({ description: 'The configuration revision it is routed with' }),
  destinationId: Nullable(Type.String({ description: 'A replay for this destination only' })),
  replayOf: Type.Optional(Type.Integer({ description: 'A replayed copy of this stored event' })),
})

/** A request that carried the event to an item's endpoint. */
export const ItemRequest = Type.Object({
  id: Type.Integer(),
  at: Time(),
  endpoint: Type.String(),
  status: Nullable(Type.Integer()),
  durationMs: Type.Number(),
  items: Type.Integer({ description: 'Items the request carried' }),
  error: Nullable(Type.String()),
})

/** What happened to one item (one mapping's delivery) of the event. */
export const EventDelivery = Type.Object({
  destinationId: Type.String(),
  mappingId: Nullable(Type.String()),
  mapping: Nullable(Type.String({ description: 'The mapping’s name now (null once deleted)' })),
  action: Type.String(),
  ordinal: Type.Integer(),
  outcome: Type.Union([OutcomeKind, Type.Literal('held'), Type.Literal('queued')]),
  at: Time(),
  nextAttemptAt: Nullable(Time()),
  attempts: Type.Integer(),
  statusCode: Nullable(Type.Integer()),
  errorCode: Nullable(Type.String()),
  errorMessage: Nullable(Type.String()),
  outcomeCount: Type.Integer({ description: 'Its lines in the outcome log' }),
  sent: Nullable(Type.Array(SentRequest)),
  requests: Type.Array(ItemRequest),
  notSent: Type.Boolean({ description: 'Final without a request going out for it' }),
})

/** A stored copy of the event: its body, its items and what happened to them. */
export const LookedUpEvent = Type.Object({
  id: Type.Integer(),
  messageId: Type.String(),
  sourceId: Type.String(),
  receivedAt: Time(),
  userKey: Nullable(Type.String()),
  size: Type.Integer(),
  revision: Type.Integer(),
  replayFor: Nullable(Type.String({ description: 'A replayed copy for this destination only' })),
  event: Type.Unknown({ description: 'The event' }),
  mappingsWithOutcomes: Type.Array(Type.String()),
  deliveries: Type.Array(EventDelivery),
  outcomes: Type.Array(OutcomeView),
  replanned: Nullable(Type.Object({ note: Type.String() })),
  waitingForReplay: Type.Array(Type.Object({ destinationId: Type.String(), name: Type.String() })),
})

export const EventLookup = Type.Object({ messageId: Type.String(), items: Type.Array(LookedUpEvent) })

export const UserEvents = Type.Object({ userKey: Type.String(), items: Type.Array(LookedUpEvent) })

/** A stored event (GET /recent-events). */
export const RecentEvent = Type.Object({
  id: Type.Integer(),
  messageId: Type.String(),
  receivedAt: Time(),
  userKey: Nullable(Type.String()),
  event: FreeObject,
})

export const RecentEvents = Type.Object({ items: Type.Array(RecentEvent) })

const ReplayCursor = Type.Object({ afterId: Type.Integer(), lastId: Type.Integer() })

export const ReplayAnswer = Type.Object({
  events: Type.Integer({ description: 'Events replayed by this call' }),
  next: Type.Union([ReplayCursor, Type.Null()], { description: 'Send back to go on; null: done' }),
  progress: Type.Union(
    [
      Type.Object({
        firstId: Type.Integer(),
        lastId: Type.Integer(),
        throughId: Type.Integer({ description: 'Event ids up to here are done' }),
      }),
      Type.Null(),
    ],
    { description: 'Where the replay stands in the range of event ids (null: no event in the range)' },
  ),
})

export const WaitingEvents = Type.Object({
  destinationId: Type.String(),
  name: Type.String(),
  from: Time('Received since (epoch ms)'),
  to: Time('Received before (epoch ms): when the destination started receiving'),
  events: Type.Integer({ description: 'Events stored in [from, to) (an upper bound: ids of the range)' }),
})

export const WaitingEventsList = Type.Object({ items: Type.Array(WaitingEvents) })

const Count = { count: Type.Integer() }

export const EventVolume = Type.Object({
  from: Type.Integer({ description: 'Epoch ms' }),
  to: Type.Integer({ description: 'Epoch ms' }),
  total: Type.Integer({ description: 'Events received in the range (replayed copies left out)' }),
  estimated: Type.Boolean({ description: 'True when counted from a sample of the range (too many to read)' }),
  scanned: Type.Integer({ description: 'Events read to count' }),
  bySource: Type.Array(
    Type.Object({ sourceId: Type.String(), name: Type.Union([Type.String(), Type.Null()]), ...Count }),
  ),
  byEvent: Type.Array(
    Type.Object({
      type: Type.String(),
      name: Type.Union([Type.String(), Type.Null()], { description: 'Track event name or page/screen name' }),
      ...Count,
    }),
  ),
  otherEvents: Type.Integer({ description: 'Events beyond the 15 most frequent names' }),
})

// ---- GET /live-events: a text/event-stream; each frame's `data` is one of these.

/** `event: event`: a summary of a new event (the body is at GET /events/:messageId). */
export const LiveEvent = Type.Object({
  id: Type.Integer(),
  messageId: Type.String(),
  receivedAt: Time(),
  sourceId: Type.String(),
  type: Type.String(),
  name: Nullable(Type.String({ description: 'Track event name, page or screen name' })),
  userId: Nullable(Type.String()),
  anonymousId: Nullable(Type.String()),
  size: Type.Integer(),
  replayOf: Nullable(Type.Integer()),
})

/** `event: ready`, once: the filter applied on the server. */
export const LiveReady = Type.Object({
  filter: Type.Object({
    sourceId: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
  }),
})

/** `event: missed`: events not sent to this client (it read too slowly, or the service skipped ahead). */
export const LiveMissed = Type.Object({ count: Type.Integer() })

/** `event: error`: the log cannot be read; the stream ends. */
export const LiveError = Type.Object({ code: Type.String(), message: Type.String() })
