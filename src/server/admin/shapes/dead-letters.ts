// Answers of the dead-letter routes: a dead letter with its payload as JSON and the request(s) it
// sends; groups of alike ones; how many a replay or discard touched.
import { Type } from '@sinclair/typebox'
import { Nullable, SentRequest, Time } from './common.js'
import { StoredEvent } from './events.js'

const deadLetterProperties = {
  id: Type.Integer(),
  destinationId: Type.String(),
  eventId: Type.Integer(),
  ordinal: Type.Integer(),
  messageId: Type.String(),
  mappingId: Nullable(Type.String()),
  action: Type.String(),
  lane: Type.String({ description: 'The endpoint it is sent to' }),
  keys: Type.Array(Type.String(), { description: 'Ordering keys of its user(s)' }),
  payload: Type.Unknown({ description: 'What it sends (JSON; the stored text when it is not JSON)' }),
  attempts: Type.Integer(),
  firstEnqueuedAt: Time(),
  lastError: Nullable(Type.String()),
  reason: Type.String(),
  code: Type.String({ description: 'Failure code, e.g. HTTP_400' }),
  statusCode: Nullable(Type.Integer()),
  deadAt: Time(),
  field: Nullable(Type.String({ description: 'The field Iterable named as the cause' })),
  replayedAt: Nullable(Time()),
  sent: Nullable(Type.Array(SentRequest, { description: 'The request(s) it sends to Iterable' })),
}

export const DeadLetter = Type.Object(deadLetterProperties)

export const DeadLetterPage = Type.Object({
  items: Type.Array(DeadLetter),
  nextCursor: Nullable(Type.Integer({ description: 'Pass as `after` for the next page' })),
  total: Type.Integer({ description: 'Dead letters the filter matches (all pages)' }),
})

/** Inspect: the dead letter and the stored event it came from (null once pruned). */
export const DeadLetterDetail = Type.Object({
  ...deadLetterProperties,
  event: Nullable(StoredEvent),
})

/** Alike dead letters; replayed or discarded with `{ group }`. */
export const DeadLetterGroup = Type.Object({
  destination: Type.String(),
  mapping: Nullable(Type.String()),
  action: Type.String(),
  code: Type.String(),
  reason: Type.String(),
  field: Nullable(Type.String()),
  count: Type.Integer(),
  firstDeadAt: Time(),
  lastDeadAt: Time(),
})

export const DeadLetterGroups = Type.Object({
  items: Type.Array(DeadLetterGroup),
  total: Type.Integer({ description: 'Dead letters the filter matches' }),
})

export const Replayed = Type.Object({ replayed: Type.Integer() })
export const Discarded = Type.Object({ discarded: Type.Integer() })
