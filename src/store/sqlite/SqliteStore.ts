// The SQLite backend: better-sqlite3 (synchronous, in-process), WAL, every statement prepared once
// at open. Multi-statement operations run in one IMMEDIATE transaction.
import type Database from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import { StoreError } from '../errors.js'
import {
  rawRowToJob,
  rowToAttempt,
  rowToDeadLetter,
  rowToDestination,
  rowToEvent,
  rowToJob,
  rowToMapping,
  rowToOutcome,
  rowToSource,
  splitRepeats,
  toJsonText,
  truncateBody,
  type Row,
} from '../rows.js'
import { hashWriteKey, secretHint, type SecretBox } from '../secrets.js'
import type * as T from '../types.js'
import { BatchInsert } from './batchInsert.js'
import { Checkpointer } from './checkpointer.js'
import { GroupCommit } from './group-commit.js'
import * as configSql from './sql/config.js'
import * as deadSql from './sql/deadLetters.js'
import * as ingestSql from './sql/ingest.js'
import * as logSql from './sql/logs.js'
import * as pruneSql from './sql/prune.js'
import * as queueSql from './sql/queue.js'

type Statements<K extends string> = Record<K, Database.Statement>

/** Prepares every SQL constant of a module (numbers and *_HEAD fragments are not statements). */
function prepareAll<K extends string>(db: Database.Database, sql: Record<K, unknown>): Statements<K> {
  const out = {} as Statements<K>
  for (const key of Object.keys(sql) as K[]) {
    const text = sql[key]
    if (typeof text === 'string' && !key.endsWith('_HEAD') && !key.endsWith('_COLUMNS'))
      out[key] = db.prepare(text)
  }
  return out
}

const PRUNE_CHUNK = 5000
const bit = (v: boolean | undefined): number => (v ? 1 : 0)

export class SqliteStore implements T.Store {
  readonly kind = 'sqlite' as const
  readonly limits: T.StoreLimits
  readonly #db: Database.Database
  readonly #box: SecretBox
  readonly #config
  readonly #ingest
  readonly #queue
  readonly #logs
  readonly #dead
  readonly #prune
  /** Queue, outcome and attempt writes, and ingest: committed together per event-loop turn. */
  readonly #group: GroupCommit
  readonly #checkpointer: Checkpointer | null
  readonly #insertEvents: BatchInsert
  readonly #insertJobRows: BatchInsert

  constructor(db: Database.Database, box: SecretBox, limits: T.StoreLimits) {
    this.#db = db
    this.#box = box
    this.limits = limits
    this.#config = prepareAll(db, configSql)
    this.#ingest = prepareAll(db, ingestSql)
    this.#queue = prepareAll(db, queueSql)
    this.#queue.SELECT_READY_JOBS.raw(true)
    this.#queue.SELECT_JOBS_BY_IDS.raw(true)
    this.#logs = prepareAll(db, logSql)
    this.#dead = prepareAll(db, deadSql)
    this.#prune = prepareAll(db, pruneSql)
    this.#insertEvents = new BatchInsert(db, ingestSql.INSERT_EVENTS_HEAD, ingestSql.EVENT_COLUMNS)
    this.#insertJobRows = new BatchInsert(db, ingestSql.INSERT_JOBS_HEAD, ingestSql.JOB_COLUMNS)
    this.#group = new GroupCommit(db)
    this.#checkpointer = db.memory ? null : Checkpointer.start(db)
  }

  /** Runs `fn` in one IMMEDIATE transaction (takes the write lock up front: no upgrade deadlocks). */
  #write<R>(fn: () => R): R {
    return this.#db.transaction(fn).immediate()
  }

  // ------------------------------------------------------------ sources

  async createSource(input: T.NewSource): Promise<T.Source> {
    const id = input.id ?? randomUUID()
    try {
      this.#config.INSERT_SOURCE.run({
        id,
        name: input.name,
        writeKeyHash: hashWriteKey(input.writeKey),
        writeKeySealed: this.#box.encrypt(input.writeKey, `source:${id}`),
        writeKeyHint: secretHint(input.writeKey),
        createdAt: input.createdAt ?? Date.now(),
      })
    } catch (cause) {
      if ((cause as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new StoreError('conflict', 'A source with this id or write key already exists', { cause })
      }
      throw cause
    }
    return (await this.getSource(id))!
  }

  async getSource(id: string): Promise<T.Source | null> {
    const row = this.#config.SELECT_SOURCE.get(id) as Row | undefined
    return row ? rowToSource(row) : null
  }

  async listSources(): Promise<T.Source[]> {
    return (this.#config.SELECT_SOURCES.all() as Row[]).map(rowToSource)
  }

  async findSourceByWriteKey(writeKey: string): Promise<T.Source | null> {
    const row = this.#config.SELECT_SOURCE_BY_KEY_HASH.get(hashWriteKey(writeKey)) as Row | undefined
    return row ? rowToSource(row) : null
  }

  async getSourceWriteKey(id: string): Promise<string | null> {
    const row = this.#config.SELECT_SOURCE.get(id) as Row | undefined
    return row ? this.#box.decrypt(String(row.write_key_sealed), `source:${id}`) : null
  }

  async revokeSource(id: string, at = Date.now()): Promise<boolean> {
    return this.#config.REVOKE_SOURCE.run({ id, at }).changes > 0
  }

  async deleteSource(id: string): Promise<boolean> {
    return this.#config.DELETE_SOURCE.run(id).changes > 0
  }

  // ------------------------------------------------------------ destinations

  async createDestination(input: T.NewDestination): Promise<T.Destination> {
    const id = input.id ?? randomUUID()
    try {
      this.#config.INSERT_DESTINATION.run({
        id,
        name: input.name,
        kind: input.kind,
        settings: JSON.stringify(input.settings ?? {}),
        apiKeySealed: input.apiKey ? this.#box.encrypt(input.apiKey, `destination:${id}`) : null,
        enabled: bit(input.enabled ?? true),
        createdAt: input.createdAt ?? Date.now(),
      })
    } catch (cause) {
      if ((cause as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new StoreError('conflict', `Destination ${id} already exists`, { cause })
      }
      throw cause
    }
    return (await this.getDestination(id))!
  }

  async getDestination(id: string): Promise<T.Destination | null> {
    const row = this.#config.SELECT_DESTINATION.get(id) as Row | undefined
    return row ? rowToDestination(row) : null
  }

  async listDestinations(): Promise<T.Destination[]> {
    return (this.#config.SELECT_DESTINATIONS.all() as Row[]).map(rowToDestination)
  }

  async updateDestination(id: string, patch: T.DestinationPatch): Promise<T.Destination | null> {
    const updated = this.#write(() => {
      const row = this.#config.SELECT_DESTINATION.get(id) as Row | undefined
      if (!row) return false
      const sealed =
        patch.apiKey === undefined
          ? row.api_key_sealed
          : patch.apiKey === null || patch.apiKey === ''
            ? null
            : this.#box.encrypt(patch.apiKey, `destination:${id}`)
      this.#config.UPDATE_DESTINATION.run({
        id,
        name: patch.name ?? row.name,
        settings: patch.settings === undefined ? row.settings : JSON.stringify(patch.settings),
        apiKeySealed: sealed,
        enabled: patch.enabled === undefined ? row.enabled : bit(patch.enabled),
        updatedAt: Date.now(),
      })
      return true
    })
    return updated ? this.getDestination(id) : null
  }

  async setDestinationPaused(id: string, paused: T.PausedState | null): Promise<boolean> {
    return (
      this.#config.SET_DESTINATION_PAUSED.run({
        id,
        reason: paused?.reason ?? null,
        since: paused?.since ?? null,
        updatedAt: Date.now(),
      }).changes > 0
    )
  }

  async getDestinationApiKey(id: string): Promise<string | null> {
    const row = this.#config.SELECT_DESTINATION.get(id) as Row | undefined
    if (!row || row.api_key_sealed === null) return null
    return this.#box.decrypt(String(row.api_key_sealed), `destination:${id}`)
  }

  async deleteDestination(id: string): Promise<boolean> {
    return this.#config.DELETE_DESTINATION.run(id).changes > 0
  }

  // ------------------------------------------------------------ mappings

  async createMapping(input: T.NewMapping): Promise<T.Mapping> {
    const id = input.id ?? randomUUID()
    try {
      this.#config.INSERT_MAPPING.run({
        id,
        destinationId: input.destinationId,
        name: input.name,
        enabled: bit(input.enabled ?? true),
        trigger: input.trigger,
        action: input.action,
        fields: JSON.stringify(input.fields ?? {}),
        batching: input.batching ? JSON.stringify(input.batching) : null,
        position: input.position ?? null,
        createdAt: input.createdAt ?? Date.now(),
      })
    } catch (cause) {
      const code = (cause as { code?: string }).code
      if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new StoreError('not_found', `Destination ${input.destinationId} does not exist`, { cause })
      }
      if (code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new StoreError('conflict', `Mapping ${id} already exists`, { cause })
      }
      throw cause
    }
    return (await this.getMapping(id))!
  }

  async getMapping(id: string): Promise<T.Mapping | null> {
    const row = this.#config.SELECT_MAPPING.get(id) as Row | undefined
    return row ? rowToMapping(row) : null
  }

  async listMappings(destinationId?: string): Promise<T.Mapping[]> {
    const rows =
      destinationId === undefined
        ? this.#config.SELECT_MAPPINGS.all()
        : this.#config.SELECT_MAPPINGS_OF_DESTINATION.all(destinationId)
    return (rows as Row[]).map(rowToMapping)
  }

  async countMappings(destinationId: string): Promise<number> {
    return (this.#config.COUNT_MAPPINGS.get(destinationId) as { n: number }).n
  }

  async updateMapping(id: string, patch: T.MappingPatch): Promise<T.Mapping | null> {
    const updated = this.#write(() => {
      const row = this.#config.SELECT_MAPPING.get(id) as Row | undefined
      if (!row) return false
      const current = rowToMapping(row)
      const next = { ...current, ...patch }
      this.#config.UPDATE_MAPPING.run({
        id,
        name: next.name,
        enabled: bit(next.enabled),
        trigger: next.trigger,
        action: next.action,
        fields: JSON.stringify(next.fields),
        batching: next.batching ? JSON.stringify(next.batching) : null,
        position: next.position,
        updatedAt: Date.now(),
      })
      return true
    })
    return updated ? this.getMapping(id) : null
  }

  async deleteMapping(id: string): Promise<boolean> {
    return this.#config.DELETE_MAPPING.run(id).changes > 0
  }

  // ------------------------------------------------------------ ingest

  async ingest(request: T.IngestRequest): Promise<T.IngestResult> {
    return this.#group.run(() => this.#ingestInTransaction(request))
  }

  #ingestInTransaction(req: T.IngestRequest): T.IngestResult {
    const { sourceId, receivedAt } = req
    const cutoff = receivedAt - this.limits.dedupeWindowMs
    const { firsts, repeats } = splitRepeats(req.events)
    const duplicates = repeats
    const claimKey = this.#ingest.CLAIM_DEDUPE_KEY
    const firstEventId = (this.#ingest.LAST_EVENT_ID.get() as { id: number }).id + 1
    const fresh: number[] = []
    for (const index of firsts) {
      const messageId = req.events[index].messageId
      if (claimKey.run(messageId, sourceId, receivedAt, firstEventId + fresh.length, cutoff).changes === 0) {
        duplicates.push(messageId)
      } else {
        fresh.push(index)
      }
    }
    const events = req.events
    const eventIds = this.#insertEvents.run(fresh.length, (row, values, at) => {
      const event = events[fresh[row]]
      values[at] = sourceId
      values[at + 1] = event.messageId
      values[at + 2] = receivedAt
      values[at + 3] = event.size
      values[at + 4] = event.userKey ?? null
      values[at + 5] = toJsonText(event.body)
    })
    if (fresh.length > 0 && eventIds[0] !== firstEventId) {
      // The dedupe keys point at predicted ids; a mismatch must never be committed.
      throw new StoreError('conflict', 'Event ids were not assigned as predicted; ingest rolled back')
    }
    const accepted: T.AcceptedEvent[] = new Array(fresh.length)
    for (let i = 0; i < fresh.length; i++) {
      accepted[i] = { index: fresh[i], messageId: events[fresh[i]].messageId, eventId: eventIds[i] }
    }
    let jobCount = 0
    if (req.route && accepted.length > 0) {
      const routing = req.route(accepted)
      jobCount = this.#insertJobs(routing.jobs, receivedAt).length
      if (routing.failures) this.#insertFailures(routing.failures, receivedAt)
    }
    return { accepted, duplicates, jobCount }
  }

  #insertJobs(jobs: readonly T.NewJob[], now: number): number[] {
    return this.#insertJobRows.run(jobs.length, (row, values, at) => {
      const job = jobs[row]
      values[at] = job.destinationId
      values[at + 1] = job.endpoint
      values[at + 2] = job.mappingId
      values[at + 3] = job.eventId
      values[at + 4] = job.messageId
      values[at + 5] = job.action
      values[at + 6] = job.orderingKey ?? null
      values[at + 7] = job.isBarrier ? 1 : 0
      values[at + 8] = job.batchKey ?? null
      values[at + 9] = toJsonText(job.payload)
      values[at + 10] = job.runAt ?? now
      values[at + 11] = now
    })
  }

  #insertFailures(failures: readonly T.RoutingFailure[], at: number): void {
    const insert = this.#ingest.INSERT_OUTCOME
    for (const f of failures) {
      insert.run({
        at,
        outcome: 'failed',
        destinationId: f.destinationId,
        mappingId: f.mappingId,
        action: f.action,
        eventId: f.eventId,
        messageId: f.messageId,
        userKey: f.userKey ?? null,
        jobId: null,
        statusCode: null,
        errorCode: f.errorCode,
        errorMessage: f.errorMessage,
      })
    }
  }

  // ------------------------------------------------------------ queue

  async enqueue(jobs: T.NewJob[], now = Date.now()): Promise<number[]> {
    return this.#write(() => this.#insertJobs(jobs, now))
  }

  async claim(req: T.ClaimRequest): Promise<T.Job[]> {
    const now = req.now ?? Date.now()
    return this.#group.run(() => this.#claimInTransaction(req, now))
  }

  #claimInTransaction(req: T.ClaimRequest, now: number): T.Job[] {
    const q = this.#queue
    // Leases of a claimer that died come back first (an index probe when none expired).
    q.RECLAIM_EXPIRED.run({ now })
    const claimed: number[] = []
    const lockedUntil = now + req.leaseMs
    for (;;) {
      const wanted = req.limit - claimed.length
      const rows = q.SELECT_READY_JOBS.all({
        destinationId: req.destinationId,
        endpoint: req.endpoint,
        now,
        limit: wanted,
      }) as [number, number | null][]
      const ready: number[] = []
      for (const [id, blocker] of rows) {
        if (blocker === null) ready.push(id)
        else q.PARK_JOB.run({ id, blocker })
      }
      // Leased rows leave jobs_ready, so the next read starts after them.
      if (ready.length > 0) {
        q.LEASE_JOBS.run({ ids: JSON.stringify(ready), workerId: req.workerId, lockedUntil })
        for (const id of ready) claimed.push(id)
      }
      // Parked rows made room: read again until the limit is met or the queue has no more.
      if (ready.length === rows.length || rows.length < wanted || claimed.length >= req.limit) break
    }
    if (claimed.length === 0) return []
    return (q.SELECT_JOBS_BY_IDS.all({ ids: JSON.stringify(claimed) }) as unknown[][]).map(rawRowToJob)
  }

  #logJobs(
    ids: string,
    outcome: T.OutcomeKind,
    at: number,
    extra: { statusCode?: number | null; errorCode?: string | null; errorMessage?: string | null },
  ): void {
    this.#queue.LOG_JOB_OUTCOMES.run({
      ids,
      at,
      outcome,
      statusCode: extra.statusCode ?? null,
      errorCode: extra.errorCode ?? null,
      errorMessage: extra.errorMessage ?? null,
    })
  }

  async complete(jobIds: number[], info: T.CompleteInfo = {}): Promise<number> {
    if (jobIds.length === 0) return 0
    const ids = JSON.stringify(jobIds)
    return this.#group.run(() => {
      this.#logJobs(ids, 'delivered', info.at ?? Date.now(), { statusCode: info.statusCode })
      this.#queue.UNPARK_WAITING.run({ ids })
      return this.#queue.DELETE_JOBS.run({ ids }).changes
    })
  }

  async reschedule(jobIds: number[], info: T.RescheduleInfo): Promise<number> {
    if (jobIds.length === 0) return 0
    const ids = JSON.stringify(jobIds)
    return this.#group.run(() => {
      this.#logJobs(ids, 'retrying', info.at ?? Date.now(), {
        statusCode: info.statusCode,
        errorCode: info.errorCode,
        errorMessage: info.errorMessage,
      })
      return this.#queue.RESCHEDULE_JOBS.run({ ids, runAt: info.runAt, lastError: info.errorMessage }).changes
    })
  }

  async release(jobIds: number[]): Promise<number> {
    if (jobIds.length === 0) return 0
    const ids = JSON.stringify(jobIds)
    return this.#group.run(() => this.#queue.RELEASE_JOBS.run({ ids }).changes)
  }

  async deadLetter(jobIds: number[], info: T.DeadLetterInfo): Promise<number> {
    if (jobIds.length === 0) return 0
    const ids = JSON.stringify(jobIds)
    const at = info.at ?? Date.now()
    return this.#group.run(() => {
      this.#logJobs(ids, 'dead', at, {
        statusCode: info.statusCode,
        errorCode: info.code,
        errorMessage: info.reason,
      })
      this.#queue.MOVE_JOBS_TO_DEAD_LETTERS.run({
        ids,
        reason: info.reason,
        code: info.code,
        statusCode: info.statusCode ?? null,
        at,
      })
      this.#queue.UNPARK_WAITING.run({ ids })
      return this.#queue.DELETE_JOBS.run({ ids }).changes
    })
  }

  async reclaimExpired(now = Date.now()): Promise<number> {
    return this.#queue.RECLAIM_EXPIRED.run({ now }).changes
  }

  async listQueues(): Promise<T.QueueKey[]> {
    return (this.#queue.LIST_QUEUES.all() as Row[]).map((r) => ({
      destinationId: String(r.destination_id),
      endpoint: String(r.endpoint),
    }))
  }

  async queueStats(now = Date.now()): Promise<T.QueueStats[]> {
    return (this.#queue.QUEUE_STATS.all({ now }) as Row[]).map((r) => ({
      destinationId: String(r.destination_id),
      endpoint: String(r.endpoint),
      depth: Number(r.depth),
      ready: Number(r.ready),
      leased: Number(r.leased),
      oldestEnqueuedAt: r.oldest_enqueued_at === null ? null : Number(r.oldest_enqueued_at),
    }))
  }

  async nextRunAt(queue: T.QueueKey): Promise<number | null> {
    const row = this.#queue.NEXT_RUN_AT.get(queue) as { next_run_at: number | null }
    return row.next_run_at
  }

  async expedite(queue: T.QueueKey, now = Date.now()): Promise<number> {
    const params = { destinationId: queue.destinationId, endpoint: queue.endpoint, now }
    return this.#group.run(() => this.#queue.EXPEDITE.run(params).changes)
  }

  async getJob(id: number): Promise<T.Job | null> {
    const row = this.#queue.SELECT_JOB.get(id) as Row | undefined
    return row ? rowToJob(row) : null
  }

  // ------------------------------------------------------------ outcomes, events, attempts

  async recordOutcomes(outcomes: Omit<T.Outcome, 'id'>[]): Promise<void> {
    const insert = this.#ingest.INSERT_OUTCOME
    await this.#group.run(() => {
      for (const o of outcomes) insert.run(o)
    })
  }

  async outcomeCounts(q: T.OutcomeCountQuery): Promise<T.OutcomeCount[]> {
    const rows = this.#logs.OUTCOME_COUNTS.all({
      from: q.from,
      to: q.to,
      bucketMs: Math.max(1, Math.floor(q.bucketMs)),
      destinationId: q.destinationId ?? null,
    }) as Row[]
    return rows.map((r) => ({
      bucketStart: Number(r.bucket_start),
      destinationId: String(r.destination_id),
      mappingId: r.mapping_id === null ? null : String(r.mapping_id),
      action: String(r.action),
      outcome: r.outcome as T.OutcomeKind,
      count: Number(r.count),
    }))
  }

  async lookupEvent(messageId: string): Promise<T.EventLookup> {
    const events = (this.#logs.SELECT_EVENTS_BY_MESSAGE.all(messageId) as Row[]).map(rowToEvent)
    if (events.length === 0) return { events, outcomes: [] }
    const ids = JSON.stringify(events.map((e) => e.id))
    return { events, outcomes: (this.#logs.SELECT_OUTCOMES_OF_EVENTS.all(ids) as Row[]).map(rowToOutcome) }
  }

  async listOutcomes(q: T.OutcomeQuery = {}): Promise<T.Outcome[]> {
    const rows = this.#logs.SELECT_OUTCOMES.all({
      destinationId: q.destinationId ?? null,
      outcome: q.outcome ?? null,
      messageId: q.messageId ?? null,
      jobId: q.jobId ?? null,
      before: q.before ?? null,
      limit: q.limit ?? 100,
    }) as Row[]
    return rows.map(rowToOutcome)
  }

  async findEventsByUser(userKey: string, limit = 100): Promise<T.StoredEvent[]> {
    return (this.#logs.SELECT_EVENTS_BY_USER.all(userKey, limit) as Row[]).map(rowToEvent)
  }

  async recordAttempt(a: T.NewAttempt): Promise<number> {
    const max = this.limits.maxAttemptBodyBytes
    const requestBody = truncateBody(a.requestBody, max)
    const responseBody = a.responseBody === null ? null : truncateBody(a.responseBody, max)
    const row = {
      at: a.at ?? Date.now(),
      destinationId: a.destinationId,
      endpoint: a.endpoint,
      requestBody,
      responseStatus: a.responseStatus,
      responseBody,
      durationMs: Math.round(a.durationMs),
      jobCount: a.jobCount,
      error: a.error ?? null,
      bytes: Buffer.byteLength(requestBody) + (responseBody ? Buffer.byteLength(responseBody) : 0),
    }
    return this.#group.run(() => Number(this.#logs.INSERT_ATTEMPT.run(row).lastInsertRowid))
  }

  async listAttempts(q: T.AttemptQuery = {}): Promise<T.Attempt[]> {
    const rows = this.#logs.SELECT_ATTEMPTS.all({
      destinationId: q.destinationId ?? null,
      endpoint: q.endpoint ?? null,
      before: q.before ?? null,
      limit: q.limit ?? 100,
    }) as Row[]
    return rows.map(rowToAttempt)
  }

  // ------------------------------------------------------------ dead letters

  #filterParams(selector: T.ReplaySelector | { filter: T.DeadLetterFilter }): Record<string, unknown> {
    const f: T.DeadLetterFilter = 'filter' in selector ? selector.filter : {}
    return {
      ids: 'ids' in selector ? JSON.stringify(selector.ids) : null,
      destinationId: f.destinationId ?? null,
      mappingId: f.mappingId ?? null,
      from: f.from ?? null,
      to: f.to ?? null,
      code: f.code ?? null,
      reasonContains: f.reasonContains ?? null,
      includeReplayed: 'ids' in selector || f.includeReplayed ? 1 : 0,
    }
  }

  async listDeadLetters(
    filter: T.DeadLetterFilter = {},
    page: { after?: number; limit?: number } = {},
  ): Promise<T.DeadLetterPage> {
    const limit = Math.max(1, page.limit ?? 100)
    const rows = this.#dead.LIST_DEAD_LETTERS.all({
      ...this.#filterParams({ filter }),
      after: page.after ?? 0,
      limit: limit + 1,
    }) as Row[]
    const items = rows.slice(0, limit).map(rowToDeadLetter)
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null }
  }

  async getDeadLetter(id: number): Promise<T.DeadLetter | null> {
    const row = this.#dead.SELECT_DEAD_LETTER.get(id) as Row | undefined
    return row ? rowToDeadLetter(row) : null
  }

  async replayDeadLetters(selector: T.ReplaySelector, now = Date.now()): Promise<number> {
    const params = { ...this.#filterParams(selector), now }
    return this.#write(() => {
      const inserted = this.#dead.REPLAY_DEAD_LETTERS.run(params).changes
      this.#dead.MARK_DEAD_LETTERS_REPLAYED.run(params)
      return inserted
    })
  }

  async discardDeadLetters(selector: T.ReplaySelector): Promise<number> {
    return this.#dead.DISCARD_DEAD_LETTERS.run(this.#filterParams(selector)).changes
  }

  // ------------------------------------------------------------ retention

  #deleteInChunks(stmt: Database.Statement, params: Record<string, unknown>): number {
    let total = 0
    for (;;) {
      const changes = stmt.run({ ...params, chunk: PRUNE_CHUNK }).changes
      total += changes
      if (changes < PRUNE_CHUNK) return total
    }
  }

  async prune(options: { now?: number } = {}): Promise<T.PruneResult> {
    const now = options.now ?? Date.now()
    const p = this.#prune
    const l = this.limits
    let events = this.#deleteInChunks(p.CHUNK_DELETE_EVENTS_BEFORE, { cutoff: now - l.eventRetentionMs })
    const sizeCut = p.EVENTS_SIZE_CUTOFF_ID.get({ maxBytes: l.maxEventBytes }) as { id: number } | undefined
    if (sizeCut) events += this.#deleteInChunks(p.CHUNK_DELETE_EVENTS_UP_TO_ID, { maxId: sizeCut.id })

    let dedupeKeys = this.#deleteInChunks(p.CHUNK_DELETE_DEDUPE_KEYS, {
      cutoff: now - Math.max(l.dedupeWindowMs, l.eventRetentionMs),
    })
    if (sizeCut) {
      dedupeKeys += this.#deleteInChunks(p.CHUNK_DELETE_DEDUPE_KEYS_OF_PRUNED_EVENTS, {
        cutoff: now - l.dedupeWindowMs,
        maxId: sizeCut.id,
      })
    }

    let outcomes = this.#deleteInChunks(p.CHUNK_DELETE_OUTCOMES_BEFORE, {
      cutoff: now - l.outcomeRetentionMs,
    })
    const rowCut = p.OUTCOMES_ROWS_CUTOFF_ID.get({ maxRows: l.maxOutcomeRows }) as { id: number } | undefined
    if (rowCut) outcomes += this.#deleteInChunks(p.CHUNK_DELETE_OUTCOMES_UP_TO_ID, { maxId: rowCut.id })

    let attempts = 0
    const attemptRowCut = p.ATTEMPTS_ROWS_CUTOFF_ID.get({ maxRows: l.maxAttemptRows }) as
      { id: number } | undefined
    if (attemptRowCut) attempts += p.DELETE_ATTEMPTS_UP_TO_ID.run({ maxId: attemptRowCut.id }).changes
    const attemptByteCut = p.ATTEMPTS_BYTES_CUTOFF_ID.get({ maxBytes: l.maxAttemptBytes }) as
      { id: number } | undefined
    if (attemptByteCut) attempts += p.DELETE_ATTEMPTS_UP_TO_ID.run({ maxId: attemptByteCut.id }).changes

    return { events, dedupeKeys, outcomes, attempts }
  }

  async close(): Promise<void> {
    await this.#checkpointer?.stop()
    this.#group.flush()
    if (this.#db.open) this.#db.close()
  }
}
