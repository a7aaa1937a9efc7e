// Segment spec v1 events: TypeBox schemas and types, validation with precise messages, normalisation.
export {
  AliasEventSchema,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  GroupEventSchema,
  IdentifyEventSchema,
  PageEventSchema,
  ScreenEventSchema,
  TrackEventSchema,
} from './schemas.js'
export type {
  AliasEvent,
  EventType,
  GroupEvent,
  IdentifyEvent,
  NormalizedEvent,
  PageEvent,
  ScreenEvent,
  SegmentEvent,
  SegmentId,
  TrackEvent,
} from './schemas.js'
export { validateEvent } from './validate.js'
export type { EventError, EventValidationResult } from './validate.js'
export { NORMALIZED_FIELDS, generateMessageId, normalizeEvent } from './normalize.js'
export type { NormalizeOptions } from './normalize.js'
export { parseIsoDate } from './iso-date.js'
export { eventJson, normalizedJson, rememberEventJson } from './json-text.js'
export { eventUserKey } from './user-key.js'
