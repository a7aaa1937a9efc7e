// Delivery logs (PostgreSQL): outcome counters, item history, event lookups, and the attempts log.
import {
  rowToAttempt,
  rowToDeadLetter,
  rowToEvent,
  rowToOutcome,
  rowToOutcomeCount,
  rowToParked,
} from '../rows.js'
import type * as T from '../types.js'
import { Q, type PgConnection } from './connection.js'

const MINUTE = 60_000

export class LogTables {
  constructor(
    readonly db: PgConnection,
    readonly limits: T.StoreLimits,
  ) {}

  async outcomeCounts(q: T.OutcomeCountQuery): Promise<T.OutcomeCount[]> {
    const rows = await this.db.rows(Q.logs.OUTCOME_COUNTS, [
      q.from,
      q.to,
      Math.max(MINUTE, Math.round(q.bucketMs / MINUTE) * MINUTE),
      q.destinationId ?? null,
    ])
    return rows.map(rowToOutcomeCount)
  }

  async lookupEvent(messageId: string): Promise<T.EventLookup> {
    const l = Q.logs
    const events = (await this.db.rows(l.SELECT_EVENTS_BY_MESSAGE, [messageId])).map(rowToEvent)
    if (events.length === 0) {
      return { events, outcomes: [], parked: [], deadLetters: [], attempts: [], cursors: [] }
    }
    const ids = events.map((e) => e.id)
    const [outcomes, parked, deadLetters, around, cursors] = await Promise.all([
      this.db.rows(l.SELECT_OUTCOMES_OF_EVENTS, [ids]),
      this.db.rows(l.SELECT_PARKED_OF_EVENTS, [ids]),
      this.db.rows(l.SELECT_DEAD_LETTERS_OF_EVENTS, [ids]),
      this.db.rows(l.SELECT_ATTEMPTS_AROUND_EVENTS, [ids]),
      this.db.rows(l.SELECT_CURSOR_POSITIONS, []),
    ])
    // The exact check: the request carried one of these events (a range only narrows the search).
    const attempts = new Map<number, T.Attempt>()
    for (const attempt of around.map(rowToAttempt)) {
      if (attempt.eventIds.some((id) => ids.includes(id))) attempts.set(attempt.id, attempt)
    }
    return {
      events,
      outcomes: outcomes.map(rowToOutcome),
      parked: parked.map(rowToParked),
      deadLetters: deadLetters.map(rowToDeadLetter),
      attempts: [...attempts.values()].sort((a, b) => a.id - b.id),
      cursors: cursors.map((r) => ({ destinationId: String(r.destination_id), cursor: Number(r.position) })),
    }
  }

  async listOutcomes(q: T.OutcomeQuery = {}): Promise<T.Outcome[]> {
    const rows = await this.db.rows(Q.logs.SELECT_OUTCOMES, [
      q.destinationId ?? null,
      q.outcome ?? null,
      q.messageId ?? null,
      q.before ?? null,
      q.limit ?? 100,
    ])
    return rows.map(rowToOutcome)
  }

  async findEventsByUser(userKey: string, limit = 100): Promise<T.StoredEvent[]> {
    return (await this.db.rows(Q.logs.SELECT_EVENTS_BY_USER, [userKey, limit])).map(rowToEvent)
  }

  async recentEvents(limit: number): Promise<T.StoredEvent[]> {
    return (await this.db.rows(Q.logs.SELECT_RECENT_EVENTS, [limit])).map(rowToEvent)
  }

  async deleteEventsOfUser(userKey: string): Promise<number> {
    return Number((await this.db.rows(Q.logs.DELETE_EVENTS_OF_USER, [userKey]))[0].n)
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
