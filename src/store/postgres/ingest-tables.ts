// The event log (PostgreSQL): ingest (dedupe keys and events, one transaction per request) and
// delivery's reads of it in id order.
//
// Why ingest takes a lock: a sequence hands ids out when rows are inserted, but transactions commit
// in any order. Without care, a transaction holding ids 1–100 could commit after one holding
// 101–200, and a reader that had already seen 200 would move its cursor past 1–100 for good. So the
// id-taking part is serialised: after claiming its dedupe keys (row locks, taken first so that two
// requests with the same messageId cannot deadlock with this lock) a transaction takes a
// transaction-level advisory lock, inserts its events and commits, which releases the lock only
// once the commit is visible. Ids are therefore taken and committed one transaction after the other,
// and a reader that sees id n sees every committed id below it (a rolled-back transaction leaves a
// gap that nothing fills later). The events' sequence is at CACHE 1: a cached range per connection
// would hand out ids out of order whatever the lock. The lock is held for one insert statement and
// the commit; the dedupe work, parsing and everything else of a request run outside it.
import { StoreError } from '../errors.js'
import { rawRowToEvent, splitRepeats, toJsonText } from '../rows.js'
import type * as T from '../types.js'
import { Q, type PgConnection, type Queryable } from './connection.js'

export class IngestTables {
  constructor(
    readonly db: PgConnection,
    readonly limits: T.StoreLimits,
  ) {}

  async readLog(afterId: number, limit: number): Promise<T.StoredEvent[]> {
    return (await this.db.arrays(Q.ingest.READ_LOG, [afterId, limit])).map(rawRowToEvent)
  }

  async logHead(): Promise<number> {
    return Number((await this.db.rows(Q.ingest.LOG_HEAD, []))[0].id)
  }

  async ingest(req: T.IngestRequest): Promise<T.IngestResult> {
    return this.db.transaction(async (client) => {
      const { kept, duplicates } =
        req.replay === undefined ? await this.#claimDedupeKeys(req, client) : everyEventKept(req.events)
      if (kept.length === 0) return { accepted: [], duplicates }
      const events = kept.map((i) => req.events[i])
      await this.db.rows(Q.ingest.LOCK_EVENT_LOG, [], client)
      const rows = await this.db.rows(
        req.replay === undefined ? Q.ingest.INSERT_EVENTS_LINKING_KEYS : Q.ingest.INSERT_REPLAYED_EVENTS,
        [
          req.sourceId,
          req.receivedAt,
          req.revision,
          req.replay?.destinationId ?? null,
          events.map((e) => e.messageId),
          events.map((e) => e.size),
          events.map((e) => e.userKey ?? null),
          events.map((e) => toJsonText(e.body)),
          events.map((e) => e.replayOf ?? null),
        ],
        client,
      )
      // Rows come back in id order, which is the events' order (inserted in that order under the lock).
      const accepted: T.AcceptedEvent[] = kept.map((index, i) => {
        const row = rows[i]
        if (row === undefined || row.message_id !== req.events[index].messageId) {
          throw new StoreError('conflict', 'Event ids were not assigned in request order; ingest rolled back')
        }
        return { index, messageId: req.events[index].messageId, eventId: Number(row.id) }
      })
      return { accepted, duplicates }
    })
  }

  /** Claims a dedupe key per first occurrence of a messageId; repeats and keys seen in the window are duplicates. */
  async #claimDedupeKeys(
    req: T.IngestRequest,
    client: Queryable,
  ): Promise<{ kept: number[]; duplicates: string[] }> {
    const { firsts, repeats } = splitRepeats(req.events)
    const duplicates = repeats
    if (firsts.length === 0) return { kept: [], duplicates }
    const rows = await this.db.rows(
      Q.ingest.CLAIM_DEDUPE_KEYS,
      [
        req.sourceId,
        req.receivedAt,
        firsts.map((i) => req.events[i].messageId),
        req.receivedAt - this.limits.dedupeWindowMs,
      ],
      client,
    )
    const fresh = new Set(rows.map((r) => String(r.message_id)))
    const kept: number[] = []
    for (const i of firsts) {
      if (fresh.has(req.events[i].messageId)) kept.push(i)
      else duplicates.push(req.events[i].messageId)
    }
    return { kept, duplicates }
  }
}

function everyEventKept(events: readonly T.IngestEvent[]): { kept: number[]; duplicates: string[] } {
  return { kept: events.map((_, index) => index), duplicates: [] }
}
