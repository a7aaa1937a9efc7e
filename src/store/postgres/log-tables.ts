// The logs: delivery outcomes (per job and mapping), stored events by messageId or user, and the
// attempts log of every request and answer (bodies truncated to the store's limit).
import { rowToAttempt, rowToEvent, rowToOutcome, rowToOutcomeCount, truncateBody } from '../rows.js'
import type * as T from '../types.js'
import { Q, type PgConnection } from './connection.js'
import { insertOutcomes } from './inserts.js'

export class LogTables {
  constructor(
    readonly db: PgConnection,
    readonly limits: T.StoreLimits,
  ) {}

  recordOutcomes(outcomes: Omit<T.Outcome, 'id' | 'payload'>[]): Promise<void> {
    return insertOutcomes(this.db, outcomes, this.db.pool)
  }

  async outcomeCounts(q: T.OutcomeCountQuery): Promise<T.OutcomeCount[]> {
    const rows = await this.db.rows(Q.logs.OUTCOME_COUNTS, [
      q.from,
      q.to,
      Math.max(1, Math.floor(q.bucketMs)),
      q.destinationId ?? null,
    ])
    return rows.map(rowToOutcomeCount)
  }

  async lookupEvent(messageId: string): Promise<T.EventLookup> {
    const events = (await this.db.rows(Q.logs.SELECT_EVENTS_BY_MESSAGE, [messageId])).map(rowToEvent)
    if (events.length === 0) return { events, outcomes: [] }
    const outcomes = await this.db.rows(Q.logs.SELECT_OUTCOMES_OF_EVENTS, [events.map((e) => e.id)])
    return { events, outcomes: outcomes.map(rowToOutcome) }
  }

  async listOutcomes(q: T.OutcomeQuery = {}): Promise<T.Outcome[]> {
    const rows = await this.db.rows(Q.logs.SELECT_OUTCOMES, [
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
    return (await this.db.rows(Q.logs.SELECT_EVENTS_BY_USER, [userKey, limit])).map(rowToEvent)
  }

  async eventIdRange(range: T.EventTimeRange): Promise<{ firstId: number; lastId: number } | null> {
    const [row] = await this.db.rows(Q.logs.EVENT_ID_RANGE, [
      range.from ?? 0,
      range.to ?? Number.MAX_SAFE_INTEGER,
    ])
    return row === undefined || row.first_id === null || row.last_id === null
      ? null
      : { firstId: Number(row.first_id), lastId: Number(row.last_id) }
  }

  async listEvents(query: T.EventListQuery): Promise<T.StoredEvent[]> {
    const rows = await this.db.rows(Q.logs.SELECT_EVENTS_IN_RANGE, [
      query.from ?? 0,
      query.to ?? Number.MAX_SAFE_INTEGER,
      query.sourceId ?? null,
      query.afterId ?? 0,
      query.lastId ?? Number.MAX_SAFE_INTEGER,
      query.limit,
    ])
    return rows.map(rowToEvent)
  }

  async recordAttempt(a: T.NewAttempt): Promise<number> {
    const max = this.limits.maxAttemptBodyBytes
    const requestBody = truncateBody(a.requestBody, max)
    const responseBody = a.responseBody === null ? null : truncateBody(a.responseBody, max)
    const [row] = await this.db.rows(Q.logs.INSERT_ATTEMPT, [
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
    const rows = await this.db.rows(Q.logs.SELECT_ATTEMPTS, [
      q.destinationId ?? null,
      q.endpoint ?? null,
      q.before ?? null,
      q.limit ?? 100,
    ])
    return rows.map(rowToAttempt)
  }
}
