// The PostgreSQL backend: `pg` pool, named (server-side prepared) statements, one transaction per
// multi-statement operation, FOR UPDATE SKIP LOCKED claims. Several nodes may share one database.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { StoreError } from '../errors.js'
import type { PostgresStoreOptions } from '../index.js'
import {
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
import { MIGRATIONS } from './migrations/index.js'
import * as configSql from './sql/config.js'
import * as deadSql from './sql/deadLetters.js'
import * as ingestSql from './sql/ingest.js'
import * as logSql from './sql/logs.js'
import * as pruneSql from './sql/prune.js'
import * as queueSql from './sql/queue.js'

type Queryable = pg.Pool | pg.PoolClient
type Statement = { name: string; text: string }

/** Names every constant of a SQL module so pg prepares it once per connection. */
function named<K extends string>(prefix: string, sql: Record<K, string>): Record<K, Statement> {
  const out = {} as Record<K, Statement>
  for (const key of Object.keys(sql) as K[])
    out[key] = { name: `${prefix}_${key}`.toLowerCase(), text: sql[key] }
  return out
}

const Q = {
  config: named('config', configSql),
  ingest: named('ingest', ingestSql),
  queue: named('queue', queueSql),
  logs: named('logs', logSql),
  dead: named('dead', deadSql),
  prune: named('prune', pruneSql),
}

const PRUNE_CHUNK = 5000
const INT8_OID = 20
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/** BIGINT columns (epoch ms, ids, counts) come back as numbers: all fit in 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

function pgCode(error: unknown): string | undefined {
  return (error as { code?: string }).code
}

export async function openPostgresStore(
  options: PostgresStoreOptions,
  box: SecretBox,
  limits: T.StoreLimits,
): Promise<T.Store> {
  const schema = options.schema ?? 'public'
  if (!SCHEMA_NAME.test(schema)) throw new StoreError('invalid_input', `Invalid schema name: ${schema}`)
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    options: `-c search_path=${schema}`,
    types,
  })
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on('error', () => {})
  try {
    await migrate(pool, schema)
  } catch (error) {
    await pool.end()
    throw error
  }
  return new PostgresStore(pool, box, limits)
}

async function migrate(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    // Several nodes may start together: one migrates, the others wait and then find it done.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`iterable-actions:migrate:${schema}`])
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    )
    const { rows } = await client.query('SELECT MAX(version) AS v FROM schema_version')
    const current = Number(rows[0]?.v ?? 0)
    const latest = MIGRATIONS[MIGRATIONS.length - 1].version
    if (current > latest) {
      throw new StoreError(
        'unsupported_schema',
        `Database schema version ${current} is newer than this program (${latest})`,
      )
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue
      await client.query(m.sql)
      await client.query('INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ])
    }
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}

class PostgresStore implements T.Store {
  readonly kind = 'postgres' as const
  readonly limits: T.StoreLimits
  readonly #pool: pg.Pool
  readonly #box: SecretBox

  constructor(pool: pg.Pool, box: SecretBox, limits: T.StoreLimits) {
    this.#pool = pool
    this.#box = box
    this.limits = limits
  }

  async #rows(stmt: Statement, values: unknown[], on: Queryable = this.#pool): Promise<Row[]> {
    return (await on.query({ name: stmt.name, text: stmt.text, values })).rows as Row[]
  }

  async #count(stmt: Statement, values: unknown[], on: Queryable = this.#pool): Promise<number> {
    return (await on.query({ name: stmt.name, text: stmt.text, values })).rowCount ?? 0
  }

  async #one<R>(stmt: Statement, values: unknown[], map: (row: Row) => R): Promise<R | null> {
    const rows = await this.#rows(stmt, values)
    return rows.length > 0 ? map(rows[0]) : null
  }

  async #transaction<R>(fn: (client: pg.PoolClient) => Promise<R>): Promise<R> {
    const client = await this.#pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn(client)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }

  // ------------------------------------------------------------ sources

  async createSource(input: T.NewSource): Promise<T.Source> {
    const id = input.id ?? randomUUID()
    try {
      await this.#count(Q.config.INSERT_SOURCE, [
        id,
        input.name,
        hashWriteKey(input.writeKey),
        this.#box.encrypt(input.writeKey, `source:${id}`),
        secretHint(input.writeKey),
        input.createdAt ?? Date.now(),
      ])
    } catch (cause) {
      if (pgCode(cause) === '23505')
        throw new StoreError('conflict', 'A source with this id or write key already exists', { cause })
      throw cause
    }
    return (await this.getSource(id))!
  }

  getSource(id: string): Promise<T.Source | null> {
    return this.#one(Q.config.SELECT_SOURCE, [id], rowToSource)
  }

  async listSources(): Promise<T.Source[]> {
    return (await this.#rows(Q.config.SELECT_SOURCES, [])).map(rowToSource)
  }

  findSourceByWriteKey(writeKey: string): Promise<T.Source | null> {
    return this.#one(Q.config.SELECT_SOURCE_BY_KEY_HASH, [hashWriteKey(writeKey)], rowToSource)
  }

  getSourceWriteKey(id: string): Promise<string | null> {
    return this.#one(Q.config.SELECT_SOURCE, [id], (r) =>
      this.#box.decrypt(String(r.write_key_sealed), `source:${id}`),
    )
  }

  async revokeSource(id: string, at = Date.now()): Promise<boolean> {
    return (await this.#count(Q.config.REVOKE_SOURCE, [id, at])) > 0
  }

  async deleteSource(id: string): Promise<boolean> {
    return (await this.#count(Q.config.DELETE_SOURCE, [id])) > 0
  }

  // ------------------------------------------------------------ destinations

  async createDestination(input: T.NewDestination): Promise<T.Destination> {
    const id = input.id ?? randomUUID()
    try {
      await this.#count(Q.config.INSERT_DESTINATION, [
        id,
        input.name,
        input.kind,
        JSON.stringify(input.settings ?? {}),
        input.apiKey ? this.#box.encrypt(input.apiKey, `destination:${id}`) : null,
        input.enabled ?? true,
        input.createdAt ?? Date.now(),
      ])
    } catch (cause) {
      if (pgCode(cause) === '23505')
        throw new StoreError('conflict', `Destination ${id} already exists`, { cause })
      throw cause
    }
    return (await this.getDestination(id))!
  }

  getDestination(id: string): Promise<T.Destination | null> {
    return this.#one(Q.config.SELECT_DESTINATION, [id], rowToDestination)
  }

  async listDestinations(): Promise<T.Destination[]> {
    return (await this.#rows(Q.config.SELECT_DESTINATIONS, [])).map(rowToDestination)
  }

  async updateDestination(id: string, patch: T.DestinationPatch): Promise<T.Destination | null> {
    const updated = await this.#transaction(async (client) => {
      const [row] = await this.#rows(Q.config.SELECT_DESTINATION_FOR_UPDATE, [id], client)
      if (!row) return false
      const sealed =
        patch.apiKey === undefined
          ? row.api_key_sealed
          : patch.apiKey === null || patch.apiKey === ''
            ? null
            : this.#box.encrypt(patch.apiKey, `destination:${id}`)
      await this.#count(
        Q.config.UPDATE_DESTINATION,
        [
          id,
          patch.name ?? row.name,
          patch.settings === undefined ? row.settings : JSON.stringify(patch.settings),
          sealed,
          patch.enabled ?? row.enabled,
          Date.now(),
        ],
        client,
      )
      return true
    })
    return updated ? this.getDestination(id) : null
  }

  async setDestinationPaused(id: string, paused: T.PausedState | null): Promise<boolean> {
    return (
      (await this.#count(Q.config.SET_DESTINATION_PAUSED, [
        id,
        paused?.reason ?? null,
        paused?.since ?? null,
        Date.now(),
      ])) > 0
    )
  }

  async getDestinationApiKey(id: string): Promise<string | null> {
    const [row] = await this.#rows(Q.config.SELECT_DESTINATION, [id])
    if (!row || row.api_key_sealed === null) return null
    return this.#box.decrypt(String(row.api_key_sealed), `destination:${id}`)
  }

  async deleteDestination(id: string): Promise<boolean> {
    return (await this.#count(Q.config.DELETE_DESTINATION, [id])) > 0
  }

  // ------------------------------------------------------------ mappings

  async createMapping(input: T.NewMapping): Promise<T.Mapping> {
    const id = input.id ?? randomUUID()
    try {
      await this.#count(Q.config.INSERT_MAPPING, [
        id,
        input.destinationId,
        input.name,
        input.enabled ?? true,
        input.trigger,
        input.action,
        JSON.stringify(input.fields ?? {}),
        input.batching ? JSON.stringify(input.batching) : null,
        input.position ?? null,
        input.createdAt ?? Date.now(),
      ])
    } catch (cause) {
      if (pgCode(cause) === '23503') {
        throw new StoreError('not_found', `Destination ${input.destinationId} does not exist`, { cause })
      }
      if (pgCode(cause) === '23505')
        throw new StoreError('conflict', `Mapping ${id} already exists`, { cause })
      throw cause
    }
    return (await this.getMapping(id))!
  }

  getMapping(id: string): Promise<T.Mapping | null> {
    return this.#one(Q.config.SELECT_MAPPING, [id], rowToMapping)
  }

  async listMappings(destinationId?: string): Promise<T.Mapping[]> {
    const rows =
      destinationId === undefined
        ? await this.#rows(Q.config.SELECT_MAPPINGS, [])
        : await this.#rows(Q.config.SELECT_MAPPINGS_OF_DESTINATION, [destinationId])
    return rows.map(rowToMapping)
  }

  async countMappings(destinationId: string): Promise<number> {
    return Number((await this.#rows(Q.config.COUNT_MAPPINGS, [destinationId]))[0].n)
  }

  async updateMapping(id: string, patch: T.MappingPatch): Promise<T.Mapping | null> {
    const updated = await this.#transaction(async (client) => {
      const [row] = await this.#rows(Q.config.SELECT_MAPPING_FOR_UPDATE, [id], client)
      if (!row) return false
      const next = { ...rowToMapping(row), ...patch }
      await this.#count(
        Q.config.UPDATE_MAPPING,
        [
          id,
          next.name,
          next.enabled,
          next.trigger,
          next.action,
          JSON.stringify(next.fields),
          next.batching ? JSON.stringify(next.batching) : null,
          next.position,
          Date.now(),
        ],
        client,
      )
      return true
    })
    return updated ? this.getMapping(id) : null
  }

  async deleteMapping(id: string): Promise<boolean> {
    return (await this.#count(Q.config.DELETE_MAPPING, [id])) > 0
  }

  // ------------------------------------------------------------ ingest

  async ingest(req: T.IngestRequest): Promise<T.IngestResult> {
    const { sourceId, receivedAt } = req
    const { firsts, repeats } = splitRepeats(req.events)
    return this.#transaction(async (client) => {
      const candidates = firsts.map((i) => req.events[i].messageId)
      const fresh = new Set<string>()
      if (candidates.length > 0) {
        const rows = await this.#rows(
          Q.ingest.CLAIM_DEDUPE_KEYS,
          [sourceId, receivedAt, candidates, receivedAt - this.limits.dedupeWindowMs],
          client,
        )
        for (const r of rows) fresh.add(String(r.message_id))
      }
      const duplicates = repeats
      const kept: number[] = []
      for (const i of firsts) {
        if (fresh.has(req.events[i].messageId)) kept.push(i)
        else duplicates.push(req.events[i].messageId)
      }
      const accepted: T.AcceptedEvent[] = []
      if (kept.length > 0) {
        const events = kept.map((i) => req.events[i])
        const rows = await this.#rows(
          Q.ingest.INSERT_EVENTS,
          [
            sourceId,
            receivedAt,
            events.map((e) => e.messageId),
            events.map((e) => e.size),
            events.map((e) => e.userKey ?? null),
            events.map((e) => toJsonText(e.body)),
          ],
          client,
        )
        const idByMessage = new Map<string, number>()
        for (const r of rows) idByMessage.set(String(r.message_id), Number(r.id))
        for (const i of kept) {
          const messageId = req.events[i].messageId
          accepted.push({ index: i, messageId, eventId: idByMessage.get(messageId)! })
        }
        await this.#count(
          Q.ingest.LINK_DEDUPE_KEYS,
          [sourceId, accepted.map((a) => a.messageId), accepted.map((a) => a.eventId)],
          client,
        )
      }
      let jobCount = 0
      if (req.route && accepted.length > 0) {
        const routing = req.route(accepted)
        jobCount = (await this.#insertJobs(routing.jobs, receivedAt, client)).length
        if (routing.failures && routing.failures.length > 0) {
          await this.#insertOutcomes(
            routing.failures.map((f) => ({
              at: receivedAt,
              outcome: 'failed' as const,
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
            })),
            client,
          )
        }
      }
      return { accepted, duplicates, jobCount }
    })
  }

  async #insertJobs(jobs: readonly T.NewJob[], now: number, on: Queryable): Promise<number[]> {
    if (jobs.length === 0) return []
    const rows = await this.#rows(
      Q.ingest.INSERT_JOBS,
      [
        now,
        jobs.map((j) => j.destinationId),
        jobs.map((j) => j.endpoint),
        jobs.map((j) => j.mappingId),
        jobs.map((j) => j.eventId),
        jobs.map((j) => j.messageId),
        jobs.map((j) => j.action),
        jobs.map((j) => j.orderingKey ?? null),
        jobs.map((j) => j.isBarrier ?? false),
        jobs.map((j) => j.batchKey ?? null),
        jobs.map((j) => toJsonText(j.payload)),
        jobs.map((j) => j.runAt ?? now),
      ],
      on,
    )
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b)
  }

  async #insertOutcomes(
    outcomes: readonly Omit<T.Outcome, 'id' | 'payload'>[],
    on: Queryable,
  ): Promise<void> {
    if (outcomes.length === 0) return
    await this.#count(
      Q.ingest.INSERT_OUTCOMES,
      [
        outcomes.map((o) => o.at),
        outcomes.map((o) => o.outcome),
        outcomes.map((o) => o.destinationId),
        outcomes.map((o) => o.mappingId),
        outcomes.map((o) => o.action),
        outcomes.map((o) => o.eventId),
        outcomes.map((o) => o.messageId),
        outcomes.map((o) => o.userKey),
        outcomes.map((o) => o.jobId),
        outcomes.map((o) => o.statusCode),
        outcomes.map((o) => o.errorCode),
        outcomes.map((o) => o.errorMessage),
      ],
      on,
    )
  }

  // ------------------------------------------------------------ queue

  enqueue(jobs: T.NewJob[], now = Date.now()): Promise<number[]> {
    return this.#insertJobs(jobs, now, this.#pool)
  }

  async claim(req: T.ClaimRequest): Promise<T.Job[]> {
    const now = req.now ?? Date.now()
    const rows = await this.#rows(Q.queue.CLAIM_JOBS, [
      req.destinationId,
      req.endpoint,
      now,
      req.limit,
      req.workerId,
      now + req.leaseMs,
    ])
    return rows.map(rowToJob).sort((a, b) => a.id - b.id)
  }

  complete(jobIds: number[], info: T.CompleteInfo = {}): Promise<number> {
    if (jobIds.length === 0) return Promise.resolve(0)
    return this.#count(Q.queue.COMPLETE_JOBS, [jobIds, info.at ?? Date.now(), info.statusCode ?? null])
  }

  reschedule(jobIds: number[], info: T.RescheduleInfo): Promise<number> {
    if (jobIds.length === 0) return Promise.resolve(0)
    return this.#count(Q.queue.RESCHEDULE_JOBS, [
      jobIds,
      info.at ?? Date.now(),
      info.runAt,
      info.statusCode ?? null,
      info.errorCode ?? null,
      info.errorMessage,
    ])
  }

  release(jobIds: number[]): Promise<number> {
    if (jobIds.length === 0) return Promise.resolve(0)
    return this.#count(Q.queue.RELEASE_JOBS, [jobIds])
  }

  deadLetter(jobIds: number[], info: T.DeadLetterInfo): Promise<number> {
    if (jobIds.length === 0) return Promise.resolve(0)
    return this.#count(Q.queue.DEAD_LETTER_JOBS, [
      jobIds,
      info.at ?? Date.now(),
      info.reason,
      info.code,
      info.statusCode ?? null,
    ])
  }

  reclaimExpired(now = Date.now()): Promise<number> {
    return this.#count(Q.queue.RECLAIM_EXPIRED, [now])
  }

  async listQueues(): Promise<T.QueueKey[]> {
    return (await this.#rows(Q.queue.LIST_QUEUES, [])).map((r) => ({
      destinationId: String(r.destination_id),
      endpoint: String(r.endpoint),
    }))
  }

  async queueStats(now = Date.now()): Promise<T.QueueStats[]> {
    return (await this.#rows(Q.queue.QUEUE_STATS, [now])).map((r) => ({
      destinationId: String(r.destination_id),
      endpoint: String(r.endpoint),
      depth: Number(r.depth),
      ready: Number(r.ready),
      leased: Number(r.leased),
      oldestEnqueuedAt: r.oldest_enqueued_at === null ? null : Number(r.oldest_enqueued_at),
    }))
  }

  async nextRunAt(queue: T.QueueKey): Promise<number | null> {
    const [row] = await this.#rows(Q.queue.NEXT_RUN_AT, [queue.destinationId, queue.endpoint])
    return row.next_run_at === null ? null : Number(row.next_run_at)
  }

  getJob(id: number): Promise<T.Job | null> {
    return this.#one(Q.queue.SELECT_JOB, [id], rowToJob)
  }

  // ------------------------------------------------------------ outcomes, events, attempts

  recordOutcomes(outcomes: Omit<T.Outcome, 'id' | 'payload'>[]): Promise<void> {
    return this.#insertOutcomes(outcomes, this.#pool)
  }

  async outcomeCounts(q: T.OutcomeCountQuery): Promise<T.OutcomeCount[]> {
    const rows = await this.#rows(Q.logs.OUTCOME_COUNTS, [
      q.from,
      q.to,
      Math.max(1, Math.floor(q.bucketMs)),
      q.destinationId ?? null,
    ])
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
    const events = (await this.#rows(Q.logs.SELECT_EVENTS_BY_MESSAGE, [messageId])).map(rowToEvent)
    if (events.length === 0) return { events, outcomes: [] }
    const outcomes = await this.#rows(Q.logs.SELECT_OUTCOMES_OF_EVENTS, [events.map((e) => e.id)])
    return { events, outcomes: outcomes.map(rowToOutcome) }
  }

  async listOutcomes(q: T.OutcomeQuery = {}): Promise<T.Outcome[]> {
    const rows = await this.#rows(Q.logs.SELECT_OUTCOMES, [
      q.destinationId ?? null,
      q.outcome ?? null,
      q.messageId ?? null,
      q.jobId ?? null,
      q.before ?? null,
      q.limit ?? 100,
    ])
    return rows.map(rowToOutcome)
  }

  async findEventsByUser(userKey: string, limit = 100): Promise<T.StoredEvent[]> {
    return (await this.#rows(Q.logs.SELECT_EVENTS_BY_USER, [userKey, limit])).map(rowToEvent)
  }

  async recordAttempt(a: T.NewAttempt): Promise<number> {
    const max = this.limits.maxAttemptBodyBytes
    const requestBody = truncateBody(a.requestBody, max)
    const responseBody = a.responseBody === null ? null : truncateBody(a.responseBody, max)
    const [row] = await this.#rows(Q.logs.INSERT_ATTEMPT, [
      a.at ?? Date.now(),
      a.destinationId,
      a.endpoint,
      requestBody,
      a.responseStatus,
      responseBody,
      Math.round(a.durationMs),
      a.jobCount,
      a.error ?? null,
      Buffer.byteLength(requestBody) + (responseBody ? Buffer.byteLength(responseBody) : 0),
    ])
    return Number(row.id)
  }

  async listAttempts(q: T.AttemptQuery = {}): Promise<T.Attempt[]> {
    const rows = await this.#rows(Q.logs.SELECT_ATTEMPTS, [
      q.destinationId ?? null,
      q.endpoint ?? null,
      q.before ?? null,
      q.limit ?? 100,
    ])
    return rows.map(rowToAttempt)
  }

  // ------------------------------------------------------------ dead letters

  #filterParams(selector: T.ReplaySelector): unknown[] {
    const f: T.DeadLetterFilter = 'filter' in selector ? selector.filter : {}
    const byIds = 'ids' in selector
    return [
      byIds ? selector.ids : null,
      f.destinationId ?? null,
      f.mappingId ?? null,
      f.from ?? null,
      f.to ?? null,
      f.code ?? null,
      f.reasonContains ?? null,
      byIds || Boolean(f.includeReplayed),
    ]
  }

  async listDeadLetters(
    filter: T.DeadLetterFilter = {},
    page: { after?: number; limit?: number } = {},
  ): Promise<T.DeadLetterPage> {
    const limit = Math.max(1, page.limit ?? 100)
    const rows = await this.#rows(Q.dead.LIST_DEAD_LETTERS, [
      ...this.#filterParams({ filter }),
      page.after ?? 0,
      limit + 1,
    ])
    const items = rows.slice(0, limit).map(rowToDeadLetter)
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null }
  }

  getDeadLetter(id: number): Promise<T.DeadLetter | null> {
    return this.#one(Q.dead.SELECT_DEAD_LETTER, [id], rowToDeadLetter)
  }

  replayDeadLetters(selector: T.ReplaySelector, now = Date.now()): Promise<number> {
    return this.#count(Q.dead.REPLAY_DEAD_LETTERS, [...this.#filterParams(selector), now])
  }

  discardDeadLetters(selector: T.ReplaySelector): Promise<number> {
    return this.#count(Q.dead.DISCARD_DEAD_LETTERS, this.#filterParams(selector))
  }

  // ------------------------------------------------------------ retention

  async #deleteInChunks(stmt: Statement, first: unknown, more: unknown[] = []): Promise<number> {
    let total = 0
    for (;;) {
      const changes = await this.#count(stmt, [first, PRUNE_CHUNK, ...more])
      total += changes
      if (changes < PRUNE_CHUNK) return total
    }
  }

  async prune(options: { now?: number } = {}): Promise<T.PruneResult> {
    const now = options.now ?? Date.now()
    const p = Q.prune
    const l = this.limits
    let events = await this.#deleteInChunks(p.CHUNK_DELETE_EVENTS_BEFORE, now - l.eventRetentionMs)
    const [sizeCut] = await this.#rows(p.EVENTS_SIZE_CUTOFF_ID, [l.maxEventBytes])
    if (sizeCut) events += await this.#deleteInChunks(p.CHUNK_DELETE_EVENTS_UP_TO_ID, sizeCut.id)

    let dedupeKeys = await this.#deleteInChunks(
      p.CHUNK_DELETE_DEDUPE_KEYS,
      now - Math.max(l.dedupeWindowMs, l.eventRetentionMs),
    )
    if (sizeCut) {
      dedupeKeys += await this.#deleteInChunks(
        p.CHUNK_DELETE_DEDUPE_KEYS_OF_PRUNED_EVENTS,
        now - l.dedupeWindowMs,
        [sizeCut.id],
      )
    }

    let outcomes = await this.#deleteInChunks(p.CHUNK_DELETE_OUTCOMES_BEFORE, now - l.outcomeRetentionMs)
    const [rowCut] = await this.#rows(p.OUTCOMES_ROWS_CUTOFF_ID, [l.maxOutcomeRows])
    if (rowCut) outcomes += await this.#deleteInChunks(p.CHUNK_DELETE_OUTCOMES_UP_TO_ID, rowCut.id)

    let attempts = 0
    const [attemptRowCut] = await this.#rows(p.ATTEMPTS_ROWS_CUTOFF_ID, [l.maxAttemptRows])
    if (attemptRowCut) attempts += await this.#count(p.DELETE_ATTEMPTS_UP_TO_ID, [attemptRowCut.id])
    const [attemptByteCut] = await this.#rows(p.ATTEMPTS_BYTES_CUTOFF_ID, [l.maxAttemptBytes])
    if (attemptByteCut) attempts += await this.#count(p.DELETE_ATTEMPTS_UP_TO_ID, [attemptByteCut.id])

    return { events, dedupeKeys, outcomes, attempts }
  }

  #closed = false
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#pool.end()
  }
}
