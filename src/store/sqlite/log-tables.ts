// Delivery logs: outcome counters, item history, event lookups, and the attempts log.
import {
  rowToAttempt,
  rowToDeadLetter,
  rowToEvent,
  rowToOutcome,
  rowToOutcomeCount,
  rowToParked,
  type Row,
} from '../rows.js'
import type * as T from '../types.js'
import type { SqliteConnection } from './connection.js'

const MINUTE = 60_000

export class LogTables {
  readonly #logs

  constructor(
    readonly conn: SqliteConnection,
    readonly limits: T.StoreLimits,
  ) {
    this.#logs = conn.q.logs
  }

  async outcomeCounts(q: T.OutcomeCountQuery): Promise<T.OutcomeCount[]> {
    const rows = this.#logs.OUTCOME_COUNTS.all({
      from: q.from,
      to: q.to,
      bucketMs: Math.max(MINUTE, Math.round(q.bucketMs / MINUTE) * MINUTE),
      destinationId: q.destinationId ?? null,
    }) as Row[]
    return rows.map(rowToOutcomeCount)
  }

  async lookupEvent(messageId: string): Promise<T.EventLookup> {
    const logs = this.#logs
    const events = (logs.SELECT_EVENTS_BY_MESSAGE.all(messageId) as Row[]).map(rowToEvent)
    if (events.length === 0) {
      return { events, outcomes: [], parked: [], deadLetters: [], attempts: [], cursors: [] }
    }
    const ids = JSON.stringify(events.map((e) => e.id))
    const attempts: T.Attempt[] = []
    for (const event of events) {
      const around = (logs.SELECT_ATTEMPTS_AROUND_EVENT.all({ eventId: event.id }) as Row[]).map(rowToAttempt)
      for (const attempt of around) if (attempt.eventIds.includes(event.id)) attempts.push(attempt)
    }
    attempts.sort((a, b) => a.id - b.id)
    return {
      events,
      outcomes: (logs.SELECT_OUTCOMES_OF_EVENTS.all(ids) as Row[]).map(rowToOutcome),
      parked: (logs.SELECT_PARKED_OF_EVENTS.all(ids) as Row[]).map(rowToParked),
      deadLetters: (logs.SELECT_DEAD_LETTERS_OF_EVENTS.all(ids) as Row[]).map(rowToDeadLetter),
      attempts: dedupeById(attempts),
      cursors: (this.conn.q.delivery.SELECT_CURSORS.all() as Row[]).map((r) => ({
        destinationId: String(r.destination_id),
        cursor: Number(r.position),
      })),
    }
  }

  async listOutcomes(q: T.OutcomeQuery = {}): Promise<T.Outcome[]> {
    const rows = this.#logs.SELECT_OUTCOMES.all({
      destinationId: q.destinationId ?? null,
      outcome: q.outcome ?? null,
      messageId: q.messageId ?? null,
      before: q.before ?? null,
      limit: q.limit ?? 100,
    }) as Row[]
    return rows.map(rowToOutcome)
  }

  async findEventsByUser(userKey: string, limit = 100): Promise<T.StoredEvent[]> {
    return (this.#logs.SELECT_EVENTS_BY_USER.all(userKey, limit) as Row[]).map(rowToEvent)
  }

  async recentEvents(limit: number): Promise<T.StoredEvent[]> {
    return (this.#logs.SELECT_RECENT_EVENTS.all(limit) as Row[]).map(rowToEvent)
  }

  async deleteEventsOfUser(userKey: string): Promise<number> {
    return this.conn.write(() => {
      this.#logs.DELETE_OUTCOMES_OF_USER_EVENTS.run(userKey)
      return this.#logs.DELETE_EVENTS_OF_USER.run(userKey).changes
    })
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

function dedupeById(attempts: T.Attempt[]): T.Attempt[] {
  return attempts.filter((a, i) => i === 0 || attempts[i - 1].id !== a.id)
}
