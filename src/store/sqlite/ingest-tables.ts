// The ingest transaction: dedupe keys, events, and (when the caller routes) jobs and routing
// failures, all in one group-committed transaction.
import { StoreError } from '../errors.js'
import { routingFailureOutcome, splitRepeats, toJsonText } from '../rows.js'
import type * as T from '../types.js'
import { BatchInsert } from './batchInsert.js'
import type { SqliteConnection } from './connection.js'
import type { JobInserts } from './inserts.js'
import * as ingestSql from './sql/ingest.js'

export class IngestTables {
  readonly #ingest
  readonly #insertEvents: BatchInsert

  constructor(
    readonly conn: SqliteConnection,
    readonly limits: T.StoreLimits,
    readonly jobs: JobInserts,
  ) {
    this.#ingest = conn.q.ingest
    this.#insertEvents = new BatchInsert(conn.db, ingestSql.INSERT_EVENTS_HEAD, ingestSql.EVENT_COLUMNS)
  }

  async ingest(request: T.IngestRequest): Promise<T.IngestResult> {
    return this.conn.group.run(() => this.#ingestInTransaction(request))
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
      jobCount = this.jobs.run(routing.jobs, receivedAt).length
      if (routing.failures) this.#insertFailures(routing.failures, receivedAt)
    }
    return { accepted, duplicates, jobCount }
  }

  #insertFailures(failures: readonly T.RoutingFailure[], at: number): void {
    const insert = this.#ingest.INSERT_OUTCOME
    for (const f of failures) {
      insert.run(routingFailureOutcome(f, at))
    }
  }
}
