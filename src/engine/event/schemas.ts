// Segment spec v1 events as TypeBox schemas: the runtime shape checks and the static types come from
// the same definitions. Every object allows unknown keys (they are kept), as Segment's API does.
// Semantic rules TypeBox cannot state well (userId-or-anonymousId, ISO-8601 dates) live in validate.ts.

import { Type } from '@sinclair/typebox'
import type { Static, TObject, TProperties } from '@sinclair/typebox'

export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const
export type EventType = (typeof EVENT_TYPES)[number]

/** User and anonymous ids: Segment accepts strings and numbers (kept as sent); analytics.js sends null. */
const NullableId = Type.Union([Type.String(), Type.Number(), Type.Null()])
/** A non-empty id, for the ids an event type cannot do without (groupId, previousId). */
const RequiredId = Type.Union([Type.String({ minLength: 1 }), Type.Number()])
const Dict = Type.Object({}, { additionalProperties: true })
/** ISO-8601 text; the date itself is checked in validate.ts. */
const DateText = Type.String()
const NullableText = Type.Union([Type.String(), Type.Null()])

const commonProperties = {
  messageId: Type.Optional(Type.String()),
  userId: Type.Optional(NullableId),
  anonymousId: Type.Optional(NullableId),
  timestamp: Type.Optional(DateText),
  sentAt: Type.Optional(DateText),
  receivedAt: Type.Optional(DateText),
  originalTimestamp: Type.Optional(DateText),
  context: Type.Optional(Dict),
  integrations: Type.Optional(Dict),
  _metadata: Type.Optional(Dict),
  version: Type.Optional(Type.Union([Type.Number(), Type.String()])),
  channel: Type.Optional(Type.String()),
  writeKey: Type.Optional(Type.String()),
}

function eventSchema<T extends EventType, P extends TProperties>(type: T, properties: P) {
  return Type.Object(
    { ...commonProperties, ...properties, type: Type.Literal(type) },
    { additionalProperties: true },
  )
}

export const TrackEventSchema = eventSchema('track', {
  event: Type.String({ minLength: 1 }),
  properties: Type.Optional(Dict),
})
export const IdentifyEventSchema = eventSchema('identify', { traits: Type.Optional(Dict) })
export const PageEventSchema = eventSchema('page', {
  name: Type.Optional(NullableText),
  category: Type.Optional(NullableText),
  properties: Type.Optional(Dict),
})
export const ScreenEventSchema = eventSchema('screen', {
  name: Type.Optional(NullableText),
  category: Type.Optional(NullableText),
  properties: Type.Optional(Dict),
})
export const GroupEventSchema = eventSchema('group', { groupId: RequiredId, traits: Type.Optional(Dict) })
export const AliasEventSchema = eventSchema('alias', { previousId: RequiredId })

export const EVENT_SCHEMAS: Record<EventType, TObject> = {
  track: TrackEventSchema,
  identify: IdentifyEventSchema,
  page: PageEventSchema,
  screen: ScreenEventSchema,
  group: GroupEventSchema,
  alias: AliasEventSchema,
}

/** Unknown keys are kept; this index signature lets code read them without casts. */
type WithUnknownKeys<T> = T & { [key: string]: unknown }

export type TrackEvent = WithUnknownKeys<Static<typeof TrackEventSchema>>
export type IdentifyEvent = WithUnknownKeys<Static<typeof IdentifyEventSchema>>
export type PageEvent = WithUnknownKeys<Static<typeof PageEventSchema>>
export type ScreenEvent = WithUnknownKeys<Static<typeof ScreenEventSchema>>
export type GroupEvent = WithUnknownKeys<Static<typeof GroupEventSchema>>
export type AliasEvent = WithUnknownKeys<Static<typeof AliasEventSchema>>
export type SegmentEvent = TrackEvent | IdentifyEvent | PageEvent | ScreenEvent | GroupEvent | AliasEvent
export type SegmentId = string | number

/** An event after normalizeEvent: id and times are always set. */
export type NormalizedEvent = SegmentEvent & { messageId: string; timestamp: string; receivedAt: string }
