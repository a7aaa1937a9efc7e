// The storage interface shared by every backend (SQLite, PostgreSQL). Everything is async so that a
// network database fits; the SQLite backend simply resolves at once. Times are epoch milliseconds.
// The store knows nothing of Iterable: payloads, settings and fields are opaque JSON.

/** JSON value as stored (objects are serialised once, on the way in). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
/** A JSON value given either already serialised (text) or as a value to serialise. */
export type JsonInput = string | Json | object

// ---------------------------------------------------------------- configuration

export interface Source {
  id: string
  name: string
  /** Last 4 characters of the write key, for display. The key itself: `getSourceWriteKey`. */
  writeKeyHint: string
  createdAt: number
  revokedAt: number | null
}

export interface NewSource {
  id?: string
  name: string
  writeKey: string
  createdAt?: number
}

export interface PausedState {
  reason: string
  since: number
}

export interface Destination {
  id: string
  name: string
  kind: string
  /** Settings without secrets. */
  settings: Record<string, unknown>
  /** Whether an API key is stored (the key itself: `getDestinationApiKey`). */
  hasApiKey: boolean
  enabled: boolean
  paused: PausedState | null
  createdAt: number
  updatedAt: number
}

export interface NewDestination {
  id?: string
  name: string
  kind: string
  settings?: Record<string, unknown>
  apiKey?: string | null
  enabled?: boolean
  createdAt?: number
}

export interface DestinationPatch {
  name?: string
  settings?: Record<string, unknown>
  /** A string sets the key, null removes it, undefined keeps it. */
  apiKey?: string | null
  enabled?: boolean
}

export interface Mapping {
  id: string
  destinationId: string
  name: string
  enabled: boolean
  trigger: string
  action: string
  fields: Record<string, unknown>
  batching: Record<string, unknown> | null
  position: number
  createdAt: number
  updatedAt: number
}

export interface NewMapping {
  id?: string
  destinationId: string
  name: string
  enabled?: boolean
  trigger: string
  action: string
  fields?: Record<string, unknown>
  batching?: Record<string, unknown> | null
  /** Defaults to after the destination's last mapping. */
  position?: number
  createdAt?: number
}

export type MappingPatch = Partial<
  Pick<Mapping, 'name' | 'enabled' | 'trigger' | 'action' | 'fields' | 'batching' | 'position'>
>

// ---------------------------------------------------------------- ingest

export interface IngestEvent {
  messageId: string
  /** The normalised Segment event, as JSON text or a value. */
  body: JsonInput
  /** Size in bytes, counted against the retention size cap. */
  size: number
  /** userId, else email, when the caller knows it: enables `findEventsByUser`. */
  userKey?: string | null
}

/** A stored, non-duplicate event handed to the routing function. */
export interface AcceptedEvent {
  /** Position in `IngestRequest.events`. */
  index: number
  messageId: string
  eventId: number
}

/** A delivery job to enqueue. Jobs are self-contained: the payload is all delivery needs. */
export interface NewJob {
  destinationId: string
  /** Iterable endpoint key, e.g. `users/update` or `events/trackBulk`. With destinationId: the queue. */
  endpoint: string
  mappingId: string | null
  eventId: number | null
  messageId: string
  action: string
  /** User key (userId, else email) used for identify-first ordering; null = unordered. */
  orderingKey?: string | null
  /** Barrier jobs (e.g. Upsert User) hold back LATER non-barrier jobs with the same destination + orderingKey. */
  isBarrier?: boolean
  /** Jobs may share one bulk request only when their batchKey is equal; null = never batched. */
  batchKey?: string | null
  payload: JsonInput
  /** Defaults to now. */
  runAt?: number
}

/** A routing failure (payload failed validation): recorded as a `failed` outcome, never dropped silently. */
export interface RoutingFailure {
  destinationId: string
  mappingId: string | null
  eventId: number | null
  messageId: string
  action: string
  userKey?: string | null
  errorCode: string
  errorMessage: string
}

export interface IngestRouting {
  jobs: NewJob[]
  failures?: RoutingFailure[]
}

export interface IngestRequest {
  sourceId: string
  receivedAt: number
  events: IngestEvent[]
  /**
   * Called inside the ingest transaction with the events that are not duplicates (already
   * stored, ids known). Returns the jobs and routing failures to store in the same transaction.
   * Must be synchronous and must not call the store. Throwing rolls the whole ingest back.
   */
  route?: (accepted: AcceptedEvent[]) => IngestRouting
}

export interface IngestResult {
  accepted: AcceptedEvent[]
  /** messageIds seen within the dedupe window (or repeated within this request): stored as nothing. */
  duplicates: string[]
  jobCount: number
}

// ---------------------------------------------------------------- queue

export interface QueueKey {
  destinationId: string
  endpoint: string
}

/** What a queued job and its dead letter share: the delivery work itself and its history. */
export interface QueuedWork {
  id: number
  destinationId: string
  endpoint: string
  mappingId: string | null
  eventId: number | null
  messageId: string
  action: string
  orderingKey: string | null
  isBarrier: boolean
  batchKey: string | null
  /** The payload as JSON text (opaque to the store; parse or splice it as needed). */
  payload: string
  /** Number of times the job was claimed (incremented by `claim`). */
  attempts: number
  /** When the job was first enqueued (or replayed): the start of its retry window. */
  firstEnqueuedAt: number
  lastError: string | null
}

export interface Job extends QueuedWork {
  runAt: number
  lockedBy: string | null
  lockedUntil: number | null
}

export interface ClaimRequest extends QueueKey {
  limit: number
  workerId: string
  leaseMs: number
  now?: number
}

export interface CompleteInfo {
  statusCode?: number | null
  at?: number
}

export interface RescheduleInfo {
  runAt: number
  errorMessage: string
  errorCode?: string | null
  statusCode?: number | null
  at?: number
}

export interface DeadLetterInfo {
  reason: string
  code: string
  statusCode?: number | null
  at?: number
}

export interface QueueStats extends QueueKey {
  /** All jobs in the queue (ready, waiting for runAt, or leased). */
  depth: number
  /** Jobs due now and not leased (barrier-held jobs included). */
  ready: number
  leased: number
  /** firstEnqueuedAt of the oldest job, or null when empty. */
  oldestEnqueuedAt: number | null
}

// ---------------------------------------------------------------- outcomes and attempts

export type OutcomeKind = 'delivered' | 'failed' | 'retrying' | 'dead'

export interface Outcome {
  id: number
  at: number
  outcome: OutcomeKind
  destinationId: string
  mappingId: string | null
  action: string
  eventId: number | null
  messageId: string
  userKey: string | null
  jobId: number | null
  statusCode: number | null
  errorCode: string | null
  errorMessage: string | null
  /**
   * What the job sends (its payload, JSON text as in `NewJob.payload`), copied when the job's outcome
   * is logged; null for outcomes without a job (routing failures) and rows from before schema 2.
   */
  payload: string | null
}

export interface OutcomeCountQuery {
  from: number
  to: number
  bucketMs: number
  destinationId?: string
}

export interface OutcomeCount {
  bucketStart: number
  destinationId: string
  mappingId: string | null
  action: string
  outcome: OutcomeKind
  count: number
}

export interface StoredEvent {
  id: number
  sourceId: string
  messageId: string
  receivedAt: number
  size: number
  userKey: string | null
  /** The event as JSON text. */
  body: string
}

/** Stored events received in [from, to) (epoch ms; each bound optional). */
export interface EventTimeRange {
  from?: number
  to?: number
}

/** Stored events in id order, for a replay: page with afterId, bounded by eventIdRange's lastId. */
export interface EventListQuery extends EventTimeRange {
  sourceId?: string
  /** Only events with a larger id (paging: the last id of the previous page). */
  afterId?: number
  /** Only events up to this id (the range's last, so no page reads past the range). */
  lastId?: number
  limit: number
}

export interface EventLookup {
  /** Every stored copy (one per source that sent this messageId), oldest first. */
  events: StoredEvent[]
  /** Every recorded outcome of those stored events, oldest first (found by event id). */
  outcomes: Outcome[]
}

export interface OutcomeQuery {
  destinationId?: string
  outcome?: OutcomeKind
  messageId?: string
  jobId?: number
  /** Return outcomes with id < before (pagination, newest first). */
  before?: number
  limit?: number
}

export interface NewAttempt {
  destinationId: string
  endpoint: string
  /** Request body, API key already redacted by the caller. Never pass headers carrying keys. */
  requestBody: string
  responseStatus: number | null
  responseBody: string | null
  durationMs: number
  jobCount: number
  error?: string | null
  at?: number
}

export interface Attempt extends Required<Omit<NewAttempt, 'error' | 'at'>> {
  id: number
  at: number
  error: string | null
}

export interface AttemptQuery {
  destinationId?: string
  endpoint?: string
  /** Return attempts with id < before (pagination, newest first). */
  before?: number
  limit?: number
}

// ---------------------------------------------------------------- dead letters

export interface DeadLetter extends QueuedWork {
  jobId: number
  reason: string
  code: string
  statusCode: number | null
  deadAt: number
  replayedAt: number | null
}

export interface DeadLetterFilter {
  destinationId?: string
  mappingId?: string
  /** deadAt >= from */
  from?: number
  /** deadAt < to */
  to?: number
  code?: string
  /** Substring of the reason. */
  reasonContains?: string
  /** Include dead letters already replayed (default false). */
  includeReplayed?: boolean
}

export interface DeadLetterPage {
  items: DeadLetter[]
  /** Pass as `after` to get the next page; null at the end. */
  nextCursor: number | null
}

export type ReplaySelector = { ids: number[] } | { filter: DeadLetterFilter }

// ---------------------------------------------------------------- retention

export interface PruneResult {
  events: number
  dedupeKeys: number
  outcomes: number
  attempts: number
}

export interface StoreLimits {
  /** Duplicate messageIds within this window are dropped. Default 24 h. */
  dedupeWindowMs: number
  /** Stored events are kept this long for replay and lookup. Default 7 days. */
  eventRetentionMs: number
  /** And at most this many bytes (sum of `IngestEvent.size`). Default 1 GiB. */
  maxEventBytes: number
  /** Outcome log: kept this long and at most this many rows. Defaults 7 days, 2,000,000. */
  outcomeRetentionMs: number
  maxOutcomeRows: number
  /** Attempts log: at most this many rows and bytes (bodies). Defaults 10,000 rows, 64 MiB. */
  maxAttemptRows: number
  maxAttemptBytes: number
  /** Request/response bodies longer than this are truncated in the attempts log. Default 64 KiB. */
  maxAttemptBodyBytes: number
}

// ---------------------------------------------------------------- the interface

export interface Store {
  readonly kind: 'sqlite' | 'postgres'
  readonly limits: StoreLimits

  // sources
  createSource(input: NewSource): Promise<Source>
  getSource(id: string): Promise<Source | null>
  listSources(): Promise<Source[]>
  /** The active (not revoked) source whose write key this is; an indexed lookup by key hash. */
  findSourceByWriteKey(writeKey: string): Promise<Source | null>
  getSourceWriteKey(id: string): Promise<string | null>
  revokeSource(id: string, at?: number): Promise<boolean>
  deleteSource(id: string): Promise<boolean>

  // destinations
  createDestination(input: NewDestination): Promise<Destination>
  getDestination(id: string): Promise<Destination | null>
  listDestinations(): Promise<Destination[]>
  updateDestination(id: string, patch: DestinationPatch): Promise<Destination | null>
  /** Pause with a reason (e.g. 401 from Iterable) or resume with null. */
  setDestinationPaused(id: string, paused: PausedState | null): Promise<boolean>
  /** The decrypted API key, or null when none is set. */
  getDestinationApiKey(id: string): Promise<string | null>
  /** Deletes the destination and its mappings (not its jobs or logs). */
  deleteDestination(id: string): Promise<boolean>

  // mappings
  createMapping(input: NewMapping): Promise<Mapping>
  getMapping(id: string): Promise<Mapping | null>
  /** Ordered by destination, then position. */
  listMappings(destinationId?: string): Promise<Mapping[]>
  countMappings(destinationId: string): Promise<number>
  updateMapping(id: string, patch: MappingPatch): Promise<Mapping | null>
  deleteMapping(id: string): Promise<boolean>

  // ingest: one transaction per call
  ingest(request: IngestRequest): Promise<IngestResult>

  // queue
  enqueue(jobs: NewJob[], now?: number): Promise<number[]>
  claim(request: ClaimRequest): Promise<Job[]>
  /** Delivered: removes the jobs, logs `delivered` outcomes. Returns how many jobs were removed. */
  complete(jobIds: number[], info?: CompleteInfo): Promise<number>
  /** Retry later: sets runAt and lastError, releases the lease, logs `retrying` outcomes. */
  reschedule(jobIds: number[], info: RescheduleInfo): Promise<number>
  /** Gives the lease back without counting an attempt (graceful shutdown). */
  release(jobIds: number[]): Promise<number>
  /** Moves the jobs to the dead letters, logs `dead` outcomes. */
  deadLetter(jobIds: number[], info: DeadLetterInfo): Promise<number>
  /** Clears expired leases so the jobs can be claimed again. Returns how many. */
  reclaimExpired(now?: number): Promise<number>
  listQueues(): Promise<QueueKey[]>
  queueStats(now?: number): Promise<QueueStats[]>
  /** Earliest time a job of this queue may become claimable (a hint: barriers may still hold it). */
  nextRunAt(queue: QueueKey): Promise<number | null>
  /**
   * Makes the queue's jobs waiting for a retry due now (after Iterable answered again following an
   * outage, their backoff has lost its reason). Leased and held jobs are left alone. Returns how many.
   */
  expedite(queue: QueueKey, now?: number): Promise<number>
  getJob(id: number): Promise<Job | null>
  /** The jobs of these events still in the queue (waiting, leased or waiting for a retry). */
  jobsOfEvents(eventIds: readonly number[]): Promise<Job[]>

  // outcomes, events, attempts
  /** Adds outcome rows directly (e.g. per-event results a bulk response reports). */
  recordOutcomes(outcomes: Omit<Outcome, 'id' | 'payload'>[]): Promise<void>
  outcomeCounts(query: OutcomeCountQuery): Promise<OutcomeCount[]>
  /** The stored event(s) with this messageId and their outcomes; empty once the event is pruned. */
  lookupEvent(messageId: string): Promise<EventLookup>
  /** Newest outcomes first, optionally filtered (a scan from the newest row: keep limits small). */
  listOutcomes(query?: OutcomeQuery): Promise<Outcome[]>
  /** Newest first. Not indexed (keeps ingest fast): scans the size-capped events table. */
  findEventsByUser(userKey: string, limit?: number): Promise<StoredEvent[]>
  /** The first and last event id of a time range (one read of events_by_time); null when empty. */
  eventIdRange(range: EventTimeRange): Promise<{ firstId: number; lastId: number } | null>
  /** Stored events of a time range in id order, read by id range (cheap pages at any table size). */
  listEvents(query: EventListQuery): Promise<StoredEvent[]>
  recordAttempt(attempt: NewAttempt): Promise<number>
  listAttempts(query?: AttemptQuery): Promise<Attempt[]>

  // dead letters
  listDeadLetters(
    filter?: DeadLetterFilter,
    page?: { after?: number; limit?: number },
  ): Promise<DeadLetterPage>
  getDeadLetter(id: number): Promise<DeadLetter | null>
  /** New ready jobs (attempts 0, firstEnqueuedAt = now); the dead letters are marked replayed. */
  replayDeadLetters(selector: ReplaySelector, now?: number): Promise<number>
  discardDeadLetters(selector: ReplaySelector): Promise<number>

  // retention
  prune(options?: { now?: number }): Promise<PruneResult>

  close(): Promise<void>
}
