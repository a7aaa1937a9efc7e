// Turns a parsed request body into the events handed to the sink: route type, batch defaults,
// size limits, then the engine's validation and normalisation. Throws an IngestError (4xx) when
// the whole request is wrong; collects per-event rejections for batches.
import type { EventType, NormalizedEvent, SegmentEvent } from '../../engine/event/index.js'
import { normalizeEvent, normalizedJson, rememberEventJson, validateEvent } from '../../engine/event/index.js'
import { nonFiniteMessage } from '../json-inspect.js'
import { IngestError, describeBytes } from './errors.js'
import type { IngestLimits } from './options.js'
import { RejectionList, type Rejection } from './rejections.js'
import { EVENTS_PER_TURN, runAtOnce, type Steps } from './turns.js'

export interface PreparedEvents {
  events: NormalizedEvent[]
  /** Raw JSON size of each accepted event, same order as events. */
  sizes: number[]
  /** Each accepted event's index in the request (0 for a single event), same order as events. */
  indices: number[]
  /** The first rejected events, as many as the answer has room for (rejections.ts). */
  rejected: Rejection[]
  /** How many events were rejected in all. */
  rejectedCount: number
}

type JsonObject = Record<string, unknown>

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/** Batch-level fields Segment applies to each event of the batch. */
interface BatchDefaults {
  context?: JsonObject
  integrations?: JsonObject
  sentAt?: unknown
}

/**
 * The event as the engine should see it: the route's type when absent, batch defaults merged
 * (the event's own values win), the transport-only `writeKey` removed. The input is copied only
 * when something changes, never mutated.
 */
function eventInput(
  raw: JsonObject,
  routeType: EventType | undefined,
  defaults: BatchDefaults | undefined,
): JsonObject {
  const addType = routeType !== undefined && raw.type === undefined
  const context = defaults?.context !== undefined && (raw.context === undefined || isObject(raw.context))
  const integrations =
    defaults?.integrations !== undefined && (raw.integrations === undefined || isObject(raw.integrations))
  const sentAt = defaults?.sentAt !== undefined && raw.sentAt === undefined
  if (!addType && !context && !integrations && !sentAt && !('writeKey' in raw)) return raw

  const { writeKey: _writeKey, ...event } = raw
  if (addType) event.type = routeType
  if (context) event.context = { ...defaults.context, ...(raw.context as JsonObject | undefined) }
  if (integrations)
    event.integrations = { ...defaults.integrations, ...(raw.integrations as JsonObject | undefined) }
  if (sentAt) event.sentAt = defaults.sentAt
  return event
}

type Processed = { ok: true; event: NormalizedEvent } | { ok: false; error: string }

function processEvent(input: JsonObject, receivedAt: Date): Processed {
  const checked = validateEvent(input)
  if (!checked.ok) {
    // The engine's messages name the field themselves.
    return { ok: false, error: checked.errors.map((e) => e.message).join('; ') }
  }
  return { ok: true, event: normalizeEvent(checked.event, { receivedAt }) }
}

function tooLargeMessage(size: number, limit: number): string {
  return `event is ${size} bytes, over the limit of ${describeBytes(limit)} per event`
}

/** A single-event route: `raw` is the parsed body, `size` its length in bytes. */
export function prepareSingle(
  raw: unknown,
  size: number,
  routeType: EventType,
  path: string,
  limits: IngestLimits,
  receivedAt: Date,
): PreparedEvents {
  if (!isObject(raw)) {
    throw new IngestError(
      400,
      'not_an_object',
      `request body must be a JSON object (one event), got ${describeJsonType(raw)}`,
    )
  }
  if (size > limits.maxEventBytes) {
    throw new IngestError(400, 'event_too_large', tooLargeMessage(size, limits.maxEventBytes))
  }
  if (raw.type !== undefined && raw.type !== routeType) {
    throw new IngestError(
      400,
      'type_mismatch',
      `event type ${JSON.stringify(raw.type)} does not match the route ${path}, which takes "${routeType}" events`,
    )
  }
  const result = processEvent(eventInput(raw, routeType, undefined), receivedAt)
  if (!result.ok) throw new IngestError(400, 'invalid_event', result.error)
  return { events: [result.event], sizes: [size], indices: [0], rejected: [], rejectedCount: 0 }
}

function batchDefaults(body: JsonObject): BatchDefaults {
  const { context, integrations, sentAt } = body
  if (context !== undefined && !isObject(context)) {
    throw new IngestError(400, 'invalid_batch', `context must be an object, got ${describeJsonType(context)}`)
  }
  if (integrations !== undefined && !isObject(integrations)) {
    throw new IngestError(
      400,
      'invalid_batch',
      `integrations must be an object, got ${describeJsonType(integrations)}`,
    )
  }
  return { context, integrations, sentAt }
}

/** prepareBatchSteps run at once. */
export function prepareBatch(...args: Parameters<typeof prepareBatchSteps>): PreparedEvents {
  return runAtOnce(prepareBatchSteps(...args))
}

/** What the batch route knows of the request besides its parsed body. */
export interface BatchRequestFacts {
  /** The events holding a number that overflowed to Infinity (index → where). */
  nonFinite?: ReadonlyMap<number, string>
  /** The request body's size in bytes: the answer's list of rejections stays within it. */
  requestBytes?: number
}

/**
 * A batch route, pausing every EVENTS_PER_TURN events (turns.ts): `raw` is the parsed body, `sizes`
 * the raw size of each element of its batch (measured from the parsed element when unknown),
 * `texts` the JSON text each element was parsed from when known (see ParsedBatchBody.texts): an
 * event that needs no change before normalisation gets its stored JSON from that text (eventJson)
 * rather than from JSON.stringify later.
 */
export function* prepareBatchSteps(
  raw: unknown,
  sizes: readonly number[] | undefined,
  limits: IngestLimits,
  receivedAt: Date,
  texts?: readonly (string | undefined)[],
  facts: BatchRequestFacts = {},
): Steps<PreparedEvents> {
  if (!isObject(raw)) {
    throw new IngestError(
      400,
      'not_an_object',
      `request body must be a JSON object {"batch": [...]}, got ${describeJsonType(raw)}`,
    )
  }
  const batch = raw.batch
  if (batch === undefined) {
    throw new IngestError(400, 'invalid_batch', 'missing "batch": send {"batch": [event, ...]}')
  }
  if (!Array.isArray(batch)) {
    throw new IngestError(
      400,
      'invalid_batch',
      `"batch" must be an array of events, got ${describeJsonType(batch)}`,
    )
  }
  if (batch.length === 0)
    throw new IngestError(400, 'empty_batch', '"batch" is empty: send at least one event')
  const defaults = batchDefaults(raw)

  if (sizes !== undefined && sizes.length !== batch.length) sizes = undefined
  if (texts !== undefined && texts.length !== batch.length) texts = undefined
  const events: NormalizedEvent[] = []
  const eventSizes: number[] = []
  const indices: number[] = []
  const rejections = new RejectionList(facts.requestBytes)

  for (let index = 0; index < batch.length; index++) {
    if (index % EVENTS_PER_TURN === EVENTS_PER_TURN - 1) yield
    const item: unknown = batch[index]
    const reject = (error: string): void => {
      const messageId = isObject(item) && typeof item.messageId === 'string' ? item.messageId : null
      rejections.add({ index, messageId, error })
    }
    if (!isObject(item)) {
      reject(`event must be a JSON object, got ${describeJsonType(item)}`)
      continue
    }
    const overflowed = facts.nonFinite?.get(index)
    if (overflowed !== undefined) {
      reject(nonFiniteMessage(overflowed))
      continue
    }
    const size = sizes !== undefined ? sizes[index] : Buffer.byteLength(JSON.stringify(item))
    if (size > limits.maxEventBytes) {
      reject(tooLargeMessage(size, limits.maxEventBytes))
      continue
    }
    const input = eventInput(item, undefined, defaults)
    const result = processEvent(input, receivedAt)
    if (!result.ok) {
      reject(result.error)
      continue
    }
    const text = input === item ? texts?.[index] : undefined
    if (text !== undefined) {
      rememberEventJson(result.event, normalizedJson(text, input as SegmentEvent, result.event))
    }
    events.push(result.event)
    eventSizes.push(size)
    indices.push(index)
  }

  if (events.length === 0) {
    throw new IngestError(
      400,
      'all_events_rejected',
      `every event of the batch was rejected (${batch.length})`,
      { rejected: rejections.listed, rejectedCount: rejections.count },
    )
  }
  return {
    events,
    sizes: eventSizes,
    indices,
    rejected: rejections.listed,
    rejectedCount: rejections.count,
  }
}
