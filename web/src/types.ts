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
  counts: Counts
  warnings?: string[]
}

export interface Preset {
  name: string
  type: 'automatic' | 'specificEvent'
  action: string
  trigger: string | null
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
}

export interface ActionDefinition {
  key: string
  title: string
  description: string
  defaultTrigger: string
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

export interface QueueStat {
  depth: number
  ready: number
  leased: number
  oldestAgeMs: number | null
}

export interface DeadLetter {
  id: number
  destinationId: string
  endpoint: string
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
  payload: unknown
  validation: { ok: boolean; message?: string }
  requests: ShownRequest[]
  responses?: SentResponse[]
}

/** A request the service sent (from the payload it keeps with each job outcome). */
export interface SentRequest extends ShownRequest {
  /** The body was one item of a bulk request, under this list key. */
  bulkItemOf?: string
  followUp?: true
}

/** Per job: its latest outcome and what it sent (null: a routing failure, or an old row). */
export interface EventDelivery {
  destinationId: string
  mappingId: string | null
  mapping: string | null
  action: string
  jobId: number | null
  /** `queued`: in the queue, not attempted yet (`sent` is what will be sent). */
  outcome: OutcomeKind | 'queued'
  at: number
  statusCode: number | null
  errorCode: string | null
  errorMessage: string | null
  outcomeCount: number
  sent: SentRequest[] | null
}

export interface LookedUpEvent {
  id: number
  messageId: string
  receivedAt: number
  userKey: string | null
  event: Record<string, unknown>
  outcomes: Outcome[]
  deliveries: EventDelivery[]
  /** Only for outcomes recorded before the service kept what it sent: the current mappings' plan. */
  replanned: {
    note: string
    matches: Array<{
      mappingId: string
      mapping: string
      action: string
      requests?: ShownRequest[]
      error?: { message: string }
    }>
  } | null
}
