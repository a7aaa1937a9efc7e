// validateEvent: is this a Segment spec v1 event we can accept? The shape checks are TypeBox schemas
// compiled once per event type; the messages say which field is wrong and how, so that an ingest
// 4xx names the problem (`track event needs a non-empty "event" string`, `"properties" must be an
// object, got array`, …). Validation never modifies or copies the input.

import { Kind } from '@sinclair/typebox'
import type { TObject, TSchema } from '@sinclair/typebox'
import { TypeCompiler, ValueErrorType } from '@sinclair/typebox/compiler'
import type { TypeCheck } from '@sinclair/typebox/compiler'
import { parseIsoDate } from './iso-date.js'
import { EVENT_SCHEMAS, EVENT_TYPES } from './schemas.js'
import type { EventType, SegmentEvent } from './schemas.js'

export interface EventError {
  /** JSON pointer of the offending field (`''` = the event as a whole). */
  path: string
  message: string
}

export type EventValidationResult = { ok: true; event: SegmentEvent } | { ok: false; errors: EventError[] }

const CHECKERS = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, TypeCompiler.Compile(EVENT_SCHEMAS[type])]),
) as Record<EventType, TypeCheck<TObject>>

/** Fields an event type cannot do without, with the sentence that says so. */
const REQUIRED_FIELD_MESSAGES: Partial<Record<EventType, Record<string, string>>> = {
  track: { '/event': 'track event needs a non-empty "event" string' },
  group: { '/groupId': 'group event needs a non-empty "groupId" (a string or a number)' },
  alias: { '/previousId': 'alias event needs a non-empty "previousId" (a string or a number)' },
}

const DATE_FIELDS = ['timestamp', 'sentAt', 'originalTimestamp', 'receivedAt'] as const
const TYPE_LIST = EVENT_TYPES.map((type) => `"${type}"`).join(', ')

function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value)
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

/** A value quoted for a message, cut short so a huge field never floods a response or a log. */
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

function expected(schema: TSchema): string {
  switch (schema[Kind]) {
    case 'String':
      return 'a string'
    case 'Number':
      return 'a number'
    case 'Null':
      return 'null'
    case 'Object':
    case 'Record':
      return 'an object'
    case 'Literal':
      return quote(schema.const)
    case 'Union': {
      const options = (schema.anyOf as TSchema[]).map(expected)
      return options.length <= 2
        ? options.join(' or ')
        : `${options.slice(0, -1).join(', ')} or ${options[options.length - 1]}`
    }
    default:
      return String(schema[Kind]).toLowerCase()
  }
}

function isAbsentId(value: unknown): boolean {
  return value === undefined || value === null || value === ''
}

function shapeErrors(type: EventType, event: Record<string, unknown>): EventError[] {
  const errors: EventError[] = []
  const seen = new Set<string>()
  const overrides = REQUIRED_FIELD_MESSAGES[type] ?? {}
  for (const error of CHECKERS[type].Errors(event)) {
    // Only top-level fields are typed; the first error of a path says it best.
    const path = error.path
    if (seen.has(path)) continue
    seen.add(path)
    const field = path.slice(1)
    let message = overrides[path]
    if (message === undefined) {
      message =
        error.type === ValueErrorType.ObjectRequiredProperty
          ? `${type} event needs "${field}"`
          : `"${field}" must be ${expected(error.schema)}, got ${kindOf(error.value)}`
    }
    errors.push({ path, message })
  }
  return errors
}

export function validateEvent(input: unknown): EventValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ path: '', message: `event must be a JSON object, got ${kindOf(input)}` }] }
  }
  const event = input as Record<string, unknown>
  const type = event.type
  if (!isEventType(type)) {
    const message =
      type === undefined
        ? `event needs a "type" (one of ${TYPE_LIST})`
        : `"type" must be one of ${TYPE_LIST}, got ${quote(type)}`
    return { ok: false, errors: [{ path: '/type', message }] }
  }

  const errors = CHECKERS[type].Check(event) ? [] : shapeErrors(type, event)
  if (isAbsentId(event.userId) && isAbsentId(event.anonymousId)) {
    errors.push({ path: '', message: `${type} event needs "userId" or "anonymousId"` })
  }
  for (const field of DATE_FIELDS) {
    const value = event[field]
    if (typeof value === 'string' && Number.isNaN(parseIsoDate(value))) {
      errors.push({ path: `/${field}`, message: `"${field}" is not an ISO-8601 date: ${quote(value)}` })
    }
  }
  return errors.length === 0 ? { ok: true, event: event as SegmentEvent } : { ok: false, errors }
}
