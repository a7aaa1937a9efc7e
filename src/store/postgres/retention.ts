// Retention: deletes old events, dedupe keys, outcomes and attempts by age and by size/row caps, in
// chunks so that no statement holds locks for long.
import type * as T from '../types.js'
import { Q, type PgConnection, type Statement } from './connection.js'

const PRUNE_CHUNK = 5000

export class Retention {
  constructor(
    readonly db: PgConnection,
    readonly limits: T.StoreLimits,
  ) {}

  async #deleteInChunks(stmt: Statement, first: unknown, more: unknown[] = []): Promise<number> {
    let total = 0
    for (;;) {
      const changes = await this.db.count(stmt, [first, PRUNE_CHUNK, ...more])
      total += changes
      if (changes < PRUNE_CHUNK) return total
    }
  }

  async prune(options: { now?: number } = {}): Promise<T.PruneResult> {
    const now = options.now ?? Date.now()
    const p = Q.prune
    const l = this.limits
    let events = await this.#deleteInChunks(p.CHUNK_DELETE_EVENTS_BEFORE, now - l.eventRetentionMs)
    const [sizeCut] = await this.db.rows(p.EVENTS_SIZE_CUTOFF_ID, [l.maxEventBytes])
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
    const [rowCut] = await this.db.rows(p.OUTCOMES_ROWS_CUTOFF_ID, [l.maxOutcomeRows])
    if (rowCut) outcomes += await this.#deleteInChunks(p.CHUNK_DELETE_OUTCOMES_UP_TO_ID, rowCut.id)

    let attempts = 0
    const [attemptRowCut] = await this.db.rows(p.ATTEMPTS_ROWS_CUTOFF_ID, [l.maxAttemptRows])
    if (attemptRowCut) attempts += await this.db.count(p.DELETE_ATTEMPTS_UP_TO_ID, [attemptRowCut.id])
    const [attemptByteCut] = await this.db.rows(p.ATTEMPTS_BYTES_CUTOFF_ID, [l.maxAttemptBytes])
    if (attemptByteCut) attempts += await this.db.count(p.DELETE_ATTEMPTS_UP_TO_ID, [attemptByteCut.id])

    return { events, dedupeKeys, outcomes, attempts }
  }
}
