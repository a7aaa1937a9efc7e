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

// ---------------------------------------------------------------- configuration revisions

/**
 * An immutable snapshot of what routing needs (destinations' non-secret settings, whether each
 * receives events, their mappings), as JSON text the store does not read. Every accepted event
 * carries the revision in force when it was received, so it is routed with that configuration.
 */
export interface ConfigRevision {
  revision: number
  createdAt: number
  config: string
}

// ---------------------------------------------------------------- ingest: the event log

export interface IngestEvent {
  messageId: string
  /** The normalised Segment event, as JSON text or a value. */
  body: JsonInput
  /** Size in bytes, counted against the retention size cap. */
  size: number
  /** userId, else email, when the caller knows it: enables `findEventsByUser` and `deleteEventsOfUser`. */
  userKey?: string | null
  /** A replay: the id of the stored event this is a new copy of (lookups find the copies). */
  replayOf?: number
}

/** A stored, non-duplicate event. */
export interface AcceptedEvent {
  /** Position in `IngestRequest.events`. */
  index: number
  messageId: string
  eventId: number
}

export interface IngestRequest {
  sourceId: string
  receivedAt: number
  /** The configuration revision in force at receipt: delivery routes the events with it. */
  revision: number
  events: IngestEvent[]
  /**
   * A replay: the events are appended again as new receipts, without dedupe, for one destination
   * (`destinationId`) or for every destination (null).
   */
  replay?: { destinationId: string | null }
}

export interface IngestResult {
  accepted: AcceptedEvent[]
  /** messageIds seen within the dedupe window (or repeated within this request): stored as nothing. */
  duplicates: string[]
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
  /** The configuration revision it is routed with (0: received before revisions existed). */
  revision: number
  /** A replay for one destination: only that destination routes it (null: every destination). */
  destinationId: string | null
  /** A replay the user asked for: the id of the stored event this is a copy of (absent otherwise). */
  replayOf?: number
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

// ---------------------------------------------------------------- delivery: cursor, parked items

/** One item of delivery work: the `ordinal`-th thing an event causes at a destination. */
export interface ItemRef {
  eventId: number
  ordinal: number
}

/**
 * An item delivery keeps durably because it cannot be finished from the log alone: it failed and
 * waits for a retry, or its user has an earlier item waiting (held, so the cursor may pass it).
 * Self-contained: `payload` is everything needed to send it (opaque JSON text to the store).
 */
export interface ParkedItem extends ItemRef {
  /** Row id: the order of items with the same position. Absent on the way in. */
  id?: number
  /** Where the item stands in its users' order: its event id, or the log head when replayed. */
  position: number
  messageId: string
  mappingId: string | null
  action: string
  /** The endpoint it is sent to (its bulk path when batched). */
  lane: string
  /** Ordering keys of its user(s). */
  keys: string[]
  payload: string
  /** Attempts made so far. */
  attempts: number
  /** Start of its retry window (its event's receipt, or its replay). */
  firstEnqueuedAt: number
  /** Not before this time. */
  runAt: number
  /** True while an earlier item of one of its users is unfinished: not sendable yet. */
  held: boolean
  /** Iterable answered that its user does not exist (yet): items that create users may pass it. */
  waitingForUser: boolean
  lastError: string | null
  statusCode: number | null
  errorCode: string | null
}

/** Where a destination's delivery stands, as read when it starts. */
export interface DeliveryState {
  /** Every event with an id up to here is finished for this destination, parked, or settled. */
  cursor: number
  /** Its parked items, in order (position, id). */
  items: ParkedItem[]
  /** Items beyond the cursor already settled durably (dead letters, refusals): not to be redone. */
  settled: ItemRef[]
}

export interface NewDeadLetter extends ItemRef {
  messageId: string
  mappingId: string | null
  action: string
  lane: string
  keys: string[]
  payload: string
  attempts: number
  firstEnqueuedAt: number
  lastError: string | null
  reason: string
  code: string
  statusCode: number | null
  deadAt: number
  /** The field Iterable named as the cause (a field type it refused), when it named one. */
  field?: string | null
}

export type OutcomeKind = 'delivered' | 'failed' | 'retrying' | 'dead'

/** A line of an item's history (the outcome log keeps only what the log and the cursor cannot tell). */
export interface NewOutcome {
  at: number
  outcome: OutcomeKind
  mappingId: string | null
  action: string
  eventId: number | null
  ordinal: number | null
  messageId: string
  userKey: string | null
  statusCode: number | null
  errorCode: string | null
  errorMessage: string | null
  /** What the item sends (its payload) when it is worth keeping (retries, dead letters). */
  payload: string | null
}

/** One request sent to Iterable (the attempts log). */
export interface NewAttempt {
  endpoint: string
  /** Request body, API key already redacted by the caller; null when not kept (successful requests). */
  requestBody: string | null
  responseStatus: number | null
  responseBody: string | null
  durationMs: number
  /** Items the request carried. */
  jobCount: number
  /** Events whose items it carried, in body order (lookups find the request by them). */
  eventIds: number[]
  error?: string | null
  at?: number
}

/** Counts added to the per-minute outcome counters. */
export interface OutcomeCountDelta {
  at: number
  mappingId: string | null
  action: string
  outcome: OutcomeKind
  count: number
}

/**
 * What one flush of a destination's delivery writes, in one transaction: the new cursor, items
 * parked or released, dead letters, history lines, requests and counters.
 */
export interface DeliveryProgress {
  cursor?: number
  /** Inserted, or replaced when (eventId, ordinal) is already parked. */
  park?: ParkedItem[]
  /** No longer parked (delivered, dead, or sendable again from memory after a restart). */
  unpark?: ItemRef[]
  deadLetters?: NewDeadLetter[]
  outcomes?: NewOutcome[]
  attempts?: NewAttempt[]
  counts?: OutcomeCountDelta[]
}

export interface OpenDeliveryOptions {
  leaseMs: number
  force?: boolean
  now?: number
  /** The destination's Iterable project (hashed key + base URL): its deliveries share one owner. */
  project?: string
}

/** A running node (a `serve` process) as its heartbeat records it. */
export interface NodeInfo {
  id: string
  startedAt: number
  host: string
  pid: number
  version: string
}

export interface NodeRecord extends NodeInfo {
  heartbeatAt: number
  /** The forgotten-set revision this node's ingest and delivery have reloaded. */
  forgottenSeen: number
}

export interface DeliveryStats {
  destinationId: string
  cursor: number
  /** Accepted events after the cursor (not all of them need be for this destination). */
  behind: number
  /** receivedAt of the first event after the cursor, or null when none. */
  oldestBehindAt: number | null
  /** Parked items per lane: waiting for a retry, and held behind an earlier item of their user. */
  lanes: { lane: string; retrying: number; held: number; oldestEnqueuedAt: number | null }[]
  owner: string | null
  leaseUntil: number | null
}

// ---------------------------------------------------------------- logs and lookups

export interface Outcome extends NewOutcome {
  id: number
  destinationId: string
}

export interface OutcomeCountQuery {
  from: number
  to: number
  /** Bucket size; counters are kept per minute, so buckets are whole minutes. */
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

export interface OutcomeQuery {
  destinationId?: string
  outcome?: OutcomeKind
  messageId?: string
  /** Return outcomes with id < before (pagination, newest first). */
  before?: number
  limit?: number
}

export interface EventLookup {
  /** Every stored copy (one per source that sent this messageId, and replays), oldest first. */
  events: StoredEvent[]
  /** Every recorded outcome of those stored events, oldest first (found by event id). */
  outcomes: Outcome[]
  /** Their items parked now (waiting for a retry, or held). */
  parked: (ParkedItem & { destinationId: string })[]
  /** Their dead letters. */
  deadLetters: DeadLetter[]
  /** The requests that carried their items, oldest first. */
  attempts: Attempt[]
  /** Each destination's cursor: an event at or below it is finished there unless parked or dead. */
  cursors: { destinationId: string; cursor: number }[]
}

export interface Attempt {
  id: number
  at: number
  destinationId: string
  endpoint: string
  requestBody: string | null
  responseStatus: number | null
  responseBody: string | null
  durationMs: number
  jobCount: number
  eventIds: number[]
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

export interface DeadLetter extends NewDeadLetter {
  id: number
  destinationId: string
  field: string | null
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
  /** The whole reason (a group of dead letters). */
  reason?: string
  /** The field Iterable named; null: dead letters that name none. */
  field?: string | null
  /** Include dead letters already replayed (default false). */
  includeReplayed?: boolean
}

export interface DeadLetterPage {
  items: DeadLetter[]
  /** Pass as `after` to get the next page; null at the end. */
  nextCursor: number | null
}

export type ReplaySelector = { ids: number[] } | { filter: DeadLetterFilter }

/** Dead letters alike: same destination, mapping, action, code, reason and field. */
export interface DeadLetterGroup {
  destinationId: string
  mappingId: string | null
  action: string
  code: string
  reason: string
  field: string | null
  count: number
  firstDeadAt: number
  lastDeadAt: number
}

// ---------------------------------------------------------------- retention

export interface PruneResult {
  events: number
  dedupeKeys: number
  outcomes: number
  attempts: number
}

export interface PruneOptions {
  now?: number
  /**
   * Events after this id are never pruned: they are not yet delivered everywhere (the lowest
   * cursor of the destinations that still deliver). Default: no protection.
   */
  keepAfter?: number
}

export interface StoreLimits {
  /** Duplicate messageIds within this window are dropped. Default 24 h. */
  dedupeWindowMs: number
  /** Stored events are kept this long for replay and lookup. Default 7 days. */
  eventRetentionMs: number
  /** And at most this many bytes (sum of `IngestEvent.size`). Default 1 GiB. */
  maxEventBytes: number
  /** Outcome log and counters: kept this long; the log at most this many rows. Defaults 7 days, 2,000,000. */
  outcomeRetentionMs: number
  maxOutcomeRows: number
  /** Attempts log: at most this many rows and bytes (bodies). Defaults 1,000,000 rows, 64 MiB. */
  maxAttemptRows: number
  maxAttemptBytes: number
  /** Request/response bodies longer than this are truncated in the attempts log. Default 64 KiB. */
  maxAttemptBodyBytes: number
}

// ---------------------------------------------------------------- forgotten users (privacy)

/** What marks stored data as one user's, for `deleteUserData`. */
export interface UserDataSelector {
  /** Events filed under these user keys (`IngestEvent.userKey`: userId, else email). */
  userKeys: string[]
  /** Parked items and dead letters holding any of these ordering keys (`u:<userId>`, `e:<email>`). */
  orderingKeys: string[]
  /**
   * JSON fragments that name the user (the email as a JSON string `"ann@example.com"`, the pair
   * `"userId":"ann-1"`): a stored body (event, outcome payload, request or response of an attempt)
   * holding one, compared without case, is the user's too.
   */
  mentions: string[]
}

/** How many rows `deleteUserData` removed, per kind. */
export interface UserDataDeleted {
  events: number
  outcomes: number
  parked: number
  deadLetters: number
  attempts: number
}

/** A privacy action as audited: no personal data, only a salted hash of the identifier. */
export interface NewPrivacyRecord {
  at: number
  /** `forget`, `unforget` or `delete`. */
  action: string
  /** The salted hash of the identifier (`ForgottenSet.hash`). */
  subjectHash: string
  /** `succeeded`, `partial` or `failed` (what Iterable answered, per project, is in `projects`). */
  outcome: string
  /** Per destination (Iterable project): its id and what came of the call there. */
  projects: { destinationId: string; outcome: string; status: number | null; code: string | null }[]
  /** Counts of this service's own rows deleted. */
  deleted: UserDataDeleted | null
}

export interface PrivacyRecord extends NewPrivacyRecord {
  id: number
}

// ---------------------------------------------------------------- admin token

/**
 * The store's admin token as kept: never the token itself, only its SHA-256 (hex), from which it
 * cannot be recovered, and its last 4 characters for display.
 */
export interface AdminTokenRecord {
  hash: string
  hint: string
  createdAt: number
  /** When the current token was set (its creation, or the last rotation). */
  rotatedAt: number
}

export interface NewAdminToken {
  hash: string
  hint: string
}

// ---------------------------------------------------------------- health

/** Whether the store would take a write now, and if not, why (for logs; no secrets, no paths). */
export type WriteCheck = { ok: true } | { ok: false; reason: string }

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
  /** Also creates its delivery cursor at the log head (earlier events were received before it existed). */
  createDestination(input: NewDestination): Promise<Destination>
  getDestination(id: string): Promise<Destination | null>
  listDestinations(): Promise<Destination[]>
  updateDestination(id: string, patch: DestinationPatch): Promise<Destination | null>
  /** Pause with a reason (e.g. 401 from Iterable) or resume with null. */
  setDestinationPaused(id: string, paused: PausedState | null): Promise<boolean>
  /** The decrypted API key, or null when none is set. */
  getDestinationApiKey(id: string): Promise<string | null>
  /** Deletes the destination, its mappings, its cursor and its parked items (not its logs). */
  deleteDestination(id: string): Promise<boolean>

  // mappings
  createMapping(input: NewMapping): Promise<Mapping>
  getMapping(id: string): Promise<Mapping | null>
  /** Ordered by destination, then position. */
  listMappings(destinationId?: string): Promise<Mapping[]>
  countMappings(destinationId: string): Promise<number>
  updateMapping(id: string, patch: MappingPatch): Promise<Mapping | null>
  deleteMapping(id: string): Promise<boolean>

  // configuration revisions
  /** Stores a revision and returns its number; the latest one's number when `config` equals it. */
  saveConfigRevision(config: string, at?: number): Promise<number>
  getConfigRevision(revision: number): Promise<ConfigRevision | null>
  latestConfigRevision(): Promise<ConfigRevision | null>

  // ingest: one transaction per call; the events are the queue
  ingest(request: IngestRequest): Promise<IngestResult>
  /** Events after `afterId` in id order; never one id past an id not yet committed (no gaps appear later). */
  readLog(afterId: number, limit: number): Promise<StoredEvent[]>
  /** The highest event id readable by readLog (0 when none). */
  logHead(): Promise<number>

  // delivery of one destination by one owner at a time
  /**
   * Takes (or renews) the destination's delivery for `owner` until now + leaseMs and returns where it
   * stands, or null while another owner holds an unexpired lease. `force` takes it regardless (one
   * process per SQLite folder: a lease found at start belongs to a run that died). A destination
   * without a cursor (none is created before createDestination) gets one at the log head. With
   * `project`, also null while another owner holds an unexpired lease on a destination of that
   * project: one owner at a time sends for a whole Iterable project (its rate limits in one process).
   */
  openDelivery(
    destinationId: string,
    owner: string,
    options: OpenDeliveryOptions,
  ): Promise<DeliveryState | null>
  /** Extends the lease; false when `owner` no longer holds it (another took over: stop delivering). */
  renewDelivery(destinationId: string, owner: string, leaseMs: number, now?: number): Promise<boolean>
  /** Gives the lease up (graceful stop). */
  closeDelivery(destinationId: string, owner: string): Promise<void>
  /** Writes one flush in one transaction; throws StoreError('not_owner') when `owner` lost the lease. */
  commitProgress(destinationId: string, owner: string, progress: DeliveryProgress): Promise<void>
  /** Per destination with a cursor: how far behind it is and what is parked. */
  deliveryStats(): Promise<DeliveryStats[]>

  // nodes sharing the store (several `serve` processes on PostgreSQL; SQLite has one)
  /** Records that `node` is alive now; forgets nodes silent for `forgetAfterMs`. */
  heartbeat(node: NodeInfo, forgetAfterMs: number, now?: number): Promise<void>
  /** The node stopped (graceful shutdown). */
  leaveCluster(nodeId: string): Promise<void>
  /** Every node that heartbeated within the forget window, oldest start first. */
  listNodes(): Promise<NodeRecord[]>
  /**
   * Node `nodeId` has reloaded the forgotten set as of `revision` (kept if higher than before); false
   * when the node has no row yet (before its first heartbeat).
   */
  markForgottenSeen(nodeId: string, revision: number): Promise<boolean>
  /**
   * Calls `listener` soon after another connection appends events (PostgreSQL: LISTEN/NOTIFY; SQLite:
   * never, one process wakes itself). Resolves to a function that stops listening.
   */
  watchAppends(listener: () => void): Promise<() => Promise<void>>

  // outcomes, events, attempts
  outcomeCounts(query: OutcomeCountQuery): Promise<OutcomeCount[]>
  /** The stored event(s) with this messageId and everything recorded about their items. */
  lookupEvent(messageId: string): Promise<EventLookup>
  /** Newest outcomes first, optionally filtered (a scan from the newest row: keep limits small). */
  listOutcomes(query?: OutcomeQuery): Promise<Outcome[]>
  /** Newest first. Not indexed (keeps ingest fast): scans the size-capped events table. */
  findEventsByUser(userKey: string, limit?: number): Promise<StoredEvent[]>
  /** The newest stored events, newest first. */
  recentEvents(limit: number): Promise<StoredEvent[]>
  /** Deletes every stored event of this user key (userId, else email) and their history. */
  deleteEventsOfUser(userKey: string): Promise<number>
  /** The first and last event id of a time range (one read of events_by_time); null when empty. */
  eventIdRange(range: EventTimeRange): Promise<{ firstId: number; lastId: number } | null>
  /**
   * Stored events of a time range in id order, read by id range (cheap pages at any table size);
   * replayed copies are left out: a replay sends their original again.
   */
  listEvents(query: EventListQuery): Promise<StoredEvent[]>
  listAttempts(query?: AttemptQuery): Promise<Attempt[]>

  // dead letters
  listDeadLetters(
    filter?: DeadLetterFilter,
    page?: { after?: number; limit?: number },
  ): Promise<DeadLetterPage>
  /** How many dead letters match (the list's pages add up to this). */
  countDeadLetters(filter?: DeadLetterFilter): Promise<number>
  /** The matching dead letters grouped alike, the largest groups first (at most `limit`, default 100). */
  groupDeadLetters(filter?: DeadLetterFilter, limit?: number): Promise<DeadLetterGroup[]>
  getDeadLetter(id: number): Promise<DeadLetter | null>
  /**
   * Parks the selected dead letters again as new receipts (attempts 0, retry window from now,
   * position = the log head) and marks them replayed. A dead letter is replayed at most once.
   */
  replayDeadLetters(selector: ReplaySelector, now?: number): Promise<number>
  discardDeadLetters(selector: ReplaySelector): Promise<number>

  // forgotten users (the right to be forgotten); identifiers only as salted hashes
  /** This store's salt for hashing identifiers, made at random on first use; the same for every node. */
  forgetSalt(): Promise<string>
  /** Adds hashes to the forgotten set; returns how many were new. */
  addForgotten(hashes: string[], at?: number): Promise<number>
  /** Removes hashes from the forgotten set; returns how many were there. */
  removeForgotten(hashes: string[]): Promise<number>
  /** Every hash in the forgotten set (sorted). */
  listForgotten(): Promise<string[]>
  /** Bumped by every add or remove that changed the forgotten set (in the same transaction). */
  forgottenRevision(): Promise<number>
  /**
   * Deletes one user's data in one transaction: their events and those events' outcomes, parked
   * items and dead letters; outcomes filed under their user key; parked items and dead letters
   * holding their ordering keys; rows whose bodies mention them (a scan of the size-capped tables).
   */
  deleteUserData(selector: UserDataSelector): Promise<UserDataDeleted>
  recordPrivacyAction(record: NewPrivacyRecord): Promise<PrivacyRecord>
  /** Newest first; `before` pages by id. */
  listPrivacyActions(query?: { before?: number; limit?: number }): Promise<PrivacyRecord[]>

  // retention
  prune(options?: PruneOptions): Promise<PruneResult>

  // the admin token (one per store, every node's; its hash only)
  getAdminToken(): Promise<AdminTokenRecord | null>
  /**
   * Keeps `token` when the store has none; atomic, so of nodes starting together exactly one token is
   * kept. Returns the kept token and whether it is this one (`created`) or one found there.
   */
  setAdminTokenIfAbsent(
    token: NewAdminToken,
    at?: number,
  ): Promise<{ token: AdminTokenRecord; created: boolean }>
  /** Rotation: `token` replaces the kept one (or is kept, when there was none). */
  replaceAdminToken(token: NewAdminToken, at?: number): Promise<AdminTokenRecord>

  // health
  /**
   * A cheap check that a write would succeed now, for readiness and for resuming after an outage;
   * never throws. SQLite: the data folder is writable and its file system has room (at least
   * `MIN_FREE_BYTES`); PostgreSQL: the server answers and assigns a transaction id. Operations that
   * fail for want of space or connection reject with `StoreError('unavailable')` (isStoreUnavailable).
   */
  checkWritable(): Promise<WriteCheck>

  close(): Promise<void>
}
