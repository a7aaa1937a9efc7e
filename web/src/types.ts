// Shapes of the admin API's answers the UI reads (docs/admin-api.md).
export type OutcomeKind = 'delivered' | 'failed' | 'retrying' | 'dead'
export type Counts = Record<OutcomeKind, number>

export interface ApiKeyView {
  set: boolean
  hint: string | null
}

export interface Destination {
  id: string
  name: string
  enabled: boolean
  settings: { apiKey: ApiKeyView; dataCenterLocation?: string; projectType?: string }
  paused: { reason: string; since: number } | null
  state: string
  baseUrl: string
}

export interface SettingDefinition {
  key: string
  label: string
  description?: string
  choices?: Array<{ label: string; value: string }>
  default?: string
}

export interface Mapping {
  id: string
  destinationId: string
  name: string
  enabled: boolean
  trigger: string
  action: string
  fields: Record<string, unknown>
  /** Explicit batching (null: from the fields, or the action's default). */
  batching?: { enabled?: boolean; size?: number } | null
  counts: Counts
  warnings?: string[]
}

export interface Preset {
  name: string
  type: 'automatic' | 'specificEvent' | 'optional'
  action: string
  trigger: string | null
  /** Segment's specific event the preset is for (specificEvent presets have no trigger of their own). */
  eventSlug?: string
  /** The preset's field mapping (the draft a new mapping starts from). */
  fields: Record<string, unknown>
}

export interface FieldDefinition {
  key: string
  label: string
  description: string | null
  type: string
  required: boolean
  multiple: boolean
  hidden?: boolean
  choices?: Array<{ label: string; value: string | number }>
  properties?: FieldDefinition[]
  /** Choices fetched from Iterable (a subscription's group id, a list id). */
  dynamic?: boolean
}

export interface ActionDefinition {
  key: string
  title: string
  description: string
  defaultTrigger: string
  /** The action has a bulk endpoint: its events may be sent in batches. */
  batching: boolean
  /** The largest batch Iterable takes for it. */
  maxBatchSize?: number
  fields: FieldDefinition[]
}

export interface TriggerValidation {
  ok: boolean
  canonical?: string
  warnings?: string[]
  error?: {
    message: string
    position?: number
    line?: number
    column?: number
    expected?: string
    found?: string
  }
}

export interface OutcomeCount {
  bucketStart: number
  mappingId: string | null
  action: string
  outcome: OutcomeKind
  count: number
}

export interface Outcome {
  id: number
  at: number
  outcome: OutcomeKind
  destinationId: string
  mappingId: string | null
  action: string
  messageId: string
  userKey: string | null
  statusCode: number | null
  errorCode: string | null
  errorMessage: string | null
}

/** Unfinished work of a destination: its log backlog (endpoint "log") or its parked items of one endpoint. */
// The cluster view's type is the admin API's own schema (src/server/admin/cluster-schema.ts).
export type { ClusterView } from '../../src/server/admin/cluster-schema'

export interface QueueStat {
  destinationId: string
  endpoint: string
  depth: number
  oldestAgeMs: number | null
}

export interface DeadLetter {
  id: number
  destinationId: string
  lane: string
  mappingId: string | null
  messageId: string
  action: string
  attempts: number
  lastError: string | null
  reason: string
  code: string
  statusCode: number | null
  deadAt: number
  replayedAt: number | null
  /** The field Iterable named as the cause (a field type it refused). */
  field: string | null
  /** The request(s) it sends to Iterable (its body, or its item of a bulk body). */
  sent: SentRequest[] | null
}

/** Alike dead letters (GET /dead-letters/groups); replayed or discarded with `{ group }`. */
export interface DeadLetterGroup {
  destination: string
  mapping: string | null
  action: string
  code: string
  reason: string
  field: string | null
  count: number
  firstDeadAt: number
  lastDeadAt: number
}

export interface ShownRequest {
  method: string
  url: string
  body: unknown
}

export interface SentResponse {
  url: string
  status: number | null
  ok: boolean
  outcome: string
  body: unknown
  durationMs: number
}

export interface TestResult {
  mappingId: string | null
  mapping: string
  action: string
  matched: boolean
  /** The trigger failed on this event (it is then not matched). */
  triggerError: { code: string; message: string } | null
  payload: unknown
  validation: { ok: boolean; message?: string }
  requests: ShownRequest[]
  responses?: SentResponse[]
}

/** A request an item sends (or sent). */
export interface SentRequest extends ShownRequest {
  /** The body is one item of a bulk request, under this list key. */
  bulkItemOf?: string
  followUp?: true
}

/** A request to Iterable that carried the item. */
export interface ItemRequest {
  id: number
  at: number
  endpoint: string
  status: number | null
  durationMs: number
  items: number
  error: string | null
}

/** What happened to one item (one mapping's delivery) of the event. */
export interface EventDelivery {
  destinationId: string
  mappingId: string | null
  mapping: string | null
  action: string
  ordinal: number
  /**
   * `held`: waiting behind an earlier item of the same user; `queued`: not sent yet (`sent` is what
   * will be sent).
   */
  outcome: OutcomeKind | 'held' | 'queued'
  at: number
  nextAttemptAt: number | null
  attempts: number
  statusCode: number | null
  errorCode: string | null
  errorMessage: string | null
  outcomeCount: number
  sent: SentRequest[] | null
  requests: ItemRequest[]
  /** Final without a request going out for it (e.g. a field type Iterable refused earlier). */
  notSent: boolean
}

export interface LookedUpEvent {
  id: number
  messageId: string
  receivedAt: number
  userKey: string | null
  event: Record<string, unknown>
  outcomes: Outcome[]
  deliveries: EventDelivery[]
  /** Set when the event's configuration revision is gone: its items as the current mappings route it. */
  replanned: { note: string } | null
  /** Destinations it reached no one at on arrival (no API key, or disabled, then): sent only by a replay. */
  waitingForReplay: { destinationId: string; name: string }[]
}

/** A source as the admin API lists it: its write key only as a hint (`…abcd`). */
export interface Source {
  id: string
  name: string
  writeKeyHint: string
  active: boolean
  createdAt: number
  revokedAt: number | null
}

/** The answer to create or rotate: the only time the full write key is shown. */
export interface NewWriteKey {
  source: Source
  writeKey: string
  replaces?: string
}

/** Events received while a destination that delivers now received nothing: they wait for a replay. */
export interface WaitingEvents {
  destinationId: string
  name: string
  from: number
  to: number
  events: number
}

/** One call of an event replay: `next` to go on (null: done), and where it stands. */
export interface ReplayAnswer {
  events: number
  next: { afterId: number; lastId: number } | null
  progress: { firstId: number; lastId: number; throughId: number } | null
}

// ---- Live events and event volume (GET /live-events, GET /event-volume)

/** A new event as the live stream shows it (a summary; the body is on its lookup page). */
export interface LiveEvent {
  id: number
  messageId: string
  receivedAt: number
  sourceId: string
  type: string
  name: string | null
  userId: string | null
  anonymousId: string | null
  size: number
  replayOf: number | null
}

export interface EventVolume {
  from: number
  to: number
  total: number
  estimated: boolean
  scanned: number
  bySource: Array<{ sourceId: string; name: string | null; count: number }>
  byEvent: Array<{ type: string; name: string | null; count: number }>
  otherEvents: number
}

/** A stored event (GET /recent-events). */
export interface RecentEvent {
  id: number
  messageId: string
  receivedAt: number
  userKey: string | null
  event: Record<string, unknown>
}
