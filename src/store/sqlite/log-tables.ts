// Delivery logs: outcomes (per job and event), event lookups, and the attempts log.
import { rowToAttempt, rowToEvent, rowToOutcome, rowToOutcomeCount, truncateBody, type Row } from '../rows.js'
import type * as T from '../types.js'
import type { SqliteConnection } from './connection.js'

export class LogTables {
  readonly #logs
  readonly #insertOutcome

  constructor(
    readonly conn: SqliteConnection,
    readonly limits: T.StoreLimits,
  ) {
    this.#logs = conn.q.logs
    this.#insertOutcome = conn.q.ingest.INSERT_OUTCOME
  }

  async recordOutcomes(outcomes: Omit<T.Outcome, 'id'>[]): Promise<void> {
    const insert = this.#insertOutcome
    await this.conn.group.soon(() => {
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
    return rows.map(rowToOutcomeCount)
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

  async eventIdRange(range: T.EventTimeRange): Promise<{ firstId: number; lastId: number } | null> {
    const row = this.#logs.EVENT_ID_RANGE.get({
      from: range.from ?? 0,
      to: range.to ?? Number.MAX_SAFE_INTEGER,
    }) as { first_id: number | null; last_id: number | null }
    return row.first_id === null || row.last_id === null
      ? null
      : { firstId: Number(row.first_id), lastId: Number(row.last_id) }
  }

  async listEvents(query: T.EventListQuery): Promise<T.StoredEvent[]> {
    const rows = this.#logs.SELECT_EVENTS_IN_RANGE.all({
      from: query.from ?? 0,
      to: query.to ?? Number.MAX_SAFE_INTEGER,
      sourceId: query.sourceId ?? null,
      afterId: query.afterId ?? 0,
      lastId: query.lastId ?? Number.MAX_SAFE_INTEGER,
      limit: query.limit,
    }) as Row[]
    return rows.map(rowToEvent)
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
    return this.conn.group.soon(() => Number(this.#logs.INSERT_ATTEMPT.run(row).lastInsertRowid))
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
}
