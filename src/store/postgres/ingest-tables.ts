// Ingest: one transaction per request claims the dedupe keys, stores the new events, links the keys
// to them, and inserts the routed jobs and routing failures.
import { routingFailureOutcome, splitRepeats, toJsonText } from '../rows.js'
import type * as T from '../types.js'
import { Q, type PgConnection } from './connection.js'
import { insertJobs, insertOutcomes } from './inserts.js'

export class IngestTables {
  constructor(
    readonly db: PgConnection,
    readonly limits: T.StoreLimits,
  ) {}

  async ingest(req: T.IngestRequest): Promise<T.IngestResult> {
    const { sourceId, receivedAt } = req
    const { firsts, repeats } = splitRepeats(req.events)
    return this.db.transaction(async (client) => {
      const candidates = firsts.map((i) => req.events[i].messageId)
      const fresh = new Set<string>()
      if (candidates.length > 0) {
        const rows = await this.db.rows(
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
        const rows = await this.db.rows(
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
        await this.db.count(
          Q.ingest.LINK_DEDUPE_KEYS,
          [sourceId, accepted.map((a) => a.messageId), accepted.map((a) => a.eventId)],
          client,
        )
      }
      let jobCount = 0
      if (req.route && accepted.length > 0) {
        const routing = req.route(accepted)
        jobCount = (await insertJobs(this.db, routing.jobs, receivedAt, client)).length
        if (routing.failures && routing.failures.length > 0) {
          await insertOutcomes(
            this.db,
            routing.failures.map((f) => routingFailureOutcome(f, receivedAt)),
            client,
          )
        }
      }
      return { accepted, duplicates, jobCount }
    })
  }
}
