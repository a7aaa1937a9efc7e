// The event log: ingest (dedupe keys and events, one group-committed transaction per request) and
// delivery's reads of it in id order. One writer at a time, so ids are committed in order and a
// reader that saw id n has seen every id below it.
import { StoreError } from '../errors.js'
import { rawRowToEvent, splitRepeats, toJsonText } from '../rows.js'
import type * as T from '../types.js'
import { BatchInsert } from './batchInsert.js'
import type { SqliteConnection } from './connection.js'
import * as ingestSql from './sql/ingest.js'

export class IngestTables {
  readonly #ingest
  readonly #insertEvents: BatchInsert

  constructor(
    readonly conn: SqliteConnection,
    readonly limits: T.StoreLimits,
  ) {
    this.#ingest = conn.q.ingest
    this.#insertEvents = new BatchInsert(conn.db, ingestSql.INSERT_EVENTS_HEAD, ingestSql.EVENT_COLUMNS)
  }

  async ingest(request: T.IngestRequest): Promise<T.IngestResult> {
    return this.conn.group.run(() => this.#ingestInTransaction(request))
  }

  async readLog(afterId: number, limit: number): Promise<T.StoredEvent[]> {
    const rows = this.#ingest.READ_LOG.all(afterId, limit) as unknown[][]
    return rows.map(rawRowToEvent)
  }

  async logHead(): Promise<number> {
    return Number((this.#ingest.LAST_EVENT_ID.get() as { id: number }).id)
  }

  #ingestInTransaction(req: T.IngestRequest): T.IngestResult {
    const { sourceId, receivedAt, revision } = req
    const events = req.events
    const firstEventId = Number((this.#ingest.LAST_EVENT_ID.get() as { id: number }).id) + 1
    const { fresh, duplicates } =
      req.replay === undefined ? this.#claimDedupeKeys(req, firstEventId) : everyEventFresh(events)
    const replayTarget = req.replay?.destinationId ?? null
    const eventIds = this.#insertEvents.run(fresh.length, (row, values, at) => {
      const event = events[fresh[row]]
      values[at] = sourceId
      values[at + 1] = event.messageId
      values[at + 2] = receivedAt
      values[at + 3] = event.size
      values[at + 4] = event.userKey ?? null
      values[at + 5] = toJsonText(event.body)
      values[at + 6] = revision
      values[at + 7] = replayTarget
      values[at + 8] = event.replayOf ?? null
    })
    if (fresh.length > 0 && eventIds[0] !== firstEventId) {
      // The dedupe keys point at predicted ids; a mismatch must never be committed.
      throw new StoreError('conflict', 'Event ids were not assigned as predicted; ingest rolled back')
    }
    const accepted: T.AcceptedEvent[] = new Array(fresh.length)
    for (let i = 0; i < fresh.length; i++) {
      accepted[i] = { index: fresh[i], messageId: events[fresh[i]].messageId, eventId: eventIds[i] }
    }
    return { accepted, duplicates }
  }

  /** Claims a dedupe key per first occurrence of a messageId; repeats and keys seen in the window are duplicates. */
  #claimDedupeKeys(req: T.IngestRequest, firstEventId: number): { fresh: number[]; duplicates: string[] } {
    const { firsts, repeats } = splitRepeats(req.events)
    const duplicates = repeats
    const cutoff = req.receivedAt - this.limits.dedupeWindowMs
    const claimKey = this.#ingest.CLAIM_DEDUPE_KEY
    const fresh: number[] = []
    for (const index of firsts) {
      const messageId = req.events[index].messageId
      const eventId = firstEventId + fresh.length
      if (claimKey.run(messageId, req.sourceId, req.receivedAt, eventId, cutoff).changes === 0) {
        duplicates.push(messageId)
      } else {
        fresh.push(index)
      }
    }
    return { fresh, duplicates }
  }
}

function everyEventFresh(events: readonly T.IngestEvent[]): { fresh: number[]; duplicates: string[] } {
  return { fresh: events.map((_, index) => index), duplicates: [] }
}
